//! QGIS (Debian's qgis 3.22, which `.ci/run` installs) reads a layer over OGC API – Features and
//! exports it to the file formats analysts use, every event included: the flat, typed
//! properties are what makes GeoPackage, Shapefile and CSV accept the layer.

use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn serve(data: &std::path::Path) -> (Server, u16) {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let server = Server(
        Command::new(env!("CARGO_BIN_EXE_eventmap"))
            .args(["serve", "--addr", &format!("127.0.0.1:{port}"), "--data"])
            .arg(data)
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
    (server, port)
}

/// Features in a file, as `ogrinfo -so -al` counts them.
fn feature_count(path: &std::path::Path) -> usize {
    let out = Command::new("ogrinfo")
        .args(["-ro", "-so", "-al"])
        .arg(path)
        .output()
        .expect("ogrinfo (gdal-bin, which .ci/run installs)");
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines()
        .filter_map(|l| l.strip_prefix("Feature Count: "))
        .map(|n| n.trim().parse::<usize>().unwrap())
        .sum()
}

#[test]
fn qgis_exports_every_event_to_gpkg_shapefile_geojson_and_csv() {
    let data = tempfile::tempdir().unwrap();
    let (_server, port) = serve(data.path());
    let out = tempfile::tempdir().unwrap();
    let input = format!("OAPIF://url='http://127.0.0.1:{port}' typename='events'");
    let want = {
        let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
        std::io::Write::write_all(
            &mut s,
            b"GET /collections/events/items?limit=1 HTTP/1.0\r\n\r\n",
        )
        .unwrap();
        let mut text = String::new();
        std::io::Read::read_to_string(&mut s, &mut text).unwrap();
        let body: serde_json::Value =
            serde_json::from_str(text.split_once("\r\n\r\n").unwrap().1).unwrap();
        body["numberMatched"].as_u64().unwrap() as usize
    };
    assert!(want > 20, "the seed's events");
    for file in ["events.gpkg", "events.shp", "events.geojson", "events.csv"] {
        let path = out.path().join(file);
        let run = Command::new("qgis_process.bin")
            .args(["run", "native:savefeatures"])
            .arg(format!("--INPUT={input}"))
            .arg(format!("--OUTPUT={}", path.display()))
            .env("QT_QPA_PLATFORM", "offscreen")
            .env("XDG_RUNTIME_DIR", out.path())
            .env("HOME", out.path())
            .output()
            .unwrap_or_else(|e| {
                panic!("qgis_process.bin is missing ({e}); run .ci/run, which installs qgis")
            });
        let log = format!(
            "{}{}",
            String::from_utf8_lossy(&run.stdout),
            String::from_utf8_lossy(&run.stderr)
        );
        assert!(run.status.success(), "{file}: {log}");
        assert_eq!(feature_count(&path), want, "{file}: {log}");
    }
}
