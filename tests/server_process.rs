//! The real binary as a user runs it: stopping cleanly, refusing a busy port, surviving `kill -9`
//! mid-ingest, finding every article and correction after a restart, and answering generated
//! requests as its OpenAPI document says.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const TOKEN: &str = "crash-test-token";

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

struct Server {
    child: Child,
    port: u16,
}

impl Server {
    fn start(data: &Path) -> Server {
        Server::start_with(data, &[])
    }

    fn start_with(data: &Path, args: &[&str]) -> Server {
        let port = free_port();
        let child = Command::new(env!("CARGO_BIN_EXE_eventmap"))
            .args(["serve", "--addr", &format!("127.0.0.1:{port}"), "--data"])
            .arg(data)
            .args(args)
            .env("EVENTMAP_TOKEN", TOKEN)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start eventmap");
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "server did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        Server { child, port }
    }

    fn request(&self, method: &str, path: &str, body: Option<&Value>) -> (u16, Value) {
        http(self.port, method, path, body)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A minimal HTTP/1.1 client: one request per connection.
fn http(port: u16, method: &str, path: &str, body: Option<&Value>) -> (u16, Value) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let payload = body.map(|b| b.to_string()).unwrap_or_default();
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nAuthorization: Bearer {TOKEN}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{payload}",
        payload.len()
    );
    stream.write_all(request.as_bytes()).expect("send");
    let mut response = Vec::new();
    stream.read_to_end(&mut response).expect("read");
    let text = String::from_utf8_lossy(&response);
    let status: u16 = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("status line");
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let body = if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        dechunk(body)
    } else {
        body.to_string()
    };
    (status, serde_json::from_str(&body).unwrap_or(Value::Null))
}

fn dechunk(mut s: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = s.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 {
            break;
        }
        out.push_str(&rest[..n]);
        s = &rest[n + 2..];
    }
    out
}

/// Sends raw bytes on a connection of their own; the status and the body of the answer.
fn raw(port: u16, request: &[u8]) -> (u16, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    // hyper may answer and close before it has read everything: a failed write is no failure.
    let _ = stream.write_all(request);
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response);
    let text = String::from_utf8_lossy(&response).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {text:?}"));
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    assert!(
        head.to_ascii_lowercase()
            .contains("content-type: application/json"),
        "{head}"
    );
    (status, body.to_string())
}

fn article(i: usize) -> Value {
    json!({
        "text": format!("Monday 10 January 2022: police detained {} protesters in Shymkent.\nMore than {} people were injured in Taraz.\n", 100 + i, 5 + i),
        "title": format!("report {i}"),
        "published": "2022-01-11",
        "lang": "en",
    })
}

#[test]
fn kill_9_mid_ingest_loses_at_most_the_article_in_flight() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    let port = server.port;
    // A writer posts articles as fast as it can; every 201 it sees is a promise kept on disk.
    let writer = std::thread::spawn(move || {
        let mut acknowledged = Vec::new();
        for i in 0..10_000 {
            let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else {
                break;
            };
            let payload = article(i).to_string();
            let req = format!(
                "POST /articles HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer {TOKEN}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{payload}",
                payload.len()
            );
            if stream.write_all(req.as_bytes()).is_err() {
                break;
            }
            let mut resp = String::new();
            if stream.read_to_string(&mut resp).is_err() || !resp.starts_with("HTTP/1.1 201") {
                break;
            }
            acknowledged.push(format!("report {i}"));
        }
        acknowledged
    });
    std::thread::sleep(Duration::from_millis(1500));
    let mut server = server;
    // SIGKILL: no chance to flush or clean up.
    server.child.kill().unwrap();
    server.child.wait().unwrap();
    let acknowledged = writer.join().unwrap();
    assert!(
        acknowledged.len() >= 3,
        "too few writes before the kill: {}",
        acknowledged.len()
    );

    let store =
        eventmap::store::Store::open(dir.path(), eventmap::gazetteer::Gazetteer::embedded())
            .expect("the store opens cleanly after kill -9");
    let titles: Vec<String> = store
        .articles()
        .unwrap()
        .into_iter()
        .filter_map(|a| a.title)
        .collect();
    for t in &acknowledged {
        assert!(titles.contains(t), "acknowledged article {t:?} was lost");
    }
    // The seed plus what was acknowledged, plus at most the one in flight.
    assert!(
        titles.len() <= acknowledged.len() + 2,
        "{} stored, {} acknowledged",
        titles.len(),
        acknowledged.len()
    );
    for a in store.articles().unwrap() {
        assert_eq!(store.article_events(a.id).unwrap().len(), a.events);
        assert!(a.events > 0, "article {} lost its events", a.id);
    }
    let check: String = rusqlite::Connection::open(dir.path().join("eventmap.sqlite"))
        .unwrap()
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
}

#[test]
fn a_restarted_server_finds_every_article_and_correction() {
    let dir = tempfile::tempdir().unwrap();
    let first = Server::start(dir.path());
    let (status, added) = first.request("POST", "/articles", Some(&article(1)));
    assert_eq!(status, 201, "{added}");
    let event_id = added["events"]["features"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let (status, fixed) = first.request(
        "PATCH",
        &format!("/collections/events/items/{event_id}"),
        Some(&json!({ "fatalities": 3 })),
    );
    assert_eq!(status, 200, "{fixed}");
    let (_, before) = first.request("GET", "/articles", None);
    drop(first);

    let second = Server::start(dir.path());
    let (_, after) = second.request("GET", "/articles", None);
    assert_eq!(after, before);
    let (status, event) = second.request(
        "GET",
        &format!("/collections/events/items/{event_id}"),
        None,
    );
    assert_eq!(status, 200);
    assert_eq!(event["properties"]["fatalities"], 3);
    assert_eq!(event["properties"]["corrected"], true);
}

#[test]
fn a_busy_port_is_a_one_line_error() {
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_eventmap"))
        .args(["serve", "--addr", &format!("127.0.0.1:{port}"), "--data"])
        .arg(dir.path())
        .env("RUST_LOG", "off")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("cannot listen on"), "{stderr}");
}

#[test]
fn an_unreadable_events_file_is_a_one_line_error() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.geojson");
    std::fs::write(
        &bad,
        b"{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\"",
    )
    .unwrap();
    for file in [bad.as_path(), Path::new("/nonexistent/events.geojson")] {
        let out = Command::new(env!("CARGO_BIN_EXE_eventmap"))
            .args(["serve", "--addr", "127.0.0.1:0", "--events"])
            .arg(file)
            .env("RUST_LOG", "off")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    }
}

#[cfg(unix)]
#[test]
fn sigterm_stops_the_server_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = Server::start(dir.path());
    let status = Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(code) = server.child.try_wait().unwrap() {
            assert!(code.success(), "exit status {code}");
            break;
        }
        assert!(Instant::now() < deadline, "server did not stop on SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn articles_ingested_by_another_process_appear_in_the_running_server() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    let (_, before) = server.request("GET", "/status", None);
    let article = dir.path().join("taraz.txt");
    std::fs::write(
        &article,
        "Tuesday 4 January 2022: at least 12 people were killed in clashes in Taraz.\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_eventmap"))
        .args(["ingest", "--published", "2022-01-05", "--data"])
        .arg(dir.path())
        .arg(&article)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let (_, page) = server.request("GET", "/collections/events/items?place=Taraz", None);
        if page["numberMatched"].as_u64().unwrap_or(0) > 0 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the server never showed the ingested article"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    let (_, after) = server.request("GET", "/status", None);
    assert!(after["revision"].as_u64() > before["revision"].as_u64());
}

/// Runs schemathesis against `server` with every check and the four phases (examples, coverage,
/// fuzzing, stateful), with the write token or without it; panics with its report on a failure.
fn schemathesis(server: &Server, feature_id: &str, token: Option<&str>) {
    let program = std::env::var("SCHEMATHESIS").unwrap_or_else(|_| "schemathesis".into());
    let tests = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let work = tempfile::tempdir().unwrap(); // hypothesis keeps its example database here
    let mut command = Command::new(&program);
    command
        .arg("--config-file")
        .arg(tests.join("schemathesis.toml"))
        .args([
            "run",
            &format!("http://127.0.0.1:{}/api", server.port),
            "--checks",
            "all",
            "--phases",
            "examples,coverage,fuzzing,stateful",
            "--max-examples",
            "25",
            "--seed",
            "1",
            "--no-color",
        ])
        // The rules JSON Schema cannot state (tests/schemathesis_hooks.py).
        .env("SCHEMATHESIS_HOOKS", "schemathesis_hooks")
        .env("PYTHONPATH", &tests)
        .env("EVENTMAP_FEATURE_ID", feature_id)
        .current_dir(work.path());
    if let Some(token) = token {
        command.args(["--header", &format!("Authorization: Bearer {token}")]);
    }
    let out = command.output().unwrap_or_else(|e| {
        panic!("cannot run {program:?} ({e}): run .ci/run, which installs it from PyPI")
    });
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "schemathesis found failures (token: {}):\n{report}\n{}",
        token.is_some(),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(report.contains("passed"), "{report}");
}

/// Thousands of generated requests (schemathesis, from the server's own OpenAPI document), with
/// every check it has: valid ones must be accepted, invalid ones refused, no answer may be a
/// 5xx, every answer must match the document (status, content type, schema, headers), methods
/// the document does not list must be 405 with an `Allow` header naming only those it does.
/// Once with the write token, once without (writes are then 401, as the document says).
/// Schemathesis comes from PyPI; `.ci/run` installs it.
#[test]
fn generated_requests_get_answers_the_openapi_document_declares() {
    let dir = tempfile::tempdir().unwrap();
    // Generated URLs are never fetched: the pages and feeds they name are nobody's.
    let server = Server::start_with(dir.path(), &["--no-fetch"]);
    let (_, page) = server.request("GET", "/collections/events/items?limit=1", None);
    let feature_id = page["features"][0]["id"].as_str().unwrap().to_string();
    // An article of its own for the DELETE operations, so the seed's events stay for the rest.
    let (status, posted) = server.request("POST", "/articles", Some(&article(0)));
    assert_eq!(status, 201, "{posted}");
    schemathesis(&server, &feature_id, Some(TOKEN));
    schemathesis(&server, &feature_id, None);
    // The server is still up and whole afterwards.
    let (status, _) = server.request("GET", "/collections/events/items?limit=1", None);
    assert_eq!(status, 200);
}

/// The heads hyper refuses before any handler runs (too long a target, too large header fields,
/// a malformed request line) are answered with the exception body too, not an empty one.
#[test]
fn refused_request_heads_have_the_exception_body() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    let refused = |request: &[u8], status: u16, code: &str, description: &str| {
        let (got, body) = raw(server.port, request);
        assert_eq!(got, status, "{body}");
        assert_eq!(
            serde_json::from_str::<Value>(&body).unwrap(),
            json!({ "code": code, "description": description })
        );
    };
    let bbox = vec!["1"; 100_000].join(",");
    refused(
        format!("GET /collections/events/items?bbox={bbox} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").as_bytes(),
        414,
        "URITooLong",
        "the request target is longer than this server reads (64 KiB)",
    );
    // More header fields than hyper reads (100): refused however fast the bytes arrive, where
    // the byte limit depends on how much one read brings.
    let many: String = (0..200).map(|i| format!("X-Field-{i}: a\r\n")).collect();
    refused(
        format!("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n{many}\r\n").as_bytes(),
        431,
        "RequestHeaderFieldsTooLarge",
        "the request's header fields are larger than this server reads",
    );
    refused(
        b"G\x01T / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        400,
        "BadRequest",
        "the request is malformed",
    );
    // The server still answers normally afterwards.
    let (status, _) = server.request("GET", "/status", None);
    assert_eq!(status, 200);
}

/// Links name `--public-url` when given, else the address the server listens on, whatever Host
/// header the request carries; a bad `--public-url` is a one-line error.
#[test]
fn links_name_the_public_url_or_the_listening_address() {
    let landing = |port: u16| {
        let (status, body) = raw(
            port,
            b"GET /?f=json HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n",
        );
        assert_eq!(status, 200, "{body}");
        let page: Value = serde_json::from_str(&body).unwrap();
        page["links"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["href"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    let dir = tempfile::tempdir().unwrap();
    let plain = Server::start(dir.path());
    let links = landing(plain.port);
    assert!(
        links.contains(&format!("http://127.0.0.1:{}/collections", plain.port)),
        "{links:?}"
    );
    drop(plain);
    let proxied = Server::start_with(
        dir.path(),
        &["--public-url", "https://maps.example.org/eventmap/"],
    );
    let links = landing(proxied.port);
    assert!(
        links.contains(&"https://maps.example.org/eventmap/collections".to_string()),
        "{links:?}"
    );
    assert!(
        links
            .iter()
            .all(|l| l.starts_with("https://maps.example.org/eventmap/")),
        "{links:?}"
    );
    drop(proxied);

    let out = Command::new(env!("CARGO_BIN_EXE_eventmap"))
        .args([
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--public-url",
            "ftp://x",
            "--data",
        ])
        .arg(dir.path())
        .env("RUST_LOG", "off")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("--public-url"), "{stderr}");
}

/// Reads until the server closes the connection: how long after `start` it did, and what it
/// sent; `None` when the connection is still open after 8 s of silence.
fn closed_after(mut stream: TcpStream, start: Instant) -> Option<(Duration, Vec<u8>)> {
    stream
        .set_read_timeout(Some(Duration::from_secs(8)))
        .unwrap();
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => return Some((start.elapsed(), got)),
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => {
                return Some((start.elapsed(), got));
            }
            Err(_) => return None,
        }
    }
}

/// A connection that says nothing, one that stops halfway through its request head, and one
/// kept alive after its answer are closed once the header timeout has passed.
#[test]
fn silent_half_sent_and_idle_connections_are_closed() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start_with(dir.path(), &["--header-timeout", "1"]);
    let connect = || TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    let start = Instant::now();
    let silent = connect();
    let mut half = connect();
    half.write_all(b"GET /status HTTP/1.1\r\nHost: x\r\nUser-Ag")
        .unwrap();
    let mut idle = connect();
    idle.write_all(b"GET /status HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    let waiter = std::thread::spawn(move || closed_after(idle, start));
    for (name, stream) in [("silent", silent), ("half-sent", half)] {
        let (after, got) = closed_after(stream, start)
            .unwrap_or_else(|| panic!("the {name} connection was still open after 8 s"));
        assert!(
            after >= Duration::from_millis(900),
            "{name}: closed after {after:?}"
        );
        assert!(
            after < Duration::from_secs(4),
            "{name}: closed after {after:?}"
        );
        assert!(got.is_empty(), "{name}: {}", String::from_utf8_lossy(&got));
    }
    let (after, got) = waiter
        .join()
        .unwrap()
        .expect("the idle keep-alive connection was still open after 8 s");
    assert!(
        after < Duration::from_secs(4),
        "idle: closed after {after:?}"
    );
    let answer = String::from_utf8_lossy(&got);
    assert!(answer.starts_with("HTTP/1.1 200 OK"), "{answer}");
    assert_eq!(answer.matches("HTTP/1.1").count(), 1, "{answer}");
}

/// Past `--max-connections`, a new connection waits (in the listen backlog) and is served as
/// soon as another one closes.
#[test]
fn connections_over_the_cap_wait_for_one_to_close() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start_with(dir.path(), &["--max-connections", "2"]);
    let connect = || TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    let first = connect();
    let second = connect();
    // Both are taken before the third comes (the server accepts as they arrive).
    std::thread::sleep(Duration::from_millis(300));
    let mut third = connect();
    third
        .write_all(b"GET /status HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .unwrap();
    third
        .set_read_timeout(Some(Duration::from_millis(1000)))
        .unwrap();
    let mut buf = [0u8; 1024];
    let waited = third.read(&mut buf);
    assert!(
        matches!(&waited, Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut)),
        "the third connection was served while two were open: {waited:?}"
    );
    drop(first);
    let start = Instant::now();
    let (after, got) = closed_after(third, start).expect("the third connection was never served");
    assert!(
        after < Duration::from_secs(3),
        "served {after:?} after a slot freed"
    );
    let answer = String::from_utf8_lossy(&got);
    assert!(answer.starts_with("HTTP/1.1 200 OK"), "{answer}");
    drop(second);
}

#[test]
fn a_second_server_on_one_data_directory_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let first = Server::start(dir.path());
    let mut second = Command::new(env!("CARGO_BIN_EXE_eventmap"))
        .args([
            "serve",
            "--addr",
            &format!("127.0.0.1:{}", free_port()),
            "--data",
        ])
        .arg(dir.path())
        .env("RUST_LOG", "off")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(15);
    let status = loop {
        if let Some(status) = second.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = second.kill();
            let _ = second.wait();
            panic!("a second server started on the same data directory");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut stderr = String::new();
    second
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert_eq!(status.code(), Some(1), "{stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("another eventmap server is serving")
            && stderr.contains(&format!("pid {}", first.child.id())),
        "{stderr}"
    );
    // The first one goes on serving.
    let (status, _) = first.request("GET", "/status", None);
    assert_eq!(status, 200);
}

#[cfg(unix)]
#[test]
fn sigterm_stops_the_server_within_its_grace_even_with_a_request_stuck() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = Server::start(dir.path());
    // A request whose body never comes: it is under way until the request timeout (30 s).
    let mut stuck = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    write!(
        stuck,
        "POST /articles HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {TOKEN}\r\nContent-Type: text/plain\r\nContent-Length: 100000\r\n\r\nTuesday"
    )
    .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let sent = Instant::now();
    let status = Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    loop {
        if let Some(code) = server.child.try_wait().unwrap() {
            assert!(code.success(), "exit status {code}");
            break;
        }
        assert!(
            sent.elapsed() < Duration::from_secs(20),
            "the server still runs 20 s after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(
        sent.elapsed() >= Duration::from_secs(5),
        "it did not wait for the request"
    );
    drop(stuck);
}
