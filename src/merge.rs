//! One event, several sources: the events that different articles extract for the same happening
//! become one merged event that lists every report, so totals, downloads, the places layer and
//! the map count it once.
//!
//! The store keeps each article's events as extracted (its source of truth, what corrections are
//! keyed by); this module groups them whenever the served index is built or a write changes a
//! group. The rule, kept simple so an analyst can predict it:
//!
//! - only events of **different articles** merge (an article's own repeats are the extractor's
//!   business), and only stored events (with an `article_id`);
//! - an event placed at a **city or a region**: one placed only at its country (no place was
//!   named, or only the country) is never merged, since a country tells no two happenings apart;
//! - the **same day or overlapping days** and the **same ACLED event type**: a report that
//!   gives only the week ("last week") covers that week's days and merges with a report of one
//!   of them; one that gives only the month or year merges only with one that gives the same;
//! - when several groups could take an event, it prefers one that reports a figure it reports
//!   too (two tolls of one place, day and type are one happening's, the later an update), then
//!   one of the same sub-event type;
//! - the **same place**: the same GeoNames id, or one is a region (`geo_precision: region`) and
//!   the other a city of that region (same country and admin-1 code).
//!
//! Events are taken in ingestion order (article id, then event id); each joins the first group
//! that matches its group's first member and has no event of its article yet, else starts one.
//! The merged event keeps the id of its earliest-ingested member, so links to the first report
//! stay good; see [`combine`] for what it shows.

use std::collections::HashMap;

use jiff::civil::Date;

use crate::model::{CountKind, Event, EventSource, EventType, GeoPrecision, TimePrecision};

/// A stored event with what the merge needs of its article.
#[derive(Debug, Clone)]
pub struct Member {
    pub event: Event,
    pub published: Option<Date>,
    pub source_url: Option<String>,
    pub title: Option<String>,
}

/// Events of one week, date precision and type in one admin-1 region of one country: only these
/// are compared with each other (a day's and its week's reports share the week's bucket; two
/// events at one place, or at a region and a city of it, share the region). The region is kept
/// as a hash of its country and admin-1 codes, not copies: two regions that collide only share
/// a bucket, and [`Group::is_open_to`] still tells their places apart.
type Bucket = (Date, bool, EventType, u64);

fn region_hash(e: &Event) -> u64 {
    use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};
    BuildHasherDefault::<DefaultHasher>::default().hash_one((&e.country_code, &e.admin1))
}

/// The Monday of the week of `date`: every event a group may hold is dated in that week.
pub fn week_of(date: Date) -> Date {
    let back = i64::from(date.weekday().to_monday_zero_offset());
    date.checked_sub(jiff::Span::new().days(back))
        .unwrap_or(date)
}

/// The days an event's date covers when it is known to the day or the week; `None` when only its
/// month or year is known (such reports merge only with one of the same date and precision).
fn days(e: &Event) -> Option<(Date, Date)> {
    match e.time_precision {
        TimePrecision::Day => Some((e.event_date, e.event_date)),
        TimePrecision::Week => {
            let monday = week_of(e.event_date);
            Some((
                monday,
                monday
                    .checked_add(jiff::Span::new().days(6))
                    .unwrap_or(monday),
            ))
        }
        TimePrecision::Month | TimePrecision::Year => None,
    }
}

/// Merges stored events into events that list their sources (see the module's rule). Every
/// event comes out with `sources` and `fatalities_reported` filled, a group of one included.
pub fn merge(members: Vec<Member>) -> Vec<Event> {
    groups(members).into_iter().map(combine).collect()
}

/// The groups [`merge`] makes of `members`, each in ingestion order (its first member's id is
/// the merged event's).
pub fn groups(mut members: Vec<Member>) -> Vec<Vec<Member>> {
    members
        .sort_by(|a, b| (a.event.article_id, &a.event.id).cmp(&(b.event.article_id, &b.event.id)));
    let mut groups: Vec<Group> = Vec::new();
    let mut buckets: HashMap<Bucket, Vec<usize>> = HashMap::new();
    for m in members {
        if m.event.article_id.is_none() || m.event.geo_precision == GeoPrecision::Country {
            groups.push(Group::of(m));
            continue;
        }
        let coarse = days(&m.event).is_none();
        let key = (
            if coarse {
                m.event.event_date
            } else {
                week_of(m.event.event_date)
            },
            coarse,
            m.event.event_type,
            region_hash(&m.event),
        );
        let bucket = buckets.entry(key).or_default();
        match best_group(&groups, bucket, &m.event) {
            Some(g) => groups[g].add(m),
            None => {
                bucket.push(groups.len());
                groups.push(Group::of(m));
            }
        }
    }
    groups.into_iter().map(|g| g.members).collect()
}

/// A group being made, with what an event joining it is checked against.
struct Group {
    members: Vec<Member>,
    /// The days every member's date covers (`None` for month or year reports, all of one date).
    days: Option<(Date, Date)>,
    /// The kinds of figure some member reports (see [`figure_kinds`]).
    figures: u8,
}

impl Group {
    fn of(m: Member) -> Group {
        Group {
            days: days(&m.event),
            figures: figure_kinds(&m.event),
            members: vec![m],
        }
    }

    fn add(&mut self, m: Member) {
        if let (Some(group), Some(own)) = (self.days, days(&m.event)) {
            self.days = Some((group.0.max(own.0), group.1.min(own.1)));
        }
        self.figures |= figure_kinds(&m.event);
        self.members.push(m);
    }

    /// Whether `event` (covering `own_days`) may join: at the first member's place, on days every
    /// member covers, and of an article none has (members come in article order: the last has
    /// the latest article).
    fn is_open_to(&self, event: &Event, own_days: Option<(Date, Date)>) -> bool {
        let overlaps = match (self.days, own_days) {
            (Some(group), Some(own)) => group.0 <= own.1 && own.0 <= group.1,
            (None, None) => true,
            _ => false,
        };
        overlaps
            && same_place(&self.members[0].event, event)
            && self
                .members
                .last()
                .is_none_or(|m| m.event.article_id != event.article_id)
    }
}

/// The group of `bucket` that `event` joins: one open to it; of those, one that reports a figure
/// `event` reports, then one of the same sub-event type, then the first.
fn best_group(groups: &[Group], bucket: &[usize], event: &Event) -> Option<usize> {
    let (figures, own_days) = (figure_kinds(event), days(event));
    let rank = |g: usize| {
        let group = &groups[g];
        let tells_a_figure = group.figures & figures != 0;
        let same_sub_type = group.members[0].event.sub_event_type == event.sub_event_type;
        (!tells_a_figure, !same_sub_type)
    };
    let mut best: Option<(usize, (bool, bool))> = None;
    for &g in bucket
        .iter()
        .filter(|&&g| groups[g].is_open_to(event, own_days))
    {
        let r = rank(g);
        if best.is_none_or(|(_, b)| r < b) {
            best = Some((g, r));
            if r == (false, false) {
                break;
            }
        }
    }
    best.map(|(g, _)| g)
}

/// The kinds of figure an event gives, one bit each (fatalities, injuries, arrests).
fn figure_kinds(e: &Event) -> u8 {
    [e.fatalities, e.injuries, e.arrests]
        .iter()
        .enumerate()
        .filter(|(_, v)| v.is_some())
        .fold(0, |bits, (i, _)| bits | 1 << i)
}

/// Whether two events are at the same place, or one's region holds the other's city.
pub fn same_place(a: &Event, b: &Event) -> bool {
    (a.geonameid.is_some() && a.geonameid == b.geonameid) || holds(a, b) || holds(b, a)
}

fn holds(region: &Event, city: &Event) -> bool {
    region.geo_precision == GeoPrecision::Region
        && city.geo_precision == GeoPrecision::City
        && region.country_code == city.country_code
        && region.admin1.is_some()
        && region.admin1 == city.admin1
}

fn date_rank(p: TimePrecision) -> u8 {
    match p {
        TimePrecision::Day => 0,
        TimePrecision::Week => 1,
        TimePrecision::Month => 2,
        TimePrecision::Year => 3,
    }
}

fn precision_rank(p: GeoPrecision) -> u8 {
    match p {
        GeoPrecision::City => 0,
        GeoPrecision::Region => 1,
        GeoPrecision::Country => 2,
    }
}

/// One merged event from its group (in ingestion order). It is the group's corrected member if an
/// analyst corrected one (the correction wins: its place, date, type and figures), else the member
/// with the most precise place (the earliest of those), under the earliest member's id. Without a
/// correction, each figure (fatalities, injuries, arrests, with its qualifier) is the latest
/// report's that gives one — by the article's publication date, then ingestion order — as ACLED
/// updates an event with later reports; a figure beats none; and the date is the most precise
/// report's (a day within the week another report gives).
fn combine(mut group: Vec<Member>) -> Event {
    // Unknown publication dates count as the oldest; the sort is stable (ingestion order).
    let mut reports: Vec<usize> = (0..group.len()).collect();
    reports.sort_by_key(|&i| group[i].published);
    let base = group
        .iter()
        .position(|m| m.event.corrected)
        .unwrap_or_else(|| {
            (0..group.len())
                .min_by_key(|&i| precision_rank(group[i].event.geo_precision))
                .unwrap_or(0)
        });
    let mut figures = Vec::new();
    let mut dated = None;
    if !group[base].event.corrected {
        dated = group
            .iter()
            .map(|m| (m.event.event_date, m.event.time_precision))
            .min_by_key(|&(_, precision)| date_rank(precision));
        for kind in [
            CountKind::Fatalities,
            CountKind::Injuries,
            CountKind::Arrests,
        ] {
            let latest = reports.iter().rev().find_map(|&i| {
                let (value, qualifier) = group[i].event.count(kind);
                value.map(|v| (kind, v, qualifier))
            });
            figures.extend(latest);
        }
    }
    let mut fatalities_reported = Vec::new();
    for &i in &reports {
        if let Some(f) = group[i].event.fatalities
            && !fatalities_reported.contains(&f)
        {
            fatalities_reported.push(f);
        }
    }
    let sources = reports
        .iter()
        .map(|&i| EventSource {
            article_id: group[i].event.article_id,
            source_url: group[i].source_url.clone(),
            title: group[i].title.clone(),
            sentence: group[i].event.notes.clone(),
        })
        .collect();
    // The earliest report's id; the base is moved out, not copied.
    let id = (base != 0).then(|| group[0].event.id.clone());
    let mut event = group.swap_remove(base).event;
    if let Some(id) = id {
        event.id = id;
    }
    for (kind, value, qualifier) in figures {
        set_count(&mut event, kind, value, qualifier);
    }
    if let Some((date, precision)) = dated {
        (event.event_date, event.time_precision) = (date, precision);
    }
    event.fatalities_reported = fatalities_reported;
    event.sources = sources;
    event
}

fn set_count(
    event: &mut Event,
    kind: CountKind,
    value: u32,
    qualifier: Option<crate::model::CountQualifier>,
) {
    match kind {
        CountKind::Fatalities => event.fatalities = Some(value),
        CountKind::Injuries => event.injuries = Some(value),
        CountKind::Arrests => event.arrests = Some(value),
    }
    match qualifier {
        Some(q) => event.count_qualifiers.insert(kind, q),
        None => event.count_qualifiers.remove(&kind),
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{CountQualifier, TimePrecision};
    use std::collections::BTreeMap;

    fn event(article: i64, id: &str, day: i8, fatalities: Option<u32>) -> Event {
        Event {
            id: id.into(),
            event_date: jiff::civil::date(2022, 1, day),
            time_precision: TimePrecision::Day,
            event_type: EventType::Riots,
            sub_event_type: "Violent demonstration".into(),
            place: "Almaty".into(),
            place_as_written: "Almaty".into(),
            geonameid: Some(1526384),
            country_code: "KZ".into(),
            admin1: Some("02".into()),
            geo_precision: GeoPrecision::City,
            geo_confidence: Some(0.9),
            geo_reason: Some("exact".into()),
            lon: 76.93,
            lat: 43.26,
            fatalities,
            injuries: None,
            arrests: None,
            count_qualifiers: BTreeMap::new(),
            actors: vec![],
            notes: format!("sentence of {id}"),
            source: format!("article {article}"),
            lang: "en".into(),
            date_corrected: false,
            article_id: Some(article),
            corrected: false,
            sources: vec![],
            fatalities_reported: vec![],
        }
    }

    fn member(e: Event, published: i8) -> Member {
        Member {
            published: Some(jiff::civil::date(2022, 1, published)),
            source_url: Some(format!("https://news.example/{}", e.id)),
            title: None,
            event: e,
        }
    }

    #[test]
    fn two_reports_of_one_happening_are_one_event_with_the_later_figures() {
        let merged = merge(vec![
            member(event(2, "a2-x", 5, Some(18)), 7),
            member(event(1, "a1-x", 5, Some(8)), 6),
        ]);
        assert_eq!(merged.len(), 1);
        let e = &merged[0];
        assert_eq!(e.id, "a1-x");
        assert_eq!(e.fatalities, Some(18));
        assert_eq!(e.fatalities_reported, vec![8, 18]);
        let articles: Vec<_> = e.sources.iter().map(|s| s.article_id).collect();
        assert_eq!(articles, vec![Some(1), Some(2)]);
    }

    #[test]
    fn a_figure_beats_none_and_publication_beats_ingestion() {
        // Article 2 was ingested later but published earlier: article 1 is the latest report.
        let mut first = event(1, "a1-x", 5, None);
        first.injuries = Some(40);
        first
            .count_qualifiers
            .insert(CountKind::Injuries, CountQualifier::AtLeast);
        let merged = merge(vec![
            member(first, 8),
            member(event(2, "a2-x", 5, Some(8)), 6),
        ]);
        assert_eq!(merged.len(), 1);
        assert_eq!(
            (merged[0].fatalities, merged[0].injuries),
            (Some(8), Some(40))
        );
        assert_eq!(
            merged[0].count_qualifiers.get(&CountKind::Injuries),
            Some(&CountQualifier::AtLeast)
        );
    }

    #[test]
    fn other_days_places_types_and_the_same_article_stay_apart() {
        let mut elsewhere = event(2, "a2-y", 5, None);
        elsewhere.geonameid = Some(1526273);
        elsewhere.admin1 = Some("05".into());
        let mut protest = event(3, "a3-z", 5, None);
        protest.event_type = EventType::Protests;
        let merged = merge(vec![
            member(event(1, "a1-x", 5, Some(8)), 6),
            member(event(1, "a1-y", 5, Some(3)), 6),
            member(event(2, "a2-x", 6, Some(18)), 7),
            member(elsewhere, 7),
            member(protest, 7),
        ]);
        assert_eq!(merged.len(), 5);
        assert!(merged.iter().all(|e| e.sources.len() == 1));
    }

    #[test]
    fn events_placed_only_at_their_country_stay_apart() {
        let country = |article, id: &str| {
            let mut e = event(article, id, 5, None);
            e.geonameid = Some(1522867);
            e.geo_precision = GeoPrecision::Country;
            e.admin1 = None;
            e
        };
        let merged = merge(vec![
            member(country(1, "a1-k"), 6),
            member(country(2, "a2-k"), 7),
        ]);
        assert_eq!(merged.len(), 2);
    }

    #[test]
    fn a_city_merges_with_its_region_and_keeps_the_precise_place() {
        let mut region = event(1, "a1-r", 5, Some(3));
        region.geonameid = Some(1537162);
        region.geo_precision = GeoPrecision::Region;
        region.place = "Almaty Oblysy".into();
        let merged = merge(vec![
            member(region, 6),
            member(event(2, "a2-c", 5, None), 7),
        ]);
        assert_eq!(merged.len(), 1);
        assert_eq!(
            (merged[0].id.as_str(), merged[0].place.as_str()),
            ("a1-r", "Almaty")
        );
        assert_eq!(merged[0].fatalities, Some(3));
    }

    #[test]
    fn a_corrected_member_wins() {
        let mut corrected = event(1, "a1-x", 5, Some(20));
        corrected.corrected = true;
        let merged = merge(vec![
            member(corrected, 6),
            member(event(2, "a2-x", 5, Some(18)), 7),
        ]);
        assert_eq!(merged.len(), 1);
        assert_eq!(merged[0].fatalities, Some(20));
        assert!(merged[0].corrected);
    }

    #[test]
    fn a_report_of_the_week_merges_with_a_report_of_one_of_its_days() {
        // 3 January 2022 is a Monday: "last week" in a report of the 10th is the week of the 3rd.
        let mut week = event(1, "a1-w", 3, Some(4));
        week.time_precision = TimePrecision::Week;
        let merged = merge(vec![
            member(week, 10),
            member(event(2, "a2-d", 5, Some(6)), 11),
            member(event(3, "a3-d", 7, None), 11),
            member(event(4, "a4-d", 10, None), 11),
        ]);
        let groups: Vec<(&str, Vec<Option<i64>>)> = merged
            .iter()
            .map(|e| {
                let articles = e.sources.iter().map(|s| s.article_id).collect();
                (e.id.as_str(), articles)
            })
            .collect();
        // The 5th and the 7th are both in the week, but not one day: the 7th stays apart; the
        // 10th is in the next week.
        assert_eq!(
            groups,
            vec![
                ("a1-w", vec![Some(1), Some(2)]),
                ("a3-d", vec![Some(3)]),
                ("a4-d", vec![Some(4)])
            ]
        );
        let e = &merged[0];
        assert_eq!(
            (e.event_date, e.time_precision),
            (jiff::civil::date(2022, 1, 5), TimePrecision::Day)
        );
        assert_eq!(e.fatalities_reported, vec![4, 6]);
    }

    #[test]
    fn a_report_of_the_month_merges_only_with_one_of_the_month() {
        let month = |article, id: &str| {
            let mut e = event(article, id, 1, None);
            e.time_precision = TimePrecision::Month;
            e
        };
        let merged = merge(vec![
            member(month(1, "a1-m"), 10),
            member(event(2, "a2-d", 1, None), 11),
            member(month(3, "a3-m"), 11),
        ]);
        let sizes: Vec<(&str, usize)> = merged
            .iter()
            .map(|e| (e.id.as_str(), e.sources.len()))
            .collect();
        assert_eq!(sizes, vec![("a1-m", 2), ("a2-d", 1)]);
    }

    #[test]
    fn a_toll_joins_the_group_that_reports_a_toll() {
        // Article 1 tells the day twice: a storming without figures, then its toll (another
        // sub-event type). Article 2's toll updates the first's toll, not the storming.
        let mut toll = event(1, "a1-t", 5, Some(8));
        toll.sub_event_type = "Mob violence".into();
        let merged = merge(vec![
            member(event(1, "a1-s", 5, None), 6),
            member(toll, 6),
            member(event(2, "a2-t", 5, Some(18)), 7),
        ]);
        let reported: Vec<(&str, Vec<u32>)> = merged
            .iter()
            .map(|e| (e.id.as_str(), e.fatalities_reported.clone()))
            .collect();
        assert_eq!(reported, vec![("a1-s", vec![]), ("a1-t", vec![8, 18])]);
        assert_eq!(merged[1].fatalities, Some(18));
    }
}
