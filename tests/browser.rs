//! The map page in a real browser: starts `eventmap serve` on a free port and runs
//! `node tests/e2e/map.test.mjs http://127.0.0.1:PORT` (playwright-core driving Debian's Chromium).
//!
//! Never skipped: without Chromium or `tests/e2e/node_modules` it fails and says how to set them up
//! (`.ci/run`, or `npm ci --prefix tests/e2e` and `apt-get install chromium`).

use std::fs::{self, File};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

/// Kills the server however the test ends.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn chromium() -> PathBuf {
    std::env::var_os("CHROMIUM").map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from)
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("no free local port")
        .port()
}

/// Runs a Node browser script against the server at `base`, prints what it said, stops the
/// server and fails the test with both outputs and the server's log path if the script failed.
fn run_node(script: &Path, base: &str, env: &[(&str, &str)], server: Server, log_path: &Path) {
    let result = Command::new("node")
        .arg(script)
        .arg(base)
        .current_dir(root())
        .env("CHROMIUM", chromium())
        .envs(env.iter().copied())
        .output()
        .unwrap_or_else(|e| panic!("cannot run node {}: {e}", script.display()));
    let stdout = String::from_utf8_lossy(&result.stdout);
    let stderr = String::from_utf8_lossy(&result.stderr);
    println!("{stdout}");
    eprintln!("{stderr}");
    drop(server);
    assert!(
        result.status.success(),
        "{} failed ({}):\n{stdout}\n{stderr}\nserver log: {}",
        script.display(),
        result.status,
        log_path.display()
    );
}

fn wait_for_port(addr: SocketAddr, server: &mut Server, log: &Path) {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
            return;
        }
        if let Ok(Some(status)) = server.0.try_wait() {
            panic!(
                "eventmap serve exited ({status}) before listening on {addr}; its log:\n{}",
                fs::read_to_string(log).unwrap_or_default()
            );
        }
        assert!(
            Instant::now() < deadline,
            "eventmap serve did not listen on {addr} within 120 s; its log:\n{}",
            fs::read_to_string(log).unwrap_or_default()
        );
        sleep(Duration::from_millis(100));
    }
}

#[test]
fn map_page_in_chromium() {
    let root = root();
    let e2e = root.join("tests/e2e");
    assert!(
        e2e.join("node_modules/playwright-core/package.json")
            .is_file(),
        "tests/e2e/node_modules is missing: run `.ci/run`, or `npm ci --prefix tests/e2e` \
         (PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1), then run this test again"
    );
    assert!(
        chromium().is_file(),
        "Chromium is missing at {}: run `.ci/run`, or `apt-get install -y chromium` \
         (or set CHROMIUM to a Chromium binary)",
        chromium().display()
    );
    let node_ok = Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        node_ok,
        "node is not on PATH: run `.ci/run` or install Node.js 18+"
    );

    let out = root.join("target/e2e");
    fs::create_dir_all(&out).expect("cannot create target/e2e");
    let log_path = out.join("server.log");
    let log = File::create(&log_path).expect("cannot create target/e2e/server.log");

    // A fresh store per run, writable, so the test can post an article and see it appear.
    let data = tempfile::tempdir().expect("temporary data directory");
    let token = "e2e-token";
    let port = free_port();
    let addr: SocketAddr = ([127, 0, 0, 1], port).into();
    let mut server = Server(
        Command::new(env!("CARGO_BIN_EXE_eventmap"))
            .args(["serve", "--addr", &addr.to_string(), "--data"])
            .arg(data.path())
            .env("EVENTMAP_TOKEN", token)
            .current_dir(&root)
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("log file"))
            .stderr(log)
            .spawn()
            .expect("cannot start eventmap serve"),
    );
    wait_for_port(addr, &mut server, &log_path);

    let base = format!("http://{addr}");
    run_node(
        &e2e.join("map.test.mjs"),
        &base,
        &[("EVENTMAP_TOKEN", token)],
        server,
        &log_path,
    );
}

/// The page at ACLED's scale: 200 000 synthetic events, drawn from vector tiles
/// (`tests/e2e/tiles.test.mjs`): the header's true count, clusters that count every event at the
/// world view, events one by one and their popups in a city, the slider refiltering the tiles.
#[test]
fn map_at_scale_draws_tiles_in_chromium() {
    let root = root();
    let e2e = root.join("tests/e2e");
    assert!(
        e2e.join("node_modules/playwright-core/package.json")
            .is_file()
            && chromium().is_file(),
        "Chromium or tests/e2e/node_modules is missing: run `.ci/run`"
    );
    let out = root.join("target/e2e");
    fs::create_dir_all(&out).expect("cannot create target/e2e");
    let dir = tempfile::tempdir().expect("temporary directory");
    let events = dir.path().join("events.geojson");
    let synth = Command::new(env!("CARGO_BIN_EXE_eventmap"))
        .args(["synth", "--events", "200000", "--seed", "1", "--out"])
        .arg(&events)
        .output()
        .expect("cannot run eventmap synth");
    assert!(
        synth.status.success(),
        "{}",
        String::from_utf8_lossy(&synth.stderr)
    );
    let log_path = out.join("server-tiles.log");
    let log = File::create(&log_path).expect("cannot create the server log");
    let port = free_port();
    let addr: SocketAddr = ([127, 0, 0, 1], port).into();
    let mut server = Server(
        Command::new(env!("CARGO_BIN_EXE_eventmap"))
            .args(["serve", "--addr", &addr.to_string(), "--events"])
            .arg(&events)
            .env("RUST_LOG", "warn")
            .current_dir(&root)
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("log file"))
            .stderr(log)
            .spawn()
            .expect("cannot start eventmap serve"),
    );
    wait_for_port(addr, &mut server, &log_path);
    run_node(
        &e2e.join("tiles.test.mjs"),
        &format!("http://{addr}"),
        &[],
        server,
        &log_path,
    );
}
