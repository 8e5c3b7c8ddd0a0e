//! A news site of the tests' own on a free loopback port: the files of tests/fixtures/site/
//! (with ETags, honouring If-None-Match with a 304), and the bad answers a fetcher must
//! refuse (an oversize page, with and without a length; a redirect loop; an image; a 404).
//! It logs every request's path and status; it stops when dropped.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub struct Site {
    pub port: u16,
    log: Arc<Mutex<Vec<(String, u16)>>>,
    stop: Arc<AtomicBool>,
}

/// Size of the oversize pages: over the 5 MiB default cap.
pub const BIG: usize = 6 * 1024 * 1024;

impl Site {
    pub fn start() -> Site {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let log = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (thread_log, thread_stop) = (Arc::clone(&log), Arc::clone(&stop));
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if thread_stop.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let log = Arc::clone(&thread_log);
                std::thread::spawn(move || serve(stream, &log));
            }
        });
        Site { port, log, stop }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// The statuses answered to `path`, in order.
    pub fn answers(&self, path: &str) -> Vec<u16> {
        let log = self.log.lock().unwrap();
        log.iter()
            .filter(|(p, _)| p == path)
            .map(|(_, s)| *s)
            .collect()
    }
}

impl Drop for Site {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/site")
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next() {
        Some("html") => "text/html; charset=utf-8",
        Some("json") => "application/feed+json",
        Some("txt") => "text/plain; charset=utf-8",
        Some("png") => "image/png",
        _ if path.ends_with("atom.xml") => "application/atom+xml",
        _ => "application/rss+xml",
    }
}

/// A weak but stable tag of a file's bytes.
fn etag(body: &[u8]) -> String {
    let hash = body.iter().fold(0xcbf29ce484222325u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x100000001b3)
    });
    format!("\"{hash:016x}\"")
}

fn serve(mut stream: TcpStream, log: &Mutex<Vec<(String, u16)>>) {
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok();
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() {
        return;
    }
    let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
    let mut if_none_match = None;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).unwrap_or(0) == 0 || header.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':')
            && name.trim().eq_ignore_ascii_case("if-none-match")
        {
            if_none_match = Some(value.trim().to_string());
        }
    }
    let status = answer(&mut stream, &path, if_none_match.as_deref());
    log.lock().unwrap().push((path, status));
}

fn head(stream: &mut TcpStream, status: &str, headers: &[String]) {
    let mut out = format!("HTTP/1.1 {status}\r\nconnection: close\r\n");
    for h in headers {
        out.push_str(h);
        out.push_str("\r\n");
    }
    out.push_str("\r\n");
    let _ = stream.write_all(out.as_bytes());
}

fn answer(stream: &mut TcpStream, path: &str, if_none_match: Option<&str>) -> u16 {
    let redirect = |stream: &mut TcpStream, to: &str| {
        head(
            stream,
            "302 Found",
            &[format!("location: {to}"), "content-length: 0".into()],
        );
        302
    };
    match path {
        "/loop/a" => return redirect(stream, "/loop/b"),
        "/loop/b" => return redirect(stream, "/loop/a"),
        "/moved" => return redirect(stream, "/news/zhanaozen-fr.html"),
        "/big.html" | "/big-unsized.html" => {
            let mut headers = vec!["content-type: text/html".to_string()];
            if path == "/big.html" {
                headers.push(format!("content-length: {BIG}"));
            }
            head(stream, "200 OK", &headers);
            let chunk = "<p>Almaty.</p>".repeat(1000);
            let mut sent = 0;
            while sent < BIG && stream.write_all(chunk.as_bytes()).is_ok() {
                sent += chunk.len();
            }
            return 200;
        }
        "/map.png" => {
            head(
                stream,
                "200 OK",
                &["content-type: image/png".into(), "content-length: 8".into()],
            );
            let _ = stream.write_all(b"\x89PNG\r\n\x1a\n");
            return 200;
        }
        _ => {}
    }
    let file = root().join(path.trim_start_matches('/'));
    let body = match std::fs::read(&file) {
        Ok(body) if !path.contains("..") => body,
        _ => {
            let body = b"<html><body><h1>Not found</h1></body></html>";
            head(
                stream,
                "404 Not Found",
                &[
                    "content-type: text/html".into(),
                    format!("content-length: {}", body.len()),
                ],
            );
            let _ = stream.write_all(body);
            return 404;
        }
    };
    let tag = etag(&body);
    if if_none_match == Some(tag.as_str()) {
        head(stream, "304 Not Modified", &[format!("etag: {tag}")]);
        return 304;
    }
    head(
        stream,
        "200 OK",
        &[
            format!("content-type: {}", content_type(path)),
            format!("content-length: {}", body.len()),
            format!("etag: {tag}"),
        ],
    );
    let _ = stream.write_all(&body);
    200
}
