//! The store's behaviour, one test body run on both engines: SQLite in a temporary directory,
//! and PostgreSQL/PostGIS in a private cluster (tests/support/postgres.rs) — plus what only
//! the PostgreSQL engine has: its migrations, its plain columns, writers in two processes.

use std::sync::Arc;

use eventmap::gazetteer::Gazetteer;
use eventmap::store::{Correction, Location, NewArticle, Polled, Store, StoreError, group_key};

#[path = "support/postgres.rs"]
mod postgres_cluster;
use postgres_cluster::Cluster;

#[path = "support/server.rs"]
mod server;
#[path = "store_engines/servers.rs"]
mod servers;

const SHYMKENT_EN: &str = "Protests in southern Kazakhstan\n\
Monday 10 January 2022: thousands of protesters gathered in Shymkent.\n\
Police detained more than 40 protesters in Shymkent on Monday.\n";

const ALMATY_EN: &str = "Unrest in Almaty\n\
Wednesday 5 January 2022: protesters stormed the mayor's office in Almaty.\n\
Eight police officers were killed in Almaty on Wednesday.\n";

/// Where a test's store lives, kept alive as long as the test.
enum Engine {
    Sqlite(tempfile::TempDir),
    Postgres(Cluster, String),
}

impl Engine {
    fn sqlite() -> Engine {
        Engine::Sqlite(tempfile::tempdir().unwrap())
    }

    fn postgres() -> Engine {
        let cluster = Cluster::start();
        let url = cluster.database();
        Engine::Postgres(cluster, url)
    }

    fn location(&self) -> Location {
        match self {
            Engine::Sqlite(dir) => Location::Sqlite(dir.path().to_path_buf()),
            Engine::Postgres(_, url) => Location::Postgres(url.clone()),
        }
    }

    /// A handle on the store, as a new process opens it.
    fn open(&self) -> Store {
        Store::open_at(&self.location(), Gazetteer::embedded()).unwrap()
    }
}

fn article(text: &str) -> NewArticle {
    NewArticle {
        text: text.into(),
        ..Default::default()
    }
}

/// Each body runs once per engine: `<name>::sqlite` and `<name>::postgres`.
macro_rules! on_both_engines {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[test]
                fn sqlite() {
                    super::$name(&super::Engine::sqlite());
                }
                #[test]
                fn postgres() {
                    super::$name(&super::Engine::postgres());
                }
            }
        )*
    };
}

on_both_engines!(
    a_new_store_starts_with_the_seed_article,
    the_same_text_twice_is_one_article,
    a_deleted_articles_id_is_never_given_again,
    corrections_survive_reindex_and_reopening,
    members_of_a_day_and_type,
    feeds_and_their_items_are_kept,
    two_handles_adding_one_text_at_once_make_one_article,
);

fn a_new_store_starts_with_the_seed_article(engine: &Engine) {
    let store = engine.open();
    let articles = store.articles().unwrap();
    assert_eq!(articles.len(), 1);
    assert_eq!(articles[0].id, 1);
    assert_eq!(
        articles[0].title.as_deref(),
        Some("Kazakhstan, janvier 2022 (live-blog)")
    );
    let events = store.events().unwrap();
    assert!(!events.is_empty());
    assert_eq!(articles[0].events, events.len());
    assert!(events.iter().all(|e| e.article_id == Some(1)));
    // Opening again neither seeds again nor migrates anything.
    drop(store);
    assert_eq!(engine.open().articles().unwrap(), articles);
}

fn the_same_text_twice_is_one_article(engine: &Engine) {
    let store = engine.open();
    let first = store
        .add(&article(SHYMKENT_EN), Gazetteer::embedded())
        .unwrap();
    assert!(first.created);
    assert_eq!(first.article.id, 2);
    assert!(!first.events.is_empty());
    let again = store
        .add(&article(SHYMKENT_EN), Gazetteer::embedded())
        .unwrap();
    assert!(!again.created);
    assert_eq!(again.article, first.article);
    assert_eq!(again.events, first.events);
    assert_eq!(store.articles().unwrap().len(), 2);
    assert_eq!(store.article_events(2).unwrap(), first.events);
    let stored = store.event(&first.events[0].id).unwrap();
    assert_eq!(stored.as_ref(), Some(&first.events[0]));
    let with_text = store.article(2, true).unwrap().unwrap();
    assert_eq!(with_text.text.as_deref(), Some(SHYMKENT_EN));
    assert_eq!(with_text.ingested_at.len(), "2026-01-01T00:00:00Z".len());
}

fn a_deleted_articles_id_is_never_given_again(engine: &Engine) {
    let store = engine.open();
    let shymkent = store
        .add(&article(SHYMKENT_EN), Gazetteer::embedded())
        .unwrap();
    let gone = store.delete(shymkent.article.id).unwrap().unwrap();
    let ids: Vec<String> = shymkent.events.iter().map(|e| e.id.clone()).collect();
    assert_eq!(gone, ids);
    assert_eq!(store.delete(shymkent.article.id).unwrap(), None);
    assert_eq!(store.article(shymkent.article.id, false).unwrap(), None);
    drop(store);
    let store = engine.open();
    let almaty = store
        .add(&article(ALMATY_EN), Gazetteer::embedded())
        .unwrap();
    assert_eq!(almaty.article.id, shymkent.article.id + 1);
    assert!(almaty.events.iter().all(|e| e.id.starts_with("a3-")));
}

fn corrections_survive_reindex_and_reopening(engine: &Engine) {
    let store = engine.open();
    let added = store
        .add(&article(SHYMKENT_EN), Gazetteer::embedded())
        .unwrap();
    let id = added.events[0].id.clone();
    let correction: Correction = serde_json::from_str(r#"{"fatalities": 7}"#).unwrap();
    let corrected = store
        .correct(&id, &correction, Gazetteer::embedded())
        .unwrap();
    assert_eq!(corrected.fatalities, Some(7));
    assert!(corrected.corrected);
    let missing = store.correct("a99-nothing", &correction, Gazetteer::embedded());
    assert!(
        matches!(missing, Err(StoreError::NotFound(_))),
        "{missing:?}"
    );
    let (articles, events, orphans) = store.reindex(Gazetteer::embedded(), |_, _| {}).unwrap();
    assert_eq!(articles, 2);
    assert_eq!(events, store.events().unwrap().len());
    assert_eq!(orphans, 0);
    drop(store);
    let reopened = engine.open();
    let event = reopened.event(&id).unwrap().unwrap();
    assert_eq!(event.fatalities, Some(7));
    assert!(event.corrected);
    // A second correction keeps the first one's fields.
    let injuries: Correction = serde_json::from_str(r#"{"injuries": 3}"#).unwrap();
    let both = reopened
        .correct(&id, &injuries, Gazetteer::embedded())
        .unwrap();
    assert_eq!((both.fatalities, both.injuries), (Some(7), Some(3)));
}

fn members_of_a_day_and_type(engine: &Engine) {
    let store = engine.open();
    let added = store
        .add(&article(SHYMKENT_EN), Gazetteer::embedded())
        .unwrap();
    let key = group_key(&added.events[0]);
    let members = store.members_of(&[key, key]).unwrap();
    let mut expected: Vec<String> = store
        .events()
        .unwrap()
        .into_iter()
        .filter(|e| group_key(e) == key)
        .map(|e| e.id)
        .collect();
    let mut found: Vec<String> = members.iter().map(|m| m.event.id.clone()).collect();
    expected.sort();
    found.sort();
    assert_eq!(found, expected);
    assert!(!store.merged_events().unwrap().is_empty());
}

fn feeds_and_their_items_are_kept(engine: &Engine) {
    let store = engine.open();
    let url = "https://news.example.org/feed.xml";
    let (feed, added) = store.add_feed(url).unwrap();
    assert!(added);
    assert_eq!((feed.url.as_str(), feed.failures), (url, 0));
    let (same, added_again) = store.add_feed(url).unwrap();
    assert!(!added_again);
    assert_eq!(same, feed);
    let polled = Polled {
        title: Some("Example news".into()),
        result: "ok: 1 new".into(),
        failures: 0,
        next_poll_at: "2030-01-01T00:05:00Z".into(),
        etag: Some("\"v1\"".into()),
        ..Default::default()
    };
    store.record_poll(feed.id, &polled).unwrap();
    let link = "https://news.example.org/a";
    assert!(!store.feed_item_seen(feed.id, link).unwrap());
    store
        .mark_feed_item(feed.id, link, "a", Some(1), "added")
        .unwrap();
    assert!(store.feed_item_seen(feed.id, link).unwrap());
    let kept = store.feed(feed.id).unwrap().unwrap();
    assert_eq!(kept.title.as_deref(), Some("Example news"));
    assert_eq!(kept.last_result.as_deref(), Some("ok: 1 new"));
    assert_eq!(kept.next_poll_at.as_deref(), Some("2030-01-01T00:05:00Z"));
    assert_eq!(kept.etag.as_deref(), Some("\"v1\""));
    assert_eq!(store.feeds().unwrap(), vec![kept]);
    assert!(store.delete_feed(feed.id).unwrap());
    assert!(!store.delete_feed(feed.id).unwrap());
    assert_eq!(store.feeds().unwrap(), vec![]);
    let seed_url = store.articles().unwrap()[0].source_url.clone().unwrap();
    let found = store.article_by_url(&seed_url).unwrap().unwrap();
    assert_eq!((found.article.id, found.created), (1, false));
}

/// Two handles are two connections (two processes' worth): both add the same text at once.
fn two_handles_adding_one_text_at_once_make_one_article(engine: &Engine) {
    let stores = [Arc::new(engine.open()), Arc::new(engine.open())];
    let barrier = Arc::new(std::sync::Barrier::new(2));
    let adds: Vec<_> = stores
        .iter()
        .map(|store| {
            let (store, barrier) = (Arc::clone(store), Arc::clone(&barrier));
            std::thread::spawn(move || {
                barrier.wait();
                store
                    .add(&article(ALMATY_EN), Gazetteer::embedded())
                    .unwrap()
            })
        })
        .collect();
    let results: Vec<_> = adds.into_iter().map(|t| t.join().unwrap()).collect();
    assert_eq!(results.iter().filter(|r| r.created).count(), 1);
    assert_eq!(results[0].article.id, results[1].article.id);
    assert_eq!(results[0].events, results[1].events);
    assert_eq!(stores[0].articles().unwrap().len(), 2);
}

/// The two engines, given the same articles, serve the same merged events.
#[test]
fn both_engines_serve_the_same_events() {
    let (sqlite, postgres) = (Engine::sqlite(), Engine::postgres());
    let stores = [sqlite.open(), postgres.open()];
    for store in &stores {
        for text in [SHYMKENT_EN, ALMATY_EN] {
            store.add(&article(text), Gazetteer::embedded()).unwrap();
        }
    }
    let [a, b] = stores.map(|s| s.merged_events().unwrap());
    assert_eq!(a, b);
}

fn postgres_parts(engine: &Engine) -> (&Cluster, &str) {
    match engine {
        Engine::Postgres(cluster, url) => (cluster, url.rsplit('/').next().unwrap_or("")),
        Engine::Sqlite(_) => unreachable!("a PostgreSQL engine was asked for"),
    }
}

/// A database made by schema 1 (before feeds) is migrated in place: its article stays, with
/// its id, and the store goes on from there.
#[test]
fn a_schema_1_database_is_migrated() {
    let engine = Engine::postgres();
    let (cluster, db) = postgres_parts(&engine);
    cluster.sql(db, include_str!("fixtures/postgres-schema-1.sql"));
    let store = engine.open();
    let articles = store.articles().unwrap();
    assert_eq!(
        articles.len(),
        1,
        "no seed article in a store that was not new"
    );
    assert_eq!(
        (articles[0].id, articles[0].title.as_deref()),
        (5, Some("Shymkent"))
    );
    assert_eq!(articles[0].ingested_at, "2022-01-10T12:00:00Z");
    assert!(store.add_feed("https://news.example.org/feed").unwrap().1);
    let (n, events, _) = store.reindex(Gazetteer::embedded(), |_, _| {}).unwrap();
    assert_eq!(n, 1);
    assert!(events > 0);
    let next = store
        .add(&article(ALMATY_EN), Gazetteer::embedded())
        .unwrap();
    assert_eq!(next.article.id, 6);
    let mut client = postgres::Client::connect(&cluster.url(db), postgres::NoTls).unwrap();
    let version: i32 = client
        .query_one("SELECT version FROM eventmap_schema", &[])
        .unwrap()
        .get(0);
    assert_eq!(version, 3);
}

/// A schema newer than this build knows is refused, and left as it was.
#[test]
fn a_newer_schema_is_refused() {
    let engine = Engine::postgres();
    let (cluster, db) = postgres_parts(&engine);
    drop(engine.open());
    cluster.sql(db, "UPDATE eventmap_schema SET version = 99");
    let refused = Store::open_at(&engine.location(), Gazetteer::embedded());
    let message = refused.err().map(|e| e.to_string());
    assert_eq!(
        message.as_deref(),
        Some("stored data is damaged: schema version 99, this eventmap reads 3")
    );
    let mut client = postgres::Client::connect(&cluster.url(db), postgres::NoTls).unwrap();
    let version: i32 = client
        .query_one("SELECT version FROM eventmap_schema", &[])
        .unwrap()
        .get(0);
    assert_eq!(version, 99);
}

/// Other tools read the events table directly: a PostGIS point in WGS 84 and a date.
#[test]
fn events_have_a_postgis_point_and_a_date() {
    let engine = Engine::postgres();
    let (cluster, db) = postgres_parts(&engine);
    let store = engine.open();
    let added = store
        .add(&article(SHYMKENT_EN), Gazetteer::embedded())
        .unwrap();
    let event = &added.events[0];
    let mut client = postgres::Client::connect(&cluster.url(db), postgres::NoTls).unwrap();
    let row = client
        .query_one(
            "SELECT ST_X(geom), ST_Y(geom), ST_SRID(geom), event_date::text, event_type, place,
                    feature->'properties'->>'place'
             FROM events WHERE id = $1",
            &[&event.id],
        )
        .unwrap();
    assert_eq!(row.get::<_, f64>(0), event.lon);
    assert_eq!(row.get::<_, f64>(1), event.lat);
    assert_eq!(row.get::<_, i32>(2), 4326);
    assert_eq!(row.get::<_, String>(3), event.event_date.to_string());
    assert_eq!(row.get::<_, String>(4), event.event_type.label());
    assert_eq!(row.get::<_, String>(5), event.place);
    assert_eq!(row.get::<_, String>(6), event.place);
    // The indexes QGIS and date filters use.
    let indexes: Vec<String> = client
        .query(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'events' ORDER BY indexname",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(
        indexes,
        [
            "events_by_article",
            "events_by_date",
            "events_by_day_type",
            "events_geom",
            "events_pkey"
        ]
    );
}
