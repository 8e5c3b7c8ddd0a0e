//! Servers on a PostgreSQL store: two server processes on one database see each other's
//! writes within a second, and a server whose database goes away keeps serving reads,
//! answers writes 503, says so in `/status`, and reconnects by itself.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

use eventmap::api::{AppState, router};

use super::{Engine, SHYMKENT_EN, postgres_parts};

/// Reports of their own days and places, so that each adds events to the map (none merge
/// with the seed article's).
const AKTAU_EN: &str = "Rally in Aktau\n\
Saturday 22 January 2022: thousands of protesters rallied in Aktau.\n";
const KARAGANDA_EN: &str = "Rally in Karaganda\n\
Friday 21 January 2022: thousands of protesters rallied in Karaganda.\n";

use super::server::Server;

const TOKEN: &str = "pg-token";

/// `method path` with a JSON `body` and the token to the server on `port`: the status and
/// the JSON body (null when empty).
fn send(port: u16, method: &str, path: &str, body: &Value) -> (u16, Value) {
    let body = if body.is_null() {
        String::new()
    } else {
        body.to_string()
    };
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        s,
        "{method} {path} HTTP/1.0\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {TOKEN}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut text = String::new();
    s.read_to_string(&mut text).unwrap();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (status, serde_json::from_str(body).unwrap_or(Value::Null))
}

/// Waits until `reader` serves as many events as `expected`, at most a second.
fn converges(reader: &Server, expected: u64, since: Instant) -> Duration {
    while matched(reader) != expected {
        assert!(
            since.elapsed() < Duration::from_secs(1),
            "the other server did not see the write within 1 s"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    since.elapsed()
}

fn matched(server: &Server) -> u64 {
    server.get_json("/collections/events/items?limit=1")["numberMatched"]
        .as_u64()
        .unwrap()
}

/// Two `eventmap serve` on one database (started together: they migrate it at once), each
/// POST on one is in the other's answers within a second.
#[test]
fn two_servers_on_one_database_see_each_others_writes() {
    let engine = Engine::postgres();
    let url = match &engine {
        Engine::Postgres(_, url) => url.clone(),
        Engine::Sqlite(_) => unreachable!(),
    };
    let token = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(token.path(), TOKEN).unwrap();
    let args = [
        std::ffi::OsStr::new("--store"),
        url.as_ref(),
        "--token-file".as_ref(),
        token.path().as_os_str(),
    ];
    let (a, b) = std::thread::scope(|s| {
        let a = s.spawn(|| Server::start(&args));
        let b = s.spawn(|| Server::start(&args));
        (a.join().unwrap(), b.join().unwrap())
    });
    // One of them seeded the new store, perhaps after the other had read it: that one follows.
    let started = Instant::now();
    while matched(&a) == 0 || matched(&a) != matched(&b) {
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "the seed is not served by both"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    let mut lags = Vec::new();
    let mut ids = Vec::new();
    for (writer, reader, text) in [(&a, &b, AKTAU_EN), (&b, &a, KARAGANDA_EN)] {
        let before = matched(reader);
        let (status, body) = send(writer.port, "POST", "/articles", &json!({ "text": text }));
        let posted = Instant::now();
        assert_eq!(status, 201, "{body}");
        ids.push(body["article"]["id"].as_i64().unwrap());
        // The writer serves the write at once.
        let written = matched(writer);
        assert_ne!(written, before);
        lags.push(converges(reader, written, posted));
    }
    // A deletion on A is followed by B too (the events it removed are named in the change).
    let before = matched(&a);
    let (status, _) = send(
        a.port,
        "DELETE",
        &format!("/articles/{}", ids[1]),
        &Value::Null,
    );
    let deleted = Instant::now();
    assert_eq!(status, 204);
    let left = matched(&a);
    assert!(left < before);
    lags.push(converges(&b, left, deleted));
    eprintln!("lag between servers: {lags:?}");
    assert_eq!(
        a.get_json("/collections/events/items?limit=1000")["features"],
        b.get_json("/collections/events/items?limit=1000")["features"]
    );
}

async fn call(app: &axum::Router, req: Request<Body>) -> (StatusCode, Option<String>, Value) {
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let retry = res
        .headers()
        .get(header::RETRY_AFTER)
        .map(|v| v.to_str().unwrap().to_string());
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    let value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    (status, retry, value)
}

fn post(text: &str) -> Request<Body> {
    Request::post("/articles")
        .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(json!({ "text": text }).to_string()))
        .unwrap()
}

fn get(uri: &str) -> Request<Body> {
    Request::get(uri).body(Body::empty()).unwrap()
}

/// The database stops under a serving server, then comes back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_restart_keeps_reads_and_refuses_writes_until_it_is_back() {
    // The cluster's and the store's clients block: they are made off the async threads, as
    // `eventmap serve` opens its store before its runtime starts.
    let (state, engine) = tokio::task::spawn_blocking(move || {
        let engine = Engine::postgres();
        let store = Arc::new(engine.open());
        (
            AppState::with_store(store, Some(TOKEN.into())).unwrap(),
            engine,
        )
    })
    .await
    .unwrap();
    let (cluster, _) = postgres_parts(&engine);
    let app = router(state);
    let (status, _, page) = call(&app, get("/collections/events/items?limit=1")).await;
    assert_eq!(status, StatusCode::OK);
    let served = page["numberMatched"].clone();

    cluster.stop();
    let (status, _, again) = call(&app, get("/collections/events/items?limit=1")).await;
    assert_eq!(status, StatusCode::OK, "reads go on from the index");
    assert_eq!(again["numberMatched"], served);
    let (status, retry, refused) = call(&app, post(SHYMKENT_EN)).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{refused}");
    assert_eq!(retry.as_deref(), Some("5"));
    assert_eq!(refused["code"], "StoreUnavailable");
    let description = refused["description"].as_str().unwrap();
    assert!(
        description.starts_with("the store cannot be written now, try again shortly: "),
        "{description}"
    );
    let (status, _, down) = call(&app, get("/status")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(down["store"]["reachable"], false, "{down}");
    assert!(down["store"]["error"].is_string());

    cluster.start_again();
    let (status, _, added) = call(&app, post(SHYMKENT_EN)).await;
    assert_eq!(
        status,
        StatusCode::CREATED,
        "the server reconnected by itself: {added}"
    );
    let (_, _, up) = call(&app, get("/status")).await;
    assert_eq!(up["store"], json!({ "reachable": true }));
    let (_, _, after) = call(&app, get("/collections/events/items?limit=1")).await;
    let events = added["events"]["features"].as_array().unwrap().len() as u64;
    assert_eq!(
        after["numberMatched"].as_u64(),
        served.as_u64().map(|n| n + events)
    );

    // A restart while the server was idle: its first write after finds the database again.
    cluster.stop();
    cluster.start_again();
    tokio::time::sleep(Duration::from_millis(5500)).await;
    let (status, _, added) = call(&app, post(super::ALMATY_EN)).await;
    assert_eq!(status, StatusCode::CREATED, "{added}");
}

/// `eventmap ingest --store URL` and `eventmap reindex` with `EVENTMAP_STORE`: workers on the
/// database, as idempotent as on SQLite.
#[test]
fn ingest_and_reindex_work_on_the_database() {
    let engine = Engine::postgres();
    let url = match &engine {
        Engine::Postgres(_, url) => url.clone(),
        Engine::Sqlite(_) => unreachable!(),
    };
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), AKTAU_EN).unwrap();
    let run = |args: &[&std::ffi::OsStr], env: Option<&str>| {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_eventmap"));
        command.args(args).env_remove("EVENTMAP_STORE");
        if let Some(store) = env {
            command.env("EVENTMAP_STORE", store);
        }
        let out = command.output().unwrap();
        let (stdout, stderr) = (
            String::from_utf8_lossy(&out.stdout).to_string(),
            String::from_utf8_lossy(&out.stderr).to_string(),
        );
        assert!(out.status.success(), "{stdout}{stderr}");
        (stdout, stderr)
    };
    let ingest: [&std::ffi::OsStr; 6] = [
        "ingest".as_ref(),
        "--store".as_ref(),
        url.as_ref(),
        "--published".as_ref(),
        "2022-01-23".as_ref(),
        file.path().as_os_str(),
    ];
    let name = file.path().display().to_string();
    assert_eq!(
        run(&ingest, None).0,
        format!("{name}: article 2 added, 1 events\n")
    );
    assert_eq!(
        run(&ingest, None).0,
        format!("{name}: article 2 already stored, 1 events\n")
    );
    let (_, reindexed) = run(&["reindex".as_ref()], Some(&url));
    assert!(
        reindexed.contains("eventmap: reindexed 2 articles into "),
        "{reindexed}"
    );
}
