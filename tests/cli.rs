//! The command line as a user types it: `extract` on files and stdin, its refusals, `synth`,
//! and `ingest`/`reindex` on a store directory.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

fn eventmap(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_eventmap"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run eventmap");
    if let Some(input) = stdin {
        child.stdin.take().unwrap().write_all(input).unwrap();
    }
    drop(child.stdin.take());
    child.wait_with_output().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn extract_prints_the_seed_events_as_geojson() {
    let seed = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/geodata/articles/kazakhstan-2022-01-fr.txt"
    );
    let out = eventmap(
        &["extract", "--published", "2022-01-07", "--lang", "fr", seed],
        None,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let fc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(fc["type"], "FeatureCollection");
    let features = fc["features"].as_array().unwrap();
    assert!(features.len() >= 8, "only {} events", features.len());
    for f in features {
        let p = &f["properties"];
        for key in [
            "id",
            "event_date",
            "time_precision",
            "event_type",
            "sub_event_type",
            "place",
            "place_as_written",
            "geonameid",
            "country_code",
            "admin1",
            "geo_precision",
            "fatalities",
            "injuries",
            "arrests",
            "fatalities_qualifier",
            "injuries_qualifier",
            "arrests_qualifier",
            "actor1",
            "actor2",
            "assoc_actor_1",
            "notes",
            "source",
            "lang",
        ] {
            assert!(p.get(key).is_some(), "property {key} missing in {p}");
        }
        assert_eq!(p["source"], "kazakhstan-2022-01-fr.txt");
        assert_eq!(p["lang"], "fr");
        let c = f["geometry"]["coordinates"].as_array().unwrap();
        // [lon, lat] order: Kazakhstan is east of 45°E and north of 40°N.
        assert!(
            c[0].as_f64().unwrap() > 45.0 && c[1].as_f64().unwrap() > 40.0,
            "{c:?}"
        );
    }
    let almaty_on_7th = features.iter().any(|f| {
        f["properties"]["place"] == "Almaty" && f["properties"]["event_date"] == "2022-01-07"
    });
    assert!(almaty_on_7th);
}

#[test]
fn extract_reads_stdin_and_detects_the_language() {
    let text = "Tuesday 4 January 2022: at least 12 people were killed in clashes in Taraz.\n";
    let out = eventmap(
        &["extract", "--published", "2022-01-05", "-"],
        Some(text.as_bytes()),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let fc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let p = &fc["features"][0]["properties"];
    assert_eq!(p["lang"], "en");
    assert_eq!(p["place"], "Taraz");
    assert_eq!(p["fatalities"], 12);
    assert_eq!(p["fatalities_qualifier"], "at_least");
    assert_eq!(p["source"], "stdin");
}

#[test]
fn extract_refuses_bad_input_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.txt");
    std::fs::write(&empty, "  \n").unwrap();
    let binary = dir.path().join("binary.txt");
    std::fs::write(&binary, [0x50, 0x4b, 0x03, 0x04, 0xff, 0xfe, 0x00]).unwrap();
    let cases: [(Vec<&str>, &str); 4] = [
        (vec!["extract", empty.to_str().unwrap()], "empty"),
        (vec!["extract", binary.to_str().unwrap()], "not UTF-8"),
        (vec!["extract", "/nonexistent/article.txt"], "cannot read"),
        (
            vec!["extract", "--lang", "de", empty.to_str().unwrap()],
            "--lang",
        ),
    ];
    for (args, says) in cases {
        let out = eventmap(&args, None);
        assert!(!out.status.success(), "{args:?} succeeded");
        assert!(out.stdout.is_empty(), "{args:?} printed to stdout");
        assert!(
            stderr(&out).contains(says),
            "{args:?}: {} should say {says:?}",
            stderr(&out)
        );
    }
}

#[test]
fn synth_writes_reproducible_events() {
    let a = eventmap(&["synth", "--events", "50", "--seed", "9"], None);
    let b = eventmap(&["synth", "--events", "50", "--seed", "9"], None);
    assert!(a.status.success());
    assert_eq!(a.stdout, b.stdout);
    let fc: Value = serde_json::from_slice(&a.stdout).unwrap();
    let features = fc["features"].as_array().unwrap();
    assert_eq!(features.len(), 50);
    for f in features {
        assert!(f["properties"]["geonameid"].as_u64().is_some());
        eventmap::model::Event::from_feature(f).expect("a synthetic event reads back");
    }
}

#[test]
fn ingest_then_reindex_a_store() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let article = dir.path().join("oral.txt");
    std::fs::write(
        &article,
        "Mercredi 5 janvier 2022 : à Ouralsk, plus de 30 manifestants ont été arrêtés.\n",
    )
    .unwrap();
    let quiet = dir.path().join("quiet.txt");
    std::fs::write(&quiet, "Rien de nouveau aujourd'hui.\n").unwrap();
    let args = [
        "ingest",
        article.to_str().unwrap(),
        quiet.to_str().unwrap(),
        "--published",
        "2022-01-06",
        "--data",
        data.to_str().unwrap(),
    ];
    let out = eventmap(&args, None);
    assert!(out.status.success(), "{}", stderr(&out));
    let said = stderr(&out) + &String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains("oral.txt: article 2 added, 1 events"),
        "{said}"
    );
    assert!(
        said.contains("quiet.txt: article 3 added, 0 events (warning: no events"),
        "{said}"
    );
    // Again: nothing new.
    let again = eventmap(&args, None);
    let said = stderr(&again) + &String::from_utf8_lossy(&again.stdout);
    assert!(
        said.contains("oral.txt: article 2 already stored"),
        "{said}"
    );

    let re = eventmap(&["reindex", "--data", data.to_str().unwrap()], None);
    assert!(re.status.success(), "{}", stderr(&re));
    assert!(
        stderr(&re).contains("reindexed 3 articles"),
        "{}",
        stderr(&re)
    );

    let missing = eventmap(
        &[
            "ingest",
            "/nonexistent.txt",
            "--data",
            data.to_str().unwrap(),
        ],
        None,
    );
    assert!(!missing.status.success());
    assert!(
        stderr(&missing).contains("1 of 1 files were not added"),
        "{}",
        stderr(&missing)
    );
}
