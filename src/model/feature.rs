//! The GeoJSON form of an [`Event`]: flat, typed properties (every one a scalar, present in every
//! feature, `null` when unknown), so GIS clients that guess a column's type from the first
//! features, and file formats without nested values (Shapefile, CSV, GeoPackage), read every
//! layer as it is. [`PROPERTIES`] describes them once for the schema, the queryables and filters.
//!
//! Features written before the flat shape (a `count_qualifiers` object, an `actors` array) are
//! still read, so old stores and files load and migrate.

use std::borrow::Cow;
use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::{CountKind, CountQualifier, Event, EventType, GeoPrecision, TimePrecision};

/// What a property holds, as JSON Schema and CQL2 see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PropertyType {
    String,
    Integer,
    Number,
    Boolean,
    /// A calendar day, written `YYYY-MM-DD`.
    Date,
}

/// One property of an event feature.
#[derive(Debug)]
pub struct Property {
    pub name: &'static str,
    pub kind: PropertyType,
    /// Whether the value may be `null`.
    pub nullable: bool,
    pub title: &'static str,
    /// The values a string takes, when there are few.
    pub values: Option<fn() -> Vec<&'static str>>,
}

const fn property(name: &'static str, kind: PropertyType, title: &'static str) -> Property {
    Property {
        name,
        kind,
        nullable: false,
        title,
        values: None,
    }
}

const fn nullable(name: &'static str, kind: PropertyType, title: &'static str) -> Property {
    Property {
        name,
        kind,
        nullable: true,
        title,
        values: None,
    }
}

const fn one_of(
    name: &'static str,
    values: fn() -> Vec<&'static str>,
    title: &'static str,
) -> Property {
    Property {
        name,
        kind: PropertyType::String,
        nullable: false,
        title,
        values: Some(values),
    }
}

const fn qualifier(name: &'static str, title: &'static str) -> Property {
    Property {
        name,
        kind: PropertyType::String,
        nullable: true,
        title,
        values: Some(qualifier_names),
    }
}

fn qualifier_names() -> Vec<&'static str> {
    CountQualifier::ALL.iter().map(|q| q.name()).collect()
}

use PropertyType::{Boolean, Integer, Number, String as Text};

/// Every property of an event feature, in the order features write them.
pub static PROPERTIES: &[Property] = &[
    property("id", Text, "Stable id of the event"),
    property("event_date", PropertyType::Date, "Day of the event"),
    one_of(
        "time_precision",
        || vec!["day", "week", "month", "year"],
        "How precisely the date is known",
    ),
    one_of(
        "event_type",
        || EventType::ALL.iter().map(|t| t.label()).collect(),
        "ACLED event type",
    ),
    one_of(
        "sub_event_type",
        sub_event_type_names,
        "ACLED sub-event type",
    ),
    one_of(
        "layer",
        || EventType::ALL.iter().map(|t| t.slug()).collect(),
        "Id of the event type's layer",
    ),
    property("place", Text, "Place name (the gazetteer's)"),
    property("place_as_written", Text, "The place as the text wrote it"),
    nullable("geonameid", Integer, "GeoNames id of the place"),
    property("country_code", Text, "ISO 3166-1 alpha-2 country code"),
    nullable("admin1", Text, "First-level administrative division code"),
    one_of(
        "geo_precision",
        || vec!["city", "region", "country"],
        "Whether the point is the place's city, region or country",
    ),
    nullable(
        "geo_confidence",
        Number,
        "How sure the choice of place is, 0 to 1",
    ),
    nullable("geo_reason", Text, "Why the place was chosen"),
    nullable("fatalities", Integer, "People killed"),
    nullable("injuries", Integer, "People injured"),
    nullable("arrests", Integer, "People detained"),
    qualifier(
        "fatalities_qualifier",
        "How the fatalities were stated (at_least, about...)",
    ),
    qualifier("injuries_qualifier", "How the injuries were stated"),
    qualifier("arrests_qualifier", "How the arrests were stated"),
    nullable("actor1", Text, "First actor named"),
    nullable("actor2", Text, "Second actor named"),
    nullable(
        "assoc_actor_1",
        Text,
        "Further actors named, separated by '; '",
    ),
    property("notes", Text, "The sentence the event was coded from"),
    property("source", Text, "File name, URL or title of the text"),
    property("lang", Text, "Language of the text"),
    property(
        "date_corrected",
        Boolean,
        "Whether the text's own date was impossible and corrected",
    ),
    nullable(
        "article_id",
        Integer,
        "Id of the stored article the event came from",
    ),
    property(
        "corrected",
        Boolean,
        "Whether an analyst corrected the event",
    ),
    property(
        "sources_count",
        Integer,
        "How many reports (articles) tell the event; 0 when it was read from one text alone",
    ),
    nullable(
        "fatalities_reported",
        Text,
        "Every distinct fatality figure the reports gave, in report order, separated by ', '",
    ),
    nullable(
        "sources",
        Text,
        "The reports as a JSON array of {article_id, source_url, title, sentence}",
    ),
];

fn sub_event_type_names() -> Vec<&'static str> {
    EventType::ALL
        .iter()
        .flat_map(|t| t.sub_event_types().iter().copied())
        .collect()
}

/// The property named `name`.
pub fn property_named(name: &str) -> Option<&'static Property> {
    PROPERTIES.iter().find(|p| p.name == name)
}

/// Actors beyond the first two share one column, as ACLED's associated actors do.
const ACTOR_SEPARATOR: &str = "; ";

/// Properties of the GeoJSON feature, in the order they are written (the order of
/// [`PROPERTIES`]). Strings borrow from the event when writing and own their text when
/// reading, so neither direction copies twice.
#[derive(Serialize, Deserialize)]
pub(super) struct Properties<'a> {
    id: Cow<'a, str>,
    event_date: Date,
    #[serde(default)]
    time_precision: TimePrecision,
    event_type: EventType,
    sub_event_type: Cow<'a, str>,
    /// The type's layer id, so a client can style by it without a lookup table.
    #[serde(default, skip_deserializing)]
    layer: &'static str,
    place: Cow<'a, str>,
    #[serde(default)]
    place_as_written: Cow<'a, str>,
    #[serde(default)]
    geonameid: Option<u32>,
    country_code: Cow<'a, str>,
    #[serde(default)]
    admin1: Option<Cow<'a, str>>,
    #[serde(default)]
    geo_precision: GeoPrecision,
    #[serde(default)]
    geo_confidence: Option<f64>,
    #[serde(default)]
    geo_reason: Option<Cow<'a, str>>,
    #[serde(default)]
    fatalities: Option<u32>,
    #[serde(default)]
    injuries: Option<u32>,
    #[serde(default)]
    arrests: Option<u32>,
    #[serde(default)]
    fatalities_qualifier: Option<CountQualifier>,
    #[serde(default)]
    injuries_qualifier: Option<CountQualifier>,
    #[serde(default)]
    arrests_qualifier: Option<CountQualifier>,
    #[serde(default)]
    actor1: Option<Cow<'a, str>>,
    #[serde(default)]
    actor2: Option<Cow<'a, str>>,
    #[serde(default)]
    assoc_actor_1: Option<Cow<'a, str>>,
    #[serde(default)]
    notes: Cow<'a, str>,
    #[serde(default)]
    source: Cow<'a, str>,
    #[serde(default)]
    lang: Cow<'a, str>,
    #[serde(default)]
    date_corrected: bool,
    #[serde(default)]
    article_id: Option<i64>,
    #[serde(default)]
    corrected: bool,
    /// Written from `sources`; read back from it.
    #[serde(default, skip_deserializing)]
    sources_count: usize,
    #[serde(default)]
    fatalities_reported: Option<Cow<'a, str>>,
    /// JSON text: GIS clients need a flat, typed column, and a string is one.
    #[serde(default)]
    sources: Option<Cow<'a, str>>,
    /// The shape before flat properties: read, never written.
    #[serde(default, skip_serializing)]
    count_qualifiers: Option<BTreeMap<CountKind, CountQualifier>>,
    #[serde(default, skip_serializing)]
    actors: Option<Vec<String>>,
}

/// A GeoJSON Feature as eventmap writes and reads it.
#[derive(Serialize, Deserialize)]
pub(super) struct Feature<'a> {
    #[serde(rename = "type")]
    kind: Cow<'a, str>,
    #[serde(default, skip_deserializing)]
    id: Cow<'a, str>,
    /// The geojson crate checks the geometry's shape (RFC 7946) as it reads it.
    geometry: Option<geojson::Geometry>,
    properties: Option<Properties<'a>>,
}

impl<'a> Feature<'a> {
    pub(super) fn of(e: &'a Event) -> Feature<'a> {
        let actor = |i: usize| e.actors.get(i).map(|a| Cow::Borrowed(a.as_str()));
        let associated = e.actors.get(2..).filter(|rest| !rest.is_empty());
        Feature {
            kind: Cow::Borrowed("Feature"),
            id: Cow::Borrowed(&e.id),
            geometry: Some(geojson::Geometry::new_point([e.lon, e.lat])),
            properties: Some(Properties {
                id: Cow::Borrowed(&e.id),
                event_date: e.event_date,
                time_precision: e.time_precision,
                event_type: e.event_type,
                sub_event_type: Cow::Borrowed(&e.sub_event_type),
                layer: e.event_type.slug(),
                place: Cow::Borrowed(&e.place),
                place_as_written: Cow::Borrowed(&e.place_as_written),
                geonameid: e.geonameid,
                country_code: Cow::Borrowed(&e.country_code),
                admin1: e.admin1.as_deref().map(Cow::Borrowed),
                geo_precision: e.geo_precision,
                geo_confidence: e.geo_confidence,
                geo_reason: e.geo_reason.as_deref().map(Cow::Borrowed),
                fatalities: e.fatalities,
                injuries: e.injuries,
                arrests: e.arrests,
                fatalities_qualifier: e.count_qualifiers.get(&CountKind::Fatalities).copied(),
                injuries_qualifier: e.count_qualifiers.get(&CountKind::Injuries).copied(),
                arrests_qualifier: e.count_qualifiers.get(&CountKind::Arrests).copied(),
                actor1: actor(0),
                actor2: actor(1),
                assoc_actor_1: associated.map(|rest| Cow::Owned(rest.join(ACTOR_SEPARATOR))),
                notes: Cow::Borrowed(&e.notes),
                source: Cow::Borrowed(&e.source),
                lang: Cow::Borrowed(&e.lang),
                date_corrected: e.date_corrected,
                article_id: e.article_id,
                corrected: e.corrected,
                sources_count: e.sources.len(),
                fatalities_reported: (!e.fatalities_reported.is_empty())
                    .then(|| Cow::Owned(figures_text(&e.fatalities_reported))),
                sources: (!e.sources.is_empty())
                    .then(|| Cow::Owned(serde_json::to_string(&e.sources).unwrap_or_default())),
                count_qualifiers: None,
                actors: None,
            }),
        }
    }

    pub(super) fn into_event(self) -> Result<Event, String> {
        if self.kind != "Feature" {
            return Err(format!(
                "not a GeoJSON Feature (\"type\" is {:?})",
                self.kind
            ));
        }
        let (lon, lat) = point(self.geometry)?;
        let p = self
            .properties
            .ok_or("a feature needs the event's properties")?;
        let count_qualifiers = p.qualifiers();
        let actors = p.actor_list();
        let sources = match p.sources.as_deref() {
            None | Some("") => Vec::new(),
            Some(text) => serde_json::from_str(text)
                .map_err(|e| format!("sources is not a JSON array of sources: {e}"))?,
        };
        let fatalities_reported = read_figures(p.fatalities_reported.as_deref())?;
        Ok(Event {
            id: p.id.into_owned(),
            event_date: p.event_date,
            time_precision: p.time_precision,
            event_type: p.event_type,
            sub_event_type: p.sub_event_type.into_owned(),
            place: p.place.into_owned(),
            place_as_written: p.place_as_written.into_owned(),
            geonameid: p.geonameid,
            country_code: p.country_code.into_owned(),
            admin1: p.admin1.map(Cow::into_owned),
            geo_precision: p.geo_precision,
            geo_confidence: p.geo_confidence,
            geo_reason: p.geo_reason.map(Cow::into_owned),
            lon,
            lat,
            fatalities: p.fatalities,
            injuries: p.injuries,
            arrests: p.arrests,
            count_qualifiers,
            actors,
            notes: p.notes.into_owned(),
            source: p.source.into_owned(),
            lang: p.lang.into_owned(),
            date_corrected: p.date_corrected,
            article_id: p.article_id,
            corrected: p.corrected,
            sources,
            fatalities_reported,
        })
    }
}

/// Figures as one text column: "8, 18".
fn figures_text(figures: &[u32]) -> String {
    let texts: Vec<String> = figures.iter().map(u32::to_string).collect();
    texts.join(", ")
}

/// Reads [`figures_text`] back.
fn read_figures(text: Option<&str>) -> Result<Vec<u32>, String> {
    let Some(text) = text.filter(|t| !t.trim().is_empty()) else {
        return Ok(Vec::new());
    };
    text.split(',')
        .map(|n| {
            n.trim()
                .parse::<u32>()
                .map_err(|e| format!("fatalities_reported: {n:?} is not a figure: {e}"))
        })
        .collect()
}

/// The `[lon, lat]` of a Point geometry, checked to lie on the globe.
fn point(geometry: Option<geojson::Geometry>) -> Result<(f64, f64), String> {
    let geometry = geometry.ok_or("a feature needs a Point geometry")?;
    let geojson::GeometryValue::Point { coordinates } = &geometry.value else {
        return Err(format!(
            "a feature needs a Point geometry, not a {}",
            geometry.value.type_name()
        ));
    };
    let (lon, lat) = match coordinates.as_slice() {
        [lon, lat, ..] => (*lon, *lat),
        _ => return Err("a Point needs [lon, lat]".into()),
    };
    if !(-180.0..=180.0).contains(&lon) || !(-90.0..=90.0).contains(&lat) {
        return Err(format!("coordinates [{lon}, {lat}] are out of range"));
    }
    Ok((lon, lat))
}

impl Properties<'_> {
    /// The qualifiers of the flat columns, over those of an old `count_qualifiers` object.
    fn qualifiers(&self) -> BTreeMap<CountKind, CountQualifier> {
        let mut all = self.count_qualifiers.clone().unwrap_or_default();
        let flat = [
            (CountKind::Fatalities, self.fatalities_qualifier),
            (CountKind::Injuries, self.injuries_qualifier),
            (CountKind::Arrests, self.arrests_qualifier),
        ];
        for (kind, q) in flat {
            if let Some(q) = q {
                all.insert(kind, q);
            }
        }
        all
    }

    /// The actors in the order they were named: an old `actors` array, else the columns.
    fn actor_list(&self) -> Vec<String> {
        if let Some(actors) = &self.actors {
            return actors.clone();
        }
        let associated = self.assoc_actor_1.as_deref().unwrap_or("");
        [self.actor1.as_deref(), self.actor2.as_deref()]
            .into_iter()
            .flatten()
            .chain(associated.split(ACTOR_SEPARATOR))
            .filter(|a| !a.is_empty())
            .map(str::to_string)
            .collect()
    }
}
