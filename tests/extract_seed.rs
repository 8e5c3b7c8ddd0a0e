//! The seed article, read sentence by sentence: the exact events it yields.
//!
//! The snapshot below was reviewed sentence by sentence against the text; the tests after it
//! pin the facts the map depends on, so a snapshot change shows which of them moved.

use eventmap::extract::{ArticleText, Lang, extract, seed_article};
use eventmap::gazetteer::Gazetteer;
use eventmap::model::{CountKind, CountQualifier, Event, EventType, GeoPrecision};

use CountQualifier::*;
use EventType::*;
use GeoPrecision::*;

const ALMATY: u32 = 1526384;
const AKTOBE: u32 = 610611;
/// GeoNames' Atyrau city, as the gazetteer data has it.
const ATYRAU: u32 = 610529;
const ASTANA: u32 = 1526273;

/// One event of the snapshot: what the map shows of it.
#[derive(Debug, PartialEq)]
struct Row {
    /// The start of the source sentence.
    note: &'static str,
    date: &'static str,
    place: &'static str,
    geonameid: u32,
    precision: GeoPrecision,
    written: &'static str,
    kind: (EventType, &'static str),
    fatalities: (Option<u32>, Option<CountQualifier>),
    injuries: (Option<u32>, Option<CountQualifier>),
    arrests: (Option<u32>, Option<CountQualifier>),
    corrected: bool,
}

#[rustfmt::skip]
const SNAPSHOT: &[Row] = &[
    Row { note: "Les mouvements de protestation ont débuté, diman", date: "2022-01-02", place: "Kazakhstan", geonameid: 1522867, precision: Country, written: "", kind: (Protests, "Peaceful protest"), fatalities: (None, None), injuries: (None, None), arrests: (None, None), corrected: false },
    Row { note: "Des émeutes et des saccages ont eu lieu dans la ", date: "2022-01-02", place: "Almaty", geonameid: 1526384, precision: City, written: "Almaty", kind: (Riots, "Violent demonstration"), fatalities: (None, None), injuries: (None, None), arrests: (None, None), corrected: false },
    Row { note: "Des émeutes et des saccages ont eu lieu dans la ", date: "2022-01-02", place: "Almaty", geonameid: 1526384, precision: City, written: "Almaty", kind: (StrategicDevelopments, "Looting/property destruction"), fatalities: (None, None), injuries: (None, None), arrests: (None, None), corrected: false },
    Row { note: "Des foules d'éléments bandits tabassent des mili", date: "2022-01-05", place: "Almaty", geonameid: 1526384, precision: City, written: "Almaty", kind: (StrategicDevelopments, "Looting/property destruction"), fatalities: (None, None), injuries: (None, None), arrests: (None, None), corrected: false },
    Row { note: "Face à ces troubles, le gouvernement a annoncé s", date: "2022-01-05", place: "Kazakhstan", geonameid: 1522867, precision: Country, written: "", kind: (StrategicDevelopments, "Other"), fatalities: (None, None), injuries: (None, None), arrests: (None, None), corrected: false },
    Row { note: "Des foules d'éléments bandits tabassent des mili", date: "2022-01-05", place: "Almaty", geonameid: 1526384, precision: City, written: "Almaty", kind: (Riots, "Violent demonstration"), fatalities: (None, None), injuries: (None, None), arrests: (None, None), corrected: false },
    Row { note: "Dans notre ville bien-aimée, il y a des attaques", date: "2022-01-05", place: "Almaty", geonameid: 1526384, precision: City, written: "Almaty", kind: (Riots, "Violent demonstration"), fatalities: (None, None), injuries: (None, None), arrests: (None, None), corrected: false },
    Row { note: "75 avions de transport militaire russes ont été ", date: "2022-01-06", place: "Kazakhstan", geonameid: 1522867, precision: Country, written: "Kazakhstan", kind: (StrategicDevelopments, "Change to group/activity"), fatalities: (None, None), injuries: (None, None), arrests: (None, None), corrected: false },
    Row { note: "La Fédération de Russie a envoyé des troupes aér", date: "2022-01-06", place: "Kazakhstan", geonameid: 1522867, precision: Country, written: "Kazakhstan", kind: (StrategicDevelopments, "Change to group/activity"), fatalities: (None, None), injuries: (None, None), arrests: (None, None), corrected: false },
    Row { note: "Internet reste également suspendu.", date: "2022-01-06", place: "Kazakhstan", geonameid: 1522867, precision: Country, written: "", kind: (StrategicDevelopments, "Other"), fatalities: (None, None), injuries: (None, None), arrests: (None, None), corrected: false },
    Row { note: "Les autorités affirment avoir appréhendé plus de", date: "2022-01-06", place: "Kazakhstan", geonameid: 1522867, precision: Country, written: "", kind: (StrategicDevelopments, "Arrests"), fatalities: (None, None), injuries: (None, None), arrests: (Some(3000), Some(MoreThan)), corrected: false },
    // Rioters burning buildings and breaking windows, told over two sentences: one riot (ACLED
    // codes property destruction in unrest as the riot, not as a strategic development).
    Row { note: "Les radicaux ont incendié des bâtiments administ", date: "2022-01-06", place: "Almaty", geonameid: 1526384, precision: City, written: "Almaty", kind: (Riots, "Violent demonstration"), fatalities: (None, None), injuries: (None, None), arrests: (None, None), corrected: false },
    Row { note: "Des unités de la 45e brigade des forces spéciale", date: "2022-01-06", place: "Kazakhstan", geonameid: 1522867, precision: Country, written: "Kazakhstan", kind: (StrategicDevelopments, "Change to group/activity"), fatalities: (None, None), injuries: (None, None), arrests: (None, None), corrected: false },
    Row { note: "Dans la matinée du jeudi 6 janvier, des informat", date: "2022-01-06", place: "Almaty", geonameid: 1526384, precision: City, written: "Almaty", kind: (Protests, "Excessive force against protesters"), fatalities: (None, None), injuries: (None, None), arrests: (None, None), corrected: false },
    Row { note: "Les chaînes de télégrammes rapportent qu'Interne", date: "2022-01-06", place: "Astana", geonameid: 1526273, precision: City, written: "Nur-Sultan", kind: (StrategicDevelopments, "Other"), fatalities: (None, None), injuries: (None, None), arrests: (None, None), corrected: false },
    Row { note: "Le nombre exact de manifestants tués n'est toujo", date: "2022-01-06", place: "Kazakhstan", geonameid: 1522867, precision: Country, written: "", kind: (Protests, "Excessive force against protesters"), fatalities: (None, Some(Dozens)), injuries: (None, None), arrests: (None, None), corrected: false },
    Row { note: "Les autorités kazakhes ont temporairement interd", date: "2022-01-06", place: "Kazakhstan", geonameid: 1522867, precision: Country, written: "", kind: (StrategicDevelopments, "Other"), fatalities: (None, None), injuries: (None, None), arrests: (None, None), corrected: false },
    Row { note: "Rappelons qu'il n'y a toujours pas d'Internet da", date: "2022-01-06", place: "Kazakhstan", geonameid: 1522867, precision: Country, written: "Kazakhstan", kind: (StrategicDevelopments, "Other"), fatalities: (None, None), injuries: (None, None), arrests: (None, None), corrected: false },
    Row { note: "Au cours des émeutes et des actions des forces d", date: "2022-01-06", place: "Almaty", geonameid: 1526384, precision: City, written: "Alma-Ata", kind: (Riots, "Violent demonstration"), fatalities: (Some(18), Some(AtLeast)), injuries: (Some(748), None), arrests: (None, None), corrected: false },
    Row { note: "Les aéroports sont fermés.", date: "2022-01-06", place: "Kazakhstan", geonameid: 1522867, precision: Country, written: "", kind: (StrategicDevelopments, "Other"), fatalities: (None, None), injuries: (None, None), arrests: (None, None), corrected: false },
    Row { note: "Les médias russes ont déclaré que les forces bié", date: "2022-01-06", place: "Kazakhstan", geonameid: 1522867, precision: Country, written: "Kazakhstan", kind: (StrategicDevelopments, "Change to group/activity"), fatalities: (None, None), injuries: (None, None), arrests: (None, None), corrected: false },
    Row { note: "A Aqtobe, une opération spéciale a été menée pou", date: "2022-01-07", place: "Aktobe", geonameid: 610611, precision: City, written: "Aqtobe", kind: (Protests, "Protest with intervention"), fatalities: (None, None), injuries: (None, None), arrests: (None, None), corrected: true },
    Row { note: "Dans l'un des quartiers d'Alma-Ata, au moins tro", date: "2022-01-07", place: "Almaty", geonameid: 1526384, precision: City, written: "Alma-Ata", kind: (ExplosionsRemoteViolence, "Remote explosive/landmine/IED"), fatalities: (None, None), injuries: (None, None), arrests: (None, None), corrected: true },
    Row { note: "À Atyrau, plus de 100 manifestants ont été arrêt", date: "2022-01-07", place: "Atyrau", geonameid: 610529, precision: City, written: "Atyrau", kind: (StrategicDevelopments, "Arrests"), fatalities: (None, None), injuries: (None, None), arrests: (Some(100), Some(MoreThan)), corrected: true },
    Row { note: "Tokayev (photo ci-contre) n'a pas donné le nombr", date: "2022-01-07", place: "Almaty", geonameid: 1526384, precision: City, written: "Alma-Ata", kind: (Battles, "Armed clash"), fatalities: (None, None), injuries: (None, None), arrests: (None, None), corrected: false },
    Row { note: "Environ 200 manifestants ont été conduits au pos", date: "2022-01-07", place: "Aktobe", geonameid: 610611, precision: City, written: "Aqtobe", kind: (StrategicDevelopments, "Arrests"), fatalities: (None, None), injuries: (None, None), arrests: (Some(200), Some(About)), corrected: true },
    Row { note: "Ainsi, le ministère a annoncé que 26 manifestant", date: "2022-01-07", place: "Kazakhstan", geonameid: 1522867, precision: Country, written: "", kind: (Protests, "Excessive force against protesters"), fatalities: (Some(26), None), injuries: (Some(18), None), arrests: (None, None), corrected: false },
    Row { note: "Jusqu'à présent, le régime d'urgence continue de", date: "2022-01-07", place: "Kazakhstan", geonameid: 1522867, precision: Country, written: "Kazakhstan", kind: (StrategicDevelopments, "Other"), fatalities: (None, None), injuries: (None, None), arrests: (None, None), corrected: false },
    Row { note: "Le président du Kazakhstan a déclaré que 20 000 ", date: "2022-01-07", place: "Almaty", geonameid: 1526384, precision: City, written: "Alma-Ata", kind: (Riots, "Violent demonstration"), fatalities: (None, None), injuries: (None, None), arrests: (None, None), corrected: false },
    Row { note: "À Atyrau, plus de 100 manifestants ont été arrêt", date: "2022-01-07", place: "Atyrau", geonameid: 610529, precision: City, written: "Atyrau", kind: (Riots, "Violent demonstration"), fatalities: (None, None), injuries: (Some(35), None), arrests: (None, None), corrected: true },
    Row { note: "Selon une déclaration faite vendredi 7 janvier 2", date: "2022-01-07", place: "Kazakhstan", geonameid: 1522867, precision: Country, written: "", kind: (StrategicDevelopments, "Other"), fatalities: (None, None), injuries: (None, None), arrests: (None, None), corrected: false },
];

fn seed_events() -> Vec<Event> {
    extract(Gazetteer::embedded(), &seed_article())
        .expect("the seed article reads")
        .events
}

fn matches(row: &Row, e: &Event) -> bool {
    e.notes.starts_with(row.note)
        && e.event_date.to_string() == row.date
        && e.place == row.place
        && e.geonameid.unwrap_or(0) == row.geonameid
        && e.geo_precision == row.precision
        && e.place_as_written == row.written
        && (e.event_type, e.sub_event_type.as_str()) == row.kind
        && e.count(CountKind::Fatalities) == row.fatalities
        && e.count(CountKind::Injuries) == row.injuries
        && e.count(CountKind::Arrests) == row.arrests
        && e.date_corrected == row.corrected
}

fn find<'e>(
    events: &'e [Event],
    place: &str,
    date: &str,
    kind: (EventType, &str),
) -> Vec<&'e Event> {
    events
        .iter()
        .filter(|e| e.place == place && e.event_date.to_string() == date)
        .filter(|e| (e.event_type, e.sub_event_type.as_str()) == kind)
        .collect()
}

#[test]
fn seed_yields_exactly_the_reviewed_events_in_order() {
    let events = seed_events();
    let mismatches: Vec<String> = events
        .iter()
        .zip(SNAPSHOT)
        .enumerate()
        .filter(|(_, (e, row))| !matches(row, e))
        .map(|(i, (e, row))| {
            format!(
                "#{i}: expected {row:?}\n   got {} {} {:?} {:?} {}",
                e.event_date, e.place, e.event_type, e.sub_event_type, e.notes
            )
        })
        .collect();
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
    assert_eq!(events.len(), SNAPSHOT.len());
}

#[test]
fn events_are_ordered_by_date_and_id_without_duplicates() {
    let events = seed_events();
    assert!(
        events
            .windows(2)
            .all(|w| (w[0].event_date, &w[0].id) < (w[1].event_date, &w[1].id))
    );
}

#[test]
fn every_event_is_well_formed() {
    let text = seed_article().text;
    for e in seed_events() {
        assert!(
            text.contains(&e.notes),
            "notes is not a sentence of the text: {}",
            e.notes
        );
        assert!(
            e.notes.len() < 600 && !e.notes.contains('\n'),
            "notes is more than a sentence: {}",
            e.notes
        );
        assert!(
            e.event_type
                .canonical_sub_event_type(&e.sub_event_type)
                .is_some()
        );
        assert_eq!(e.country_code, "KZ");
        assert_eq!(e.lang, "fr");
        assert_eq!(e.source, "kazakhstan-2022-01-fr.txt");
        assert!(e.article_id.is_none() && !e.corrected);
        assert!(e.event_date <= jiff::civil::date(2022, 1, 7));
        assert!(
            e.event_date.year() == 2022,
            "nothing from the background years: {}",
            e.notes
        );
    }
}

#[test]
fn attacks_on_law_enforcement_in_almaty_on_the_5th() {
    let events = seed_events();
    let riots = find(
        &events,
        "Almaty",
        "2022-01-05",
        (Riots, "Violent demonstration"),
    );
    assert!(
        riots
            .iter()
            .any(|e| e.notes.contains("attaques massives contre des agents"))
    );
    assert!(riots.iter().all(|e| e.geonameid == Some(ALMATY)));
}

/// The troops encircling the protesters and the shots of the next sentence are one happening:
/// one event (ACLED codes one per place, day and type), typed by the shots, quoting both.
#[test]
fn troops_encircle_protesters_and_shots_in_almaty_on_the_6th() {
    let events = seed_events();
    let encircled = find(
        &events,
        "Almaty",
        "2022-01-06",
        (Protests, "Excessive force against protesters"),
    );
    assert_eq!(encircled.len(), 1);
    assert!(encircled[0].notes.contains("ont encerclé les manifestants"));
    assert!(encircled[0].notes.ends_with("Des tirs sont retenti."));
    assert!(
        find(
            &events,
            "Almaty",
            "2022-01-06",
            (Protests, "Protest with intervention")
        )
        .is_empty()
    );
}

#[test]
fn explosions_in_alma_ata_on_the_7th() {
    let events = seed_events();
    let blasts = find(
        &events,
        "Almaty",
        "2022-01-07",
        (ExplosionsRemoteViolence, "Remote explosive/landmine/IED"),
    );
    assert_eq!(blasts.len(), 1);
    assert_eq!(blasts[0].place_as_written, "Alma-Ata");
    assert_eq!(
        blasts[0].fatalities, None,
        "three explosions are not three deaths"
    );
    assert!(blasts[0].date_corrected);
}

#[test]
fn security_officers_killed_and_injured_in_alma_ata() {
    let events = seed_events();
    let toll: Vec<&Event> = events.iter().filter(|e| e.fatalities == Some(18)).collect();
    assert_eq!(toll.len(), 1);
    let e = toll[0];
    assert_eq!(
        (e.geonameid, e.place_as_written.as_str()),
        (Some(ALMATY), "Alma-Ata")
    );
    assert_eq!(e.count(CountKind::Fatalities), (Some(18), Some(AtLeast)));
    assert_eq!(e.count(CountKind::Injuries), (Some(748), None));
    assert!(
        e.actors
            .contains(&"Police Forces of Kazakhstan".to_string())
    );
}

#[test]
fn aktobe_square_cleared_and_about_200_taken_to_the_police() {
    let events = seed_events();
    let aktobe: Vec<&Event> = events
        .iter()
        .filter(|e| e.geonameid == Some(AKTOBE))
        .collect();
    assert_eq!(aktobe.len(), 2);
    assert!(
        aktobe
            .iter()
            .all(|e| e.place_as_written == "Aqtobe" && e.event_date.to_string() == "2022-01-07")
    );
    assert!(
        aktobe
            .iter()
            .any(|e| e.sub_event_type == "Protest with intervention")
    );
    let arrests = aktobe
        .iter()
        .find(|e| e.sub_event_type == "Arrests")
        .expect("arrests in Aktobe");
    assert_eq!(arrests.count(CountKind::Arrests), (Some(200), Some(About)));
}

#[test]
fn atyrau_arrests_and_injured_police() {
    let events = seed_events();
    let atyrau: Vec<&Event> = events
        .iter()
        .filter(|e| e.geonameid == Some(ATYRAU))
        .collect();
    assert_eq!(atyrau.len(), 2);
    let arrests = atyrau
        .iter()
        .find(|e| e.sub_event_type == "Arrests")
        .expect("arrests in Atyrau");
    assert_eq!(
        arrests.count(CountKind::Arrests),
        (Some(100), Some(MoreThan))
    );
    let injured = atyrau
        .iter()
        .find(|e| e.injuries.is_some())
        .expect("injured police in Atyrau");
    assert_eq!(injured.count(CountKind::Injuries), (Some(35), None));
    assert_eq!(injured.event_type, Riots);
}

#[test]
fn internet_back_in_nur_sultan_is_astana() {
    let events = seed_events();
    let astana: Vec<&Event> = events
        .iter()
        .filter(|e| e.geonameid == Some(ASTANA))
        .collect();
    assert_eq!(astana.len(), 1);
    assert_eq!(astana[0].place_as_written, "Nur-Sultan");
    assert_eq!(astana[0].event_type, StrategicDevelopments);
    assert!(astana[0].notes.contains("Internet fixe"));
}

#[test]
fn country_level_toll_and_detentions() {
    let events = seed_events();
    let national: Vec<&Event> = events
        .iter()
        .filter(|e| e.geo_precision == Country)
        .collect();
    assert!(
        national
            .iter()
            .all(|e| e.country_code == "KZ" && e.place == "Kazakhstan")
    );
    assert!(
        national
            .iter()
            .any(|e| e.fatalities == Some(26) && e.place_as_written.is_empty())
    );
    // The ministry's toll is told twice (a lead, then its statement with the injured) and the
    // 3000 detained twice (6 and 7 January): each figure is one event, so totals count it once.
    let total = |kind| -> u32 { national.iter().filter_map(|e| e.count(kind).0).sum() };
    assert_eq!(total(CountKind::Fatalities), 26);
    assert_eq!(total(CountKind::Injuries), 18);
    assert_eq!(total(CountKind::Arrests), 3000);
    let detained: Vec<&&Event> = national
        .iter()
        .filter(|e| e.arrests == Some(3000))
        .collect();
    assert_eq!(detained.len(), 1);
    assert_eq!(
        detained[0].count(CountKind::Arrests),
        (Some(3000), Some(MoreThan))
    );
    assert_eq!(detained[0].event_date.to_string(), "2022-01-06");
}

#[test]
fn the_wrong_year_header_dates_the_7th_and_is_flagged() {
    let events = seed_events();
    let corrected: Vec<&Event> = events.iter().filter(|e| e.date_corrected).collect();
    // Everything after "La situation du vendredi 7 janvier 2002": Alma-Ata, Aqtobe, Atyrau.
    assert_eq!(corrected.len(), 5);
    assert!(
        corrected
            .iter()
            .all(|e| e.event_date.to_string() == "2022-01-07")
    );
}

#[test]
fn persons_are_never_places() {
    for e in seed_events() {
        for person in [
            "Tokayev",
            "Nazarbayev",
            "Nursultan",
            "Konashenkov",
            "Serdyukov",
            "Ablyazov",
            "Tokarev",
        ] {
            assert!(
                !e.place_as_written.contains(person) && !e.place.contains(person),
                "{person} placed: {}",
                e.notes
            );
        }
    }
}

#[test]
fn numbers_that_are_not_counts_stay_out() {
    let events = seed_events();
    for figure in [75, 70, 2500, 58, 20_000, 45, 98, 31, 24, 3, 7, 2] {
        assert!(
            events
                .iter()
                .all(|e| ![e.fatalities, e.injuries, e.arrests].contains(&Some(figure))),
            "{figure} counted"
        );
    }
    // "des centaines de personnes ont été tuées ou blessées": hundreds, but of which?
    let clash = events
        .iter()
        .find(|e| e.notes.contains("tuées ou blessées"))
        .expect("the clashes in Alma-Ata");
    assert_eq!((clash.fatalities, clash.injuries), (None, None));
    assert!(clash.count_qualifiers.is_empty());
}

#[test]
fn detected_language_reads_the_same() {
    let detected = ArticleText {
        lang: None,
        ..seed_article()
    };
    let x = extract(Gazetteer::embedded(), &detected).expect("the seed article reads");
    assert_eq!(x.lang, Lang::Fr);
    assert_eq!(x.events, seed_events());
}
