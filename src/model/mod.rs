//! The data model: an [`Event`] coded from a news text, its ACLED type, and its GeoJSON form.
//!
//! Everything downstream (store, API, page) speaks these types; the GeoJSON feature written by
//! [`Event::to_feature`] is the one wire format, read back by [`Event::from_feature`].

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

mod feature;

use feature::Feature;
pub use feature::{PROPERTIES, Property, PropertyType, property_named};

/// ACLED's event types. The slug is the OGC collection id of the type's layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EventType {
    Battles,
    Protests,
    Riots,
    ExplosionsRemoteViolence,
    ViolenceAgainstCivilians,
    StrategicDevelopments,
}

impl EventType {
    pub const ALL: [EventType; 6] = [
        EventType::Battles,
        EventType::Protests,
        EventType::Riots,
        EventType::ExplosionsRemoteViolence,
        EventType::ViolenceAgainstCivilians,
        EventType::StrategicDevelopments,
    ];

    /// ACLED's label, as in its CSV exports.
    pub fn label(self) -> &'static str {
        match self {
            EventType::Battles => "Battles",
            EventType::Protests => "Protests",
            EventType::Riots => "Riots",
            EventType::ExplosionsRemoteViolence => "Explosions/Remote violence",
            EventType::ViolenceAgainstCivilians => "Violence against civilians",
            EventType::StrategicDevelopments => "Strategic developments",
        }
    }

    /// Stable, URL-safe id of the type's layer.
    pub fn slug(self) -> &'static str {
        match self {
            EventType::Battles => "battles",
            EventType::Protests => "protests",
            EventType::Riots => "riots",
            EventType::ExplosionsRemoteViolence => "explosions-remote-violence",
            EventType::ViolenceAgainstCivilians => "violence-against-civilians",
            EventType::StrategicDevelopments => "strategic-developments",
        }
    }

    /// ACLED's sub-event types of this type.
    pub fn sub_event_types(self) -> &'static [&'static str] {
        match self {
            EventType::Battles => &[
                "Armed clash",
                "Government regains territory",
                "Non-state actor overtakes territory",
            ],
            EventType::Protests => &[
                "Peaceful protest",
                "Protest with intervention",
                "Excessive force against protesters",
            ],
            EventType::Riots => &["Violent demonstration", "Mob violence"],
            EventType::ExplosionsRemoteViolence => &[
                "Chemical weapon",
                "Air/drone strike",
                "Suicide bomb",
                "Shelling/artillery/missile attack",
                "Remote explosive/landmine/IED",
                "Grenade",
            ],
            EventType::ViolenceAgainstCivilians => &[
                "Sexual violence",
                "Attack",
                "Abduction/forced disappearance",
            ],
            EventType::StrategicDevelopments => &[
                "Agreement",
                "Arrests",
                "Change to group/activity",
                "Disrupted weapons use",
                "Headquarters or base established",
                "Looting/property destruction",
                "Non-violent transfer of territory",
                "Other",
            ],
        }
    }

    /// The canonical spelling of `sub` if it is one of this type's sub-event types (case-insensitive).
    pub fn canonical_sub_event_type(self, sub: &str) -> Option<&'static str> {
        self.sub_event_types()
            .iter()
            .copied()
            .find(|s| s.eq_ignore_ascii_case(sub.trim()))
    }

    pub fn from_slug(slug: &str) -> Option<EventType> {
        EventType::ALL.into_iter().find(|t| t.slug() == slug)
    }
}

impl fmt::Display for EventType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

impl FromStr for EventType {
    type Err = String;

    /// Accepts the ACLED label or the slug, case-insensitively.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        EventType::ALL
            .into_iter()
            .find(|t| t.label().eq_ignore_ascii_case(s) || t.slug().eq_ignore_ascii_case(s))
            .ok_or_else(|| {
                format!(
                    "unknown event type {s:?}; expected one of: {}",
                    EventType::ALL.map(|t| t.label()).join(", ")
                )
            })
    }
}

impl Serialize for EventType {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.label())
    }
}

impl<'de> Deserialize<'de> for EventType {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// The column of a type's count where counts are given per type (places, clusters):
/// `events_battles`, `events_violence_against_civilians`…
pub fn events_column(t: EventType) -> String {
    format!("events_{}", t.slug().replace('-', "_"))
}

/// How precisely an event's date is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum TimePrecision {
    #[default]
    Day,
    /// The week is known ("last week"): the date is its Monday.
    Week,
    /// The month is known: the date is its first day.
    Month,
    Year,
}

/// How precisely an event's point is known: the named city, or only its region or country.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum GeoPrecision {
    #[default]
    City,
    Region,
    Country,
}

/// How a count was stated, so a figure is never stronger than the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CountQualifier {
    /// "au moins 18", "at least 18"
    AtLeast,
    /// "plus de 3000", "more than 100"
    MoreThan,
    /// "environ 200", "about 200"
    About,
    /// "jusqu'à 50", "up to 50"
    UpTo,
    /// "plusieurs", "several" (no number)
    Several,
    /// "des dizaines", "dozens" (no number)
    Dozens,
    /// "des centaines", "hundreds" (no number)
    Hundreds,
    /// "des milliers", "thousands" (no number)
    Thousands,
}

impl CountQualifier {
    pub const ALL: [CountQualifier; 8] = [
        CountQualifier::AtLeast,
        CountQualifier::MoreThan,
        CountQualifier::About,
        CountQualifier::UpTo,
        CountQualifier::Several,
        CountQualifier::Dozens,
        CountQualifier::Hundreds,
        CountQualifier::Thousands,
    ];

    /// The name features write (`at_least`…).
    pub fn name(self) -> &'static str {
        match self {
            CountQualifier::AtLeast => "at_least",
            CountQualifier::MoreThan => "more_than",
            CountQualifier::About => "about",
            CountQualifier::UpTo => "up_to",
            CountQualifier::Several => "several",
            CountQualifier::Dozens => "dozens",
            CountQualifier::Hundreds => "hundreds",
            CountQualifier::Thousands => "thousands",
        }
    }
}

/// Which count a qualifier applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CountKind {
    Fatalities,
    Injuries,
    Arrests,
}

/// One dated, located happening coded from one sentence of a text.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// Stable id: the same sentence, place, date and type always get the same id.
    pub id: String,
    pub event_date: Date,
    pub time_precision: TimePrecision,
    pub event_type: EventType,
    pub sub_event_type: String,
    /// Canonical place name (the gazetteer's).
    pub place: String,
    /// The place as the text wrote it (empty when the event fell back to the article's country).
    pub place_as_written: String,
    pub geonameid: Option<u32>,
    pub country_code: String,
    pub admin1: Option<String>,
    pub geo_precision: GeoPrecision,
    /// How sure the choice of place is, 0–1 (`None` for events not coded from text).
    pub geo_confidence: Option<f64>,
    /// Why the place was chosen: `exact`, `alternate`, `folded`, `context`, `capital`, `near`,
    /// `country` (see `gazetteer::PlaceReason`).
    pub geo_reason: Option<String>,
    pub lon: f64,
    pub lat: f64,
    pub fatalities: Option<u32>,
    pub injuries: Option<u32>,
    pub arrests: Option<u32>,
    pub count_qualifiers: BTreeMap<CountKind, CountQualifier>,
    pub actors: Vec<String>,
    /// The source sentence.
    pub notes: String,
    /// File name or URL of the text.
    pub source: String,
    pub lang: String,
    /// Set when the text's own date was impossible and was corrected (e.g. a wrong year).
    pub date_corrected: bool,
    /// Id of the stored article the event came from, when it came from the store.
    pub article_id: Option<i64>,
    /// Set when an analyst corrected the event.
    pub corrected: bool,
    /// The reports that tell this event, in report order, when reports were merged into it
    /// (see `crate::merge`); empty for an event read from one text and not merged.
    pub sources: Vec<EventSource>,
    /// Every distinct fatality figure the sources gave, in report order (empty: not merged).
    pub fatalities_reported: Vec<u32>,
}

/// One report of a merged event: which article told it, and in which sentence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventSource {
    pub article_id: Option<i64>,
    pub source_url: Option<String>,
    pub title: Option<String>,
    pub sentence: String,
}

impl Event {
    /// One of the event's counts with the qualifier the text gave it.
    pub fn count(&self, kind: CountKind) -> (Option<u32>, Option<CountQualifier>) {
        let value = match kind {
            CountKind::Fatalities => self.fatalities,
            CountKind::Injuries => self.injuries,
            CountKind::Arrests => self.arrests,
        };
        (value, self.count_qualifiers.get(&kind).copied())
    }

    /// The RFC 7946 feature: a Point at `[lon, lat]` with the event's properties.
    pub fn to_feature(&self) -> Value {
        serde_json::to_value(Feature::of(self)).unwrap_or(Value::Null)
    }

    /// The feature as JSON text, written without building a JSON tree first.
    pub fn to_feature_json(&self) -> String {
        serde_json::to_string(&Feature::of(self)).unwrap_or_default()
    }

    /// Reads a feature written by [`Event::to_feature`] (or by hand, with the same properties).
    pub fn from_feature(feature: &Value) -> Result<Event, String> {
        let f = Feature::deserialize(feature).map_err(|e| format!("not an event feature: {e}"))?;
        f.into_event()
    }

    /// Reads a feature from its JSON text, without building a JSON tree first.
    pub fn from_feature_json(text: &str) -> Result<Event, String> {
        let f: Feature<'_> =
            serde_json::from_str(text).map_err(|e| format!("not an event feature: {e}"))?;
        f.into_event()
    }

    /// Reads every event of a FeatureCollection.
    pub fn from_feature_collection(collection: &Value) -> Result<Vec<Event>, String> {
        let features = collection
            .get("features")
            .and_then(Value::as_array)
            .ok_or("not a GeoJSON FeatureCollection (no \"features\" array)")?;
        features
            .iter()
            .enumerate()
            .map(|(i, f)| Event::from_feature(f).map_err(|e| format!("feature {i}: {e}")))
            .collect()
    }

    /// Reads a FeatureCollection from `reader` one feature at a time, so a large file never sits
    /// in memory as a JSON tree; `each` receives every event in file order.
    pub fn read_feature_collection<R: std::io::Read>(
        reader: R,
        each: impl FnMut(Event),
    ) -> Result<usize, String> {
        let mut de = serde_json::Deserializer::from_reader(std::io::BufReader::new(reader));
        let count = serde::de::DeserializeSeed::deserialize(CollectionSeed { each }, &mut de)
            .map_err(|e| e.to_string())?;
        de.end().map_err(|e| e.to_string())?;
        Ok(count)
    }

    /// A FeatureCollection of `events`.
    pub fn feature_collection(events: &[Event]) -> Value {
        json!({
            "type": "FeatureCollection",
            "features": events.iter().map(Event::to_feature).collect::<Vec<_>>(),
        })
    }

    /// Deterministic id from what identifies an event: its source, sentence, date, place and type.
    pub fn stable_id(source: &str, sentence: &str, date: Date, place: &str, kind: &str) -> String {
        SentenceIds::new(source, sentence).id(date, place, kind)
    }
}

/// [`Event::stable_id`] for the events of one sentence: the source and the sentence, most of
/// what is hashed, are hashed once for all of them.
#[derive(Clone)]
pub struct SentenceIds(sha2::Sha256);

impl SentenceIds {
    pub fn new(source: &str, sentence: &str) -> SentenceIds {
        use sha2::Digest;
        let mut h = sha2::Sha256::new();
        for part in [source, sentence] {
            h.update(part.as_bytes());
            h.update([0u8]);
        }
        SentenceIds(h)
    }

    /// The id of the sentence's event of this date, place and type.
    pub fn id(&self, date: Date, place: &str, kind: &str) -> String {
        self.id_of_parts(date, place, &[kind])
    }

    /// [`SentenceIds::id`] of an event of ACLED type `event_type` and sub-event type `sub`:
    /// the kind hashed is "Type: sub", written part by part (the same bytes, no string made).
    pub fn event_id(&self, date: Date, place: &str, event_type: EventType, sub: &str) -> String {
        self.id_of_parts(date, place, &[event_type.label(), ": ", sub])
    }

    /// The id of a kind written in `kind_parts`, hashed one after the other.
    fn id_of_parts(&self, date: Date, place: &str, kind_parts: &[&str]) -> String {
        use sha2::Digest;
        // Called for every candidate event: hash the date's usual text form without allocating
        // (same bytes as `Date`'s Display, so ids stay what they were).
        let mut day = [0u8; 10];
        let (y, m, d) = (date.year(), date.month(), date.day());
        let day: Cow<'_, [u8]> = if (0..=9999).contains(&y) {
            let digits = |n: i32, out: &mut [u8]| {
                let mut n = n;
                for slot in out.iter_mut().rev() {
                    *slot = b'0' + (n % 10) as u8;
                    n /= 10;
                }
            };
            digits(i32::from(y), &mut day[0..4]);
            day[4] = b'-';
            digits(i32::from(m), &mut day[5..7]);
            day[7] = b'-';
            digits(i32::from(d), &mut day[8..10]);
            Cow::Borrowed(&day[..])
        } else {
            Cow::Owned(date.to_string().into_bytes())
        };
        let mut h = self.0.clone();
        for part in [&*day, place.as_bytes()] {
            h.update(part);
            h.update([0u8]);
        }
        for part in kind_parts {
            h.update(part.as_bytes());
        }
        h.update([0u8]);
        let digest = h.finalize();
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut id = String::with_capacity(15);
        id.push_str("ev-");
        for b in &digest[..6] {
            id.push(HEX[usize::from(b >> 4)] as char);
            id.push(HEX[usize::from(b & 15)] as char);
        }
        id
    }
}

/// Streams the `features` of a FeatureCollection into a callback (see
/// [`Event::read_feature_collection`]).
struct CollectionSeed<F> {
    each: F,
}

impl<'de, F: FnMut(Event)> serde::de::DeserializeSeed<'de> for CollectionSeed<F> {
    type Value = usize;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<usize, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de, F: FnMut(Event)> serde::de::Visitor<'de> for CollectionSeed<F> {
    type Value = usize;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a GeoJSON FeatureCollection")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(mut self, mut map: A) -> Result<usize, A::Error> {
        let mut count = None;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "features" => {
                    count = Some(map.next_value_seed(FeaturesSeed {
                        each: &mut self.each,
                    })?)
                }
                "type" => {
                    let kind: String = map.next_value()?;
                    if kind != "FeatureCollection" {
                        return Err(serde::de::Error::custom(format!(
                            "expected a FeatureCollection, found a {kind}"
                        )));
                    }
                }
                _ => {
                    map.next_value::<serde::de::IgnoredAny>()?;
                }
            }
        }
        count.ok_or_else(|| serde::de::Error::missing_field("features"))
    }
}

struct FeaturesSeed<'a, F> {
    each: &'a mut F,
}

impl<'de, F: FnMut(Event)> serde::de::DeserializeSeed<'de> for FeaturesSeed<'_, F> {
    type Value = usize;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<usize, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de, F: FnMut(Event)> serde::de::Visitor<'de> for FeaturesSeed<'_, F> {
    type Value = usize;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of features")
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<usize, A::Error> {
        let mut n = 0;
        while let Some(feature) = seq.next_element::<Feature>()? {
            let event = feature
                .into_event()
                .map_err(|e| serde::de::Error::custom(format!("feature {n}: {e}")))?;
            (self.each)(event);
            n += 1;
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Event {
        Event {
            id: "ev-1".into(),
            event_date: jiff::civil::date(2022, 1, 5),
            time_precision: TimePrecision::Day,
            event_type: EventType::Riots,
            sub_event_type: "Violent demonstration".into(),
            place: "Almaty".into(),
            place_as_written: "Alma-Ata".into(),
            geonameid: Some(1526384),
            country_code: "KZ".into(),
            admin1: Some("02".into()),
            geo_precision: GeoPrecision::City,
            geo_confidence: Some(0.95),
            geo_reason: Some("alternate".into()),
            lon: 76.92861,
            lat: 43.25667,
            fatalities: Some(18),
            injuries: Some(748),
            arrests: None,
            count_qualifiers: BTreeMap::from([(CountKind::Fatalities, CountQualifier::AtLeast)]),
            actors: vec!["Police Forces of Kazakhstan".into()],
            notes: "Au moins 18 agents tués.".into(),
            source: "seed.txt".into(),
            lang: "fr".into(),
            date_corrected: false,
            article_id: None,
            corrected: false,
            sources: vec![],
            fatalities_reported: vec![],
        }
    }

    #[test]
    fn feature_round_trips() {
        let e = sample();
        let f = e.to_feature();
        assert_eq!(f["geometry"]["coordinates"][0], 76.92861);
        assert_eq!(f["properties"]["event_date"], "2022-01-05");
        assert_eq!(f["properties"]["layer"], "riots");
        assert_eq!(f["properties"]["fatalities_qualifier"], "at_least");
        assert_eq!(f["properties"]["arrests_qualifier"], Value::Null);
        assert_eq!(f["properties"]["actor1"], "Police Forces of Kazakhstan");
        assert_eq!(f["properties"]["actor2"], Value::Null);
        assert_eq!(Event::from_feature(&f).unwrap(), e);
        let mut many = e.clone();
        many.actors = ["A", "B", "C", "D"].map(String::from).to_vec();
        let f = many.to_feature();
        assert_eq!(f["properties"]["assoc_actor_1"], "C; D");
        assert_eq!(Event::from_feature(&f).unwrap(), many);
    }

    #[test]
    fn reads_the_shape_before_flat_properties() {
        let e = sample();
        let mut f = e.to_feature();
        let p = f["properties"].as_object_mut().unwrap();
        for flat in ["fatalities_qualifier", "actor1", "actor2", "assoc_actor_1"] {
            p.remove(flat);
        }
        p.insert("count_qualifiers".into(), json!({"fatalities": "at_least"}));
        p.insert("actors".into(), json!(["Police Forces of Kazakhstan"]));
        assert_eq!(Event::from_feature(&f).unwrap(), e);
    }

    #[test]
    fn every_property_is_a_scalar_written_in_the_table_order() {
        let f = sample().to_feature();
        let properties = f["properties"].as_object().unwrap();
        assert_eq!(properties.len(), PROPERTIES.len());
        for (k, v) in properties {
            assert!(!v.is_object() && !v.is_array(), "{k} is not a scalar");
        }
        // The text keeps the order (a JSON tree sorts its keys).
        let text = sample().to_feature_json();
        let at = |name: &str| text.rfind(&format!("\"{name}\":")).unwrap();
        let positions: Vec<usize> = PROPERTIES.iter().map(|p| at(p.name)).collect();
        assert!(positions.windows(2).all(|w| w[0] < w[1]), "{text}");
    }

    #[test]
    fn stable_ids_hash_the_displayed_date() {
        let id = Event::stable_id(
            "s",
            "a sentence",
            jiff::civil::date(2022, 1, 5),
            "Almaty",
            "Riots",
        );
        assert_eq!(id.len(), 15);
        assert!(id.starts_with("ev-"));
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        for part in ["s", "a sentence", "2022-01-05", "Almaty", "Riots"] {
            h.update(part.as_bytes());
            h.update([0u8]);
        }
        let want: String = h.finalize()[..6]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(id, format!("ev-{want}"));
    }

    #[test]
    fn streams_a_collection() {
        let text = Event::feature_collection(&[sample(), sample()]).to_string();
        let mut seen = Vec::new();
        let n = Event::read_feature_collection(text.as_bytes(), |e| seen.push(e)).unwrap();
        assert_eq!((n, seen.len()), (2, 2));
        assert_eq!(seen[0], sample());
        let err =
            Event::read_feature_collection(&b"{\"type\":\"Feature\"}"[..], |_| {}).unwrap_err();
        assert!(err.contains("FeatureCollection"), "{err}");
    }

    #[test]
    fn rejects_out_of_range_coordinates() {
        let mut f = sample().to_feature();
        f["geometry"]["coordinates"] = json!([200.0, 10.0]);
        assert!(
            Event::from_feature(&f)
                .unwrap_err()
                .contains("out of range")
        );
    }

    #[test]
    fn event_types_are_numbered_in_the_order_of_all() {
        for (i, t) in EventType::ALL.into_iter().enumerate() {
            assert_eq!(t as usize, i);
        }
    }

    #[test]
    fn event_type_parses_label_and_slug() {
        for t in EventType::ALL {
            assert_eq!(t.label().parse::<EventType>().unwrap(), t);
            assert_eq!(t.slug().parse::<EventType>().unwrap(), t);
            assert_eq!(EventType::from_slug(t.slug()), Some(t));
        }
        assert!("Picnic".parse::<EventType>().is_err());
    }
}
