//! One event, several sources (issue #16): two articles telling the same storming of the Almaty
//! city hall on 5 January 2022 are served as one event listing both, counted once everywhere,
//! and taken apart again as their articles are deleted.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

use eventmap::api::{AppState, router};
use eventmap::gazetteer::Gazetteer;
use eventmap::store::Store;

const TOKEN: &str = "merge-token";

/// The first report (French, published the next day): 8 dead.
const ALMATY_FR: &str = "Kazakhstan : la mairie d'Almaty envahie\n\
Mercredi 5 janvier 2022, des émeutiers ont pris d'assaut la mairie d'Almaty et y ont mis le feu. \
Au moins 8 personnes ont été tuées à Almaty.\n";

/// The later report (English, two days after): 18 dead.
const ALMATY_EN: &str = "Almaty city hall stormed\n\
On Wednesday, January 5, 2022, rioters stormed the city hall in Almaty and set it on fire. \
At least 18 people were killed in Almaty.\n";

async fn call(app: &axum::Router, req: Request<Body>) -> (StatusCode, String) {
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&bytes).into())
}

async fn json_of(app: &axum::Router, req: Request<Body>) -> (StatusCode, Value) {
    let (status, text) = call(app, req).await;
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

fn authorized(method: &str, uri: &str, body: Value) -> Request<Body> {
    Request::builder()
        .method(method)
        .uri(uri)
        .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(if body.is_null() {
            Body::empty()
        } else {
            Body::from(body.to_string())
        })
        .unwrap()
}

fn get(uri: &str) -> Request<Body> {
    Request::get(uri).body(Body::empty()).unwrap()
}

struct Setup {
    _dir: tempfile::TempDir,
    app: axum::Router,
}

/// A store without its seed article, whose own Almaty riots of 5 January would join the group.
async fn setup() -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Store::open(dir.path(), Gazetteer::embedded()).unwrap());
    let state = AppState::with_store(store, Some(TOKEN.into())).unwrap();
    let app = router(state);
    let (status, _) = call(&app, authorized("DELETE", "/articles/1", Value::Null)).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    Setup { _dir: dir, app }
}

async fn post(app: &axum::Router, text: &str, url: &str, published: &str, lang: &str) -> i64 {
    let body = json!({ "text": text, "source_url": url, "published": published, "lang": lang });
    let (status, answer) = json_of(app, authorized("POST", "/articles", body)).await;
    assert!(status.is_success(), "{status} {answer}");
    answer["article"]["id"].as_i64().unwrap()
}

/// Posts the French report (8 dead, published on the 6th), then the English one (18 dead, on
/// the 7th): their article ids.
async fn post_both(app: &axum::Router) -> (i64, i64) {
    let fr = post(app, ALMATY_FR, FR_URL, "2022-01-06", "fr").await;
    let en = post(app, ALMATY_EN, EN_URL, "2022-01-07", "en").await;
    (fr, en)
}

const FR_URL: &str = "https://fr.example/almaty";
const EN_URL: &str = "https://en.example/almaty";

async fn delete(app: &axum::Router, id: i64) {
    let uri = format!("/articles/{id}");
    let (status, _) = call(app, authorized("DELETE", &uri, Value::Null)).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
}

/// The riots served on 5 January 2022 in Almaty.
async fn riots_on_the_5th(app: &axum::Router) -> Vec<Value> {
    let uri = "/collections/events/items?datetime=2022-01-05&event_type=Riots&place=Almaty";
    let (status, page) = json_of(app, get(uri)).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    page["features"].as_array().unwrap().clone()
}

fn source_articles(feature: &Value) -> Vec<i64> {
    let text = feature["properties"]["sources"].as_str().unwrap_or("[]");
    let sources: Vec<Value> = serde_json::from_str(text).unwrap();
    sources
        .iter()
        .map(|s| s["article_id"].as_i64().unwrap())
        .collect()
}

async fn almaty_fatalities(app: &axum::Router) -> i64 {
    let (_, places) = json_of(app, get("/collections/places/items?place=Almaty")).await;
    let features = places["features"].as_array().unwrap();
    assert_eq!(features.len(), 1, "{places}");
    features[0]["properties"]["fatalities"].as_i64().unwrap()
}

#[tokio::test]
async fn two_reports_of_one_storming_are_one_event_with_both_sources() {
    let s = setup().await;
    let (fr, en) = post_both(&s.app).await;
    let riots = riots_on_the_5th(&s.app).await;
    assert_eq!(riots.len(), 1, "{riots:#?}");
    let p = &riots[0]["properties"];
    assert_eq!(p["sources_count"], 2);
    assert_eq!(source_articles(&riots[0]), vec![fr, en]);
    assert_eq!(p["fatalities"], 18, "the later report's figure");
    assert_eq!(p["fatalities_reported"], "8, 18");
    assert!(p["id"].as_str().unwrap().starts_with(&format!("a{fr}-")));
    // Every list counts it once: the items, the CSV, the places' totals.
    let (_, all) = json_of(&s.app, get("/collections/events/items?limit=1000")).await;
    let matched = all["numberMatched"].as_u64().unwrap();
    assert_eq!(matched as usize, all["features"].as_array().unwrap().len());
    let (_, csv) = call(&s.app, get("/collections/events/items?f=csv&limit=1000")).await;
    assert_eq!(csv.lines().count() as u64, matched + 1, "{csv}");
    let on_the_5th = csv.lines().filter(|l| l.contains("2022-01-05")).count();
    assert_eq!(on_the_5th, 1, "{csv}");
    assert_eq!(almaty_fatalities(&s.app).await, 18);
    // The same text again changes nothing.
    post(&s.app, ALMATY_EN, EN_URL, "2022-01-07", "en").await;
    assert_eq!(riots_on_the_5th(&s.app).await, riots);
}

/// A third report, a week later, that gives only the week ("last week": the week of Monday
/// 3 January) and a higher toll.
const ALMATY_WEEK_EN: &str = "Almaty: the week's toll\n\
Last week, rioters stormed the city hall in Almaty and set it on fire. \
At least 20 people were killed in Almaty.\n";

#[tokio::test]
async fn a_report_of_the_week_joins_the_report_of_its_day() {
    let s = setup().await;
    // The week's report first: the day's reports, posted after it, find it in their week.
    let week = post(
        &s.app,
        ALMATY_WEEK_EN,
        "https://week.example/almaty",
        "2022-01-12",
        "en",
    )
    .await;
    let (fr, en) = post_both(&s.app).await;
    let riots = riots_on_the_5th(&s.app).await;
    assert_eq!(riots.len(), 1, "{riots:#?}");
    let p = &riots[0]["properties"];
    assert_eq!(source_articles(&riots[0]), vec![fr, en, week]);
    assert_eq!(p["fatalities"], 20, "the latest report's figure");
    assert_eq!(p["fatalities_reported"], "8, 18, 20");
    // The day the first reports give, not the week.
    assert_eq!(
        (p["event_date"].clone(), p["time_precision"].clone()),
        (json!("2022-01-05"), json!("day"))
    );
    let (_, week_of_the_3rd) = json_of(
        &s.app,
        get("/collections/events/items?datetime=2022-01-03/2022-01-09&event_type=Riots"),
    )
    .await;
    assert_eq!(week_of_the_3rd["numberMatched"], 1, "{week_of_the_3rd}");
    // Its article deleted, the two day reports stand as before.
    delete(&s.app, week).await;
    let riots = riots_on_the_5th(&s.app).await;
    assert_eq!(source_articles(&riots[0]), vec![fr, en]);
    assert_eq!(riots[0]["properties"]["fatalities_reported"], "8, 18");
}

#[tokio::test]
async fn deleting_a_source_leaves_the_others_and_corrections_win() {
    let s = setup().await;
    let (fr, en) = post_both(&s.app).await;
    let id = riots_on_the_5th(&s.app).await[0]["id"].clone();
    delete(&s.app, en).await;
    let riots = riots_on_the_5th(&s.app).await;
    assert_eq!(riots.len(), 1);
    assert_eq!(riots[0]["id"], id);
    assert_eq!(riots[0]["properties"]["sources_count"], 1);
    assert_eq!(
        riots[0]["properties"]["fatalities"], 8,
        "the article left says 8"
    );
    assert_eq!(almaty_fatalities(&s.app).await, 8);

    // Told again, then corrected: the analyst's figure beats the later report's.
    let en = post(&s.app, ALMATY_EN, EN_URL, "2022-01-07", "en").await;
    let uri = format!("/collections/events/items/{}", id.as_str().unwrap());
    let (status, corrected) = json_of(
        &s.app,
        authorized("PATCH", &uri, json!({ "fatalities": 25 })),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{corrected}");
    assert_eq!(corrected["properties"]["fatalities"], 25);
    assert_eq!(corrected["properties"]["sources_count"], 2);
    let riots = riots_on_the_5th(&s.app).await;
    assert_eq!(
        (riots.len(), &riots[0]["properties"]["fatalities"]),
        (1, &json!(25))
    );
    delete(&s.app, en).await;
    let riots = riots_on_the_5th(&s.app).await;
    assert_eq!(riots.len(), 1);
    assert_eq!(riots[0]["properties"]["fatalities"], 25);
    assert_eq!(riots[0]["properties"]["corrected"], true);
    delete(&s.app, fr).await;
    assert!(riots_on_the_5th(&s.app).await.is_empty());
}

#[tokio::test]
async fn other_days_and_other_places_stay_apart() {
    let s = setup().await;
    post(
        &s.app,
        ALMATY_FR,
        "https://fr.example/almaty",
        "2022-01-06",
        "fr",
    )
    .await;
    let next_day = ALMATY_EN
        .replace("January 5", "January 6")
        .replace("Wednesday", "Thursday");
    post(
        &s.app,
        &next_day,
        "https://en.example/a",
        "2022-01-07",
        "en",
    )
    .await;
    let elsewhere = ALMATY_EN.replace("Almaty", "Shymkent");
    post(
        &s.app,
        &elsewhere,
        "https://en.example/s",
        "2022-01-07",
        "en",
    )
    .await;
    let riots = riots_on_the_5th(&s.app).await;
    assert_eq!(riots.len(), 1);
    assert_eq!(riots[0]["properties"]["sources_count"], 1);
    assert_eq!(riots[0]["properties"]["fatalities"], 8);
    let (_, page) = json_of(&s.app, get("/collections/events/items?event_type=Riots")).await;
    let merged = page["features"].as_array().unwrap().iter();
    assert!(merged.clone().count() >= 3, "{page}");
    assert!(
        merged
            .clone()
            .all(|f| f["properties"]["sources_count"] == 1),
        "{page}"
    );
}

#[tokio::test]
async fn a_correction_outlives_the_report_it_was_made_on() {
    let s = setup().await;
    let (fr, en) = post_both(&s.app).await;
    let id = riots_on_the_5th(&s.app).await[0]["id"].clone();
    let uri = format!("/collections/events/items/{}", id.as_str().unwrap());
    let (status, _) = json_of(
        &s.app,
        authorized("PATCH", &uri, json!({ "fatalities": 25 })),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    // The corrected report's article goes: the English report takes the event and the correction.
    delete(&s.app, fr).await;
    let riots = riots_on_the_5th(&s.app).await;
    assert_eq!(riots.len(), 1);
    assert_ne!(riots[0]["id"], id);
    assert_eq!(source_articles(&riots[0]), vec![en]);
    assert_eq!(riots[0]["properties"]["fatalities"], 25);
    assert_eq!(riots[0]["properties"]["corrected"], true);
}
