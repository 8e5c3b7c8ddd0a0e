//! The in-memory event index the API reads: events sorted by (date, id), an R-tree over their
//! points, per-type date-sorted postings, and each event's GeoJSON pre-serialised.
//!
//! An index is immutable once built; writers build a new one and swap it in (see `api`), so a
//! reader never waits on a write and always sees one consistent snapshot.

use std::collections::HashMap;

use jiff::civil::Date;
use rstar::primitives::GeomWithData;
use rstar::{AABB, RTree};

use crate::model::{Event, EventType};

/// Inclusive range of whole days; `None` is an open end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DateRange {
    pub start: Option<Date>,
    pub end: Option<Date>,
}

impl DateRange {
    pub fn contains(&self, d: Date) -> bool {
        self.start.is_none_or(|s| d >= s) && self.end.is_none_or(|e| d <= e)
    }
}

/// A longitude/latitude box in CRS84. `min_lon > max_lon` means it crosses the antimeridian.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BBox {
    pub min_lon: f64,
    pub min_lat: f64,
    pub max_lon: f64,
    pub max_lat: f64,
}

impl BBox {
    pub fn contains(&self, lon: f64, lat: f64) -> bool {
        let in_lat = lat >= self.min_lat && lat <= self.max_lat;
        let in_lon = if self.min_lon <= self.max_lon {
            lon >= self.min_lon && lon <= self.max_lon
        } else {
            lon >= self.min_lon || lon <= self.max_lon
        };
        in_lat && in_lon
    }

    /// The box as one or two R-tree envelopes (two when it crosses the antimeridian).
    fn envelopes(&self) -> Vec<AABB<[f64; 2]>> {
        let span = |a: f64, b: f64| AABB::from_corners([a, self.min_lat], [b, self.max_lat]);
        if self.min_lon <= self.max_lon {
            vec![span(self.min_lon, self.max_lon)]
        } else {
            vec![span(self.min_lon, 180.0), span(-180.0, self.max_lon)]
        }
    }
}

/// Which places a query keeps: canonical names (lower-cased) or GeoNames ids.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PlaceFilter {
    pub names: Vec<String>,
    pub geonameids: Vec<u32>,
}

/// Everything a request can filter events by. Empty fields keep everything.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EventQuery {
    pub dates: DateRange,
    pub bbox: Option<BBox>,
    /// Types to keep; `None` keeps all.
    pub types: Option<Vec<EventType>>,
    pub sub_event_type: Option<String>,
    pub place: Option<PlaceFilter>,
    pub country_code: Option<String>,
    pub min_fatalities: Option<u32>,
}

/// A place events were coded at, shared by all its events.
#[derive(Debug, Clone, PartialEq)]
pub struct PlaceEntry {
    pub name: String,
    pub geonameid: Option<u32>,
    pub country_code: String,
    pub lon: f64,
    pub lat: f64,
}

/// The compact part of an event that queries test, plus its ready-to-send GeoJSON.
#[derive(Debug, Clone)]
pub struct Row {
    pub date: Date,
    pub event_type: EventType,
    pub sub_event_type: Box<str>,
    pub place: u32,
    pub fatalities: Option<u32>,
    pub injuries: Option<u32>,
    pub arrests: Option<u32>,
    pub lon: f64,
    pub lat: f64,
    pub id: Box<str>,
    /// The event as a GeoJSON Feature, serialised once at build time.
    pub feature: Box<str>,
}

type Point = GeomWithData<[f64; 2], u32>;

/// Queries below this many date-range candidates scan them for the bbox instead of asking the
/// R-tree: a short sorted scan beats collecting and re-sorting R-tree hits.
const SCAN_THRESHOLD: usize = 4096;

#[derive(Debug, Default)]
pub struct EventIndex {
    rows: Vec<Row>,
    places: Vec<PlaceEntry>,
    by_id: HashMap<Box<str>, u32>,
    by_type: HashMap<EventType, Vec<u32>>,
    tree: RTree<Point>,
}

impl EventIndex {
    /// Builds the index. Events with the same id keep the last one given.
    pub fn new(events: impl IntoIterator<Item = Event>) -> EventIndex {
        let mut latest: HashMap<String, Event> = HashMap::new();
        for e in events {
            latest.insert(e.id.clone(), e);
        }
        let mut events: Vec<Event> = latest.into_values().collect();
        events.sort_by(|a, b| (a.event_date, &a.id).cmp(&(b.event_date, &b.id)));

        let mut places: Vec<PlaceEntry> = Vec::new();
        let mut place_ids: HashMap<(Option<u32>, String, String), u32> = HashMap::new();
        let mut rows = Vec::with_capacity(events.len());
        for e in &events {
            let key = (e.geonameid, e.place.clone(), e.country_code.clone());
            let place = *place_ids.entry(key).or_insert_with(|| {
                places.push(PlaceEntry {
                    name: e.place.clone(),
                    geonameid: e.geonameid,
                    country_code: e.country_code.clone(),
                    lon: e.lon,
                    lat: e.lat,
                });
                (places.len() - 1) as u32
            });
            rows.push(Row {
                date: e.event_date,
                event_type: e.event_type,
                sub_event_type: e.sub_event_type.as_str().into(),
                place,
                fatalities: e.fatalities,
                injuries: e.injuries,
                arrests: e.arrests,
                lon: e.lon,
                lat: e.lat,
                id: e.id.as_str().into(),
                feature: e.to_feature().to_string().into_boxed_str(),
            });
        }
        let mut by_type: HashMap<EventType, Vec<u32>> = HashMap::new();
        let mut by_id = HashMap::with_capacity(rows.len());
        let mut points = Vec::with_capacity(rows.len());
        for (pos, row) in rows.iter().enumerate() {
            let pos = pos as u32;
            by_type.entry(row.event_type).or_default().push(pos);
            by_id.insert(row.id.clone(), pos);
            points.push(Point::new([row.lon, row.lat], pos));
        }
        EventIndex {
            rows,
            places,
            by_id,
            by_type,
            tree: RTree::bulk_load(points),
        }
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    pub fn row(&self, pos: u32) -> &Row {
        &self.rows[pos as usize]
    }

    pub fn place(&self, key: u32) -> &PlaceEntry {
        &self.places[key as usize]
    }

    pub fn places(&self) -> &[PlaceEntry] {
        &self.places
    }

    /// Position of the event with this id.
    pub fn position(&self, id: &str) -> Option<u32> {
        self.by_id.get(id).copied()
    }

    /// The event with this id, read back from its stored feature.
    pub fn event(&self, id: &str) -> Option<Event> {
        let row = self.row(self.position(id)?);
        let value: serde_json::Value = serde_json::from_str(&row.feature).ok()?;
        Event::from_feature(&value).ok()
    }

    /// All events in (date, id) order.
    pub fn events(&self) -> impl Iterator<Item = Event> + '_ {
        self.rows.iter().filter_map(|r| {
            let value: serde_json::Value = serde_json::from_str(&r.feature).ok()?;
            Event::from_feature(&value).ok()
        })
    }

    /// Types present, in the canonical order of [`EventType::ALL`].
    pub fn types(&self) -> Vec<EventType> {
        EventType::ALL
            .into_iter()
            .filter(|t| self.by_type.contains_key(t))
            .collect()
    }

    /// Bounding box and first/last date of the events of `layer` (all when `None`).
    pub fn extent(&self, layer: Option<EventType>) -> Option<([f64; 4], Date, Date)> {
        let positions: Box<dyn Iterator<Item = u32>> = match layer {
            Some(t) => Box::new(self.by_type.get(&t)?.iter().copied()),
            None => Box::new(0..self.rows.len() as u32),
        };
        let mut bbox = [
            f64::INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NEG_INFINITY,
        ];
        let mut dates: Option<(Date, Date)> = None;
        for pos in positions {
            let r = self.row(pos);
            bbox = [
                bbox[0].min(r.lon),
                bbox[1].min(r.lat),
                bbox[2].max(r.lon),
                bbox[3].max(r.lat),
            ];
            dates = Some(match dates {
                None => (r.date, r.date),
                Some((a, b)) => (a.min(r.date), b.max(r.date)),
            });
        }
        dates.map(|(a, b)| (bbox, a, b))
    }

    /// Positions of the events matching `q`, in (date, id) order.
    pub fn query(&self, q: &EventQuery) -> Vec<u32> {
        let places = q.place.as_ref().map(|f| self.place_keys(f));
        let keep = |pos: u32| self.residual_matches(self.row(pos), q, places.as_deref());
        let candidates = self.date_candidates(q);
        let total: usize = candidates.iter().map(|s| s.len()).sum();
        let mut out: Vec<u32> = match q.bbox {
            Some(bbox) if total > SCAN_THRESHOLD => {
                let mut hits: Vec<u32> = bbox
                    .envelopes()
                    .into_iter()
                    .flat_map(|env| self.tree.locate_in_envelope(env).map(|p| p.data))
                    .filter(|&pos| {
                        let r = self.row(pos);
                        q.dates.contains(r.date) && self.type_matches(r, q) && keep(pos)
                    })
                    .collect();
                hits.sort_unstable();
                hits.dedup();
                hits
            }
            Some(bbox) => candidates
                .iter()
                .flat_map(|s| s.iter())
                .filter(|&pos| {
                    let r = self.row(pos);
                    bbox.contains(r.lon, r.lat) && keep(pos)
                })
                .collect(),
            None => candidates
                .iter()
                .flat_map(|s| s.iter())
                .filter(|&pos| keep(pos))
                .collect(),
        };
        if candidates.len() > 1 && q.bbox.is_none_or(|_| total <= SCAN_THRESHOLD) {
            // Several per-type postings were concatenated: restore the global order.
            out.sort_unstable();
        }
        out
    }

    /// The posting slices (one per requested type, or the whole table) cut to the date range by
    /// binary search: positions follow date order, so a range of days is a contiguous run.
    fn date_candidates(&self, q: &EventQuery) -> Vec<PositionSlice<'_>> {
        let date_of = |pos: u32| self.row(pos).date;
        fn cut<'a>(
            s: PositionSlice<'a>,
            dates: DateRange,
            date_of: &dyn Fn(u32) -> Date,
        ) -> PositionSlice<'a> {
            let lo = match dates.start {
                Some(start) => s.partition_point(|pos| date_of(pos) < start),
                None => 0,
            };
            let hi = match dates.end {
                Some(end) => s.partition_point(|pos| date_of(pos) <= end),
                None => s.len(),
            };
            s.sub(lo, hi.max(lo))
        }
        match &q.types {
            None => vec![cut(
                PositionSlice::All(0, self.rows.len() as u32),
                q.dates,
                &date_of,
            )],
            Some(types) => {
                let mut types = types.clone();
                types.sort();
                types.dedup();
                types
                    .iter()
                    .filter_map(|t| self.by_type.get(t))
                    .map(|v| cut(PositionSlice::List(v), q.dates, &date_of))
                    .collect()
            }
        }
    }

    fn type_matches(&self, r: &Row, q: &EventQuery) -> bool {
        q.types.as_ref().is_none_or(|ts| ts.contains(&r.event_type))
    }

    /// The filters no index serves: cheap comparisons on the row.
    fn residual_matches(&self, r: &Row, q: &EventQuery, places: Option<&[u32]>) -> bool {
        q.sub_event_type
            .as_deref()
            .is_none_or(|s| r.sub_event_type.eq_ignore_ascii_case(s))
            && q.min_fatalities
                .is_none_or(|m| r.fatalities.unwrap_or(0) >= m)
            && q.country_code
                .as_deref()
                .is_none_or(|c| self.place(r.place).country_code.eq_ignore_ascii_case(c))
            && places.is_none_or(|keys| keys.contains(&r.place))
    }

    fn place_keys(&self, f: &PlaceFilter) -> Vec<u32> {
        self.places
            .iter()
            .enumerate()
            .filter(|(_, p)| {
                f.names.iter().any(|n| p.name.to_lowercase() == *n)
                    || p.geonameid.is_some_and(|g| f.geonameids.contains(&g))
            })
            .map(|(i, _)| i as u32)
            .collect()
    }
}

/// A sorted run of positions: a range of the whole table or a piece of a per-type posting list.
#[derive(Debug, Clone, Copy)]
enum PositionSlice<'a> {
    All(u32, u32),
    List(&'a [u32]),
}

impl<'a> PositionSlice<'a> {
    fn len(&self) -> usize {
        match self {
            PositionSlice::All(a, b) => (b - a) as usize,
            PositionSlice::List(l) => l.len(),
        }
    }

    fn get(&self, i: usize) -> u32 {
        match self {
            PositionSlice::All(a, _) => a + i as u32,
            PositionSlice::List(l) => l[i],
        }
    }

    fn partition_point(&self, pred: impl Fn(u32) -> bool) -> usize {
        let (mut lo, mut hi) = (0, self.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if pred(self.get(mid)) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo
    }

    fn sub(&self, lo: usize, hi: usize) -> PositionSlice<'a> {
        match *self {
            PositionSlice::All(a, _) => PositionSlice::All(a + lo as u32, a + hi as u32),
            PositionSlice::List(l) => PositionSlice::List(&l[lo..hi]),
        }
    }

    fn iter(self) -> impl Iterator<Item = u32> + 'a {
        let (range, list): (std::ops::Range<u32>, &'a [u32]) = match self {
            PositionSlice::All(a, b) => (a..b, &[]),
            PositionSlice::List(l) => (0..0, l),
        };
        range.chain(list.iter().copied())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{GeoPrecision, TimePrecision};
    use jiff::civil::date;
    use rand::rngs::StdRng;
    use rand::{Rng, SeedableRng};

    fn random_event(i: usize, rng: &mut StdRng) -> Event {
        let event_type = EventType::ALL[rng.random_range(0..6)];
        Event {
            id: format!("e{i:05}"),
            event_date: date(2022, 1, 1)
                .checked_add(jiff::Span::new().days(rng.random_range(0..365)))
                .unwrap(),
            time_precision: TimePrecision::Day,
            event_type,
            sub_event_type: event_type.sub_event_types()[0].into(),
            place: format!("P{}", i % 50),
            place_as_written: String::new(),
            geonameid: None,
            country_code: "KZ".into(),
            admin1: None,
            geo_precision: GeoPrecision::City,
            lon: rng.random_range(-180.0..180.0),
            lat: rng.random_range(-90.0..90.0),
            fatalities: None,
            injuries: None,
            arrests: None,
            count_qualifiers: Default::default(),
            actors: vec![],
            notes: String::new(),
            source: String::new(),
            lang: "en".into(),
            date_corrected: false,
            article_id: None,
            corrected: false,
        }
    }

    /// Large enough that wide date ranges take the R-tree path, narrow ones the scan path.
    #[test]
    fn both_query_paths_agree_with_a_scan() {
        let mut rng = StdRng::seed_from_u64(3);
        let events: Vec<Event> = (0..20_000).map(|i| random_event(i, &mut rng)).collect();
        let index = EventIndex::new(events.clone());
        for _ in 0..200 {
            let a = date(2022, 1, 1)
                .checked_add(jiff::Span::new().days(rng.random_range(0..365)))
                .unwrap();
            let b = a
                .checked_add(jiff::Span::new().days(rng.random_range(0..200)))
                .unwrap();
            let min_lon = rng.random_range(-180.0..180.0);
            let bbox = BBox {
                min_lon,
                min_lat: rng.random_range(-90.0..0.0),
                // Sometimes past 180: wraps to a box across the antimeridian.
                max_lon: {
                    let m: f64 = min_lon + rng.random_range(1.0..120.0);
                    if m > 180.0 { m - 360.0 } else { m }
                },
                max_lat: rng.random_range(0.0..90.0),
            };
            let types = rng
                .random_bool(0.5)
                .then(|| vec![EventType::ALL[rng.random_range(0..6)], EventType::Riots]);
            let q = EventQuery {
                dates: DateRange {
                    start: Some(a),
                    end: Some(b),
                },
                bbox: Some(bbox),
                types: types.clone(),
                ..Default::default()
            };
            let mut expected: Vec<&Event> = events
                .iter()
                .filter(|e| e.event_date >= a && e.event_date <= b && bbox.contains(e.lon, e.lat))
                .filter(|e| types.as_ref().is_none_or(|ts| ts.contains(&e.event_type)))
                .collect();
            expected.sort_by(|x, y| (x.event_date, &x.id).cmp(&(y.event_date, &y.id)));
            let got: Vec<&str> = index
                .query(&q)
                .into_iter()
                .map(|p| &*index.row(p).id)
                .collect();
            let want: Vec<&str> = expected.iter().map(|e| e.id.as_str()).collect();
            assert_eq!(got, want, "{q:?}");
        }
    }

    #[test]
    fn duplicate_ids_keep_the_last_event() {
        let mut rng = StdRng::seed_from_u64(1);
        let first = random_event(1, &mut rng);
        let mut second = first.clone();
        second.notes = "corrected".into();
        let index = EventIndex::new(vec![first, second]);
        assert_eq!(index.len(), 1);
        assert_eq!(index.event("e00001").unwrap().notes, "corrected");
    }
}
