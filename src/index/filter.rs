//! CQL2 filters on the index's rows: a filter is bound once to the event properties (the data
//! model's table, plus `geometry`), then tested on each candidate row. What the row holds (date,
//! type, place, counts, point) is read directly; the rest is read from the row's stored feature,
//! once per row and only when the filter names such a property.

use std::cell::OnceCell;
use std::sync::Arc;

use jiff::civil::Date;

use super::{BBox, EventQuery, Row, Tables};
use crate::cql2::{
    self, CompareOp, Cql2Error, Expr, Geometry, Instant, Record, Scalar, Spatial, SpatialOp,
    Temporal, TemporalOp, Value,
};
use crate::model::{Event, EventType, GeoPrecision, PROPERTIES, PropertyType, TimePrecision};

/// What a filter can name, in slot order.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Slot {
    Id,
    EventDate,
    TimePrecision,
    EventType,
    SubEventType,
    Layer,
    Place,
    PlaceAsWritten,
    Geonameid,
    CountryCode,
    Admin1,
    GeoPrecision,
    GeoConfidence,
    GeoReason,
    Fatalities,
    Injuries,
    Arrests,
    FatalitiesQualifier,
    InjuriesQualifier,
    ArrestsQualifier,
    Actor1,
    Actor2,
    AssocActor1,
    Notes,
    Source,
    Lang,
    DateCorrected,
    ArticleId,
    Corrected,
    SourcesCount,
    FatalitiesReported,
    Sources,
    Geometry,
}

/// The slots of the feature properties, in the order of [`PROPERTIES`], then the geometry.
const SLOTS: [Slot; 33] = [
    Slot::Id,
    Slot::EventDate,
    Slot::TimePrecision,
    Slot::EventType,
    Slot::SubEventType,
    Slot::Layer,
    Slot::Place,
    Slot::PlaceAsWritten,
    Slot::Geonameid,
    Slot::CountryCode,
    Slot::Admin1,
    Slot::GeoPrecision,
    Slot::GeoConfidence,
    Slot::GeoReason,
    Slot::Fatalities,
    Slot::Injuries,
    Slot::Arrests,
    Slot::FatalitiesQualifier,
    Slot::InjuriesQualifier,
    Slot::ArrestsQualifier,
    Slot::Actor1,
    Slot::Actor2,
    Slot::AssocActor1,
    Slot::Notes,
    Slot::Source,
    Slot::Lang,
    Slot::DateCorrected,
    Slot::ArticleId,
    Slot::Corrected,
    Slot::SourcesCount,
    Slot::FatalitiesReported,
    Slot::Sources,
    Slot::Geometry,
];

/// The slot and type of a property a filter names.
fn queryable(name: &str) -> Option<(usize, cql2::PropertyType)> {
    if name == "geometry" {
        return Some((PROPERTIES.len(), cql2::PropertyType::Geometry));
    }
    let slot = PROPERTIES.iter().position(|p| p.name == name)?;
    let kind = match PROPERTIES[slot].kind {
        PropertyType::String => cql2::PropertyType::String,
        PropertyType::Integer => cql2::PropertyType::Integer,
        PropertyType::Number => cql2::PropertyType::Number,
        PropertyType::Boolean => cql2::PropertyType::Boolean,
        PropertyType::Date => cql2::PropertyType::Date,
    };
    Some((slot, kind))
}

/// A CQL2 filter bound to the event properties. Two filters are equal when written the same,
/// so remembered answers (the places' totals) are found again.
#[derive(Clone)]
pub struct RowFilter {
    text: String,
    filter: Arc<cql2::Filter>,
}

impl std::fmt::Debug for RowFilter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RowFilter({})", self.text)
    }
}

impl PartialEq for RowFilter {
    fn eq(&self, other: &RowFilter) -> bool {
        self.text == other.text
    }
}

impl EventQuery {
    /// Adds the CQL2 filter `expr`: bound to the event properties (an unknown property or a
    /// type that does not fit is an error naming it), and what the index can answer of it
    /// moved into the query's own fields.
    pub fn with_filter(mut self, expr: &Expr) -> Result<EventQuery, Cql2Error> {
        self.filter = Some(RowFilter::bind(expr)?);
        narrow(&mut self, expr);
        Ok(self)
    }
}

impl RowFilter {
    /// Binds `expr` to the event properties: an unknown property or a type that does not fit
    /// is an error naming it.
    pub fn bind(expr: &Expr) -> Result<RowFilter, Cql2Error> {
        let filter = expr.bind(&queryable).map_err(|mut e| {
            if e.message.contains("unknown property") {
                let names: Vec<&str> = PROPERTIES.iter().map(|p| p.name).collect();
                e.message = format!(
                    "{}; the queryables are geometry, {}",
                    e.message,
                    names.join(", ")
                );
            }
            e
        })?;
        Ok(RowFilter {
            text: expr.to_string(),
            filter: Arc::new(filter),
        })
    }

    pub(super) fn matches(&self, row: &Row, tables: &Tables) -> bool {
        let record = RowRecord {
            row,
            tables,
            event: OnceCell::new(),
            associated: OnceCell::new(),
            reported: OnceCell::new(),
            sources: OnceCell::new(),
        };
        self.filter.matches(&record)
    }
}

/// The parts of a filter the index can answer, as fields of a query: what every match of the
/// filter must satisfy (`AND`ed conditions on `event_date`, `geometry`, `event_type`), so the
/// index reads fewer rows; the filter itself is still tested on each of them.
pub(super) fn narrow(q: &mut EventQuery, expr: &Expr) {
    let mut conjuncts = Vec::new();
    flatten(expr, &mut conjuncts);
    for c in conjuncts {
        if let Some((start, end)) = date_bounds(c) {
            q.dates.start = later(q.dates.start, start);
            q.dates.end = earlier(q.dates.end, end);
        }
        if q.bbox.is_none()
            && let Expr::Spatial {
                op: SpatialOp::Intersects | SpatialOp::Within | SpatialOp::Equals,
                left: Spatial::Property(p),
                right: Spatial::Geometry(g),
            } = c
            && p == "geometry"
        {
            q.bbox = bounds(g);
        }
        if let Some(types) = event_types(c) {
            q.types = Some(match q.types.take() {
                Some(had) => had.into_iter().filter(|t| types.contains(t)).collect(),
                None => types,
            });
        }
    }
}

fn flatten<'a>(expr: &'a Expr, out: &mut Vec<&'a Expr>) {
    match expr {
        Expr::And(parts) => parts.iter().for_each(|p| flatten(p, out)),
        other => out.push(other),
    }
}

fn later(a: Option<Date>, b: Option<Date>) -> Option<Date> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.max(y)),
        (x, y) => x.or(y),
    }
}

fn earlier(a: Option<Date>, b: Option<Date>) -> Option<Date> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, y) => x.or(y),
    }
}

/// The day a literal stands for, as the filter compares it with `event_date`.
fn day_of(s: &Scalar) -> Option<Date> {
    match s {
        Scalar::Date(d) => Some(*d),
        Scalar::Timestamp(t) => Some(cql2::utc_day(*t)),
        Scalar::Str(text) => text.get(..10).and_then(|d| d.parse().ok()),
        _ => None,
    }
}

fn instant_day(i: &Instant) -> Date {
    match i {
        Instant::Date(d) => *d,
        Instant::Timestamp(t) => cql2::utc_day(*t),
    }
}

/// The days (start, end; `None` unbounded) a condition on `event_date` allows.
fn date_bounds(c: &Expr) -> Option<(Option<Date>, Option<Date>)> {
    let is_date = |s: &Scalar| matches!(s, Scalar::Property(p) if p == "event_date");
    let next = |d: Date| d.tomorrow().ok();
    let prev = |d: Date| d.yesterday().ok();
    match c {
        Expr::Compare { op, left, right } => {
            let (op, lit) = if is_date(left) {
                (*op, right)
            } else if is_date(right) {
                (flip(*op), left)
            } else {
                return None;
            };
            let d = day_of(lit)?;
            match op {
                CompareOp::Eq => Some((Some(d), Some(d))),
                CompareOp::Ge => Some((Some(d), None)),
                CompareOp::Gt => Some((next(d), None)),
                CompareOp::Le => Some((None, Some(d))),
                CompareOp::Lt => Some((None, prev(d))),
                CompareOp::Ne => None,
            }
        }
        Expr::Between {
            value,
            low,
            high,
            negated: false,
        } if is_date(value) => Some((day_of(low), day_of(high))),
        Expr::Temporal {
            op,
            left: Temporal::Property(p),
            right,
        } if p == "event_date" => {
            let (a, b) = match right {
                Temporal::Instant(i) => (Some(instant_day(i)), Some(instant_day(i))),
                Temporal::Interval(a, b) => {
                    (a.as_ref().map(instant_day), b.as_ref().map(instant_day))
                }
                Temporal::Property(_) => return None,
            };
            match op {
                TemporalOp::Intersects | TemporalOp::Equals | TemporalOp::During => Some((a, b)),
                TemporalOp::After => Some((b.and_then(next), None)),
                TemporalOp::Before => Some((None, a.and_then(prev))),
                _ => None,
            }
        }
        _ => None,
    }
}

fn flip(op: CompareOp) -> CompareOp {
    match op {
        CompareOp::Lt => CompareOp::Gt,
        CompareOp::Le => CompareOp::Ge,
        CompareOp::Gt => CompareOp::Lt,
        CompareOp::Ge => CompareOp::Le,
        other => other,
    }
}

/// A box holding every point of `g` (the filter decides exactly).
fn bounds(g: &Geometry) -> Option<BBox> {
    if let Geometry::BBox([w, s, e, n]) = *g {
        return Some(BBox {
            min_lon: w,
            min_lat: s,
            max_lon: e,
            max_lat: n,
        });
    }
    let mut coords = Vec::new();
    collect_coords(g, &mut coords);
    let first = coords.first()?;
    let mut b = BBox {
        min_lon: first[0],
        min_lat: first[1],
        max_lon: first[0],
        max_lat: first[1],
    };
    for [x, y] in coords {
        b.min_lon = b.min_lon.min(x);
        b.max_lon = b.max_lon.max(x);
        b.min_lat = b.min_lat.min(y);
        b.max_lat = b.max_lat.max(y);
    }
    Some(b)
}

fn collect_coords(g: &Geometry, out: &mut Vec<[f64; 2]>) {
    match g {
        Geometry::Point(c) => out.push(*c),
        Geometry::MultiPoint(cs) | Geometry::LineString(cs) => out.extend(cs),
        Geometry::MultiLineString(ls) | Geometry::Polygon(ls) => {
            ls.iter().for_each(|l| out.extend(l))
        }
        Geometry::MultiPolygon(ps) => ps.iter().flatten().for_each(|l| out.extend(l)),
        Geometry::GeometryCollection(gs) => gs.iter().for_each(|g| collect_coords(g, out)),
        Geometry::BBox([w, s, e, n]) => out.extend([[*w, *s], [*e, *n]]),
    }
}

/// The types a condition on `event_type` allows (`=` or `IN` a list of ACLED labels).
fn event_types(c: &Expr) -> Option<Vec<EventType>> {
    let is_type = |s: &Scalar| matches!(s, Scalar::Property(p) if p == "event_type");
    let label = |s: &Scalar| match s {
        Scalar::Str(l) => EventType::ALL.into_iter().find(|t| t.label() == l),
        _ => None,
    };
    match c {
        Expr::Compare {
            op: CompareOp::Eq,
            left,
            right,
        } if is_type(left) => Some(label(right).into_iter().collect()),
        Expr::Compare {
            op: CompareOp::Eq,
            left,
            right,
        } if is_type(right) => Some(label(left).into_iter().collect()),
        Expr::In {
            value,
            list,
            negated: false,
        } if is_type(value) => Some(list.iter().filter_map(label).collect()),
        _ => None,
    }
}

/// A row as the filter reads it.
struct RowRecord<'a> {
    row: &'a Row,
    tables: &'a Tables,
    /// The whole event, read from the stored feature the first time a slot needs it.
    event: OnceCell<Option<Event>>,
    /// The actors after the first two, joined as the feature writes them.
    associated: OnceCell<Option<String>>,
    /// The `fatalities_reported` and `sources` columns, written the first time a filter names them.
    reported: OnceCell<Option<String>>,
    sources: OnceCell<Option<String>>,
}

impl RowRecord<'_> {
    fn event(&self) -> Option<&Event> {
        self.event
            .get_or_init(|| Event::from_feature_json(&self.row.feature).ok())
            .as_ref()
    }

    fn count(n: Option<u32>) -> Value<'static> {
        n.map_or(Value::Null, |n| Value::Integer(i64::from(n)))
    }

    fn text(s: Option<&str>) -> Value<'_> {
        s.map_or(Value::Null, Value::Str)
    }

    /// The slots only the whole event holds.
    fn event_value(&self, slot: Slot) -> Value<'_> {
        use crate::model::CountKind;
        let Some(e) = self.event() else {
            return Value::Null;
        };
        let qualifier = |kind| {
            e.count(kind)
                .1
                .map_or(Value::Null, |q| Value::Str(q.name()))
        };
        match slot {
            Slot::TimePrecision => Value::Str(match e.time_precision {
                TimePrecision::Day => "day",
                TimePrecision::Week => "week",
                TimePrecision::Month => "month",
                TimePrecision::Year => "year",
            }),
            Slot::PlaceAsWritten => Value::Str(&e.place_as_written),
            Slot::Admin1 => Self::text(e.admin1.as_deref()),
            Slot::GeoPrecision => Value::Str(match e.geo_precision {
                GeoPrecision::City => "city",
                GeoPrecision::Region => "region",
                GeoPrecision::Country => "country",
            }),
            Slot::GeoConfidence => e.geo_confidence.map_or(Value::Null, Value::Number),
            Slot::GeoReason => Self::text(e.geo_reason.as_deref()),
            Slot::FatalitiesQualifier => qualifier(CountKind::Fatalities),
            Slot::InjuriesQualifier => qualifier(CountKind::Injuries),
            Slot::ArrestsQualifier => qualifier(CountKind::Arrests),
            Slot::Actor1 => Self::text(e.actors.first().map(String::as_str)),
            Slot::Actor2 => Self::text(e.actors.get(1).map(String::as_str)),
            Slot::AssocActor1 => {
                let joined = self.associated.get_or_init(|| {
                    e.actors
                        .get(2..)
                        .filter(|r| !r.is_empty())
                        .map(|r| r.join("; "))
                });
                Self::text(joined.as_deref())
            }
            Slot::Notes => Value::Str(&e.notes),
            Slot::Source => Value::Str(&e.source),
            Slot::Lang => Value::Str(&e.lang),
            Slot::DateCorrected => Value::Bool(e.date_corrected),
            Slot::ArticleId => e.article_id.map_or(Value::Null, Value::Integer),
            Slot::Corrected => Value::Bool(e.corrected),
            Slot::SourcesCount => Value::Integer(e.sources.len() as i64),
            Slot::FatalitiesReported => {
                let text = self.reported.get_or_init(|| {
                    let figures: Vec<String> =
                        e.fatalities_reported.iter().map(u32::to_string).collect();
                    (!figures.is_empty()).then(|| figures.join(", "))
                });
                Self::text(text.as_deref())
            }
            Slot::Sources => {
                let text = self.sources.get_or_init(|| {
                    (!e.sources.is_empty())
                        .then(|| serde_json::to_string(&e.sources).unwrap_or_default())
                });
                Self::text(text.as_deref())
            }
            _ => Value::Null,
        }
    }
}

impl Record for RowRecord<'_> {
    fn value(&self, slot: usize) -> Value<'_> {
        let Some(&slot) = SLOTS.get(slot) else {
            return Value::Null;
        };
        let (row, place) = (self.row, &self.tables.places[self.row.place as usize]);
        match slot {
            Slot::Id => Value::Str(&row.id),
            Slot::EventDate => Value::Date(row.date),
            Slot::EventType => Value::Str(row.event_type.label()),
            Slot::SubEventType => {
                Value::Str(&self.tables.sub_event_types[row.sub_event_type as usize])
            }
            Slot::Layer => Value::Str(row.event_type.slug()),
            Slot::Place => Value::Str(&place.name),
            Slot::Geonameid => place
                .geonameid
                .map_or(Value::Null, |g| Value::Integer(i64::from(g))),
            Slot::CountryCode => Value::Str(&place.country_code),
            Slot::Fatalities => Self::count(row.fatalities),
            Slot::Injuries => Self::count(row.injuries),
            Slot::Arrests => Self::count(row.arrests),
            Slot::Geometry => Value::Point([row.lon, row.lat]),
            other => self.event_value(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::DateRange;
    use jiff::civil::date;

    fn planned(filter: &str) -> EventQuery {
        let expr = cql2::parse_text(filter).unwrap();
        EventQuery::default().with_filter(&expr).unwrap()
    }

    /// What every match must satisfy goes to the index; what only some do stays in the filter.
    #[test]
    fn the_index_answers_what_every_match_must_satisfy() {
        let q = planned(
            "event_date >= DATE('2022-01-03') AND event_date < '2022-01-09' AND fatalities > 1",
        );
        assert_eq!(
            (q.dates.start, q.dates.end),
            (Some(date(2022, 1, 3)), Some(date(2022, 1, 8)))
        );
        let q = planned(
            "T_AFTER(event_date, INTERVAL('2022-01-01', '2022-01-04')) AND S_INTERSECTS(geometry, POLYGON((60 40, 80 40, 80 50, 60 40)))",
        );
        assert_eq!(q.dates.start, Some(date(2022, 1, 5)));
        let b = q.bbox.unwrap();
        assert_eq!(
            [b.min_lon, b.min_lat, b.max_lon, b.max_lat],
            [60.0, 40.0, 80.0, 50.0]
        );
        let q = planned(
            "event_type IN ('Riots', 'Protests') AND (event_type = 'Riots' OR fatalities > 3)",
        );
        assert_eq!(q.types, Some(vec![EventType::Riots, EventType::Protests]));
        // An OR, a NOT or a !=: nothing every match satisfies, the index reads everything.
        for filter in [
            "event_date > '2022-01-03' OR fatalities > 1",
            "NOT (event_date < '2022-01-03')",
            "event_date <> '2022-01-03'",
        ] {
            let q = planned(filter);
            assert_eq!(
                (q.dates, q.bbox, q.types),
                (DateRange::default(), None, None),
                "{filter}"
            );
            assert!(q.filter.is_some());
        }
    }

    /// The slots follow the property table, so a slot reads the property the filter named.
    #[test]
    fn slots_follow_the_property_table() {
        assert_eq!(SLOTS.len(), PROPERTIES.len() + 1);
        for (p, slot) in PROPERTIES.iter().zip(SLOTS) {
            let camel: String = p
                .name
                .split('_')
                .map(|w| {
                    let mut c = w.chars();
                    c.next()
                        .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                        .unwrap_or_default()
                })
                .collect();
            assert_eq!(format!("{slot:?}"), camel, "{}", p.name);
        }
        assert_eq!(SLOTS[PROPERTIES.len()], Slot::Geometry);
    }
}
