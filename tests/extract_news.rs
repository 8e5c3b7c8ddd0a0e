//! News texts with datelines, multi-place sentences and nationwide measures.

mod common;

use eventmap::extract::{Extraction, Lang};
use eventmap::model::{CountQualifier, Event, EventType, GeoPrecision};
use jiff::civil::{Date, date};

use CountQualifier::*;
use EventType::*;

fn read(text: &str, published: Option<Date>, lang: Option<Lang>) -> Extraction {
    common::read(text, "news", published, lang)
}

/// (date, place, geo precision, type, sub-event type, fatalities, injuries, arrests, and the
/// qualifiers of fatalities and arrests) of one event.
type Row = (
    String,
    String,
    GeoPrecision,
    EventType,
    String,
    (Option<u32>, Option<u32>, Option<u32>),
    (Option<CountQualifier>, Option<CountQualifier>),
);

fn rows(events: &[Event]) -> Vec<Row> {
    let mut rows: Vec<Row> = events
        .iter()
        .map(|e| {
            let q = |k| e.count_qualifiers.get(&k).copied();
            (
                e.event_date.to_string(),
                e.place.clone(),
                e.geo_precision,
                e.event_type,
                e.sub_event_type.clone(),
                (e.fatalities, e.injuries, e.arrests),
                (
                    q(eventmap::model::CountKind::Fatalities),
                    q(eventmap::model::CountKind::Arrests),
                ),
            )
        })
        .collect();
    rows.sort_by(|a, b| format!("{a:?}").cmp(&format!("{b:?}")));
    rows
}

fn row(date: &str, place: &str, ty: EventType, sub: &str) -> Row {
    (
        date.into(),
        place.into(),
        GeoPrecision::City,
        ty,
        sub.into(),
        (None, None, None),
        (None, None),
    )
}

fn country(mut r: Row) -> Row {
    r.2 = GeoPrecision::Country;
    r
}

fn counts(mut r: Row, f: Option<u32>, i: Option<u32>, a: Option<u32>) -> Row {
    r.5 = (f, i, a);
    r
}

fn qualified(
    mut r: Row,
    fatalities: Option<CountQualifier>,
    arrests: Option<CountQualifier>,
) -> Row {
    r.6 = (fatalities, arrests);
    r
}

fn check(x: &Extraction, expected: Vec<Row>) {
    let mut expected = expected;
    expected.sort_by(|a, b| format!("{a:?}").cmp(&format!("{b:?}")));
    let got = rows(&x.events);
    assert_eq!(got, expected, "\ngot:\n{got:#?}");
}

const KZ_EN: &str = "Kazakhstan unrest: what we know
ALMATY, Jan 6 (Reuters) - Security forces killed dozens of rioters in Almaty overnight, police said on Thursday, as Russian paratroopers arrived to help quell the uprising.
The protests began on Sunday in the oil town of Zhanaozen after fuel prices doubled, and spread to Aktau the next day.
At least 12 police officers were killed and 353 injured, the interior ministry said. More than 2,000 people have been detained across the country.
In Taldykorgan, protesters toppled a statue of former president Nursultan Nazarbayev.
Internet access was cut nationwide on Wednesday, and the airport in Almaty was seized by protesters.
President Kassym-Jomart Tokayev said he had ordered troops to fire without warning.
";

const KZ_EN2: &str = "Curfew imposed as unrest spreads
NUR-SULTAN, Jan. 7 (AP) — Rioters set fire to the mayor's office in Shymkent on Wednesday and looted shops in Taraz on Thursday, officials said.
A curfew was declared nationwide on Friday.
Troops killed dozens of looters in Kyzylorda, the defence ministry said.
In Aktobe, police detained 150 people.
";

const KZ_FR: &str = "Kazakhstan : la contestation gagne le sud
ALMATY, 6 janvier (AFP) - Des manifestants ont incendié la mairie d'Almaty, selon la police.
Les manifestations ont commencé le 2 janvier à Janaozen, puis ont gagné Aktaou le lendemain.
L'accès à Internet a été coupé dans tout le pays mercredi, et l'aéroport d'Almaty a été pris d'assaut par des manifestants.
Au moins 8 policiers ont été tués, a indiqué le ministère de l'Intérieur.
À Taldykourgan, des manifestants ont déboulonné la statue de Noursoultan Nazarbaïev.
";

const SD: EventType = StrategicDevelopments;

#[test]
fn reuters_report_with_dateline_chronology_and_nationwide_shutdown() {
    let x = read(KZ_EN, Some(date(2022, 1, 6)), None);
    assert_eq!(x.lang, Lang::En);
    check(
        &x,
        vec![
            // The chronology gives each town its own day.
            row("2022-01-02", "Zhanaozen", Protests, "Peaceful protest"),
            row("2022-01-03", "Aktau", Protests, "Peaceful protest"),
            // The dateline dates the lead; "killed dozens of rioters" is violence in Almaty.
            qualified(
                row("2022-01-06", "Almaty", Riots, "Violent demonstration"),
                Some(Dozens),
                None,
            ),
            row("2022-01-06", "Almaty", SD, "Change to group/activity"),
            // "the next day" did not move the context: the toll keeps the dateline's day.
            qualified(
                counts(
                    country(row(
                        "2022-01-06",
                        "Kazakhstan",
                        Riots,
                        "Violent demonstration",
                    )),
                    Some(12),
                    Some(353),
                    None,
                ),
                Some(AtLeast),
                None,
            ),
            qualified(
                counts(
                    country(row("2022-01-06", "Kazakhstan", SD, "Arrests")),
                    None,
                    None,
                    Some(2000),
                ),
                None,
                Some(MoreThan),
            ),
            // Protesters toppling a statue: destruction in a demonstration, a riot (ACLED's
            // codebook keeps "Looting/property destruction" for what happens outside rioting).
            row("2022-01-06", "Taldykorgan", Riots, "Violent demonstration"),
            // "nationwide" puts the shutdown in the country though the sentence names Almaty.
            country(row("2022-01-05", "Kazakhstan", SD, "Other")),
            row("2022-01-05", "Almaty", Riots, "Violent demonstration"),
        ],
    );
    assert!(x.events.iter().all(|e| !e.place.contains("Nur")));
    let dozens = x
        .events
        .iter()
        .find(|e| {
            e.count_qualifiers
                .get(&eventmap::model::CountKind::Fatalities)
                == Some(&Dozens)
        })
        .expect("dozens killed");
    assert_eq!(dozens.place_as_written, "Almaty");
}

#[test]
fn ap_report_with_two_days_and_a_nationwide_curfew() {
    let x = read(KZ_EN2, Some(date(2022, 1, 8)), None);
    check(
        &x,
        vec![
            // The dateline's capital stands back: the body names its own places. Rioters'
            // arson and looting are riots (ACLED's codebook), not strategic developments.
            row("2022-01-05", "Shymkent", Riots, "Violent demonstration"),
            row("2022-01-06", "Taraz", Riots, "Violent demonstration"),
            country(row("2022-01-07", "Kazakhstan", SD, "Other")),
            qualified(
                row("2022-01-07", "Kyzylorda", Riots, "Violent demonstration"),
                Some(Dozens),
                None,
            ),
            counts(
                row("2022-01-07", "Aktobe", SD, "Arrests"),
                None,
                None,
                Some(150),
            ),
        ],
    );
}

#[test]
fn afp_report_in_french() {
    let x = read(KZ_FR, Some(date(2022, 1, 8)), None);
    assert_eq!(x.lang, Lang::Fr);
    check(
        &x,
        vec![
            row("2022-01-06", "Almaty", SD, "Looting/property destruction"),
            row("2022-01-02", "Zhanaozen", Protests, "Peaceful protest"),
            row("2022-01-03", "Aktau", Protests, "Peaceful protest"),
            // "dans tout le pays": the country; the seized airport stays in Almaty.
            country(row("2022-01-05", "Kazakhstan", SD, "Other")),
            row("2022-01-05", "Almaty", Riots, "Violent demonstration"),
            // Undated sentences keep the last explicit day ("mercredi").
            qualified(
                counts(
                    country(row(
                        "2022-01-05",
                        "Kazakhstan",
                        Riots,
                        "Violent demonstration",
                    )),
                    Some(8),
                    None,
                    None,
                ),
                Some(AtLeast),
                None,
            ),
            row("2022-01-05", "Taldykorgan", Riots, "Violent demonstration"),
        ],
    );
    assert!(x.events.iter().all(|e| !e.place.contains("Nur")));
}

#[test]
fn a_dateline_place_stands_when_the_body_names_none() {
    let text = "AKTOBE, Jan 5 (Reuters) - Hundreds of protesters rallied outside the regional administration.\n";
    let x = read(text, Some(date(2022, 1, 6)), Some(Lang::En));
    check(
        &x,
        vec![row("2022-01-05", "Aktobe", Protests, "Peaceful protest")],
    );
}

#[test]
fn a_relative_day_inside_a_clause_dates_that_clause_only() {
    let text = "Protesters rallied in Semey on Monday and in Oral the following day. \
                Police detained 40 people.\n";
    let x = read(text, Some(date(2022, 1, 6)), Some(Lang::En));
    check(
        &x,
        vec![
            row("2022-01-03", "Semey", Protests, "Peaceful protest"),
            row("2022-01-04", "Oral", Protests, "Peaceful protest"),
            counts(
                row("2022-01-06", "Oral", SD, "Arrests"),
                None,
                None,
                Some(40),
            ),
        ],
    );
}
