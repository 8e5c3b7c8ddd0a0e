//! The HTTP API through the router (`oneshot`): every endpoint, every refusal, and filters checked
//! against a brute-force scan on random queries.

use std::collections::BTreeMap;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use jiff::civil::{Date, date};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};
use tower::ServiceExt;

use eventmap::api::{AppState, router};
use eventmap::model::{Event, EventType, GeoPrecision, TimePrecision};

/// (name, geonameid, lon, lat, country)
const PLACES: &[(&str, u32, f64, f64, &str)] = &[
    ("Almaty", 1526384, 76.92861, 43.25667, "KZ"),
    ("Astana", 1526273, 71.44598, 51.1801, "KZ"),
    ("Aktobe", 610611, 57.20718, 50.27969, "KZ"),
    ("Atyrau", 609655, 51.88333, 47.11667, "KZ"),
    ("Bishkek", 1528675, 74.59, 42.87, "KG"),
    ("Suva", 2198148, 178.44, -18.14, "FJ"),
];

fn event(i: usize, rng: &mut StdRng) -> Event {
    let (place, gid, lon, lat, cc) = PLACES[rng.random_range(0..PLACES.len())];
    let event_type = EventType::ALL[rng.random_range(0..EventType::ALL.len())];
    Event {
        id: format!("t-{i:04}"),
        event_date: date(2022, 1, 1 + rng.random_range(0..20)),
        time_precision: [
            TimePrecision::Day,
            TimePrecision::Week,
            TimePrecision::Month,
        ][i % 3],
        event_type,
        sub_event_type: event_type.sub_event_types()[0].to_string(),
        place: place.into(),
        place_as_written: place.into(),
        geonameid: Some(gid),
        country_code: cc.into(),
        admin1: None,
        geo_precision: GeoPrecision::City,
        geo_confidence: None,
        geo_reason: None,
        lon: lon + rng.random_range(-0.1..0.1),
        lat: lat + rng.random_range(-0.1..0.1),
        fatalities: rng.random_bool(0.5).then(|| rng.random_range(0..30)),
        injuries: None,
        arrests: rng.random_bool(0.3).then(|| rng.random_range(0..300)),
        count_qualifiers: BTreeMap::new(),
        actors: vec![],
        notes: format!("Sentence {i} about {place}."),
        source: "test".into(),
        lang: "en".into(),
        date_corrected: false,
        article_id: None,
        corrected: false,
        sources: Vec::new(),
        fatalities_reported: Vec::new(),
    }
}

fn events() -> Vec<Event> {
    let mut rng = StdRng::seed_from_u64(7);
    (0..600).map(|i| event(i, &mut rng)).collect()
}

struct Reply {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: Vec<u8>,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }
    fn header(&self, name: header::HeaderName) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
}

async fn send(app: &axum::Router, req: Request<Body>) -> Reply {
    let res = app.clone().oneshot(req).await.expect("router never fails");
    let status = res.status();
    let headers = res.headers().clone();
    let body = res
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes()
        .to_vec();
    Reply {
        status,
        headers,
        body,
    }
}

async fn get(app: &axum::Router, uri: &str) -> Reply {
    let req = Request::get(uri)
        .header(header::HOST, "test.local")
        .body(Body::empty())
        .unwrap();
    send(app, req).await
}

const BASE: &str = "https://maps.example.org/eventmap";

fn app() -> axum::Router {
    router(AppState::new(events()).with_base_url(BASE).unwrap())
}

fn ids(fc: &Value) -> Vec<String> {
    fc["features"]
        .as_array()
        .expect("features")
        .iter()
        .map(|f| f["id"].as_str().expect("id").to_string())
        .collect()
}

#[tokio::test]
async fn landing_page_is_json_for_clients_and_html_for_browsers() {
    let app = app();
    let r = get(&app, "/?f=json").await;
    assert_eq!(r.status, StatusCode::OK);
    let links = r.json()["links"].as_array().unwrap().clone();
    for rel in ["self", "service-desc", "conformance", "data"] {
        assert!(
            links.iter().any(|l| l["rel"] == rel),
            "landing page lacks rel={rel}"
        );
    }
    assert!(links.iter().all(|l| {
        l["href"]
            .as_str()
            .unwrap()
            .starts_with("https://maps.example.org/eventmap/")
    }));
    let req = Request::get("/")
        .header(header::ACCEPT, "text/html,application/xhtml+xml")
        .body(Body::empty())
        .unwrap();
    let html = send(&app, req).await;
    assert_eq!(html.status, StatusCode::OK);
    assert!(html.header(header::CONTENT_TYPE).starts_with("text/html"));
    assert!(String::from_utf8_lossy(&html.body).contains("maplibre"));
}

/// Links start with the configured URL (else the default), never with the request's Host
/// header, which any client can set.
#[tokio::test]
async fn links_ignore_the_host_header() {
    let hrefs = |v: &Value| {
        let mut out = Vec::new();
        let mut stack = vec![v.clone()];
        while let Some(v) = stack.pop() {
            match v {
                Value::Object(o) => {
                    for (k, v) in o {
                        match v {
                            Value::String(s) if k == "href" || k == "url" || k == "$id" => {
                                out.push(s)
                            }
                            other => stack.push(other),
                        }
                    }
                }
                Value::Array(a) => stack.extend(a),
                _ => {}
            }
        }
        out
    };
    let id = events()[3].id.clone();
    for (app, base) in [
        (app(), BASE),
        (router(AppState::new(events())), "http://localhost"),
    ] {
        for uri in [
            "/?f=json".to_string(),
            "/collections".into(),
            "/collections/events".into(),
            "/collections/events/queryables".into(),
            "/collections/events/items?limit=2&offset=2".into(),
            format!("/collections/events/items/{id}"),
            "/api".into(),
        ] {
            let req = Request::get(&uri)
                .header(header::HOST, "evil.example")
                .body(Body::empty())
                .unwrap();
            let r = send(&app, req).await;
            assert_eq!(r.status, StatusCode::OK, "{uri}");
            let found = hrefs(&r.json());
            assert!(!found.is_empty(), "{uri}");
            for href in found {
                assert!(
                    href.starts_with(&format!("{base}/")) || href == base,
                    "{uri}: {href}"
                );
            }
        }
    }
    for bad in [
        "ftp://maps.example.org",
        "https://maps.example.org/?x=1",
        "maps.example.org",
        "",
    ] {
        assert!(eventmap::api::check_base_url(bad).is_err(), "{bad:?}");
    }
    assert_eq!(
        eventmap::api::check_base_url("https://maps.example.org/eventmap/"),
        Ok("https://maps.example.org/eventmap")
    );
}

#[tokio::test]
async fn conformance_and_openapi() {
    let app = app();
    let c = get(&app, "/conformance").await.json();
    let classes: Vec<&str> = c["conformsTo"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(classes.contains(&"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core"));
    assert!(classes.contains(&"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson"));
    for part in [
        "features-2/1.0/conf/crs",
        "features-3/1.0/conf/filter",
        "features-3/1.0/conf/features-filter",
        "features-5/1.0/conf/schemas",
    ] {
        assert!(
            classes.contains(&format!("http://www.opengis.net/spec/ogcapi-{part}").as_str()),
            "{part}"
        );
    }
    for cql2 in [
        "cql2-text",
        "cql2-json",
        "basic-cql2",
        "basic-spatial-functions",
        "temporal-functions",
    ] {
        assert!(
            classes.contains(&format!("http://www.opengis.net/spec/cql2/1.0/conf/{cql2}").as_str()),
            "{cql2}"
        );
    }
    let r = get(&app, "/api").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.header(header::CONTENT_TYPE)
            .starts_with("application/vnd.oai.openapi+json")
    );
    let doc = r.json();
    assert_eq!(doc["openapi"], "3.0.3");
    let text = doc.to_string();
    // Self-contained: every $ref points inside the document.
    for (i, _) in text.match_indices("\"$ref\":\"") {
        assert_eq!(
            &text[i + 8..i + 9],
            "#",
            "remote $ref near {}",
            &text[i..i + 60]
        );
    }
    let items = &doc["paths"]["/collections/events/items"]["get"]["parameters"];
    assert!(
        items
            .to_string()
            .contains("#/components/parameters/datetime")
    );
    for p in [
        "filter",
        "filter-lang",
        "filter-crs",
        "sortby",
        "skipGeometry",
        "crs",
    ] {
        assert!(
            items.to_string().contains(&format!("/{p}\""))
                || items.to_string().contains(&format!("\"name\":\"{p}\"")),
            "{p}"
        );
    }
}

#[tokio::test]
async fn collections_list_layers_with_extents() {
    let app = app();
    let c = get(&app, "/collections").await.json();
    let ids: Vec<&str> = c["collections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids[0], "events");
    assert_eq!(*ids.last().unwrap(), "places");
    for t in EventType::ALL {
        assert!(ids.contains(&t.slug()), "{} missing", t.slug());
    }
    let ev = get(&app, "/collections/events").await.json();
    assert_eq!(
        ev["extent"]["temporal"]["interval"][0][0],
        "2022-01-01T00:00:00Z"
    );
    let bbox = ev["extent"]["spatial"]["bbox"][0].as_array().unwrap();
    assert_eq!(bbox.len(), 4);
    assert!(bbox[0].as_f64().unwrap() < 52.0 && bbox[2].as_f64().unwrap() > 178.0);
    let q = get(&app, "/collections/riots/queryables").await;
    assert_eq!(q.status, StatusCode::OK);
    let props = &q.json()["properties"];
    for name in [
        "place",
        "event_type",
        "sub_event_type",
        "country_code",
        "geometry",
    ] {
        assert!(props.get(name).is_some(), "queryable {name} missing");
    }
    // Queryables are properties, not query parameters.
    assert_eq!(props.get("min_fatalities"), None);
    assert_eq!(props["fatalities"]["type"], json!(["integer", "null"]));
    assert_eq!(props["event_date"]["format"], "date");
}

/// Every property a feature has is in the layer's schema with the type of its value, and the
/// collection links the schema GDAL reads (`describedby`, a whole Feature).
#[tokio::test]
async fn schemas_describe_every_property_with_its_type() {
    let app = app();
    for layer in ["events", "riots", "places"] {
        let r = get(&app, &format!("/collections/{layer}/schema")).await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(r.header(header::CONTENT_TYPE), "application/schema+json");
        let schema = r.json()["properties"].clone();
        let feature = get(&app, &format!("/collections/{layer}/items?limit=50"))
            .await
            .json();
        let features = feature["features"].as_array().unwrap();
        assert!(!features.is_empty());
        for f in features {
            let p = f["properties"].as_object().unwrap();
            let names: Vec<&String> = p.keys().collect();
            let mut declared: Vec<&String> = schema
                .as_object()
                .unwrap()
                .keys()
                .filter(|k| *k != "geometry")
                .collect();
            declared.sort();
            assert_eq!(names, declared, "{layer}");
            for (name, value) in p {
                let types = &schema[name]["type"];
                let kind = match value {
                    Value::Null => "null",
                    Value::Bool(_) => "boolean",
                    Value::Number(n) if n.is_u64() || n.is_i64() => "integer",
                    Value::Number(_) => "number",
                    Value::String(_) => "string",
                    _ => panic!("{name} is not a scalar: {value}"),
                };
                let allowed = |t: &str| {
                    types == t || types.as_array().is_some_and(|a| a.iter().any(|x| x == t))
                };
                assert!(
                    allowed(kind) || (kind == "integer" && allowed("number")),
                    "{layer}.{name}: {value} is not {types}"
                );
            }
        }
        let collection = get(&app, &format!("/collections/{layer}")).await.json();
        let described = collection["links"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["rel"] == "describedby")
            .unwrap();
        assert_eq!(described["type"], "application/schema+json");
        let href = described["href"].as_str().unwrap().replace(BASE, "");
        let whole = get(&app, &href).await.json();
        assert_eq!(whole["properties"]["type"]["enum"], json!(["Feature"]));
        let inner = &whole["properties"]["properties"]["properties"];
        // One type name each (GDAL reads no type list), nulls flagged apart.
        assert_eq!(
            inner["fatalities"]
                .get("type")
                .or(inner["events"].get("type")),
            Some(&json!("integer"))
        );
    }
}

/// What a brute-force scan of `events` says a query returns, in (date, id) order.
fn brute_force(
    events: &[Event],
    from: Option<Date>,
    to: Option<Date>,
    bbox: Option<[f64; 4]>,
    types: &[EventType],
    min_fat: Option<u32>,
) -> Vec<String> {
    let mut hits: Vec<&Event> = events
        .iter()
        .filter(|e| from.is_none_or(|d| e.event_date >= d) && to.is_none_or(|d| e.event_date <= d))
        .filter(|e| {
            bbox.is_none_or(|b| e.lon >= b[0] && e.lat >= b[1] && e.lon <= b[2] && e.lat <= b[3])
        })
        .filter(|e| types.is_empty() || types.contains(&e.event_type))
        .filter(|e| min_fat.is_none_or(|m| e.fatalities.unwrap_or(0) >= m))
        .collect();
    hits.sort_by(|a, b| (a.event_date, &a.id).cmp(&(b.event_date, &b.id)));
    hits.into_iter().map(|e| e.id.clone()).collect()
}

#[tokio::test]
async fn random_queries_match_a_brute_force_scan() {
    let all = events();
    let app = app();
    let mut rng = StdRng::seed_from_u64(42);
    for round in 0..150 {
        let mut params = vec!["limit=10000".to_string()];
        let (from, to) = (
            rng.random_bool(0.6)
                .then(|| date(2022, 1, rng.random_range(1..21))),
            rng.random_bool(0.6)
                .then(|| date(2022, 1, rng.random_range(1..21))),
        );
        let (from, to) = match (from, to) {
            (Some(a), Some(b)) if a > b => (Some(b), Some(a)),
            x => x,
        };
        if from.is_some() || to.is_some() {
            let end = |d: Option<Date>| d.map_or("..".to_string(), |d| d.to_string());
            params.push(format!("datetime={}/{}", end(from), end(to)));
        }
        let bbox = rng.random_bool(0.6).then(|| {
            let x = rng.random_range(40.0..80.0);
            let y = rng.random_range(35.0..50.0);
            [
                x,
                y,
                x + rng.random_range(1.0..30.0),
                y + rng.random_range(1.0..15.0),
            ]
        });
        if let Some(b) = bbox {
            params.push(format!("bbox={},{},{},{}", b[0], b[1], b[2], b[3]));
        }
        let types: Vec<EventType> = EventType::ALL
            .into_iter()
            .filter(|_| rng.random_bool(0.25))
            .collect();
        if !types.is_empty() {
            params.push(format!(
                "event_type={}",
                types.iter().map(|t| t.slug()).collect::<Vec<_>>().join(",")
            ));
        }
        let min_fat = rng.random_bool(0.2).then(|| rng.random_range(0..20));
        if let Some(m) = min_fat {
            params.push(format!("min_fatalities={m}"));
        }
        let uri = format!("/collections/events/items?{}", params.join("&"));
        let r = get(&app, &uri).await;
        assert_eq!(r.status, StatusCode::OK, "{uri}");
        let fc = r.json();
        let expected = brute_force(&all, from, to, bbox, &types, min_fat);
        assert_eq!(ids(&fc), expected, "round {round}: {uri}");
        assert_eq!(fc["numberMatched"], expected.len(), "{uri}");
    }
}

#[tokio::test]
async fn a_date_interval_includes_both_whole_days() {
    let all = events();
    let app = app();
    let fc = get(
        &app,
        "/collections/events/items?datetime=2022-01-05T/2022-01-07T&limit=10000",
    )
    .await
    .json();
    let expected = brute_force(
        &all,
        Some(date(2022, 1, 5)),
        Some(date(2022, 1, 7)),
        None,
        &[],
        None,
    );
    assert!(!expected.is_empty());
    assert_eq!(ids(&fc), expected);
    // An instant late on the last day still selects that day.
    let fc2 = get(
        &app,
        "/collections/events/items?datetime=2022-01-05T00:00:00Z/2022-01-07T23:59:59Z&limit=10000",
    )
    .await
    .json();
    assert_eq!(ids(&fc2), expected);
}

#[tokio::test]
async fn paging_never_skips_or_repeats() {
    let all = events();
    let app = app();
    let mut seen = Vec::new();
    let mut uri = "/collections/riots/items?limit=7&datetime=2022-01-03/2022-01-15".to_string();
    let mut pages = 0;
    loop {
        let fc = get(&app, &uri).await.json();
        seen.extend(ids(&fc));
        pages += 1;
        assert!(fc["numberReturned"].as_u64().unwrap() <= 7);
        let next = fc["links"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["rel"] == "next")
            .map(|l| l["href"].as_str().unwrap().to_string());
        match next {
            Some(href) => uri = href.trim_start_matches(BASE).to_string(),
            None => break,
        }
        assert!(pages < 100, "paging does not end");
    }
    let expected = brute_force(
        &all,
        Some(date(2022, 1, 3)),
        Some(date(2022, 1, 15)),
        None,
        &[EventType::Riots],
        None,
    );
    assert_eq!(seen, expected);
    let second = get(
        &app,
        "/collections/riots/items?limit=7&offset=7&datetime=2022-01-03/2022-01-15",
    )
    .await
    .json();
    assert!(
        second["links"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["rel"] == "prev")
    );
}

#[tokio::test]
async fn empty_parameters_count_as_absent() {
    let app = app();
    let all = get(&app, "/collections/events/items?limit=10000")
        .await
        .json();
    let blank = get(
        &app,
        "/collections/events/items?limit=10000&datetime=&place=&event_type=&country_code=",
    )
    .await;
    assert_eq!(blank.status, StatusCode::OK);
    assert_eq!(ids(&blank.json()), ids(&all));
    // Not where the document's schema has no empty value: a format, a number, a box.
    for empty in [
        "f=",
        "limit=",
        "offset=",
        "bbox=",
        "min_fatalities=",
        "download=",
    ] {
        let r = get(&app, &format!("/collections/events/items?{empty}")).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{empty}");
        assert_eq!(r.json()["code"], "InvalidParameterValue", "{empty}");
    }
}

/// The places layer has no PATCH: 405 with `Allow: GET,HEAD` and the exception body, before
/// the token is looked at (this server has none: a token check would say 404 or 403), and
/// OPTIONS names only GET and HEAD there, PATCH on the events' items.
#[tokio::test]
async fn methods_a_path_lacks_are_405_naming_only_those_it_has() {
    let app = app();
    let allow = |r: &Reply| {
        let mut m: Vec<String> = r
            .header(header::ALLOW)
            .split(',')
            .map(|m| m.trim().to_string())
            .collect();
        m.sort();
        m
    };
    let request = |method: &str, uri: &str| {
        Request::builder()
            .method(method)
            .uri(uri)
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::AUTHORIZATION, "Bearer wrong")
            .body(Body::from("{}"))
            .unwrap()
    };
    for method in ["PATCH", "DELETE"] {
        let r = send(&app, request(method, "/collections/places/items/0")).await;
        assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED, "{method}");
        assert_eq!(r.json()["code"], "MethodNotAllowed", "{method}");
        assert_eq!(allow(&r), ["GET", "HEAD"], "{method}");
    }
    // OPTIONS is answered (CORS), with the methods there are.
    let options = send(&app, request("OPTIONS", "/collections/places/items/0")).await;
    assert_eq!(allow(&options), ["GET", "HEAD"]);
    let id = &events()[0].id;
    let uri = format!("/collections/events/items/{id}");
    let options = send(&app, request("OPTIONS", &uri)).await;
    assert_eq!(allow(&options), ["GET", "HEAD", "PATCH"]);
    let place = get(&app, "/collections/places/items").await.json();
    let place_id = place["features"][0]["id"].as_str().unwrap().to_string();
    let one = get(&app, &format!("/collections/places/items/{place_id}")).await;
    assert_eq!(one.status, StatusCode::OK);
}

#[tokio::test]
async fn one_feature_by_id() {
    let app = app();
    let all = events();
    let target = &all[17];
    let r = get(&app, &format!("/collections/events/items/{}", target.id)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.header(header::CONTENT_TYPE)
            .starts_with("application/geo+json")
    );
    let f = r.json();
    assert_eq!(f["properties"]["notes"], target.notes.as_str());
    assert_eq!(Event::from_feature(&f).unwrap(), *target);
    let other_layer = EventType::ALL
        .into_iter()
        .find(|t| *t != target.event_type)
        .unwrap();
    let wrong = get(
        &app,
        &format!("/collections/{}/items/{}", other_layer.slug(), target.id),
    )
    .await;
    assert_eq!(wrong.status, StatusCode::NOT_FOUND);
    let json = get(
        &app,
        &format!("/collections/events/items/{}?f=json", target.id),
    )
    .await;
    assert!(
        json.header(header::CONTENT_TYPE)
            .starts_with("application/json")
    );
}

/// An answer by id is the feature as a page sends it, its text untouched, with its links added.
#[tokio::test]
async fn a_feature_by_id_is_its_stored_text_with_links() {
    let all = events();
    let target = &all[17];
    let index = eventmap::index::EventIndex::new(all.clone());
    let stored = index
        .row(index.position(&target.id).expect("indexed"))
        .feature
        .to_string();
    let r = get(&app(), &format!("/collections/events/items/{}", target.id)).await;
    assert_eq!(r.status, StatusCode::OK);
    let links = format!(
        r#","links":[{{"href":"{BASE}/collections/events/items/{id}","rel":"self","type":"application/geo+json"}},{{"href":"{BASE}/collections/events","rel":"collection","type":"application/json"}}]}}"#,
        id = target.id
    );
    let expected = format!("{}{links}", stored.strip_suffix('}').expect("an object"));
    assert_eq!(String::from_utf8_lossy(&r.body), expected);
    let page = get(&app(), "/collections/events/items?limit=600").await;
    assert!(String::from_utf8_lossy(&page.body).contains(&stored));
}

#[tokio::test]
async fn bad_input_is_a_400_that_says_what_is_wrong() {
    let app = app();
    let cases = [
        (
            "/collections/events/items?bbox=1,2,3",
            "bbox must be 4 or 6 numbers",
        ),
        (
            "/collections/events/items?bbox=a,b,c,d",
            "bbox must be 4 or 6 numbers",
        ),
        ("/collections/events/items?bbox=0,60,10,50", "miny"),
        ("/collections/events/items?datetime=2022-02-30", "datetime"),
        (
            "/collections/events/items?datetime=2022-01-07/2022-01-05",
            "starts after it ends",
        ),
        ("/collections/events/items?limit=0", "limit"),
        ("/collections/events/items?limit=ten", "limit"),
        ("/collections/events/items?offset=-1", "offset"),
        (
            "/collections/events/items?colour=red",
            "unknown query parameter \"colour\"",
        ),
        ("/collections/events/items?limit=5&limit=6", "given twice"),
        (
            "/collections/events/items?event_type=picnic",
            "event_type must be a comma-separated list of",
        ),
        (
            "/collections/events/items?sub_event_type=Picnic",
            "sub_event_type",
        ),
        (
            "/collections/events/items?country_code=Kazakhstan",
            "country_code",
        ),
        (
            "/collections/events/items?min_fatalities=-3",
            "min_fatalities",
        ),
        ("/collections/events/items?f=xml", "f must be one of"),
        ("/collections/events/items?bbox-crs=EPSG:3857", "bbox-crs"),
        ("/collections/events/items/%3Cscript%3E", "feature id"),
        ("/timeline?bbox=1,2", "bbox"),
        ("/collections?x=1", "unknown query parameter"),
        ("/collections?f=csv", "f must be json"),
        ("/?f=geojson", "f must be json or html"),
        ("/timeline?f=csv", "f must be json"),
    ];
    for (uri, says) in cases {
        let r = get(&app, uri).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{uri}");
        let body = r.json();
        assert_eq!(body["code"], "InvalidParameterValue", "{uri}");
        let description = body["description"].as_str().unwrap();
        assert!(
            description.contains(says),
            "{uri}: {description:?} should say {says:?}"
        );
    }
}

#[tokio::test]
async fn unknown_things_are_404_in_the_same_form() {
    let app = app();
    for uri in [
        "/collections/picnics",
        "/collections/picnics/items",
        "/collections/events/items/ev-000000",
        "/nowhere",
    ] {
        let r = get(&app, uri).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{uri}");
        assert_eq!(r.json()["code"], "NotFound", "{uri}");
    }
    let post = send(
        &app,
        Request::post("/collections").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(post.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(post.json()["code"], "MethodNotAllowed");
}

#[tokio::test]
async fn download_is_the_whole_filtered_layer_as_an_attachment() {
    let all = events();
    let app = app();
    let r = get(&app, "/collections/events/items?f=geojson&download=true&datetime=2022-01-05/2022-01-07&bbox=40,35,90,55").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        r.header(header::CONTENT_DISPOSITION),
        "attachment; filename=\"eventmap-events-2022-01-05_2022-01-07.geojson\""
    );
    let fc = r.json();
    let expected = brute_force(
        &all,
        Some(date(2022, 1, 5)),
        Some(date(2022, 1, 7)),
        Some([40.0, 35.0, 90.0, 55.0]),
        &[],
        None,
    );
    assert_eq!(ids(&fc), expected);
    // Unbounded by the default page size.
    let everything = get(&app, "/collections/events/items?download=true")
        .await
        .json();
    assert_eq!(everything["features"].as_array().unwrap().len(), all.len());
    let csv = get(&app, "/collections/protests/items?f=csv").await;
    assert!(csv.header(header::CONTENT_TYPE).starts_with("text/csv"));
    let text = String::from_utf8(csv.body.clone()).unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader.headers().unwrap().clone();
    assert_eq!(&headers[0], "event_id_cnty");
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    let protests = brute_force(&all, None, None, None, &[EventType::Protests], None);
    assert_eq!(rows.len(), protests.len());
    assert_eq!(&rows[0][0], protests[0].as_str());
    assert_eq!(&rows[0][4], "Protests");
    // ACLED's time precision codes: 1 the day, 2 the week, 3 the month.
    for row in &rows {
        let e = all.iter().find(|e| e.id == row[0]).unwrap();
        let code = match e.time_precision {
            TimePrecision::Day => "1",
            TimePrecision::Week => "2",
            TimePrecision::Month | TimePrecision::Year => "3",
        };
        assert_eq!(
            (&row[2], &row[3]),
            (e.event_date.year().to_string().as_str(), code)
        );
    }
}

/// What a spreadsheet would run as a formula is written as text: a leading `'` and quotes (OWASP),
/// in every text column, while numbers (a negative latitude) stay numbers.
#[tokio::test]
async fn csv_cells_a_spreadsheet_would_run_are_neutralised() {
    let mut rng = StdRng::seed_from_u64(1);
    let mut e = event(0, &mut rng);
    e.notes = "=cmd|' /C calc'!A0".into();
    e.place = "@SUM(1+1)".into();
    e.place_as_written = "+1+2".into();
    e.actors = vec!["-2+3".into(), "\tTab".into()];
    e.source = "\rReturn".into();
    e.lat = -18.14;
    e.lon = 178.44;
    let app = router(AppState::new(vec![e]));

    let r = get(&app, "/collections/events/items?f=csv").await;
    assert_eq!(r.status, StatusCode::OK);
    let text = String::from_utf8(r.body.clone()).unwrap();
    let row = text.lines().nth(1).unwrap();
    assert!(row.contains(",\"'=cmd|' /C calc'!A0\","), "{row}");
    assert!(row.contains(",\"'@SUM(1+1)\","), "{row}");
    // actor1, assoc_actor_1 (none), actor2, in ACLED's order.
    assert!(row.contains(",\"'-2+3\",,\"'\tTab\","), "{row}");
    assert!(row.contains(",-18.14,178.44,"), "{row}");
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), 1);
    let cell = |name: &str| {
        let i = headers.iter().position(|h| h == name).unwrap();
        rows[0][i].to_string()
    };
    assert_eq!(cell("notes"), "'=cmd|' /C calc'!A0");
    assert_eq!(cell("location"), "'@SUM(1+1)");
    assert_eq!(cell("location_as_written"), "'+1+2");
    assert_eq!(cell("actor1"), "'-2+3");
    assert_eq!(cell("actor2"), "'\tTab");
    assert_eq!(cell("source"), "'\rReturn");
    assert_eq!(cell("latitude"), "-18.14");
    assert_eq!(cell("lang"), "en");

    let places = get(&app, "/collections/places/items?f=csv").await;
    let text = String::from_utf8(places.body.clone()).unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let row = reader.records().next().unwrap().unwrap();
    assert_eq!(&row[1], "'@SUM(1+1)");
    assert_eq!(&row[4], "-18.14");
    assert!(text.contains(",\"'@SUM(1+1)\","), "{text}");
}

#[tokio::test]
async fn places_layer_totals_follow_the_filters() {
    let all = events();
    let app = app();
    let fc = get(
        &app,
        "/collections/places/items?datetime=2022-01-05&limit=100",
    )
    .await
    .json();
    let day: Vec<&Event> = all
        .iter()
        .filter(|e| e.event_date == date(2022, 1, 5))
        .collect();
    let total: u64 = fc["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"]["events"].as_u64().unwrap())
        .sum();
    assert_eq!(total as usize, day.len());
    let almaty = fc["features"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["properties"]["place"] == "Almaty")
        .expect("Almaty");
    let fat: u32 = day
        .iter()
        .filter(|e| e.place == "Almaty")
        .map(|e| e.fatalities.unwrap_or(0))
        .sum();
    assert_eq!(almaty["properties"]["fatalities"], fat);
    let one = get(&app, "/collections/places/items/1526384").await;
    assert_eq!(one.status, StatusCode::OK);
    assert_eq!(one.json()["properties"]["place"], "Almaty");

    // As CSV: the same totals, one row a place (not GeoJSON under a CSV type).
    let csv = get(&app, "/collections/places/items?datetime=2022-01-05&f=csv").await;
    assert!(csv.header(header::CONTENT_TYPE).starts_with("text/csv"));
    let text = String::from_utf8(csv.body.clone()).unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(&reader.headers().unwrap()[1], "place");
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), fc["features"].as_array().unwrap().len());
    let almaty_row = rows.iter().find(|r| &r[1] == "Almaty").expect("Almaty row");
    assert_eq!(&almaty_row[7], fat.to_string().as_str());
}

/// An error answered by the router or an extractor rather than a handler has the same OGC
/// exception body as every other, with its headers kept.
#[tokio::test]
async fn every_error_has_the_exception_body() {
    let app = app();
    let bad_path = get(&app, "/collections/%FF/items").await;
    assert_eq!(bad_path.status, StatusCode::BAD_REQUEST);
    assert_eq!(bad_path.header(header::CONTENT_TYPE), "application/json");
    assert_eq!(
        bad_path.json(),
        serde_json::json!({ "code": "BadRequest", "description": "Invalid URL: Invalid UTF-8 in `collection`" })
    );
    let bad_feature = get(&app, "/collections/events/items/%C3%28").await;
    assert_eq!(bad_feature.status, StatusCode::BAD_REQUEST);
    assert_eq!(bad_feature.json()["code"], "BadRequest");
    let nowhere = get(&app, "/nowhere").await;
    assert_eq!(
        (nowhere.status, nowhere.json()),
        (
            StatusCode::NOT_FOUND,
            serde_json::json!({ "code": "NotFound", "description": "no resource at /nowhere; start at /" })
        )
    );
    let put = send(&app, Request::put("/status").body(Body::empty()).unwrap()).await;
    assert_eq!(put.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(put.header(header::ALLOW), "GET,HEAD");
    assert_eq!(
        put.json(),
        serde_json::json!({ "code": "MethodNotAllowed", "description": "PUT is not allowed here" })
    );
}

#[tokio::test]
async fn place_filter_knows_other_spellings() {
    let all = events();
    let app = app();
    let expected: Vec<String> = brute_force(&all, None, None, None, &[], None)
        .into_iter()
        .filter(|id| all.iter().any(|e| &e.id == id && e.place == "Almaty"))
        .collect();
    for spelling in ["Almaty", "almaty", "Alma-Ata", "1526384"] {
        let fc = get(
            &app,
            &format!("/collections/events/items?place={spelling}&limit=10000"),
        )
        .await
        .json();
        assert_eq!(ids(&fc), expected, "place={spelling}");
    }
}

#[tokio::test]
async fn timeline_counts_every_day() {
    let all = events();
    let app = app();
    let t = get(&app, "/timeline?event_type=riots,protests")
        .await
        .json();
    let days = t["days"].as_array().unwrap();
    assert_eq!(days.first().unwrap()["date"], "2022-01-01");
    assert_eq!(days.len(), 20);
    for d in days {
        let day: Date = d["date"].as_str().unwrap().parse().unwrap();
        let n = all
            .iter()
            .filter(|e| {
                e.event_date == day
                    && matches!(e.event_type, EventType::Riots | EventType::Protests)
            })
            .count();
        assert_eq!(d["total"], n, "{day}");
    }
    assert_eq!(t["layers"]["battles"]["count"], 0);
}

#[tokio::test]
async fn responses_are_compressed_and_cors_enabled() {
    let app = app();
    let req = Request::get("/collections/events/items?limit=500")
        .header(header::ACCEPT_ENCODING, "gzip")
        .header(header::ORIGIN, "http://elsewhere.example")
        .body(Body::empty())
        .unwrap();
    let r = send(&app, req).await;
    assert_eq!(r.header(header::CONTENT_ENCODING), "gzip");
    assert_eq!(r.header(header::ACCESS_CONTROL_ALLOW_ORIGIN), "*");
}

/// The page and its files say what they may load (nothing but their own origin's files), that
/// they are not to be framed, and that their type is not to be guessed; every answer says the
/// latter. `tests/browser.rs` checks that the page works under this policy.
#[tokio::test]
async fn the_page_and_assets_send_security_headers() {
    let app = app();
    let page = send(
        &app,
        Request::get("/")
            .header(header::ACCEPT, "text/html")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert!(page.header(header::CONTENT_TYPE).starts_with("text/html"));
    let policy = "default-src 'self'; script-src 'self'; style-src 'self'; \
                  img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; \
                  worker-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; \
                  frame-ancestors 'none'";
    for uri in [
        "/assets/app.js",
        "/assets/style.css",
        "/assets/vendor/maplibre-gl/maplibre-gl-worker.mjs",
    ] {
        let r = get(&app, uri).await;
        assert_eq!(r.status, StatusCode::OK, "{uri}");
        for r in [&r, &page] {
            assert_eq!(r.header(header::CONTENT_SECURITY_POLICY), policy, "{uri}");
            assert_eq!(r.header(header::X_FRAME_OPTIONS), "DENY", "{uri}");
            assert_eq!(r.header(header::X_CONTENT_TYPE_OPTIONS), "nosniff", "{uri}");
        }
    }
    // No inline style or script for the policy to block.
    let html = String::from_utf8_lossy(&page.body);
    assert!(!html.contains("style=\""), "{html}");
    assert!(!html.contains("<script>"), "{html}");
    for uri in ["/collections", "/nowhere"] {
        let r = get(&app, uri).await;
        assert_eq!(r.header(header::X_CONTENT_TYPE_OPTIONS), "nosniff", "{uri}");
    }
}

#[tokio::test]
async fn assets_have_etags_and_revalidate() {
    let app = app();
    let r = get(&app, "/assets/app.js").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.header(header::CONTENT_TYPE)
            .starts_with("text/javascript")
    );
    let etag = r.header(header::ETAG).to_string();
    assert!(etag.starts_with('"'));
    assert!(r.header(header::CACHE_CONTROL).contains("max-age"));
    let again = send(
        &app,
        Request::get("/assets/app.js")
            .header(header::IF_NONE_MATCH, &etag)
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert_eq!(
        get(&app, "/assets/nothing.js").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn no_query_makes_the_server_fail() {
    let app = app();
    let mut rng = StdRng::seed_from_u64(99);
    let names = [
        "datetime",
        "bbox",
        "limit",
        "offset",
        "f",
        "place",
        "event_type",
        "sub_event_type",
        "country_code",
        "min_fatalities",
        "download",
        "bbox-crs",
        "zz",
    ];
    let values = [
        "",
        "..",
        "/",
        "../..",
        "2022-01-05/..",
        "-1",
        "0",
        "1e309",
        "NaN",
        "9999999999999999999999",
        "1,2,3,4",
        "-180,-90,180,90",
        "%00",
        "%FF%FE",
        "\u{1F600}",
        "2022-01-05T25:61:00Z",
        "csv",
        "json",
        "true",
        "Alma-Ata",
        "riots,,",
        "a/b/c",
    ];
    let paths = [
        "/collections/events/items",
        "/collections/riots/items",
        "/collections/places/items",
        "/timeline",
        "/collections/events/items/t-0001",
        "/collections/events",
        "/",
    ];
    for _ in 0..400 {
        let mut q = Vec::new();
        for _ in 0..rng.random_range(0..4) {
            let value = values[rng.random_range(0..values.len())];
            let value: String = value
                .bytes()
                .map(|b| {
                    if b.is_ascii_alphanumeric() || b"-.,/:%".contains(&b) {
                        (b as char).to_string()
                    } else {
                        format!("%{b:02X}")
                    }
                })
                .collect();
            q.push(format!(
                "{}={value}",
                names[rng.random_range(0..names.len())]
            ));
        }
        let uri = format!(
            "{}?{}",
            paths[rng.random_range(0..paths.len())],
            q.join("&")
        );
        let r = get(&app, &uri).await;
        assert!(
            r.status.is_success() || r.status.is_client_error(),
            "{uri} → {}",
            r.status
        );
        if r.status.is_client_error() {
            assert!(
                r.json()["description"]
                    .as_str()
                    .is_some_and(|d| !d.is_empty()),
                "{uri}"
            );
        }
    }
}

async fn send_with(app: &axum::Router, method: &str, uri: &str, headers: &[(&str, &str)]) -> Reply {
    let mut req = Request::builder().method(method).uri(uri);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    send(app, req.body(Body::empty()).unwrap()).await
}

/// `sortby` orders every match by its keys in turn (nulls last), across pages, and refuses a
/// property it cannot sort by, naming those it can.
#[tokio::test]
async fn sortby_orders_the_matches_across_pages() {
    let app = app();
    let all = events();
    let mut want: Vec<&Event> = all.iter().collect();
    // -fatalities, then +event_date, then the index order (date, id).
    want.sort_by(|a, b| {
        let f = |e: &Event| e.fatalities.map_or(i64::MAX, |n| -i64::from(n));
        (f(a), a.event_date, &a.id).cmp(&(f(b), b.event_date, &b.id))
    });
    let want: Vec<String> = want.iter().map(|e| e.id.clone()).collect();
    let mut got = Vec::new();
    for offset in (0..all.len()).step_by(250) {
        let page = get(&app, &format!("/collections/events/items?sortby=-fatalities,%2Bevent_date&limit=250&offset={offset}")).await;
        assert_eq!(page.status, StatusCode::OK);
        got.extend(ids(&page.json()));
    }
    assert_eq!(got, want);
    // Downloads follow the same order.
    let csv = get(
        &app,
        "/collections/events/items?sortby=-fatalities,event_date&f=csv",
    )
    .await;
    let text = String::from_utf8(csv.body).unwrap();
    let first_ids: Vec<&str> = text
        .lines()
        .skip(1)
        .take(5)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert_eq!(
        first_ids,
        want[..5].iter().map(String::as_str).collect::<Vec<_>>()
    );
    let places = get(&app, "/collections/places/items?sortby=-events&limit=1000")
        .await
        .json();
    let counts: Vec<u64> = places["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"]["events"].as_u64().unwrap())
        .collect();
    assert!(
        counts.len() > 2 && counts.windows(2).all(|w| w[0] >= w[1]),
        "{counts:?}"
    );
    let bad = get(&app, "/collections/events/items?sortby=notes").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let says = bad.json()["description"].as_str().unwrap().to_string();
    assert!(
        says.contains("\"notes\"") && says.contains("fatalities"),
        "{says}"
    );
}

/// `properties` keeps only the named properties, `skipGeometry` drops the geometry, and
/// `crs=EPSG:4326` writes [lat, lon] with the Content-Crs header saying so.
#[tokio::test]
async fn properties_geometry_and_crs_shape_the_features() {
    let app = app();
    let plain = get(&app, "/collections/events/items?limit=3").await;
    assert_eq!(
        plain.header("content-crs".parse().unwrap()),
        "<http://www.opengis.net/def/crs/OGC/1.3/CRS84>"
    );
    let plain = plain.json();
    let r = get(
        &app,
        "/collections/events/items?limit=3&properties=event_date,fatalities&skipGeometry=true",
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    let fc = r.json();
    for f in fc["features"].as_array().unwrap() {
        let keys: Vec<&String> = f["properties"].as_object().unwrap().keys().collect();
        assert_eq!(keys, ["event_date", "fatalities"]);
        assert_eq!(f["geometry"], Value::Null);
    }
    assert_eq!(ids(&fc), ids(&plain));
    let r = get(
        &app,
        "/collections/events/items?limit=3&crs=http://www.opengis.net/def/crs/EPSG/0/4326",
    )
    .await;
    assert_eq!(
        r.header("content-crs".parse().unwrap()),
        "<http://www.opengis.net/def/crs/EPSG/0/4326>"
    );
    let swapped = r.json();
    for (a, b) in plain["features"]
        .as_array()
        .unwrap()
        .iter()
        .zip(swapped["features"].as_array().unwrap())
    {
        let (c, d) = (&a["geometry"]["coordinates"], &b["geometry"]["coordinates"]);
        assert_eq!((c[0].clone(), c[1].clone()), (d[1].clone(), d[0].clone()));
    }
    let one = ids(&plain)[0].clone();
    let item = get(
        &app,
        &format!("/collections/events/items/{one}?properties=place&skipGeometry=true"),
    )
    .await
    .json();
    assert_eq!(item["properties"].as_object().unwrap().len(), 1);
    let bad = get(&app, "/collections/events/items?properties=place,nope").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(
        bad.json()["description"]
            .as_str()
            .unwrap()
            .contains("\"nope\"")
    );
}

/// A bbox in EPSG:4326 is read latitude first.
#[tokio::test]
async fn bbox_crs_epsg_4326_is_lat_lon() {
    let app = app();
    let lon_lat = get(
        &app,
        "/collections/events/items?bbox=60,40,80,50&limit=1000",
    )
    .await
    .json();
    let lat_lon = get(&app, "/collections/events/items?bbox=40,60,50,80&bbox-crs=http://www.opengis.net/def/crs/EPSG/0/4326&limit=1000").await.json();
    assert!(lon_lat["numberMatched"].as_u64().unwrap() > 0);
    assert_eq!(ids(&lon_lat), ids(&lat_lon));
}

/// Downloads say their size, answer HEAD with it, and serve byte ranges that put back
/// together are the whole file, uncompressed (ranges count plain bytes).
#[tokio::test]
async fn downloads_have_a_length_and_serve_byte_ranges() {
    let app = app();
    for uri in [
        "/collections/events/items?f=csv&download=true",
        "/collections/events/items?download=true",
        "/collections/riots/items?download=true&properties=place&skipGeometry=true",
        "/collections/places/items?f=csv",
        "/collections/places/items?download=true",
    ] {
        let whole = send_with(&app, "GET", uri, &[("accept-encoding", "gzip")]).await;
        assert_eq!(whole.status, StatusCode::OK, "{uri}");
        assert_eq!(whole.header(header::CONTENT_ENCODING), "", "{uri}");
        assert_eq!(whole.header(header::ACCEPT_RANGES), "bytes", "{uri}");
        let len: usize = whole.header(header::CONTENT_LENGTH).parse().unwrap();
        assert_eq!(len, whole.body.len(), "{uri}");
        let head = send_with(&app, "HEAD", uri, &[]).await;
        assert_eq!(head.status, StatusCode::OK);
        assert_eq!(
            head.header(header::CONTENT_LENGTH),
            len.to_string(),
            "{uri}"
        );
        assert!(head.body.is_empty());
        let mut joined = Vec::new();
        let step = len / 3 + 1;
        for start in (0..len).step_by(step) {
            let end = (start + step).min(len) - 1;
            let part = send_with(
                &app,
                "GET",
                uri,
                &[("range", &format!("bytes={start}-{end}"))],
            )
            .await;
            assert_eq!(part.status, StatusCode::PARTIAL_CONTENT, "{uri}");
            assert_eq!(
                part.header(header::CONTENT_RANGE),
                format!("bytes {start}-{end}/{len}")
            );
            assert_eq!(part.body.len(), end + 1 - start);
            joined.extend(part.body);
        }
        assert_eq!(joined, whole.body, "{uri}");
        let tail = send_with(&app, "GET", uri, &[("range", "bytes=-10")]).await;
        assert_eq!(tail.body, whole.body[len - 10..]);
        let past = send_with(&app, "GET", uri, &[("range", &format!("bytes={len}-"))]).await;
        assert_eq!(past.status, StatusCode::RANGE_NOT_SATISFIABLE);
        assert_eq!(past.header(header::CONTENT_RANGE), format!("bytes */{len}"));
        assert_eq!(past.json()["code"], "RangeNotSatisfiable");
    }
}

/// Collections, a collection, a page of items and one item have an HTML view, for `f=html`
/// and for a browser's `Accept`, linking the next page, the other formats and the map.
#[tokio::test]
async fn html_views_for_browsers() {
    let app = app();
    let browser = [("accept", "text/html,application/xhtml+xml,*/*;q=0.8")];
    let one = ids(&get(&app, "/collections/events/items?limit=1").await.json())[0].clone();
    for (uri, says) in [
        (
            "/collections".to_string(),
            "/collections/riots/items?f=html",
        ),
        (
            "/collections/riots".into(),
            "/collections/riots/items?f=html",
        ),
        (
            "/collections/events/items?limit=5&sortby=-fatalities".into(),
            "Next page",
        ),
        (format!("/collections/events/items/{one}"), "event_date"),
        ("/collections/places/items".into(), "events_riots"),
    ] {
        for r in [
            send_with(&app, "GET", &uri, &browser).await,
            get(
                &app,
                &format!("{uri}{}f=html", if uri.contains('?') { '&' } else { '?' }),
            )
            .await,
        ] {
            assert_eq!(r.status, StatusCode::OK, "{uri}");
            assert!(
                r.header(header::CONTENT_TYPE).starts_with("text/html"),
                "{uri}"
            );
            assert!(
                r.header(header::CONTENT_SECURITY_POLICY)
                    .contains("default-src 'none'")
            );
            let html = String::from_utf8(r.body).unwrap();
            assert!(html.starts_with("<!doctype html>"), "{uri}");
            assert!(html.contains(says), "{uri}: {says}");
            assert!(
                !html.contains("<script") && !html.contains("src=\"http"),
                "{uri}"
            );
        }
    }
    let page = get(&app, "/collections/events/items?limit=5&f=html").await;
    let html = String::from_utf8(page.body).unwrap();
    assert_eq!(html.matches("<tr><td><a href=").count(), 5);
    assert!(
        html.contains("offset=5") && html.contains("f=html"),
        "a next page in HTML"
    );
    assert!(html.contains("f=geojson") && html.contains("f=csv"));
    // A client asking for JSON still gets JSON.
    let json = send_with(
        &app,
        "GET",
        "/collections/events/items?limit=1",
        &[("accept", "application/geo+json")],
    )
    .await;
    assert_eq!(json.header(header::CONTENT_TYPE), "application/geo+json");
}

/// CQL2 filters (text and JSON, EPSG:4326 geometries too) select exactly the events a direct
/// test of each event selects, on every layer, the places' totals and the timeline included.
#[tokio::test]
async fn cql2_filters_select_what_a_scan_selects() {
    let app = app();
    let all = events();
    let day = |d: i8| date(2022, 1, d);
    let in_box =
        |e: &Event, [w, s, x, n]: [f64; 4]| e.lon >= w && e.lon <= x && e.lat >= s && e.lat <= n;
    type Pick = Box<dyn Fn(&Event) -> bool>;
    let cases: Vec<(&str, &str, Pick)> = vec![
        (
            "cql2-text",
            "fatalities >= 5 AND country_code = 'KZ'",
            Box::new(|e| e.fatalities.is_some_and(|f| f >= 5) && e.country_code == "KZ"),
        ),
        (
            "cql2-text",
            "S_INTERSECTS(geometry, BBOX(60, 40, 80, 50)) AND event_date >= DATE('2022-01-10')",
            Box::new(move |e| in_box(e, [60.0, 40.0, 80.0, 50.0]) && e.event_date >= day(10)),
        ),
        (
            "cql2-text",
            "T_AFTER(event_date, DATE('2022-01-15')) OR fatalities IS NULL",
            Box::new(move |e| e.event_date > day(15) || e.fatalities.is_none()),
        ),
        (
            "cql2-text",
            "place LIKE 'A%' AND NOT (event_type IN ('Riots', 'Protests'))",
            Box::new(|e| {
                e.place.starts_with('A')
                    && !matches!(e.event_type, EventType::Riots | EventType::Protests)
            }),
        ),
        (
            "cql2-text",
            "event_date BETWEEN '2022-01-03' AND '2022-01-05' AND arrests > 100",
            Box::new(move |e| {
                (day(3)..=day(5)).contains(&e.event_date) && e.arrests.is_some_and(|a| a > 100)
            }),
        ),
        (
            "cql2-text",
            "notes LIKE '%about Suva%' AND time_precision = 'week'",
            Box::new(|e| e.place == "Suva" && e.time_precision == TimePrecision::Week),
        ),
        (
            "cql2-text",
            "NOT (fatalities > 10)",
            Box::new(|e| e.fatalities.is_some_and(|f| f <= 10)),
        ),
        (
            "cql2-json",
            r#"{"op":"and","args":[{"op":">=","args":[{"property":"fatalities"},5]},{"op":"=","args":[{"property":"country_code"},"KZ"]}]}"#,
            Box::new(|e| e.fatalities.is_some_and(|f| f >= 5) && e.country_code == "KZ"),
        ),
        (
            "cql2-json",
            r#"{"op":"t_intersects","args":[{"property":"event_date"},{"interval":["2022-01-02","2022-01-04"]}]}"#,
            Box::new(move |e| (day(2)..=day(4)).contains(&e.event_date)),
        ),
    ];
    for (lang, filter, pick) in &cases {
        let want: Vec<&Event> = {
            let mut w: Vec<&Event> = all.iter().filter(|e| pick(e)).collect();
            w.sort_by(|a, b| (a.event_date, &a.id).cmp(&(b.event_date, &b.id)));
            w
        };
        assert!(
            !want.is_empty() && want.len() < all.len(),
            "{filter} should select some: {}",
            want.len()
        );
        let q = |extra: &str| format!("filter={}&filter-lang={lang}{extra}", urlencode(filter));
        let r = get(
            &app,
            &format!("/collections/events/items?limit=10000&{}", q("")),
        )
        .await;
        assert_eq!(
            r.status,
            StatusCode::OK,
            "{filter}: {}",
            String::from_utf8_lossy(&r.body)
        );
        let fc = r.json();
        assert_eq!(
            ids(&fc),
            want.iter().map(|e| e.id.clone()).collect::<Vec<_>>(),
            "{filter}"
        );
        assert_eq!(fc["numberMatched"], want.len(), "{filter}");
        // A page at a time, as GIS clients read it: the next link keeps the filter.
        let page = get(
            &app,
            &format!("/collections/events/items?limit=7&{}", q("")),
        )
        .await
        .json();
        let next = page["links"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["rel"] == "next")
            .map(|l| l["href"].as_str().unwrap().replace(BASE, ""));
        if want.len() > 7 {
            let second = get(&app, &next.unwrap()).await.json();
            assert_eq!(
                ids(&second),
                want[7..want.len().min(14)]
                    .iter()
                    .map(|e| e.id.clone())
                    .collect::<Vec<_>>()
            );
        }
        let riots = get(
            &app,
            &format!("/collections/riots/items?limit=10000&{}", q("")),
        )
        .await
        .json();
        let want_riots: Vec<String> = want
            .iter()
            .filter(|e| e.event_type == EventType::Riots)
            .map(|e| e.id.clone())
            .collect();
        assert_eq!(ids(&riots), want_riots, "{filter} on riots");
        let places = get(
            &app,
            &format!("/collections/places/items?limit=1000&{}", q("")),
        )
        .await
        .json();
        let counted: u64 = places["features"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["properties"]["events"].as_u64().unwrap())
            .sum();
        assert_eq!(counted as usize, want.len(), "{filter} on places");
        let timeline = get(&app, &format!("/timeline?{}", q(""))).await.json();
        let per_day: u64 = timeline["days"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["total"].as_u64().unwrap())
            .sum();
        assert_eq!(per_day as usize, want.len(), "{filter} on the timeline");
    }
    // Geometries in EPSG:4326 are latitude first.
    let lat_lon = "S_INTERSECTS(geometry, BBOX(40, 60, 50, 80))";
    let r = get(&app, &format!("/collections/events/items?limit=10000&filter={}&filter-crs=http://www.opengis.net/def/crs/EPSG/0/4326", urlencode(lat_lon))).await.json();
    let want: Vec<String> = {
        let mut w: Vec<&Event> = all
            .iter()
            .filter(|e| in_box(e, [60.0, 40.0, 80.0, 50.0]))
            .collect();
        w.sort_by(|a, b| (a.event_date, &a.id).cmp(&(b.event_date, &b.id)));
        w.iter().map(|e| e.id.clone()).collect()
    };
    assert!(!want.is_empty());
    assert_eq!(ids(&r), want);
}

/// A filter that cannot be read says where; one naming what is not a queryable, or comparing
/// it with a value of another type, says which.
#[tokio::test]
async fn bad_filters_are_a_400_that_says_where_and_why() {
    let app = app();
    for (filter, lang, says) in [
        ("fatalities >= ", "cql2-text", "character 14"),
        ("(fatalities > 1", "cql2-text", "character"),
        ("fatalites > 1", "cql2-text", "fatalites"),
        ("fatalities = 'many'", "cql2-text", "fatalities"),
        ("S_INTERSECTS(place, BBOX(0,0,1,1))", "cql2-text", "place"),
        ("CASEI(place) = 'almaty'", "cql2-text", "CASEI"),
        (
            r#"{"op":">=","args":[{"property":"fatalities"}]}"#,
            "cql2-json",
            "/args",
        ),
        ("fatalities >= 1", "cql2-json", "JSON"),
    ] {
        let r = get(
            &app,
            &format!(
                "/collections/events/items?filter={}&filter-lang={lang}",
                urlencode(filter)
            ),
        )
        .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{filter}");
        let body = r.json();
        assert_eq!(body["code"], "InvalidParameterValue");
        let description = body["description"].as_str().unwrap();
        assert!(
            description.starts_with("filter: ") && description.contains(says),
            "{filter}: {description}"
        );
    }
}

fn urlencode(s: &str) -> String {
    serde_urlencoded::to_string([("", s)]).unwrap()[1..].to_string()
}
