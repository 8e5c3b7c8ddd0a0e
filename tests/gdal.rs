//! A real OGC API – Features client, GDAL (`ogrinfo`, `ogr2ogr` from Debian's gdal-bin, which
//! `.ci/run` installs), reads the layers and gets the same features as the API.

use std::collections::BTreeSet;
use std::process::Command;

use serde_json::Value;

#[path = "support/server.rs"]
mod support;
use support::Server;

fn gdal(program: &str, args: &[&str]) -> String {
    let out = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| {
            panic!("{program} is missing ({e}); run .ci/run, which installs gdal-bin")
        });
    assert!(
        out.status.success(),
        "{program} {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn ids(collection: &Value) -> BTreeSet<String> {
    collection["features"]
        .as_array()
        .expect("features")
        .iter()
        .map(|f| {
            f["properties"]["id"]
                .as_str()
                .expect("id property")
                .to_string()
        })
        .collect()
}

#[test]
fn gdal_reads_the_layers_and_gets_the_api_features() {
    let dir = tempfile::tempdir().unwrap();
    let events = dir.path().join("events.geojson");
    let bin = env!("CARGO_BIN_EXE_eventmap");
    let status = Command::new(bin)
        .args(["synth", "--events", "800", "--seed", "5", "--out"])
        .arg(&events)
        .status()
        .unwrap();
    assert!(status.success());
    let server = Server::start(&["--events".as_ref(), events.as_os_str()]);
    let port = server.port;
    let url = format!("OAPIF:http://127.0.0.1:{port}");

    let listing = gdal("ogrinfo", &["-ro", "-q", &url]);
    for layer in ["events", "protests", "riots", "places"] {
        assert!(
            listing.contains(&format!(": {layer} ")),
            "ogrinfo does not list {layer}:\n{listing}"
        );
    }
    let summary = gdal("ogrinfo", &["-ro", "-so", &url, "events"]);
    assert!(summary.contains("Feature Count: 800"), "{summary}");

    // bbox + date filter: GDAL turns them into bbox= and datetime= and pages through rel=next.
    let out = dir.path().join("gdal.geojson");
    gdal(
        "ogr2ogr",
        &[
            "-f",
            "GeoJSON",
            out.to_str().unwrap(),
            &url,
            "events",
            "-spat",
            "20",
            "30",
            "100",
            "60",
            "-where",
            "event_date >= '2021-03-01' AND event_date <= '2021-09-30'",
        ],
    );
    let from_gdal: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let from_api = server.get_json(
        "/collections/events/items?bbox=20,30,100,60&datetime=2021-03-01/2021-09-30&download=true",
    );
    let (gdal_ids, api_ids) = (ids(&from_gdal), ids(&from_api));
    assert!(
        api_ids.len() > 20,
        "the query should match a good number of events, got {}",
        api_ids.len()
    );
    assert_eq!(gdal_ids, api_ids);
}

/// On the seed, whose first features have no figures, GDAL still types the counts as integers
/// (from the schema the collection links), so a numeric filter works and counts what the API
/// counts; the downloads and the vector tiles open by URL (`/vsicurl/`, which reads by ranges).
#[test]
fn gdal_types_the_fields_from_the_schema_and_opens_downloads_by_url() {
    let data = tempfile::tempdir().unwrap();
    let server = Server::start(&["--data".as_ref(), data.path().as_os_str()]);
    let port = server.port;
    let url = format!("OAPIF:http://127.0.0.1:{port}");
    let summary = gdal("ogrinfo", &["-ro", "-so", &url, "events"]);
    for field in [
        "fatalities: Integer",
        "injuries: Integer",
        "arrests: Integer",
        "geonameid: Integer",
        "event_date: Date",
        "geo_confidence: Real",
        "corrected: Integer(Boolean)",
        "date_corrected: Integer(Boolean)",
        "sources_count: Integer",
        "fatalities_reported: String",
        "sources: String",
    ] {
        assert!(summary.contains(field), "{field} not in:\n{summary}");
    }
    let api = server.get_json("/collections/events/items?min_fatalities=1&download=true");
    let want = api["features"].as_array().unwrap().len();
    assert!(want >= 2, "the seed has events with deaths");
    let filtered = gdal(
        "ogrinfo",
        &["-ro", "-q", &url, "events", "-where", "fatalities >= 1"],
    );
    assert_eq!(
        filtered.matches("OGRFeature(events)").count(),
        want,
        "{filtered}"
    );

    let all = server.get_json("/collections/events/items?download=true");
    let total = all["features"].as_array().unwrap().len();
    let geojson =
        format!("/vsicurl/http://127.0.0.1:{port}/collections/events/items?download=true");
    let info = gdal("ogrinfo", &["-ro", "-so", "-al", &geojson]);
    assert!(info.contains(&format!("Feature Count: {total}")), "{info}");
    let csv = format!(
        "CSV:/vsicurl/http://127.0.0.1:{port}/collections/events/items?f=csv&download=true"
    );
    let info = gdal("ogrinfo", &["-ro", "-so", "-al", &csv]);
    assert!(info.contains(&format!("Feature Count: {total}")), "{info}");

    // The vector tiles: GDAL's MVT driver reads the world tile by URL, every event in it.
    let tile = format!(
        "/vsicurl/http://127.0.0.1:{port}/collections/events/tiles/WebMercatorQuad/0/0/0.pbf"
    );
    let info = gdal("ogrinfo", &["-ro", "-so", "-al", &tile]);
    assert!(
        info.contains("Layer name: events") && info.contains(&format!("Feature Count: {total}")),
        "{info}"
    );
}
