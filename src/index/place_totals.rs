//! Totals per place over the events a query matches: the places layer.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use jiff::civil::Date;

use super::{EventIndex, EventQuery};
use crate::model::EventType;

/// Totals of one place over the events a query matched.
#[derive(Debug, Clone, PartialEq)]
pub struct PlaceTotals {
    /// The place's key in the index's place table ([`EventIndex::place`]).
    pub place: u32,
    pub events: usize,
    pub fatalities: u64,
    pub injuries: u64,
    pub arrests: u64,
    pub first: Date,
    pub last: Date,
    /// Events per type, in the order of [`EventType::ALL`].
    pub by_type: [u32; EventType::ALL.len()],
}

impl PlaceTotals {
    fn new(place: u32, date: Date) -> PlaceTotals {
        PlaceTotals {
            place,
            events: 0,
            fatalities: 0,
            injuries: 0,
            arrests: 0,
            first: date,
            last: date,
            by_type: [0; EventType::ALL.len()],
        }
    }

    /// The types with events here and how many, in the order of [`EventType::ALL`].
    pub fn layers(&self) -> impl Iterator<Item = (EventType, u32)> + '_ {
        EventType::ALL
            .into_iter()
            .zip(self.by_type)
            .filter(|&(_, n)| n > 0)
    }
}

/// How many recent queries' totals an index keeps.
const REMEMBERED: usize = 8;

/// The totals of the last few queries an index answered. An index never changes, so they stay
/// right for its whole life: a GIS client paging through the places layer, or many clients
/// showing the same layer, cost one aggregation per revision, not one per page.
#[derive(Debug, Default)]
pub(super) struct RecentPlaceTotals(Mutex<VecDeque<(EventQuery, Arc<[PlaceTotals]>)>>);

impl RecentPlaceTotals {
    fn get(&self, q: &EventQuery) -> Option<Arc<[PlaceTotals]>> {
        let recent = self.0.lock().unwrap_or_else(|p| p.into_inner());
        recent
            .iter()
            .find(|(query, _)| query == q)
            .map(|(_, totals)| Arc::clone(totals))
    }

    fn remember(&self, q: &EventQuery, totals: &Arc<[PlaceTotals]>) {
        let mut recent = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if recent.len() == REMEMBERED {
            recent.pop_front();
        }
        recent.push_back((q.clone(), Arc::clone(totals)));
    }
}

impl EventIndex {
    /// Per-place totals of the events matching `q`, most events first, then by name and key
    /// (a stable order for paging); remembered for the next requests with the same query.
    pub fn place_totals(&self, q: &EventQuery) -> Arc<[PlaceTotals]> {
        if let Some(totals) = self.recent_place_totals.get(q) {
            return totals;
        }
        let totals: Arc<[PlaceTotals]> = self.aggregate_places(q).into();
        self.recent_place_totals.remember(q, &totals);
        totals
    }

    /// One pass over the matches with a slot per place: the query's cost plus O(matches +
    /// places named).
    fn aggregate_places(&self, q: &EventQuery) -> Vec<PlaceTotals> {
        const NONE: u32 = u32::MAX;
        let mut slot_of_place = vec![NONE; self.tables.places.len()];
        let mut totals: Vec<PlaceTotals> = Vec::new();
        for pos in self.query(q) {
            let row = self.row(pos);
            let slot = &mut slot_of_place[row.place as usize];
            if *slot == NONE {
                *slot = totals.len() as u32;
                totals.push(PlaceTotals::new(row.place, row.date));
            }
            let t = &mut totals[*slot as usize];
            t.events += 1;
            t.fatalities += u64::from(row.fatalities.unwrap_or(0));
            t.injuries += u64::from(row.injuries.unwrap_or(0));
            t.arrests += u64::from(row.arrests.unwrap_or(0));
            t.first = t.first.min(row.date);
            t.last = t.last.max(row.date);
            // The enum is declared in the order of `EventType::ALL`.
            t.by_type[row.event_type as usize] += 1;
        }
        totals.sort_unstable_by(|a, b| {
            b.events
                .cmp(&a.events)
                .then_with(|| self.place(a.place).name.cmp(&self.place(b.place).name))
                .then(a.place.cmp(&b.place))
        });
        totals
    }
}
