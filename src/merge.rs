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
//! - the **same day** and the **same ACLED event type** (a group prefers a member of the same
//!   sub-event type when several could take an event);
//! - the **same place**: the same GeoNames id, or one is a region (`geo_precision: region`) and
//!   the other a city of that region (same country and admin-1 code).
//!
//! Events are taken in ingestion order (article id, then event id); each joins the first group
//! that matches its group's first member and has no event of its article yet, else starts one.
//! The merged event keeps the id of its earliest-ingested member, so links to the first report
//! stay good; see [`combine`] for what it shows.

use std::collections::HashMap;

use jiff::civil::Date;

use crate::model::{CountKind, Event, EventSource, EventType, GeoPrecision};

/// A stored event with what the merge needs of its article.
#[derive(Debug, Clone)]
pub struct Member {
    pub event: Event,
    pub published: Option<Date>,
    pub source_url: Option<String>,
    pub title: Option<String>,
}

/// Events of one day and type in one country: only these are compared with each other.
type Bucket = (Date, EventType, String);

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
    let mut groups: Vec<Vec<Member>> = Vec::new();
    let mut buckets: HashMap<Bucket, Vec<usize>> = HashMap::new();
    for m in members {
        if m.event.article_id.is_none() || m.event.geo_precision == GeoPrecision::Country {
            groups.push(vec![m]);
            continue;
        }
        let key = (
            m.event.event_date,
            m.event.event_type,
            m.event.country_code.clone(),
        );
        let bucket = buckets.entry(key).or_default();
        match best_group(&groups, bucket, &m.event) {
            Some(g) => groups[g].push(m),
            None => {
                bucket.push(groups.len());
                groups.push(vec![m]);
            }
        }
    }
    groups
}

/// The group of `bucket` that `event` joins: one whose first member is at its place and that
/// has no event of its article, preferring one of the same sub-event type.
fn best_group(groups: &[Vec<Member>], bucket: &[usize], event: &Event) -> Option<usize> {
    let open = |g: &&usize| {
        let group = &groups[**g];
        same_place(&group[0].event, event)
            && group.iter().all(|m| m.event.article_id != event.article_id)
    };
    let mut candidates = bucket.iter().filter(open);
    let first = candidates.next().copied()?;
    if groups[first][0].event.sub_event_type == event.sub_event_type {
        return Some(first);
    }
    candidates
        .find(|g| groups[**g][0].event.sub_event_type == event.sub_event_type)
        .copied()
        .or(Some(first))
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
/// updates an event with later reports; a figure beats none.
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
    if !group[base].event.corrected {
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
}
