//! Restated tolls. A report gives its key figures more than once: "26 manifestants tués" in a
//! lead, then again in the ministry's statement a few paragraphs down. Coded twice, every total
//! on the map (a place's fatalities, the legend's tolls, a CSV's sums) counts them twice, so an
//! event whose figures the same article states again, as fully or more, is left out.

use crate::model::{CountKind, Event};

const KINDS: [CountKind; 3] = [
    CountKind::Fatalities,
    CountKind::Injuries,
    CountKind::Arrests,
];

/// Smallest figure taken as the same fact when two reports of it fall on different days:
/// small tolls do recur ("two killed in Zhanaozen" on Monday and again on Tuesday are two
/// events), a figure like "more than 3000 detained" does not.
const RESTATED_ACROSS_DAYS: u32 = 10;

/// Drops each event another event of the same article restates, keeping the fuller report
/// (more figures), else the earlier one (by date, then in the text). `events` are in text
/// order. Each kept event still quotes its one sentence, which states every figure it has.
pub(super) fn drop_restated(events: &mut Vec<Event>) {
    let with_figures: Vec<usize> = (0..events.len())
        .filter(|&i| figures(&events[i]) > 0)
        .collect();
    let mut restated = vec![false; events.len()];
    for &i in &with_figures {
        restated[i] = with_figures
            .iter()
            .any(|&j| j != i && restates(&events[j], &events[i]) && fuller(events, j, i));
    }
    let mut i = 0;
    events.retain(|_| {
        i += 1;
        !restated[i - 1]
    });
}

/// `later` states again every figure of `earlier`, at the same place with the same type.
fn restates(later: &Event, earlier: &Event) -> bool {
    let same_setting = later.geonameid == earlier.geonameid
        && later.place == earlier.place
        && later.event_type == earlier.event_type
        && later.sub_event_type == earlier.sub_event_type;
    let same_day = later.event_date == earlier.event_date;
    same_setting
        && KINDS.iter().all(|&kind| {
            let stated = earlier.count(kind);
            stated == (None, None) || later.count(kind) == stated
        })
        && KINDS.iter().any(|&kind| {
            earlier
                .count(kind)
                .0
                .is_some_and(|n| same_day || n >= RESTATED_ACROSS_DAYS)
        })
}

/// Of two reports of one toll, the one with more figures, else the one told first.
fn fuller(events: &[Event], a: usize, b: usize) -> bool {
    let rank = |i: usize| (usize::MAX - figures(&events[i]), events[i].event_date, i);
    rank(a) < rank(b)
}

fn figures(event: &Event) -> usize {
    KINDS
        .iter()
        .filter(|&&kind| event.count(kind).0.is_some())
        .count()
}
