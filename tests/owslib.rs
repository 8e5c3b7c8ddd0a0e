//! OWSLib (PyPI, installed by `.ci/run` in `target/ci-python`), the Python client most OGC API
//! users script with, reads the conformance, queryables and schema, and gets from CQL2 filters
//! (text and JSON) and `sortby` what the API's own parameters give.

use std::collections::BTreeSet;
use std::io::Read;
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn fetch(port: u16, path: &str) -> Value {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    std::io::Write::write_all(&mut s, format!("GET {path} HTTP/1.0\r\n\r\n").as_bytes()).unwrap();
    let mut text = String::new();
    s.read_to_string(&mut text).unwrap();
    serde_json::from_str(text.split_once("\r\n\r\n").unwrap().1).expect("JSON body")
}

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
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let _server = Server(
        Command::new(env!("CARGO_BIN_EXE_eventmap"))
            .args(["serve", "--addr", &format!("127.0.0.1:{port}"), "--data"])
            .arg(data.path())
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let deadline = Instant::now() + Duration::from_secs(30);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "server did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
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
    let by_params = ids(&fetch(
        port,
        "/collections/events/items?min_fatalities=1&country_code=KZ&limit=1000",
    ));
    assert!(!by_params.is_empty());
    assert_eq!(strings(&seen["filtered"]), by_params);
    assert_eq!(
        strings(&seen["filtered_json"]),
        ids(&fetch(
            port,
            "/collections/events/items?min_fatalities=1&limit=1000"
        ))
    );
    let dates = strings(&seen["sorted"]);
    assert!(
        dates.len() > 20 && dates.windows(2).all(|w| w[0] >= w[1]),
        "{dates:?}"
    );
}
