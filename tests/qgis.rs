//! QGIS (Debian's qgis 3.22, which `.ci/run` installs) reads a layer over OGC API – Features and
//! exports it to the file formats analysts use, every event included: the flat, typed
//! properties are what makes GeoPackage, Shapefile and CSV accept the layer.

use std::process::Command;

#[path = "support/server.rs"]
mod support;
use support::Server;

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
    let server = Server::start(&["--data".as_ref(), data.path().as_os_str()]);
    let port = server.port;
    let out = tempfile::tempdir().unwrap();
    let input = format!("OAPIF://url='http://127.0.0.1:{port}' typename='events'");
    let want = server.get_json("/collections/events/items?limit=1")["numberMatched"]
        .as_u64()
        .unwrap() as usize;
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
