//! Vector tiles (OGC API – Tiles): every event counted once at every zoom, whatever the filters;
//! events one by one where few, clusters where they would crowd; the tilesets and TileJSON
//! that MapLibre and GDAL read.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

use eventmap::api::{AppState, router};
use eventmap::gazetteer::Gazetteer;
use eventmap::synth::Synth;
use mvt_reader::Reader;
use mvt_reader::feature::Value as Tag;

struct Reply {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: Vec<u8>,
}

async fn get(app: &axum::Router, uri: &str) -> Reply {
    let res = app
        .clone()
        .oneshot(Request::get(uri).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let (status, headers) = (res.status(), res.headers().clone());
    let body = res.into_body().collect().await.unwrap().to_bytes().to_vec();
    Reply {
        status,
        headers,
        body,
    }
}

fn app(n: usize) -> axum::Router {
    let mut synth = Synth::new(Gazetteer::embedded(), 3);
    let events = (0..n).map(|_| synth.event()).collect();
    router(AppState::new(events))
}

/// (events drawn one by one, events counted in clusters) of one tile.
fn counts(mvt: Vec<u8>) -> (u64, u64) {
    if mvt.is_empty() {
        return (0, 0);
    }
    let reader = Reader::new(mvt).unwrap();
    let names = reader.get_layer_names().unwrap();
    let (mut points, mut clustered) = (0, 0);
    for (i, name) in names.iter().enumerate() {
        for f in reader.get_features(i).unwrap() {
            match name.as_str() {
                "events" => points += 1,
                "clusters" => match f.properties.as_ref().and_then(|p| p.get("count")) {
                    Some(Tag::UInt(n)) => clustered += n,
                    other => panic!("a cluster without a count: {other:?}"),
                },
                other => panic!("unexpected layer {other}"),
            }
        }
    }
    (points, clustered)
}

/// The sum of a zoom's tiles is `numberMatched`, for several zooms and filters, and the
/// crowded tiles hold clusters.
#[tokio::test]
async fn every_event_is_counted_once_at_every_zoom() {
    let app = app(20_000);
    for filter in [
        "",
        "datetime=2021-02-01/2021-06-30",
        "event_type=Protests,Riots",
        "filter=fatalities%20%3E%3D%201%20AND%20country_code%20%3C%3E%20'KZ'",
    ] {
        let matched = serde_json::from_slice::<Value>(
            &get(&app, &format!("/collections/events/items?limit=1&{filter}"))
                .await
                .body,
        )
        .unwrap()["numberMatched"]
            .as_u64()
            .unwrap();
        assert!(matched > 1000, "{filter}: {matched}");
        let mut clustered_somewhere = false;
        for z in [0u8, 1, 3, 5] {
            let side = 1u32 << z;
            let (mut points, mut clustered) = (0, 0);
            for y in 0..side {
                for x in 0..side {
                    let r = get(
                        &app,
                        &format!("/collections/events/tiles/WebMercatorQuad/{z}/{y}/{x}?{filter}"),
                    )
                    .await;
                    assert_eq!(r.status, StatusCode::OK);
                    assert_eq!(
                        r.headers[header::CONTENT_TYPE],
                        "application/vnd.mapbox-vector-tile"
                    );
                    let (p, c) = counts(r.body);
                    points += p;
                    clustered += c;
                }
            }
            clustered_somewhere |= clustered > 0;
            assert_eq!(points + clustered, matched, "zoom {z}, {filter:?}");
        }
        assert!(
            clustered_somewhere,
            "{filter}: the world tile of {matched} events is clustered"
        );
    }
}

#[tokio::test]
async fn tiles_are_gzipped_for_who_takes_it_and_refuse_what_is_not_a_tile() {
    let app = app(3_000);
    let plain = get(&app, "/collections/riots/tiles/WebMercatorQuad/0/0/0").await;
    assert!(!plain.body.is_empty());
    let req = Request::get("/collections/riots/tiles/WebMercatorQuad/0/0/0")
        .header(header::ACCEPT_ENCODING, "gzip")
        .body(Body::empty())
        .unwrap();
    let res = app.clone().oneshot(req).await.unwrap();
    assert_eq!(res.headers()[header::CONTENT_ENCODING], "gzip");
    let gz = res.into_body().collect().await.unwrap().to_bytes();
    let mut unzipped = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&gz[..]), &mut unzipped).unwrap();
    assert_eq!(unzipped, plain.body);
    // With the extension single-tile readers look for.
    for ext in ["mvt", "pbf"] {
        let r = get(
            &app,
            &format!("/collections/riots/tiles/WebMercatorQuad/0/0/0.{ext}"),
        )
        .await;
        assert_eq!(r.body, plain.body, "{ext}");
    }
    for (uri, status) in [
        (
            "/collections/events/tiles/WebMercatorQuad/1/2/0",
            StatusCode::NOT_FOUND,
        ),
        (
            "/collections/events/tiles/WebMercatorQuad/25/0/0",
            StatusCode::NOT_FOUND,
        ),
        (
            "/collections/events/tiles/WebMercatorQuad/a/0/0",
            StatusCode::BAD_REQUEST,
        ),
        (
            "/collections/events/tiles/WorldCRS84Quad/0/0/0",
            StatusCode::NOT_FOUND,
        ),
        (
            "/collections/places/tiles/WebMercatorQuad/0/0/0",
            StatusCode::NOT_FOUND,
        ),
        (
            "/collections/events/tiles/WebMercatorQuad/0/0/0?filter=nope%20%3D%201",
            StatusCode::BAD_REQUEST,
        ),
    ] {
        let r = get(&app, uri).await;
        assert_eq!(r.status, status, "{uri}");
        let body: Value = serde_json::from_slice(&r.body).unwrap();
        assert!(
            body["description"].as_str().is_some_and(|d| !d.is_empty()),
            "{uri}"
        );
    }
}

/// The tilesets link the tile template and the tiling scheme; the TileJSON's tile URL keeps the
/// filters it was asked with.
#[tokio::test]
async fn tilesets_and_tilejson_say_where_the_tiles_are() {
    let app = app(500);
    let json = |r: Reply| serde_json::from_slice::<Value>(&r.body).unwrap();
    let sets = json(get(&app, "/tileMatrixSets").await);
    assert_eq!(sets["tileMatrixSets"][0]["id"], "WebMercatorQuad");
    let def = json(get(&app, "/tileMatrixSets/WebMercatorQuad").await);
    assert_eq!(
        def["tileMatrices"].as_array().map(|m| m.len() > 20),
        Some(true),
        "{def}"
    );
    let tilesets = json(get(&app, "/collections/events/tiles").await);
    let links = tilesets["tilesets"][0]["links"].as_array().unwrap().clone();
    let item = links.iter().find(|l| l["rel"] == "item").unwrap();
    assert!(
        item["href"].as_str().unwrap().ends_with(
            "/collections/events/tiles/WebMercatorQuad/{tileMatrix}/{tileRow}/{tileCol}"
        )
    );
    let tj = json(
        get(
            &app,
            "/collections/riots/tiles/WebMercatorQuad?f=tilejson&datetime=2021-01-01/2021-12-31",
        )
        .await,
    );
    assert_eq!(tj["tilejson"], "3.0.0");
    let template = tj["tiles"][0].as_str().unwrap();
    assert!(
        template.contains(
            "/collections/riots/tiles/WebMercatorQuad/{z}/{y}/{x}?datetime=2021-01-01%2F2021-12-31"
        ),
        "{template}"
    );
    let collection = json(get(&app, "/collections/events").await);
    assert!(
        collection["links"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["rel"] == "http://www.opengis.net/def/rel/ogc/1.0/tilesets-vector")
    );
}
