//! Reading the fixture site's pages: the article's text without the page's furniture (nav,
//! header, footer, related links, comments), its title, date and language; a live blog's
//! entries each under its own date; a page with no article refused. Then the events the
//! extractor finds in what was read.

use eventmap::extract::{self, ArticleText, Lang};
use eventmap::fetch::{FetchError, page};
use eventmap::gazetteer::Gazetteer;
use jiff::civil::date;

fn read(path: &str) -> page::Page {
    let html = std::fs::read_to_string(format!("tests/fixtures/site/{path}")).unwrap();
    page::read(&html, &format!("http://127.0.0.1/{path}")).unwrap()
}

/// Words of the page's furniture, none of which may reach the text.
const FURNITURE: &[&str] = &[
    "S'abonner",
    "Rechercher",
    "Accueil",
    "À lire aussi",
    "Tokaïev limoge",
    "commentaires",
    "Marc_75",
    "aucune nouvelle",
    "Mentions légales",
    "Tous droits réservés",
    "cookies",
    "Sign in",
    "Newsletters",
    "More on Kazakhstan",
    "What is the CSTO",
    "heartbreaking",
    "Privacy policy",
    "Les plus lus",
    "Plan du site",
    "Related",
    "Kazakhstan explained",
];

fn assert_clean(text: &str) {
    for word in FURNITURE {
        assert!(!text.contains(word), "{word:?} in:\n{text}");
    }
}

#[test]
fn a_french_article_with_meta_dates() {
    let page = read("news/almaty-akimat-fr.html");
    println!("{}", page.text);
    assert_eq!(
        page.title.as_deref(),
        Some("Kazakhstan : la mairie d'Almaty prise d'assaut et incendiée")
    );
    assert_eq!(page.published, Some(date(2022, 1, 6)));
    assert_eq!(page.lang, Some(Lang::Fr));
    assert!(page.entries.is_empty());
    assert_clean(&page.text);
    for said in [
        "Des milliers de manifestants ont pris d'assaut la mairie d'Almaty",
        "huit policiers et militaires ont été tués",
        "l'alliance militaire conduite par Moscou.",
    ] {
        assert!(
            page.text.contains(said),
            "{said:?} missing from:\n{}",
            page.text
        );
    }
}

#[test]
fn an_english_article_dated_by_json_ld() {
    let page = read("news/almaty-city-hall-en.html");
    println!("{}", page.text);
    assert_eq!(
        page.title.as_deref(),
        Some("Security forces say 18 officers killed in Almaty unrest")
    );
    assert_eq!(page.published, Some(date(2022, 1, 7)));
    assert_eq!(page.lang, Some(Lang::En));
    assert_clean(&page.text);
    assert!(
        page.text
            .contains("At least 18 members of the security forces were killed")
    );
    assert!(
        page.text
            .contains("began arriving in the country on Thursday.")
    );
}

#[test]
fn an_article_dated_by_its_time_element() {
    let page = read("news/zhanaozen-fr.html");
    println!("{}", page.text);
    assert_eq!(page.published, Some(date(2022, 1, 3)));
    assert_eq!(page.lang, Some(Lang::Fr));
    assert_clean(&page.text);
    assert!(
        page.text
            .contains("Des milliers d'habitants se sont rassemblés dimanche 2 janvier")
    );
}

#[test]
fn a_live_blog_entry_by_entry() {
    let page = read("live/kazakhstan-live-en.html");
    println!("{}", page.text);
    let days: Vec<_> = page.entries.iter().map(|e| e.published).collect();
    assert_eq!(days, [date(2022, 1, 5), date(2022, 1, 6), date(2022, 1, 7)]);
    assert_eq!(page.published, Some(date(2022, 1, 7)));
    assert_eq!(page.lang, Some(Lang::En));
    assert_clean(&page.text);
    assert!(
        page.text.contains(
            "January 5, 2022\nProtesters enter the mayor's office\nProtesters broke into"
        ),
        "{}",
        page.text
    );
    assert!(!page.text.contains("16:45"));
}

#[test]
fn a_page_with_no_article_is_refused() {
    let html = std::fs::read_to_string("tests/fixtures/site/about.html").unwrap();
    let err = page::read(&html, "http://127.0.0.1/about.html").unwrap_err();
    assert!(matches!(err, FetchError::NoArticle { .. }), "{err}");
    assert_eq!(
        err.to_string(),
        "http://127.0.0.1/about.html has no article text"
    );
}

/// What the extractor makes of each page: the storming of the Almaty city hall on 5 January
/// in both reports (8 dead in the first, 18 in the second), the Zhanaozen rally of 2 January,
/// the live blog's entries each on their own day.
#[test]
fn the_events_of_the_pages() {
    let events = |path: &str| {
        let page = read(path);
        let article = ArticleText {
            text: &page.text,
            source: path,
            published: page.published,
            lang: page.lang,
        };
        extract::extract(Gazetteer::embedded(), &article)
            .unwrap()
            .events
    };
    let toll = |path: &str| {
        events(path)
            .iter()
            .filter(|e| e.place == "Almaty" && e.event_date == date(2022, 1, 5))
            .filter_map(|e| e.fatalities)
            .max()
    };
    assert_eq!(toll("news/almaty-akimat-fr.html"), Some(8));
    assert_eq!(toll("news/almaty-city-hall-en.html"), Some(18));
    let rally = events("news/zhanaozen-fr.html");
    assert!(
        rally
            .iter()
            .any(|e| e.place == "Zhanaozen" && e.event_date == date(2022, 1, 2)),
        "{rally:?}"
    );
    let mut days: Vec<_> = events("live/kazakhstan-live-en.html")
        .iter()
        .filter(|e| e.place == "Almaty")
        .map(|e| e.event_date)
        .collect();
    days.sort();
    days.dedup();
    assert_eq!(days, [date(2022, 1, 5), date(2022, 1, 6), date(2022, 1, 7)]);
}
