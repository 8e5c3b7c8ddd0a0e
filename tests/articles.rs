//! Writes through the router: adding, listing, deleting articles, correcting events, and every
//! refusal — with a real store in a temporary directory and the real extractor.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

use eventmap::api::{AppState, router};
use eventmap::gazetteer::Gazetteer;
use eventmap::store::Store;

const TOKEN: &str = "s3cret-token";

const SHYMKENT_EN: &str = "Protests in southern Kazakhstan\n\
Monday 10 January 2022: thousands of protesters gathered in Shymkent.\n\
Police detained more than 40 protesters in Shymkent on Monday.\n";

struct Setup {
    _dir: tempfile::TempDir,
    app: axum::Router,
    state: AppState,
    store: Arc<Store>,
}

fn setup_with(token: Option<&str>) -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Store::open(dir.path(), Gazetteer::embedded()).unwrap());
    let state = AppState::with_store(Arc::clone(&store), token.map(String::from)).unwrap();
    Setup {
        app: router(state.clone()),
        state,
        store,
        _dir: dir,
    }
}

/// The short Shymkent report as an article of its own, for the store's own calls.
fn shymkent() -> eventmap::store::NewArticle {
    eventmap::store::NewArticle {
        text: SHYMKENT_EN.into(),
        ..Default::default()
    }
}

fn setup() -> Setup {
    setup_with(Some(TOKEN))
}

async fn call(app: &axum::Router, req: Request<Body>) -> (StatusCode, Value) {
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    let value = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into()))
    };
    (status, value)
}

fn post_json(body: &Value) -> Request<Body> {
    Request::post("/articles")
        .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap()
}

fn get(uri: &str) -> Request<Body> {
    Request::get(uri).body(Body::empty()).unwrap()
}

async fn event_count(app: &axum::Router) -> u64 {
    call(app, get("/collections/events/items?limit=1")).await.1["numberMatched"]
        .as_u64()
        .unwrap()
}

#[tokio::test]
async fn a_new_store_starts_with_the_seed_article() {
    let s = setup();
    let (status, list) = call(&s.app, get("/articles")).await;
    assert_eq!(status, StatusCode::OK);
    let articles = list["articles"].as_array().unwrap();
    assert_eq!(articles.len(), 1);
    assert_eq!(articles[0]["published"], "2022-01-07");
    assert!(articles[0]["events"].as_u64().unwrap() > 5);
    assert_eq!(
        event_count(&s.app).await,
        articles[0]["events"].as_u64().unwrap()
    );
}

#[tokio::test]
async fn posting_an_article_adds_its_events_at_once() {
    let s = setup();
    let before = event_count(&s.app).await;
    let revision = s.state.revision();
    let (status, body) = call(&s.app, post_json(&json!({ "text": SHYMKENT_EN, "title": "Shymkent", "source_url": "https://example.org/shymkent", "published": "2022-01-11", "lang": "en" }))).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let id = body["article"]["id"].as_i64().unwrap();
    let features = body["events"]["features"].as_array().unwrap();
    assert!(!features.is_empty(), "{body}");
    assert!(
        features
            .iter()
            .all(|f| f["properties"]["place"] == "Shymkent" && f["properties"]["article_id"] == id)
    );
    assert!(features.iter().any(|f| f["properties"]["arrests"] == 40));
    assert!(s.state.revision() > revision);
    assert_eq!(event_count(&s.app).await, before + features.len() as u64);
    let (_, shown) = call(&s.app, get("/collections/events/items?place=Chymkent")).await;
    assert_eq!(shown["numberMatched"], features.len());

    // The same text again: same article, nothing duplicated.
    let (again, body2) = call(&s.app, post_json(&json!({ "text": SHYMKENT_EN }))).await;
    assert_eq!(again, StatusCode::OK);
    assert_eq!(body2["article"]["id"], id);
    assert_eq!(body2["created"], false);
    assert_eq!(event_count(&s.app).await, before + features.len() as u64);

    let (status, one) = call(&s.app, get(&format!("/articles/{id}"))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(one["text"], SHYMKENT_EN);
    assert_eq!(one["source_url"], "https://example.org/shymkent");
}

#[tokio::test]
async fn plain_text_with_query_parameters() {
    let s = setup();
    let req = Request::post("/articles?title=Oral&published=2022-01-05&lang=fr")
        .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
        .header(header::CONTENT_TYPE, "text/plain; charset=utf-8")
        .body(Body::from("Mercredi 5 janvier 2022 : à Ouralsk, au moins 12 manifestants ont été arrêtés par la police."))
        .unwrap();
    let (status, body) = call(&s.app, req).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let f = &body["events"]["features"][0]["properties"];
    assert_eq!(f["place"], "Oral");
    assert_eq!(f["place_as_written"], "Ouralsk");
    assert_eq!(f["event_date"], "2022-01-05");
    assert_eq!(f["arrests"], 12);
}

#[tokio::test]
async fn bad_articles_are_refused_and_nothing_is_stored() {
    let s = setup();
    let before = event_count(&s.app).await;
    let with = |ct: &str, body: Vec<u8>| {
        Request::post("/articles")
            .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
            .header(header::CONTENT_TYPE, ct)
            .body(Body::from(body))
            .unwrap()
    };
    let cases: Vec<(Request<Body>, StatusCode, &str)> = vec![
        (
            post_json(&json!({ "text": "   " })),
            StatusCode::UNPROCESSABLE_ENTITY,
            "empty",
        ),
        (
            with("application/json", b"{\"text\": \"abc\"".to_vec()),
            StatusCode::BAD_REQUEST,
            "line 1",
        ),
        (
            post_json(&json!({ "text": "x", "colour": "red" })),
            StatusCode::BAD_REQUEST,
            "colour",
        ),
        (
            post_json(&json!({ "text": "x", "published": "2022-02-30" })),
            StatusCode::BAD_REQUEST,
            "published",
        ),
        (
            post_json(&json!({ "text": "Riots in Taraz.", "published": "8470-04-08" })),
            StatusCode::BAD_REQUEST,
            "not a plausible date",
        ),
        (
            post_json(&json!({ "text": "Riots in Taraz.", "published": "1850-01-01" })),
            StatusCode::BAD_REQUEST,
            "1900-01-01",
        ),
        (
            post_json(&json!({ "text": "Riots in Taraz.", "title": "a\u{5}b" })),
            StatusCode::BAD_REQUEST,
            "control characters",
        ),
        (
            post_json(&json!({ "text": "Riots in Taraz.", "source_url": "ftp://example.org/a" })),
            StatusCode::BAD_REQUEST,
            "source_url must be an http(s) URL",
        ),
        (
            post_json(
                &json!({ "text": "Riots in Taraz.", "source_url": "https://example.org/a b" }),
            ),
            StatusCode::BAD_REQUEST,
            "without spaces",
        ),
        (
            // Query parameters go with a JSON body too, checked as with text/plain.
            Request::post("/articles?lang=de")
                .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(json!({ "text": "Riots in Taraz." }).to_string()))
                .unwrap(),
            StatusCode::BAD_REQUEST,
            "lang must be one of fr, en or auto",
        ),
        (
            with("text/plain", vec![0xff, 0xfe, 0x41, 0x00]),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "UTF-8",
        ),
        (
            with("text/plain", b"binary\0data".to_vec()),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "NUL",
        ),
        (
            with("image/png", b"x".to_vec()),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "text/plain",
        ),
        (
            with("text/plain", vec![b'a'; 2 * 1024 * 1024]),
            StatusCode::PAYLOAD_TOO_LARGE,
            "limit",
        ),
    ];
    for (req, want, says) in cases {
        let (status, body) = call(&s.app, req).await;
        assert_eq!(status, want, "{body}");
        let description = body["description"].as_str().unwrap_or_default();
        assert!(
            description.contains(says),
            "{description:?} should say {says:?}"
        );
    }
    assert_eq!(event_count(&s.app).await, before);
    assert_eq!(s.store.articles().unwrap().len(), 1);

    // Blank metadata is as if not given.
    let (status, body) = call(
        &s.app,
        post_json(&json!({ "text": "Riots in Taraz on 11 January 2022.", "title": " ", "source_url": "" })),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["article"]["title"], Value::Null);
    assert_eq!(body["article"]["source_url"], Value::Null);

    // A text with no events is stored, with a warning.
    let (status, body) = call(
        &s.app,
        post_json(&json!({ "text": "Il fait beau aujourd'hui et rien ne se passe." })),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(body["events"]["features"].as_array().unwrap().len(), 0);
    assert!(!body["warnings"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn writes_need_the_token() {
    let s = setup();
    let no_auth = Request::post("/articles")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(json!({ "text": SHYMKENT_EN }).to_string()))
        .unwrap();
    assert_eq!(call(&s.app, no_auth).await.0, StatusCode::UNAUTHORIZED);
    let wrong = Request::post("/articles")
        .header(header::AUTHORIZATION, "Bearer nope")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(json!({ "text": SHYMKENT_EN }).to_string()))
        .unwrap();
    assert_eq!(call(&s.app, wrong).await.0, StatusCode::UNAUTHORIZED);
    let delete = Request::delete("/articles/1").body(Body::empty()).unwrap();
    assert_eq!(call(&s.app, delete).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(s.store.articles().unwrap().len(), 1);

    let ro = setup_with(None);
    let (status, body) = call(&ro.app, post_json(&json!({ "text": SHYMKENT_EN }))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(body["description"].as_str().unwrap().contains("read-only"));
    assert_eq!(call(&ro.app, get("/status")).await.1["read_only"], true);
}

/// The scheme of `Authorization` is case-insensitive (RFC 9110): `bearer` and `BEARER` are
/// `Bearer`; the token itself is not, and another scheme is refused.
#[tokio::test]
async fn the_bearer_scheme_is_case_insensitive() {
    let s = setup();
    let delete_with = |auth: String| {
        Request::delete("/articles/999")
            .header(header::AUTHORIZATION, auth)
            .body(Body::empty())
            .unwrap()
    };
    for scheme in ["Bearer", "bearer", "BEARER", "bEaReR"] {
        // Past the token check, there is no article 999.
        let (status, body) = call(&s.app, delete_with(format!("{scheme} {TOKEN}"))).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{scheme}: {body}");
        assert_eq!(
            body,
            json!({ "code": "NotFound", "description": "no article 999" })
        );
    }
    for auth in [
        format!("Basic {TOKEN}"),
        format!("Bearer{TOKEN}"),
        format!("Bearer {}", TOKEN.to_uppercase()),
    ] {
        let (status, body) = call(&s.app, delete_with(auth.clone())).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{auth}");
        assert_eq!(body["code"], "Unauthorized");
    }
}

#[tokio::test]
async fn deleting_an_article_removes_its_events() {
    let s = setup();
    let before = event_count(&s.app).await;
    let (_, body) = call(
        &s.app,
        post_json(&json!({ "text": SHYMKENT_EN, "published": "2022-01-11" })),
    )
    .await;
    let id = body["article"]["id"].as_i64().unwrap();
    let del = || {
        Request::delete(format!("/articles/{id}"))
            .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
            .body(Body::empty())
            .unwrap()
    };
    assert_eq!(call(&s.app, del()).await.0, StatusCode::NO_CONTENT);
    assert_eq!(event_count(&s.app).await, before);
    assert_eq!(call(&s.app, del()).await.0, StatusCode::NOT_FOUND);
    assert_eq!(
        call(&s.app, get("/articles/abc")).await.0,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        call(&s.app, get("/articles/999")).await.0,
        StatusCode::NOT_FOUND
    );
}

/// A request the timeout abandons, and a body over the limit, are answered with the exception
/// body like every other error (the timeout's 408 used to be empty).
#[tokio::test]
async fn a_timeout_and_a_body_too_large_have_the_exception_body() {
    let s = setup();
    let app = router(
        s.state
            .clone()
            .with_request_timeout(std::time::Duration::from_millis(300)),
    );
    // A body that never comes: the handler waits on it until the timeout gives up.
    let never = futures_util::stream::pending::<Result<axum::body::Bytes, std::io::Error>>();
    let req = Request::post("/articles")
        .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
        .header(header::CONTENT_TYPE, "text/plain")
        .body(Body::from_stream(never))
        .unwrap();
    let (status, body) = call(&app, req).await;
    assert_eq!(status, StatusCode::REQUEST_TIMEOUT);
    assert_eq!(
        body,
        json!({
            "code": "RequestTimeout",
            "description": "the request was not answered within 0.3 s: the body was not received; nothing was stored"
        })
    );
    let req = Request::post("/articles")
        .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
        .header(header::CONTENT_TYPE, "text/plain")
        .body(Body::from(vec![b'a'; 2 * 1024 * 1024]))
        .unwrap();
    let (status, body) = call(&app, req).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(
        body,
        json!({ "code": "PayloadTooLarge", "description": "the body is larger than the limit of 1048576 bytes" })
    );
}

fn delete(id: i64) -> Request<Body> {
    Request::delete(format!("/articles/{id}"))
        .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
        .body(Body::empty())
        .unwrap()
}

/// A deleted article's id (and so its events' ids) is never given to another article: an old
/// link or a downloaded file never points at a different report.
#[tokio::test]
async fn a_deleted_articles_id_is_never_given_again() {
    let s = setup();
    let (status, first) = call(&s.app, post_json(&json!({ "text": SHYMKENT_EN }))).await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    assert_eq!(first["article"]["id"], 2);
    let old_event = first["events"]["features"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(old_event.starts_with("a2-"), "{old_event}");
    assert_eq!(call(&s.app, delete(2)).await.0, StatusCode::NO_CONTENT);

    let other = "Tuesday 4 January 2022: at least 12 people were killed in clashes in Taraz.\n";
    let (status, second) = call(&s.app, post_json(&json!({ "text": other }))).await;
    assert_eq!(status, StatusCode::CREATED, "{second}");
    assert_eq!(second["article"]["id"], 3);
    assert_eq!(
        call(&s.app, get("/articles/2")).await.0,
        StatusCode::NOT_FOUND
    );
    let (status, gone) = call(
        &s.app,
        get(&format!("/collections/events/items/{old_event}")),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{gone}");
    // The same holds for a store opened again, where the server no longer remembers anything.
    drop(s.app);
    let store = Store::open(s._dir.path(), Gazetteer::embedded()).unwrap();
    assert_eq!(store.delete(3).unwrap().map(|e| e.is_empty()), Some(false));
    let again = store.add(&shymkent(), Gazetteer::embedded()).unwrap();
    assert_eq!(again.article.id, 4);
}

/// A feature as schema 1 and 2 stored it: qualifiers as an object, actors as an array.
fn nested_feature(flat: &str) -> String {
    let mut f: Value = serde_json::from_str(flat).unwrap();
    let p = f["properties"].as_object_mut().unwrap();
    let mut qualifiers = serde_json::Map::new();
    for kind in ["fatalities", "injuries", "arrests"] {
        let q = p.remove(&format!("{kind}_qualifier")).unwrap();
        if !q.is_null() {
            qualifiers.insert(kind.into(), q);
        }
    }
    let mut actors: Vec<Value> = Vec::new();
    for column in ["actor1", "actor2", "assoc_actor_1"] {
        if let Some(Value::String(s)) = p.remove(column) {
            actors.extend(s.split("; ").map(|a| json!(a)));
        }
    }
    p.insert("count_qualifiers".into(), Value::Object(qualifiers));
    p.insert("actors".into(), Value::Array(actors));
    f.to_string()
}

/// A store written by the first schema (ids without AUTOINCREMENT, nested feature properties)
/// keeps its articles, events and corrections when opened, gives no id again from then on, and
/// stores its features in the flat shape.
#[test]
fn an_old_store_is_migrated_and_stops_reusing_ids() {
    let new_dir = tempfile::tempdir().unwrap();
    let source = Store::open(new_dir.path(), Gazetteer::embedded()).unwrap();
    let added = source.add(&shymkent(), Gazetteer::embedded()).unwrap();
    assert_eq!(added.article.id, 2);
    let corrected = source
        .correct(
            &added.events[0].id,
            &serde_json::from_value(json!({ "fatalities": 7 })).unwrap(),
            Gazetteer::embedded(),
        )
        .unwrap();
    let articles = source.articles().unwrap();
    let events = source.events().unwrap();
    drop(source);

    // The schema of version 1, as its create_schema wrote it, filled with the same rows.
    let old_dir = tempfile::tempdir().unwrap();
    let old = rusqlite::Connection::open(old_dir.path().join("eventmap.sqlite")).unwrap();
    old.execute_batch(
        "CREATE TABLE articles (
             id INTEGER PRIMARY KEY,
             content_hash TEXT NOT NULL UNIQUE,
             title TEXT, source_url TEXT, published TEXT, lang TEXT NOT NULL,
             text TEXT NOT NULL, ingested_at TEXT NOT NULL);
         CREATE TABLE events (
             id TEXT PRIMARY KEY,
             article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
             feature TEXT NOT NULL);
         CREATE INDEX events_by_article ON events(article_id);
         CREATE TABLE corrections (
             event_id TEXT PRIMARY KEY,
             article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
             correction TEXT NOT NULL, corrected_at TEXT NOT NULL);
         PRAGMA user_version = 1;",
    )
    .unwrap();
    old.execute(
        "ATTACH ?1 AS src",
        [new_dir.path().join("eventmap.sqlite").to_str().unwrap()],
    )
    .unwrap();
    old.execute_batch(
        "INSERT INTO articles SELECT * FROM src.articles;
         INSERT INTO events SELECT * FROM src.events;
         INSERT INTO corrections SELECT * FROM src.corrections;
         DETACH src;",
    )
    .unwrap();
    let features: Vec<(String, String)> = old
        .prepare("SELECT id, feature FROM events")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(features.iter().any(|(_, f)| f.contains("\"actor1\":\"")));
    for (id, feature) in &features {
        old.execute(
            "UPDATE events SET feature = ?2 WHERE id = ?1",
            [id, &nested_feature(feature)],
        )
        .unwrap();
    }
    drop(old);

    let migrated = Store::open(old_dir.path(), Gazetteer::embedded()).unwrap();
    assert_eq!(migrated.articles().unwrap(), articles);
    assert_eq!(migrated.events().unwrap(), events);
    let kept = migrated
        .events()
        .unwrap()
        .into_iter()
        .find(|e| e.id == corrected.id)
        .unwrap();
    assert_eq!((kept.fatalities, kept.corrected), (Some(7), true));
    // Deleting still takes the article's events and corrections with it.
    assert!(migrated.delete(2).unwrap().is_some());
    assert!(migrated.article_events(2).unwrap().is_empty());
    let again = migrated.add(&shymkent(), Gazetteer::embedded()).unwrap();
    assert_eq!(again.article.id, 3);
    drop(migrated);
    let check = rusqlite::Connection::open(old_dir.path().join("eventmap.sqlite")).unwrap();
    // Migrated to the current schema, 4: with the (empty) tables of the watched feeds.
    let (version, orphans, feeds): (i64, i64, i64) = check
        .query_row(
            "SELECT (SELECT user_version FROM pragma_user_version),
                    (SELECT COUNT(*) FROM corrections WHERE article_id = 2),
                    (SELECT COUNT(*) FROM feeds) + (SELECT COUNT(*) FROM feed_items)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!((version, orphans, feeds), (4, 0, 0));
    let nested: i64 = check
        .query_row(
            "SELECT COUNT(*) FROM events WHERE feature LIKE '%count_qualifiers%' OR feature LIKE '%\"actors\"%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(nested, 0);
}

/// After each write the server updates its index from the change alone; what it serves must be
/// what a server started afresh on the same store serves.
/// A response as two servers with the same events give it: without its time stamp, and with
/// the data revision in its links (each server counts its own writes) blanked.
fn comparable(mut v: Value) -> Value {
    if let Some(o) = v.as_object_mut() {
        o.remove("timeStamp");
    }
    for link in v["links"].as_array_mut().into_iter().flatten() {
        if let Some(href) = link["href"].as_str() {
            let blanked: Vec<String> = href
                .split('&')
                .map(|pair| match pair.split_once("revision=") {
                    Some((head, _)) => format!("{head}revision=_"),
                    None => pair.to_string(),
                })
                .collect();
            link["href"] = Value::String(blanked.join("&"));
        }
    }
    v
}

#[tokio::test]
async fn writes_serve_what_a_restart_would() {
    let s = setup();
    let same_as_fresh = |step: &'static str| {
        let (app, store) = (s.app.clone(), Arc::clone(&s.store));
        async move {
            let fresh = router(AppState::with_store(store, None).unwrap());
            for uri in [
                "/collections/events/items?limit=10000",
                "/collections/places/items?limit=10000",
                "/collections/riots/items?datetime=2022-01-05/2022-01-12&bbox=40,35,90,56",
                "/collections",
                "/timeline",
            ] {
                let (a, b) = (call(&app, get(uri)).await, call(&fresh, get(uri)).await);
                assert_eq!(a.0, StatusCode::OK, "{step}: {uri}");
                assert_eq!(comparable(a.1), comparable(b.1), "{step}: {uri}");
            }
        }
    };
    let revision = || async { call(&s.app, get("/status")).await.1["revision"].clone() };

    let (_, first) = call(
        &s.app,
        post_json(&json!({ "text": SHYMKENT_EN, "published": "2022-01-11" })),
    )
    .await;
    same_as_fresh("first post").await;
    let (_, second) = call(
        &s.app,
        post_json(&json!({
            "text": "Tuesday 11 January 2022: riots in Taraz; at least 3 people were killed.\n",
            "published": "2022-01-12"
        })),
    )
    .await;
    assert!(!second["events"]["features"].as_array().unwrap().is_empty());
    same_as_fresh("second post").await;

    let target = first["events"]["features"][0]["id"].as_str().unwrap();
    let (status, _) = call(
        &s.app,
        patch(target, r#"{"geonameid": 1526384, "arrests": 7}"#),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    same_as_fresh("correction").await;

    let before = revision().await;
    let (status, _) = call(
        &s.app,
        post_json(&json!({ "text": SHYMKENT_EN, "published": "2022-01-11" })),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(revision().await, before, "re-posting changes nothing");

    let id = first["article"]["id"].as_i64().unwrap();
    let del = Request::delete(format!("/articles/{id}"))
        .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
        .body(Body::empty())
        .unwrap();
    assert_eq!(call(&s.app, del).await.0, StatusCode::NO_CONTENT);
    same_as_fresh("delete").await;
}

fn patch(id: &str, body: &str) -> Request<Body> {
    Request::patch(format!("/collections/events/items/{id}"))
        .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap()
}

#[tokio::test]
async fn corrections_are_kept_across_reindex_and_restart() {
    let s = setup();
    let (_, page) = call(&s.app, get("/collections/events/items?place=Atyrau")).await;
    let target = page["features"][0]["id"].as_str().unwrap().to_string();
    // Move it to Aktau, set a count, clear another.
    let (status, f) = call(
        &s.app,
        patch(
            &target,
            r#"{"geonameid": 610612, "fatalities": 2, "injuries": null}"#,
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{f}");
    assert_eq!(f["properties"]["place"], "Aktau");
    assert_eq!(f["properties"]["fatalities"], 2);
    assert_eq!(f["properties"]["injuries"], Value::Null);
    assert_eq!(f["properties"]["corrected"], true);
    let (_, shown) = call(&s.app, get(&format!("/collections/events/items/{target}"))).await;
    assert_eq!(shown["properties"]["place"], "Aktau");

    let (articles, _, orphans) = s.store.reindex(Gazetteer::embedded(), |_, _| {}).unwrap();
    assert_eq!((articles, orphans), (1, 0));
    let again = s.store.events().unwrap();
    let e = again
        .iter()
        .find(|e| e.id == target)
        .expect("corrected event survives reindex");
    assert_eq!(
        (e.place.as_str(), e.fatalities, e.injuries, e.corrected),
        ("Aktau", Some(2), None, true)
    );

    // Restart: a new store on the same directory, a new server.
    let dir = s.store.path().parent().unwrap().to_path_buf();
    drop(s.app);
    let reopened = Arc::new(Store::open(&dir, Gazetteer::embedded()).unwrap());
    let app = router(AppState::with_store(reopened, None).unwrap());
    let (_, shown) = call(&app, get(&format!("/collections/events/items/{target}"))).await;
    assert_eq!(shown["properties"]["place"], "Aktau");
    assert_eq!(shown["properties"]["corrected"], true);
}

/// A correction is JSON: a body of another type is refused with 415, not read as JSON anyway.
#[tokio::test]
async fn a_correction_that_is_not_json_is_a_415() {
    let s = setup();
    let (_, page) = call(&s.app, get("/collections/events/items?limit=1")).await;
    let id = page["features"][0]["id"].as_str().unwrap().to_string();
    let with_type = |kind: Option<&str>| {
        let mut req = Request::patch(format!("/collections/events/items/{id}"))
            .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"));
        if let Some(kind) = kind {
            req = req.header(header::CONTENT_TYPE, kind);
        }
        req.body(Body::from(r#"{"fatalities": 9}"#)).unwrap()
    };
    for (kind, named) in [
        (Some("text/plain"), "text/plain"),
        (
            Some("application/x-www-form-urlencoded"),
            "application/x-www-form-urlencoded",
        ),
        (None, ""),
    ] {
        let (status, body) = call(&s.app, with_type(kind)).await;
        assert_eq!(
            status,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "{kind:?}: {body}"
        );
        assert_eq!(
            body,
            json!({ "code": "UnsupportedMediaType", "description": format!("send the correction as application/json, not {named:?}") })
        );
    }
    let (_, unchanged) = call(&s.app, get(&format!("/collections/events/items/{id}"))).await;
    assert_ne!(unchanged["properties"]["fatalities"], 9);
    let (status, fixed) = call(&s.app, with_type(Some("application/json; charset=utf-8"))).await;
    assert_eq!(status, StatusCode::OK, "{fixed}");
    assert_eq!(fixed["properties"]["fatalities"], 9);
}

#[tokio::test]
async fn bad_corrections_are_refused() {
    let s = setup();
    let (_, page) = call(&s.app, get("/collections/events/items?limit=1")).await;
    let target = page["features"][0]["id"].as_str().unwrap().to_string();
    let cases = [
        (
            target.as_str(),
            r#"{"geonameid": 4294967295}"#,
            StatusCode::BAD_REQUEST,
            "not in the gazetteer",
        ),
        (
            target.as_str(),
            r#"{"sub_event_type": "Picnic"}"#,
            StatusCode::BAD_REQUEST,
            "sub_event_type",
        ),
        (
            target.as_str(),
            r#"{"place": "Paris"}"#,
            StatusCode::BAD_REQUEST,
            "unknown field",
        ),
        (
            target.as_str(),
            r#"{"fatalities": -1}"#,
            StatusCode::BAD_REQUEST,
            "malformed",
        ),
        (
            target.as_str(),
            r#"{}"#,
            StatusCode::BAD_REQUEST,
            "changes nothing",
        ),
        (
            target.as_str(),
            r#"{"event_date": "0739-05-02"}"#,
            StatusCode::BAD_REQUEST,
            "not a plausible date",
        ),
        (
            "a1-000000000000",
            r#"{"fatalities": 1}"#,
            StatusCode::NOT_FOUND,
            "no stored event",
        ),
    ];
    for (id, body, want, says) in cases {
        let (status, reply) = call(&s.app, patch(id, body)).await;
        assert_eq!(status, want, "{body}: {reply}");
        assert!(
            reply["description"].as_str().unwrap().contains(says),
            "{body}: {reply}"
        );
    }
    let (_, unchanged) = call(&s.app, get(&format!("/collections/events/items/{target}"))).await;
    assert_eq!(unchanged["properties"]["corrected"], false);

    // Places are totals, not events: they cannot be corrected, and the 405 says what can be done.
    let res = s
        .app
        .clone()
        .oneshot(
            Request::patch("/collections/places/items/0")
                .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(r#"{"fatalities": 1}"#))
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(res.headers()[header::ALLOW], "GET,HEAD");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_ingests_lose_and_duplicate_nothing() {
    let s = setup();
    let texts: Vec<String> = (0..12)
        .map(|i| {
            format!(
                "Monday 10 January 2022: police detained {} protesters in Shymkent.\n",
                10 + i
            )
        })
        .collect();
    let mut tasks = Vec::new();
    for round in 0..2 {
        for (i, text) in texts.iter().enumerate() {
            let app = s.app.clone();
            let body = json!({ "text": text, "published": "2022-01-11", "lang": "en" });
            tasks.push(tokio::spawn(async move {
                let (status, reply) = call(&app, post_json(&body)).await;
                (round, i, status, reply["article"]["id"].as_i64())
            }));
        }
    }
    let mut ids = std::collections::BTreeMap::new();
    for t in tasks {
        let (_, i, status, id) = t.await.unwrap();
        assert!(
            status == StatusCode::CREATED || status == StatusCode::OK,
            "{status}"
        );
        let id = id.unwrap();
        assert_eq!(*ids.entry(i).or_insert(id), id, "the same text got two ids");
    }
    let articles = s.store.articles().unwrap();
    assert_eq!(articles.len(), 1 + texts.len());
    // The twelve reports tell one happening: one event per kind that lists all of them, as a
    // rebuild from the store gives it.
    let merged = s.store.merged_events().unwrap();
    assert_eq!(event_count(&s.app).await as usize, merged.len());
    let shymkent: Vec<_> = merged.iter().filter(|e| e.place == "Shymkent").collect();
    assert!(!shymkent.is_empty());
    assert!(
        shymkent.iter().all(|e| e.sources.len() == texts.len()),
        "{shymkent:#?}"
    );
}

/// Enough writes to outgrow the index's delta start a compaction in the background; writes go
/// on meanwhile and are replayed into it, and afterwards the server serves exactly what a
/// restart would.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_background_compaction_loses_no_write() {
    let s = setup();
    let cities: Vec<&str> = Gazetteer::embedded()
        .cities()
        .filter(|c| c.country_code == "KZ" && c.population > 30_000 && c.name.is_ascii())
        .map(|c| c.name.as_str())
        .collect();
    assert!(cities.len() > 40, "{} cities", cities.len());
    // Each article: a dated protest in every city, on its own day, so every line is an event.
    let article = |n: usize| {
        let day = 1 + n % 28;
        let lines: String = cities
            .iter()
            .map(|city| format!("Protesters rallied in {city}.\n\n"))
            .collect();
        format!("Protests, round {n}\n\nOn February {day}, 2022, protests spread.\n\n{lines}")
    };
    let mut posted = 0;
    let mut n = 0;
    // The delta's limit is 1 024 rows; go well past it. Writes are sent eight at a time, so
    // some wait on the writer lock while a compaction starts and go on while it runs.
    while posted < 3_000 {
        let batch: Vec<_> = (n..n + 8)
            .map(|k| {
                let (app, text) = (s.app.clone(), article(k));
                tokio::spawn(async move {
                    call(
                        &app,
                        post_json(
                            &json!({ "text": text, "published": "2022-03-01", "lang": "en" }),
                        ),
                    )
                    .await
                })
            })
            .collect();
        n += 8;
        for task in batch {
            let (status, body) = task.await.unwrap();
            assert_eq!(status, StatusCode::CREATED, "{body}");
            posted += body["events"]["features"].as_array().unwrap().len();
        }
    }
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let (compactions, compacting) = s.state.compactions();
        if compactions >= 1 && !compacting {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "no compaction ended");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let status = call(&s.app, get("/status")).await.1;
    assert!(status["compactions"].as_u64().unwrap() >= 1, "{status}");
    assert_eq!(status["compacting"], false);
    let fresh = router(AppState::with_store(Arc::clone(&s.store), None).unwrap());
    for uri in [
        "/collections/events/items?limit=10000",
        "/collections/protests/items?datetime=2022-02-05/2022-02-20&bbox=50,40,80,55&limit=10000",
        "/timeline",
    ] {
        let (a, b) = (call(&s.app, get(uri)).await, call(&fresh, get(uri)).await);
        assert_eq!(comparable(a.1), comparable(b.1), "{uri}");
    }
    // Rounds of the same day tell the same protests: each is one event of several sources.
    let merged = s.store.merged_events().unwrap();
    assert_eq!(event_count(&s.app).await as usize, merged.len());
    let sources: usize = merged.iter().map(|e| e.sources.len()).sum();
    let seed =
        eventmap::extract::extract(Gazetteer::embedded(), &eventmap::extract::seed_article())
            .expect("the seed extracts")
            .events
            .len();
    assert_eq!(
        sources,
        posted + seed,
        "every report is a source of one event"
    );
}

/// A long article is read before the store is locked: a listing and a short article sent
/// while it is being extracted are done first, and the long one is stored whole after them.
#[test]
fn a_long_article_keeps_no_reader_or_writer_waiting() {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Store::open(dir.path(), Gazetteer::embedded()).unwrap());
    let wire = include_str!("fixtures/wire-en.txt");
    // About 8 MB of report, each copy a little different.
    let long: String = (0..8_000_000 / wire.len())
        .map(|i| wire.replace("Almaty", if i % 2 == 0 { "Almaty" } else { "Aktau" }) + "\n")
        .collect();
    let order = Arc::new(std::sync::Mutex::new(Vec::new()));
    let writer = {
        let (store, order) = (Arc::clone(&store), Arc::clone(&order));
        std::thread::spawn(move || {
            let new = eventmap::store::NewArticle {
                text: long,
                title: Some("long".into()),
                published: Some(jiff::civil::date(2022, 1, 5)),
                ..Default::default()
            };
            let stored = store.add(&new, Gazetteer::embedded()).unwrap();
            order.lock().unwrap().push("long article stored");
            stored
        })
    };
    std::thread::sleep(std::time::Duration::from_millis(200));
    let listed = store.articles().unwrap();
    order.lock().unwrap().push("articles listed");
    let short = store.add(&shymkent(), Gazetteer::embedded()).unwrap();
    order.lock().unwrap().push("short article stored");
    let long = writer.join().unwrap();
    assert_eq!(
        *order.lock().unwrap(),
        [
            "articles listed",
            "short article stored",
            "long article stored"
        ]
    );
    assert!(listed.iter().all(|a| a.title.as_deref() != Some("long")));
    // Both stored whole, with ids of their own and the events they were read with.
    assert!(long.created && short.created);
    assert_ne!(long.article.id, short.article.id);
    assert!(
        !long.events.is_empty() && !short.events.is_empty(),
        "{} and {} events",
        long.events.len(),
        short.events.len()
    );
    let ids = |events: &[eventmap::model::Event]| {
        let mut ids: Vec<String> = events.iter().map(|e| e.id.clone()).collect();
        ids.sort();
        ids
    };
    for stored in [&long, &short] {
        assert_eq!(
            ids(&store.article_events(stored.article.id).unwrap()),
            ids(&stored.events)
        );
    }
}

/// The `next` link of a page, without the base URL.
fn next_link(page: &Value) -> Option<String> {
    page["links"]
        .as_array()?
        .iter()
        .find(|l| l["rel"] == "next")
        .and_then(|l| l["href"].as_str())
        .map(|href| href.trim_start_matches("http://localhost").to_string())
}

fn feature_ids(page: &Value) -> Vec<String> {
    page["features"]
        .as_array()
        .map(|fs| fs.iter().map(|f| f["id"].to_string()).collect())
        .unwrap_or_default()
}

/// A walk over `next` links while articles are added and deleted sees the events as they were
/// when it began: every event once, none of the new ones, the same `numberMatched` on every page
/// (it used to repeat and miss events, the offsets shifting under it).
#[tokio::test]
async fn a_walk_over_pages_sees_one_snapshot_while_writes_go_on() {
    let s = setup();
    let (_, posted) = call(
        &s.app,
        post_json(&json!({ "text": SHYMKENT_EN, "published": "2022-01-11" })),
    )
    .await;
    let doomed = posted["article"]["id"].as_i64().unwrap();
    let (_, whole) = call(&s.app, get("/collections/events/items?limit=1000")).await;
    let expected = feature_ids(&whole);
    assert!(expected.len() > 6, "{whole}");

    let mut uri = "/collections/events/items?limit=3".to_string();
    let mut seen = Vec::new();
    for step in 0.. {
        let (status, page) = call(&s.app, get(&uri)).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert_eq!(page["numberMatched"], whole["numberMatched"], "{uri}");
        seen.extend(feature_ids(&page));
        // Between pages: one new article, then the deletion of one the walk has seen.
        match step {
            0 => {
                let text = SHYMKENT_EN.replace("Shymkent", "Taraz");
                let (status, _) = call(
                    &s.app,
                    post_json(&json!({ "text": text, "published": "2022-01-09" })),
                )
                .await;
                assert_eq!(status, StatusCode::CREATED);
            }
            1 => assert_eq!(call(&s.app, delete(doomed)).await.0, StatusCode::NO_CONTENT),
            _ => {}
        }
        match next_link(&page) {
            Some(next) => uri = next,
            None => break,
        }
    }
    assert_eq!(seen, expected);
    // A new walk sees the writes.
    let (_, now) = call(&s.app, get("/collections/events/items?limit=1000")).await;
    assert_ne!(feature_ids(&now), expected);
}

/// A walk whose revision is no longer kept is told so with a 409 and the exception body, not
/// served pages of other data; a revision never served is a 404.
#[tokio::test]
async fn a_walk_on_a_revision_no_longer_kept_is_a_409() {
    let s = setup();
    s.state
        .keep_revisions(std::time::Duration::from_secs(60), 0);
    let (_, first) = call(&s.app, get("/collections/events/items?limit=2")).await;
    let next = next_link(&first).expect("the seed has more than two events");
    let (status, _) = call(
        &s.app,
        post_json(&json!({ "text": SHYMKENT_EN, "published": "2022-01-11" })),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, body) = call(&s.app, get(&next)).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["code"], "DataChanged");
    assert!(
        body["description"]
            .as_str()
            .is_some_and(|d| d.contains("start again from the first page")),
        "{body}"
    );
    let (status, body) = call(&s.app, get("/collections/events/items?revision=999")).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
}

/// About 1 MiB of report, for the writes that must take a while to read.
fn long_report() -> String {
    let wire = include_str!("fixtures/wire-en.txt");
    (0..1_000_000 / wire.len())
        .map(|i| wire.replace("Almaty", if i % 2 == 0 { "Almaty" } else { "Aktau" }) + "\n")
        .collect()
}

/// An article still being read when its time is up is answered 408 and never stored, not
/// stored later behind the client's back (it used to be: the timeout answered, the write went on).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_article_answered_408_is_not_stored() {
    let s = setup();
    let app = router(
        s.state
            .clone()
            .with_request_timeout(std::time::Duration::from_millis(20)),
    );
    let before = s.store.articles().unwrap().len();
    let req = Request::post("/articles?title=long")
        .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
        .header(header::CONTENT_TYPE, "text/plain")
        .body(Body::from(long_report()))
        .unwrap();
    let (status, body) = call(&app, req).await;
    assert_eq!(status, StatusCode::REQUEST_TIMEOUT, "{body}");
    assert_eq!(body["code"], "RequestTimeout");
    // Long enough for the abandoned reading to have ended and, before the fix, been stored.
    tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    assert_eq!(s.store.articles().unwrap().len(), before);
    let listed = call(&s.app, get("/articles")).await.1;
    assert_eq!(
        listed["articles"].as_array().map(Vec::len),
        Some(before),
        "{listed}"
    );
    assert!(
        body["description"]
            .as_str()
            .is_some_and(|d| d.contains("nothing was stored")),
        "{body}"
    );
}

/// Through HTTP too, a long article is read outside the writer's lock: a short article posted
/// while it is read is stored first (its id is the lower one) rather than waiting for it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_article_does_not_delay_a_short_one() {
    let s = setup();
    let long = {
        let app = s.app.clone();
        let req = Request::post("/articles?title=long")
            .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
            .header(header::CONTENT_TYPE, "text/plain")
            .body(Body::from(long_report()))
            .unwrap();
        tokio::spawn(async move { call(&app, req).await })
    };
    tokio::time::sleep(std::time::Duration::from_millis(30)).await;
    let (status, short) = call(
        &s.app,
        post_json(&json!({ "text": SHYMKENT_EN, "published": "2022-01-11" })),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{short}");
    let (status, long) = long.await.unwrap();
    assert_eq!(status, StatusCode::CREATED);
    let id = |posted: &Value| posted["article"]["id"].as_i64().unwrap();
    assert!(
        id(&short) < id(&long),
        "the short article was stored after the long one: {} and {}",
        id(&short),
        id(&long)
    );
    // The long one's events name its real id, not the one it was first read under.
    let (_, stored) = call(&s.app, get(&format!("/articles/{}", id(&long)))).await;
    assert_eq!(stored["events"], long["events"]);
}
