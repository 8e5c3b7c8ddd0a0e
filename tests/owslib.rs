//! OWSLib (PyPI, installed by `.ci/run` in `target/ci-python`), the Python client most OGC API
//! users script with, reads the conformance, queryables and schema, and gets from CQL2 filters
//! (text and JSON) and `sortby` what the API's own parameters give.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use serde_json::Value;

#[path = "support/server.rs"]
mod support;
use support::Server;

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn owslib_filters_sorts_and_reads_the_schemas() {
    let data = tempfile::tempdir().unwrap();
    let server = Server::start(&["--data".as_ref(), data.path().as_os_str()]);
    let port = server.port;
    let python = std::env::var("OWSLIB_PYTHON").unwrap_or_else(|_| "python3".into());
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/clients/owslib_check.py");
    let out = Command::new(&python)
        .arg(&script)
        .arg(format!("http://127.0.0.1:{port}"))
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run {python:?} ({e}): run .ci/run, which installs OWSLib from PyPI")
        });
    assert!(
        out.status.success(),
        "OWSLib failed (run .ci/run, which installs it): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let seen: Value = serde_json::from_slice(&out.stdout).unwrap();

    assert!(
        strings(&seen["conformance"])
            .contains(&"http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter".to_string())
    );
    let queryables: BTreeSet<String> = strings(&seen["queryables"]).into_iter().collect();
    assert!(
        queryables.contains("fatalities") && queryables.contains("geometry"),
        "{queryables:?}"
    );
    assert!(strings(&seen["schema"]).contains(&"actor1".to_string()));

    let ids = |v: &Value| -> Vec<String> {
        v["features"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["id"].as_str().unwrap().to_string())
            .collect()
    };
    let by_params =
        ids(&server
            .get_json("/collections/events/items?min_fatalities=1&country_code=KZ&limit=1000"));
    assert!(!by_params.is_empty());
    assert_eq!(strings(&seen["filtered"]), by_params);
    assert_eq!(
        strings(&seen["filtered_json"]),
        ids(&server.get_json("/collections/events/items?min_fatalities=1&limit=1000"))
    );
    let dates = strings(&seen["sorted"]);
    assert!(
        dates.len() > 20 && dates.windows(2).all(|w| w[0] >= w[1]),
        "{dates:?}"
    );
}
