//! Synthetic events for load tests: realistic dates, places drawn from the gazetteer's cities,
//! ACLED types and plausible counts, reproducible from a seed.

use std::collections::BTreeMap;
use std::io::Write;

use jiff::civil::{Date, date};
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};

use crate::gazetteer::{Gazetteer, Place};
use crate::model::{CountKind, CountQualifier, Event, EventType, GeoPrecision, TimePrecision};

/// Days synthetic events are spread over, from this date.
const FIRST_DAY: Date = date(2021, 1, 1);
const SPAN_DAYS: i64 = 730;

/// Makes synthetic events one at a time; the same seed always gives the same events.
pub struct Synth<'g> {
    rng: StdRng,
    cities: Vec<&'g Place>,
    next: u64,
}

impl<'g> Synth<'g> {
    pub fn new(gazetteer: &'g Gazetteer, seed: u64) -> Synth<'g> {
        // Larger cities first so events cluster where news happens, as real data does.
        let mut cities: Vec<&Place> = gazetteer
            .cities()
            .filter(|c| c.population >= 50_000)
            .collect();
        cities.sort_by(|a, b| {
            b.population
                .cmp(&a.population)
                .then(a.geonameid.cmp(&b.geonameid))
        });
        Synth {
            rng: StdRng::seed_from_u64(seed),
            cities,
            next: 0,
        }
    }

    pub fn event(&mut self) -> Event {
        let rng = &mut self.rng;
        let i = self.next;
        self.next += 1;
        // A skewed pick: squaring a uniform number favours the big cities at the front.
        let u: f64 = rng.random();
        let place =
            self.cities[((u * u) * self.cities.len() as f64) as usize % self.cities.len().max(1)];
        let event_type = *EventType::ALL.choose(rng).unwrap_or(&EventType::Protests);
        let sub = *event_type.sub_event_types().choose(rng).unwrap_or(&"Other");
        let day = FIRST_DAY
            .checked_add(jiff::Span::new().days(rng.random_range(0..SPAN_DAYS)))
            .unwrap_or(FIRST_DAY);
        let violent = !matches!(
            event_type,
            EventType::Protests | EventType::StrategicDevelopments
        );
        let fatalities = (violent && rng.random_bool(0.4)).then(|| rng.random_range(1..40));
        let injuries = (violent && rng.random_bool(0.5)).then(|| rng.random_range(1..200));
        let arrests = (!violent && rng.random_bool(0.3)).then(|| rng.random_range(1..500));
        let mut count_qualifiers = BTreeMap::new();
        if fatalities.is_some() && rng.random_bool(0.3) {
            count_qualifiers.insert(CountKind::Fatalities, CountQualifier::AtLeast);
        }
        let notes = format!(
            "Synthetic report {i}: {} ({}) in {} on {day}.",
            event_type.label(),
            sub,
            place.name
        );
        // Jitter within a city so points are distinct, as events at different addresses are;
        // five decimals (about a metre) is the precision GeoNames itself gives.
        let jitter = |rng: &mut StdRng| rng.random_range(-0.02..0.02);
        let round = |x: f64| (x * 1e5).round() / 1e5;
        Event {
            id: format!("syn-{i}"),
            event_date: day,
            time_precision: TimePrecision::Day,
            event_type,
            sub_event_type: sub.to_string(),
            place: place.name.clone(),
            place_as_written: place.name.clone(),
            geonameid: Some(place.geonameid),
            country_code: place.country_code.clone(),
            admin1: place.admin1.clone(),
            geo_precision: GeoPrecision::City,
            geo_confidence: None,
            geo_reason: None,
            lon: round(place.lon + jitter(rng)).clamp(-180.0, 180.0),
            lat: round(place.lat + jitter(rng)).clamp(-90.0, 90.0),
            fatalities,
            injuries,
            arrests,
            count_qualifiers,
            actors: vec![],
            notes,
            source: "synthetic".into(),
            lang: "en".into(),
            date_corrected: false,
            article_id: None,
            corrected: false,
            sources: Vec::new(),
            fatalities_reported: Vec::new(),
        }
    }

    /// Writes `n` events as one GeoJSON FeatureCollection, streaming; `progress` sees each count.
    pub fn write_collection(
        &mut self,
        n: u64,
        out: &mut impl Write,
        mut progress: impl FnMut(u64),
    ) -> std::io::Result<()> {
        out.write_all(b"{\"type\":\"FeatureCollection\",\"features\":[\n")?;
        for i in 0..n {
            if i > 0 {
                out.write_all(b",\n")?;
            }
            serde_json::to_writer(&mut *out, &self.event().to_feature())?;
            progress(i + 1);
        }
        out.write_all(b"\n]}\n")
    }
}
