//! `sortby` (OGC API – Features Part 8 draft): `+event_date,-fatalities` orders the matches by
//! those properties in turn, then as the index keeps them (date, id), so pages stay stable. The
//! sortable properties are those the index holds for every event; nulls sort last either way.

use std::cmp::Ordering;

use super::ApiError;
use crate::index::{EventIndex, PlaceTotals, Row};

/// A property the events can be sorted by.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum EventKey {
    Date,
    Id,
    EventType,
    SubEventType,
    Place,
    CountryCode,
    Fatalities,
    Injuries,
    Arrests,
}

const EVENT_SORTABLES: &[(&str, EventKey)] = &[
    ("event_date", EventKey::Date),
    ("id", EventKey::Id),
    ("event_type", EventKey::EventType),
    ("sub_event_type", EventKey::SubEventType),
    ("place", EventKey::Place),
    ("country_code", EventKey::CountryCode),
    ("fatalities", EventKey::Fatalities),
    ("injuries", EventKey::Injuries),
    ("arrests", EventKey::Arrests),
];

/// A property the places can be sorted by.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PlaceKey {
    Place,
    CountryCode,
    Events,
    Fatalities,
    Injuries,
    Arrests,
    FirstDate,
    LastDate,
}

const PLACE_SORTABLES: &[(&str, PlaceKey)] = &[
    ("place", PlaceKey::Place),
    ("country_code", PlaceKey::CountryCode),
    ("events", PlaceKey::Events),
    ("fatalities", PlaceKey::Fatalities),
    ("injuries", PlaceKey::Injuries),
    ("arrests", PlaceKey::Arrests),
    ("first_date", PlaceKey::FirstDate),
    ("last_date", PlaceKey::LastDate),
];

/// The names `sortby` takes, for the places layer or the events layers.
pub fn sortables(places: bool) -> Vec<&'static str> {
    if places {
        PLACE_SORTABLES.iter().map(|(n, _)| *n).collect()
    } else {
        EVENT_SORTABLES.iter().map(|(n, _)| *n).collect()
    }
}

/// A parsed `sortby`: keys with their direction (`true` descending).
#[derive(Debug, Clone, PartialEq)]
pub struct SortBy<K> {
    keys: Vec<(K, bool)>,
}

fn parse<K: Copy>(value: &str, table: &[(&str, K)]) -> Result<SortBy<K>, ApiError> {
    let mut keys = Vec::new();
    for item in value.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let (descending, name) = match item.as_bytes()[0] {
            b'-' => (true, &item[1..]),
            b'+' => (false, &item[1..]),
            _ => (false, item),
        };
        let Some((_, key)) = table.iter().find(|(n, _)| *n == name) else {
            let names: Vec<&str> = table.iter().map(|(n, _)| *n).collect();
            return Err(ApiError::invalid(format!(
                "sortby: {name:?} cannot be sorted by; sortable properties are {}",
                names.join(", ")
            )));
        };
        keys.push((*key, descending));
    }
    Ok(SortBy { keys })
}

/// Nulls after every value, in both directions.
fn nulls_last<T: Ord>(a: Option<T>, b: Option<T>, descending: bool) -> Ordering {
    match (a, b) {
        (Some(x), Some(y)) if descending => y.cmp(&x),
        (Some(x), Some(y)) => x.cmp(&y),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

fn directed(o: Ordering, descending: bool) -> Ordering {
    if descending { o.reverse() } else { o }
}

impl SortBy<EventKey> {
    pub fn events(value: &str) -> Result<SortBy<EventKey>, ApiError> {
        parse(value, EVENT_SORTABLES)
    }

    /// Orders `positions` (in index order) by the keys; ties keep index order. Only the first
    /// `wanted` need their place (a page and those before it): with keys the rows hold as
    /// numbers they are picked in O(n) and only they are sorted.
    pub fn sort(&self, index: &EventIndex, positions: &mut [u32], wanted: usize) {
        if self.keys.is_empty() {
            return;
        }
        if self.sort_by_numbers(index, positions, wanted) {
            return;
        }
        positions.sort_by(|&a, &b| {
            let (x, y) = (index.row(a), index.row(b));
            self.keys
                .iter()
                .map(|&(key, desc)| compare_events(index, x, y, key, desc))
                .find(|o| o.is_ne())
                .unwrap_or(Ordering::Equal)
        });
    }
}

/// Keys sorted as numbers, at most this many.
const NUMBER_KEYS: usize = 3;

impl SortBy<EventKey> {
    /// The keys as numbers, when each of them is one (date, counts, type): ascending in the
    /// order asked, nulls last.
    fn numbers(&self, row: &Row) -> Option<[i64; NUMBER_KEYS]> {
        if self.keys.len() > NUMBER_KEYS {
            return None;
        }
        let mut out = [0i64; NUMBER_KEYS];
        for (slot, &(key, desc)) in out.iter_mut().zip(&self.keys) {
            let directed = |v: i64| if desc { -v } else { v };
            // A null is after every count in both directions, as the other sorts put it.
            let count = |n: Option<u32>| n.map_or(i64::MAX, |n| directed(i64::from(n)));
            *slot = match key {
                EventKey::Date => {
                    let d = row.date;
                    directed(
                        i64::from(d.year()) * 512 + i64::from(d.month()) * 32 + i64::from(d.day()),
                    )
                }
                EventKey::EventType => directed(type_rank(row.event_type)),
                EventKey::Fatalities => count(row.fatalities),
                EventKey::Injuries => count(row.injuries),
                EventKey::Arrests => count(row.arrests),
                _ => return None,
            };
        }
        Some(out)
    }

    /// [`SortBy::sort`] through number keys; `false` when a key is not a number.
    fn sort_by_numbers(&self, index: &EventIndex, positions: &mut [u32], wanted: usize) -> bool {
        let mut keyed = Vec::with_capacity(positions.len());
        for (i, &pos) in positions.iter().enumerate() {
            let Some(k) = self.numbers(index.row(pos)) else {
                return false;
            };
            // The place in index order breaks ties, as a stable sort would.
            keyed.push((k, i as u32, pos));
        }
        if wanted < keyed.len() && wanted > 0 {
            keyed.select_nth_unstable(wanted - 1);
            keyed[..wanted].sort_unstable();
        } else {
            keyed.sort_unstable();
        }
        for (slot, (_, _, pos)) in positions.iter_mut().zip(keyed) {
            *slot = pos;
        }
        true
    }
}

/// ACLED's types in the order of their labels, as a string sort would put them.
fn type_rank(t: crate::model::EventType) -> i64 {
    crate::model::EventType::ALL
        .iter()
        .filter(|o| o.label() < t.label())
        .count() as i64
}

fn compare_events(index: &EventIndex, x: &Row, y: &Row, key: EventKey, desc: bool) -> Ordering {
    let place = |r: &Row| index.place(r.place);
    match key {
        EventKey::Date => directed(x.date.cmp(&y.date), desc),
        EventKey::Id => directed(x.id.cmp(&y.id), desc),
        EventKey::EventType => directed(x.event_type.label().cmp(y.event_type.label()), desc),
        EventKey::SubEventType => {
            directed(index.sub_event_type(x).cmp(index.sub_event_type(y)), desc)
        }
        EventKey::Place => directed(place(x).name.cmp(&place(y).name), desc),
        EventKey::CountryCode => directed(place(x).country_code.cmp(&place(y).country_code), desc),
        EventKey::Fatalities => nulls_last(x.fatalities, y.fatalities, desc),
        EventKey::Injuries => nulls_last(x.injuries, y.injuries, desc),
        EventKey::Arrests => nulls_last(x.arrests, y.arrests, desc),
    }
}

impl SortBy<PlaceKey> {
    pub fn places(value: &str) -> Result<SortBy<PlaceKey>, ApiError> {
        parse(value, PLACE_SORTABLES)
    }

    /// Orders the places' totals by the keys; ties keep their order.
    pub fn sort(&self, index: &EventIndex, totals: &mut [&PlaceTotals]) {
        if self.keys.is_empty() {
            return;
        }
        totals.sort_by(|x, y| {
            self.keys
                .iter()
                .map(|&(key, desc)| {
                    let (p, q) = (index.place(x.place), index.place(y.place));
                    let o = match key {
                        PlaceKey::Place => p.name.cmp(&q.name),
                        PlaceKey::CountryCode => p.country_code.cmp(&q.country_code),
                        PlaceKey::Events => x.events.cmp(&y.events),
                        PlaceKey::Fatalities => x.fatalities.cmp(&y.fatalities),
                        PlaceKey::Injuries => x.injuries.cmp(&y.injuries),
                        PlaceKey::Arrests => x.arrests.cmp(&y.arrests),
                        PlaceKey::FirstDate => x.first.cmp(&y.first),
                        PlaceKey::LastDate => x.last.cmp(&y.last),
                    };
                    directed(o, desc)
                })
                .find(|o| o.is_ne())
                .unwrap_or(Ordering::Equal)
        });
    }
}
