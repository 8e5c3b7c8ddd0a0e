//! Accuracy as a feature: the extractor scored against events that people coded.
//!
//! This module owns the scoring protocol (`../shared/acled-dev/README.md`): for each gold row,
//! one extraction of its text, then whether some extracted event has the row's date, lies
//! within 50 / 10 km of its point, has both (joint), has its ACLED type on a joint event, and
//! whether the extracted fatalities add up to the row's; plus the share of extracted events
//! more than 100 km off (spurious). [`acled`] reads ACLED-style CSV into [`GoldRow`]s; the
//! scoring here runs the extractor on every core and adds the outcomes up overall, per
//! country and per event type.

pub mod acled;
pub mod texts;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};

use jiff::civil::Date;
use serde::Serialize;

use crate::extract::{self, ArticleText, Lang};
use crate::gazetteer::Gazetteer;
pub use crate::gazetteer::haversine_km;
use crate::model::{Event, EventType};

/// Within this distance an extracted event is at the gold place.
pub const NEAR_KM: f64 = 50.0;
/// Within this distance it is at the very town.
pub const EXACT_KM: f64 = 10.0;
/// Farther than this an extracted event is spurious.
pub const SPURIOUS_KM: f64 = 100.0;

/// One human-coded event and the text it was coded from.
#[derive(Debug, Clone)]
pub struct GoldRow {
    pub id: String,
    /// The date the text is read as published on.
    pub published: Date,
    pub event_date: Date,
    pub event_type: Option<EventType>,
    pub sub_event_type: String,
    pub country: String,
    pub location: String,
    pub lat: f64,
    pub lon: f64,
    pub fatalities: u32,
    pub text: String,
}

impl GoldRow {
    /// Whether the text names the coded location, or one part of "Dhaka - Paltan", as written.
    pub fn names_location(&self) -> bool {
        let text = self.text.to_lowercase();
        std::iter::once(self.location.as_str())
            .chain(self.location.split(" - "))
            .map(str::trim)
            .any(|part| !part.is_empty() && text.contains(&part.to_lowercase()))
    }
}

/// What one row's extraction got right.
#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    pub id: String,
    pub events: usize,
    pub date: bool,
    pub place_near: bool,
    pub place_exact: bool,
    pub joint: bool,
    /// On a joint event, whether one has the row's type (`None` without a joint event).
    pub typed: Option<bool>,
    /// Where the row has deaths, whether the extracted ones add up to them.
    pub fatalities: Option<bool>,
    /// Extracted events more than [`SPURIOUS_KM`] from the row's point.
    pub spurious: usize,
    /// Distance from the row's point to the nearest extracted event, km.
    pub nearest_km: Option<f64>,
}

impl Outcome {
    /// How bad a miss is, for listing the worst rows first: no event at all, then no joint
    /// event with the farthest nearest event first, then wrong types and tolls.
    fn badness(&self) -> (u8, i64) {
        let far = self.nearest_km.map_or(i64::MAX, |km| km as i64);
        match () {
            _ if self.events == 0 => (5, 0),
            _ if !self.joint => (4, far),
            _ if self.spurious > 0 => (3, self.spurious as i64),
            _ if self.typed == Some(false) => (2, 0),
            _ if self.fatalities == Some(false) => (1, 0),
            _ => (0, 0),
        }
    }
}

/// Scores one row against the events extracted from its text.
pub fn score(row: &GoldRow, events: &[Event]) -> Outcome {
    let distance = |e: &Event| haversine_km(row.lat, row.lon, e.lat, e.lon);
    let on_day = |e: &Event| e.event_date == row.event_date;
    let joint: Vec<&Event> = events
        .iter()
        .filter(|e| on_day(e) && distance(e) <= NEAR_KM)
        .collect();
    let nearest_km = events.iter().map(distance).min_by(f64::total_cmp);
    let extracted_deaths: u32 = events.iter().filter_map(|e| e.fatalities).sum();
    Outcome {
        id: row.id.clone(),
        events: events.len(),
        date: events.iter().any(on_day),
        place_near: nearest_km.is_some_and(|km| km <= NEAR_KM),
        place_exact: nearest_km.is_some_and(|km| km <= EXACT_KM),
        joint: !joint.is_empty(),
        typed: (!joint.is_empty())
            .then(|| joint.iter().any(|e| Some(e.event_type) == row.event_type)),
        fatalities: (row.fatalities > 0).then_some(extracted_deaths == row.fatalities),
        spurious: events.iter().filter(|e| distance(e) > SPURIOUS_KM).count(),
        nearest_km,
    }
}

/// A row, its outcome and what was extracted, for reading the misses.
#[derive(Debug, Clone)]
pub struct Scored {
    pub row: GoldRow,
    pub outcome: Outcome,
    pub events: Vec<Event>,
}

/// Extracts every row's text on all cores, in English, as published on its `published`
/// date; `progress` is called once per row done.
pub fn run(
    gazetteer: &Gazetteer,
    rows: Vec<GoldRow>,
    lang: Option<Lang>,
    progress: &(dyn Fn() + Sync),
) -> Vec<Scored> {
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    let next = AtomicUsize::new(0);
    let read = &rows;
    // Each worker takes the next row and keeps what it extracted; the rows themselves are
    // moved into the results afterwards, not copied.
    let done: Vec<Vec<(usize, Outcome, Vec<Event>)>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(row) = read.get(i) else { break };
                        let article = ArticleText {
                            text: &row.text,
                            source: &row.id,
                            published: Some(row.published),
                            lang,
                        };
                        let events = extract::extract(gazetteer, &article)
                            .map(|x| x.events)
                            .unwrap_or_default();
                        done.push((i, score(row, &events), events));
                        progress();
                    }
                    done
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_default())
            .collect()
    });
    let mut extracted: Vec<Option<(Outcome, Vec<Event>)>> = (0..rows.len()).map(|_| None).collect();
    for (i, outcome, events) in done.into_iter().flatten() {
        if let Some(slot) = extracted.get_mut(i) {
            *slot = Some((outcome, events));
        }
    }
    rows.into_iter()
        .zip(extracted)
        .filter_map(|(row, got)| {
            got.map(|(outcome, events)| Scored {
                row,
                outcome,
                events,
            })
        })
        .collect()
}

/// The protocol's measures over a set of rows.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Measures {
    pub rows: usize,
    pub date: f64,
    pub place_50km: f64,
    pub place_10km: f64,
    pub joint: f64,
    /// Share of joint rows whose joint event has the row's type.
    pub event_type: f64,
    /// Share of rows with deaths whose extracted deaths add up to them.
    pub fatalities: f64,
    /// Share of extracted events more than 100 km off.
    pub spurious: f64,
    /// Share of rows with no event.
    pub no_event: f64,
    pub events: usize,
}

impl Measures {
    pub fn of<'a>(outcomes: impl IntoIterator<Item = &'a Outcome>) -> Measures {
        let outcomes: Vec<&Outcome> = outcomes.into_iter().collect();
        let share = |hits: usize, of: usize| {
            if of == 0 {
                0.0
            } else {
                hits as f64 / of as f64
            }
        };
        let count = |f: &dyn Fn(&Outcome) -> bool| outcomes.iter().filter(|o| f(o)).count();
        let events: usize = outcomes.iter().map(|o| o.events).sum();
        let joint = count(&|o| o.joint);
        let with_deaths = count(&|o| o.fatalities.is_some());
        Measures {
            rows: outcomes.len(),
            date: share(count(&|o| o.date), outcomes.len()),
            place_50km: share(count(&|o| o.place_near), outcomes.len()),
            place_10km: share(count(&|o| o.place_exact), outcomes.len()),
            joint: share(joint, outcomes.len()),
            event_type: share(count(&|o| o.typed == Some(true)), joint),
            fatalities: share(count(&|o| o.fatalities == Some(true)), with_deaths),
            spurious: share(outcomes.iter().map(|o| o.spurious).sum(), events),
            no_event: share(count(&|o| o.events == 0), outcomes.len()),
            events,
        }
    }
}

/// The measures overall, per country and per (gold) event type.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub overall: Measures,
    pub by_country: BTreeMap<String, Measures>,
    pub by_event_type: BTreeMap<String, Measures>,
    /// Rows whose text names the coded location, and the others: no reader of the text alone
    /// can place the second kind, which bounds what any coder reaches on them.
    pub by_naming: BTreeMap<String, Measures>,
}

impl Report {
    pub fn of(scored: &[Scored]) -> Report {
        let group = |key: &dyn Fn(&GoldRow) -> String| {
            let mut groups: BTreeMap<String, Vec<&Outcome>> = BTreeMap::new();
            for s in scored {
                groups.entry(key(&s.row)).or_default().push(&s.outcome);
            }
            groups
                .into_iter()
                .map(|(k, v)| (k, Measures::of(v)))
                .collect()
        };
        Report {
            overall: Measures::of(scored.iter().map(|s| &s.outcome)),
            by_country: group(&|r| r.country.clone()),
            by_event_type: group(&|r| {
                r.event_type
                    .map_or_else(|| "(unknown)".to_owned(), |t| t.label().to_owned())
            }),
            by_naming: group(&|r| {
                if r.names_location() {
                    "text names the location".to_owned()
                } else {
                    "text names no location".to_owned()
                }
            }),
        }
    }

    /// The report as a plain-text table.
    pub fn table(&self) -> String {
        let mut out = String::new();
        let header = format!(
            "{:<28} {:>5} {:>6} {:>6} {:>6} {:>6} {:>6} {:>6} {:>6} {:>6}\n",
            "", "rows", "date", "@50km", "@10km", "joint", "type", "deaths", "spur.", "none"
        );
        let line = |name: &str, m: &Measures| {
            format!(
                "{:<28} {:>5} {:>6.3} {:>6.3} {:>6.3} {:>6.3} {:>6.3} {:>6.3} {:>6.3} {:>6.3}\n",
                truncate(name, 28),
                m.rows,
                m.date,
                m.place_50km,
                m.place_10km,
                m.joint,
                m.event_type,
                m.fatalities,
                m.spurious,
                m.no_event
            )
        };
        out.push_str(&header);
        for (name, m) in &self.by_event_type {
            out.push_str(&line(name, m));
        }
        out.push('\n');
        for (name, m) in &self.by_country {
            out.push_str(&line(name, m));
        }
        out.push('\n');
        for (name, m) in &self.by_naming {
            out.push_str(&line(name, m));
        }
        out.push('\n');
        out.push_str(&header);
        out.push_str(&line("overall", &self.overall));
        out
    }
}

fn truncate(s: &str, chars: usize) -> String {
    s.chars().take(chars).collect()
}

/// The worst rows first, each with what was extracted, as text for a person to read.
pub fn misses(scored: &[Scored], limit: usize) -> String {
    let mut worst: Vec<&Scored> = scored
        .iter()
        .filter(|s| s.outcome.badness().0 > 0)
        .collect();
    worst.sort_by_key(|s| std::cmp::Reverse(s.outcome.badness()));
    let mut out = String::new();
    for s in worst.into_iter().take(limit) {
        let (row, o) = (&s.row, &s.outcome);
        out.push_str(&format!(
            "## {} — {} {} ({:.4}, {:.4}) {} / {}, deaths {}\n",
            row.id,
            row.event_date,
            row.location,
            row.lat,
            row.lon,
            row.event_type.map_or("?", |t| t.label()),
            row.sub_event_type,
            row.fatalities
        ));
        out.push_str(&format!(
            "   date {} @50km {} joint {} type {:?} deaths {:?} spurious {} nearest {}\n",
            o.date,
            o.place_near,
            o.joint,
            o.typed,
            o.fatalities,
            o.spurious,
            o.nearest_km
                .map_or("-".to_owned(), |km| format!("{km:.0} km"))
        ));
        out.push_str(&format!("   text: {}\n", row.text));
        for e in &s.events {
            out.push_str(&format!(
                "   → {} {} [{}] {} ({:.4}, {:.4}) {:?} {} {:.2} {}: {} deaths {:?}\n",
                e.event_date,
                e.place,
                e.place_as_written,
                e.country_code,
                e.lat,
                e.lon,
                e.geo_precision,
                e.geo_reason.as_deref().unwrap_or("-"),
                e.geo_confidence.unwrap_or(0.0),
                e.event_type.label(),
                e.sub_event_type,
                e.fatalities
            ));
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row() -> GoldRow {
        GoldRow {
            id: "T1".into(),
            published: jiff::civil::date(2020, 3, 9),
            event_date: jiff::civil::date(2020, 3, 2),
            event_type: Some(EventType::Riots),
            sub_event_type: "Mob violence".into(),
            country: "Kenya".into(),
            location: "Nakuru".into(),
            lat: -0.2833,
            lon: 36.0667,
            fatalities: 2,
            text: String::new(),
        }
    }

    fn event(date: Date, lat: f64, lon: f64, kind: EventType, deaths: Option<u32>) -> Event {
        Event {
            id: format!("{date}-{lat}-{lon}"),
            event_date: date,
            time_precision: crate::model::TimePrecision::Day,
            event_type: kind,
            sub_event_type: kind.sub_event_types()[0].into(),
            place: String::new(),
            place_as_written: String::new(),
            geonameid: None,
            country_code: "KE".into(),
            admin1: None,
            geo_precision: crate::model::GeoPrecision::City,
            geo_confidence: None,
            geo_reason: None,
            lon,
            lat,
            fatalities: deaths,
            injuries: None,
            arrests: None,
            count_qualifiers: Default::default(),
            actors: Vec::new(),
            notes: String::new(),
            source: String::new(),
            lang: "en".into(),
            date_corrected: false,
            article_id: None,
            corrected: false,
            sources: Vec::new(),
            fatalities_reported: Vec::new(),
        }
    }

    #[test]
    fn a_joint_event_of_the_right_type_and_toll_scores_every_measure() {
        let r = row();
        let events = [event(r.event_date, -0.30, 36.10, EventType::Riots, Some(2))];
        let o = score(&r, &events);
        assert!(o.date && o.place_near && o.place_exact && o.joint);
        assert_eq!(
            (o.typed, o.fatalities, o.spurious),
            (Some(true), Some(true), 0)
        );
    }

    #[test]
    fn date_and_place_on_different_events_are_not_joint() {
        let r = row();
        let events = [
            event(r.event_date, 1.29, 36.82, EventType::Riots, Some(1)), // Nairobi, 160 km
            event(
                jiff::civil::date(2020, 3, 3),
                -0.28,
                36.07,
                EventType::Protests,
                Some(1),
            ),
        ];
        let o = score(&r, &events);
        assert!(o.date && o.place_near && !o.joint);
        assert_eq!((o.typed, o.fatalities, o.spurious), (None, Some(true), 1));
        let m = Measures::of([&o]);
        assert_eq!((m.joint, m.spurious, m.fatalities), (0.0, 0.5, 1.0));
    }

    #[test]
    fn a_row_names_its_location_or_a_part_of_it() {
        let mut r = row();
        r.text = "Residents of nakuru town protested.".into();
        assert!(r.names_location());
        r.location = "Dhaka - Paltan".into();
        r.text = "A rally in front of the Press Club, Paltan.".into();
        assert!(r.names_location());
        r.text = "Gunmen attacked a police post near the border.".into();
        assert!(!r.names_location());
    }

    #[test]
    fn distances_are_great_circle_kilometres() {
        // Nairobi to Mombasa is about 440 km.
        let km = haversine_km(-1.2864, 36.8172, -4.0435, 39.6682);
        assert!((430.0..450.0).contains(&km), "{km}");
    }
}
