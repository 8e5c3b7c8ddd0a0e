//! Happenings told more than once.
//!
//! Restated tolls: a report gives its key figures more than once, "26 manifestants tués" in a
//! lead, then again in the ministry's statement a few paragraphs down. Coded twice, every total
//! on the map (a place's fatalities, the legend's tolls, a CSV's sums) counts them twice, so an
//! event whose figures the same article states again, as fully or more, is left out.
//!
//! Continued happenings: "Clashes continued in Taldykorgan. Eight police officers were killed";
//! "Thousands rallied in Nukus. Police used tear gas to disperse the crowd". The next sentence
//! goes on with the happening at the same place and day: one event, as ACLED codes one event
//! per place, day and type, quoting both sentences.

use std::ops::Range;

use crate::model::{CountKind, Event, EventType, GeoPrecision};

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
        restated[i] = with_figures.iter().any(|&j| {
            j != i
                && ((restates(&events[j], &events[i]) && fuller(events, j, i))
                    || is_part_of(&events[i], &events[j]))
        });
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

/// `part` tells a share of `whole`'s toll: the same place (or only its country), day and
/// type, and every figure it gives is of a kind `whole` counts and smaller ("12 police
/// officers died", then "one officer was found beheaded"). ACLED codes one event per place,
/// day and type: the detail adds no event and no figure.
fn is_part_of(part: &Event, whole: &Event) -> bool {
    let same_place = (part.geonameid == whole.geonameid && part.place == whole.place)
        || (part.geo_precision == GeoPrecision::Country && part.country_code == whole.country_code);
    let same_setting = same_place
        && part.event_date == whole.event_date
        && part.event_type == whole.event_type
        && part.sub_event_type == whole.sub_event_type;
    same_setting
        && KINDS
            .iter()
            .all(|&kind| match (part.count(kind).0, whole.count(kind).0) {
                (None, _) => true,
                (Some(p), Some(w)) => p < w,
                (Some(_), None) => false,
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

/// Merges each event into the one of the sentence before when it goes on with the same
/// happening: same day and city or region, the same type of violence or protest (a protest
/// met by the police is one protest with intervention), and no figure told twice. `events`
/// are one paragraph's, in text order, each with the ordinal and range of its sentence;
/// `text` is the article's.
pub(super) fn merge_continued(
    events: &mut Vec<Event>,
    told: &mut Vec<(usize, Range<usize>)>,
    text: &str,
    source: &str,
) {
    let mut i = 1;
    while i < events.len() {
        let earlier = (0..i)
            .rev()
            .find(|&j| told[j].0 + 1 == told[i].0 && continues(&events[j], &events[i]));
        let Some(j) = earlier else {
            i += 1;
            continue;
        };
        let later = events.remove(i);
        let (ordinal, later_range) = told.remove(i);
        let range = told[j].1.start..later_range.end;
        merge(&mut events[j], later, &text[range.clone()], source);
        // The merged event now ends with the later sentence: a third may go on with it.
        told[j] = (ordinal, range);
    }
}

/// Whether `later` goes on with the happening of `earlier`.
fn continues(earlier: &Event, later: &Event) -> bool {
    let happening = |e: &Event| {
        matches!(
            e.event_type,
            EventType::Protests
                | EventType::Riots
                | EventType::Battles
                | EventType::ViolenceAgainstCivilians
                | EventType::ExplosionsRemoteViolence
        )
    };
    let same_kind = (earlier.event_type, &earlier.sub_event_type)
        == (later.event_type, &later.sub_event_type)
        || earlier.event_type == EventType::Protests && later.event_type == EventType::Protests;
    earlier.event_date == later.event_date
        && earlier.geonameid == later.geonameid
        && earlier.place == later.place
        && earlier.geo_precision != GeoPrecision::Country
        && happening(earlier)
        && same_kind
        && KINDS
            .iter()
            .all(|&kind| earlier.count(kind).0.is_none() || later.count(kind).0.is_none())
}

/// Folds `later` into `earlier`: the figures of both, the actors of both, the stronger protest
/// type, and the two sentences as notes.
fn merge(earlier: &mut Event, later: Event, notes: &str, source: &str) {
    if earlier.event_type == EventType::Protests && protest_rank(&later) > protest_rank(earlier) {
        earlier.sub_event_type = later.sub_event_type;
    }
    earlier.fatalities = earlier.fatalities.or(later.fatalities);
    earlier.injuries = earlier.injuries.or(later.injuries);
    earlier.arrests = earlier.arrests.or(later.arrests);
    for (kind, qualifier) in later.count_qualifiers {
        earlier.count_qualifiers.entry(kind).or_insert(qualifier);
    }
    for actor in later.actors {
        if !earlier.actors.contains(&actor) {
            earlier.actors.push(actor);
        }
    }
    earlier.date_corrected |= later.date_corrected;
    earlier.notes = notes.to_string();
    earlier.id = Event::stable_id(
        source,
        notes,
        earlier.event_date,
        &earlier.place,
        &format!("{}: {}", earlier.event_type.label(), earlier.sub_event_type),
    );
}

/// How much a protest sub-event type says happened to the protesters.
fn protest_rank(event: &Event) -> u8 {
    match event.sub_event_type.as_str() {
        "Excessive force against protesters" => 2,
        "Protest with intervention" => 1,
        _ => 0,
    }
}
