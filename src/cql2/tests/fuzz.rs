//! Seeded fuzzing: token soup, random bytes and random JSON never panic in parsing, binding or
//! matching; whatever parses writes back as cql2-text that parses to the same tree; generated
//! valid trees round-trip through their text.

use jiff::Timestamp;
use jiff::civil::Date;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use serde_json::{Value as Json, json};

use super::*;

const TOKENS: &[&str] = &[
    "(",
    ")",
    ",",
    "AND",
    "or",
    "NOT",
    "=",
    "<>",
    "<",
    "<=",
    ">",
    ">=",
    "LIKE",
    "IN",
    "BETWEEN",
    "IS",
    "NULL",
    "TRUE",
    "false",
    "'x'",
    "'Ka%'",
    "'it''s'",
    "'",
    "\"",
    "\"a b\"",
    "fatalities",
    "name",
    "event_date",
    "geom",
    "score",
    "verified",
    "nope",
    "1",
    "-2.5e3",
    ".5",
    "1e",
    "-",
    "+",
    "DATE('2022-01-05')",
    "DATE(",
    "'2022-13-45'",
    "TIMESTAMP('2022-01-05T10:00:00Z')",
    "INTERVAL('2022-01-01','..')",
    "INTERVAL(",
    "'..'",
    "POINT(1 2)",
    "POINT",
    "Z",
    "POLYGON((0 0, 1 0, 1 1, 0 0))",
    "LINESTRING(0 0, 1 1)",
    "MULTIPOINT(1 2)",
    "BBOX(0,0,1,1)",
    "BBOX(",
    "ENVELOPE(0, 1, 1, 0)",
    "GEOMETRYCOLLECTION(",
    "S_INTERSECTS",
    "S_WITHIN",
    "T_AFTER",
    "T_DURING",
    "CASEI",
    "A_CONTAINS",
    "*",
    "!",
    "é",
    "日本",
    "\u{0}",
    "\\",
    "%",
    "[",
    ";",
];

/// Every event shape the evaluator might meet, sane or not.
fn events() -> Vec<Event> {
    vec![
        kabul(),
        Event::default(),
        Event {
            liar: true,
            ..kabul()
        },
        Event {
            point: Some([f64::NAN, f64::INFINITY]),
            score: Some(f64::NAN),
            ..kabul()
        },
        Event {
            fatalities: Some(i64::MIN),
            score: Some(f64::MAX),
            date: Some(Date::MAX),
            point: Some([180.0, -90.0]),
            name: Some(""),
            ..kabul()
        },
    ]
}

/// Binds (as written and with axes swapped) and matches every event: none of it may panic.
fn exercise(e: &Expr) {
    let mut swapped = e.clone();
    swapped.swap_axes();
    for expr in [e, &swapped] {
        if let Ok(f) = expr.bind(&schema) {
            for ev in events() {
                let _ = f.matches(&ev);
            }
        }
    }
}

/// The text of a parsed tree parses back to the same tree.
fn round_trips(e: &Expr, origin: &str) {
    let written = e.to_string();
    match parse_text(&written) {
        Ok(back) => assert_eq!(&back, e, "{origin}\n  wrote {written}"),
        Err(err) => panic!("{origin}\n  wrote {written}\n  which does not parse: {err}"),
    }
}

fn soup(rng: &mut StdRng) -> String {
    let n = rng.random_range(1..16);
    let mut s = String::new();
    for _ in 0..n {
        match rng.random_range(0..20) {
            0 => s.push(char::from(rng.random_range(0x20u8..0x7f))),
            1 => s.push(rng.random::<char>()),
            _ => s.push_str(TOKENS.choose(rng).copied().unwrap_or("")),
        }
        s.push_str([" ", "", "\n", "  "].choose(rng).copied().unwrap_or(" "));
    }
    s
}

/// A valid filter with up to three edits: a span cut out, a token put in, a span doubled.
fn mutated(rng: &mut StdRng) -> String {
    let mut s = expr(rng, 1).to_string();
    for _ in 0..rng.random_range(0..4) {
        let bounds: Vec<usize> = (0..=s.len()).filter(|&i| s.is_char_boundary(i)).collect();
        let a = *bounds.choose(rng).unwrap_or(&0);
        let b = *bounds.choose(rng).unwrap_or(&0);
        let (a, b) = (a.min(b), a.max(b).min(a.min(b) + 12));
        let b = if s.is_char_boundary(b) { b } else { a };
        match rng.random_range(0..3) {
            0 => s.replace_range(a..b, ""),
            1 => s.insert_str(a, TOKENS.choose(rng).copied().unwrap_or("")),
            _ => {
                let span = s[a..b].to_string();
                s.insert_str(b, &span);
            }
        }
    }
    s
}

#[test]
fn token_soup_never_panics_and_what_parses_round_trips() {
    let mut rng = StdRng::seed_from_u64(0xC0_2A);
    let mut parsed = 0;
    for i in 0..4000 {
        let s = if i % 2 == 0 {
            soup(&mut rng)
        } else {
            mutated(&mut rng)
        };
        if let Ok(e) = parse_text(&s) {
            parsed += 1;
            round_trips(&e, &s);
            exercise(&e);
        }
        let _ = parse_json(&s);
    }
    // The soup must reach past the parser's first errors often enough to test something.
    assert!(parsed > 300, "only {parsed} soups parsed");
}

#[test]
fn random_bytes_never_panic() {
    let mut rng = StdRng::seed_from_u64(7);
    for _ in 0..2000 {
        let len = rng.random_range(0..120);
        let bytes: Vec<u8> = (0..len).map(|_| rng.random()).collect();
        let s = String::from_utf8_lossy(&bytes);
        if let Ok(e) = parse_text(&s) {
            round_trips(&e, &s);
            exercise(&e);
        }
        if let Ok(e) = parse_json(&s) {
            exercise(&e);
        }
    }
}

const OPS: &[&str] = &[
    "and",
    "or",
    "not",
    "=",
    "<>",
    "<",
    "<=",
    ">",
    ">=",
    "like",
    "in",
    "between",
    "isNull",
    "s_intersects",
    "s_disjoint",
    "s_within",
    "s_contains",
    "s_equals",
    "s_touches",
    "t_after",
    "t_before",
    "t_during",
    "t_finishedBy",
    "t_metBy",
    "t_overlaps",
    "casei",
    "+",
    "a_equals",
    "nope",
];

/// A random JSON value that is often, but not always, part of a valid cql2-json filter.
fn random_json(rng: &mut StdRng, depth: usize) -> Json {
    let names = [
        "fatalities",
        "name",
        "event_date",
        "geom",
        "score",
        "verified",
        "x y",
        "",
    ];
    let leafy = depth >= 4;
    let one =
        |rng: &mut StdRng, options: &[&'static str]| options.choose(rng).copied().unwrap_or("");
    match rng.random_range(0..if leafy { 12 } else { 16 }) {
        0 => json!({ "property": one(rng, &names) }),
        1 => json!(rng.random_range(-5i64..5)),
        2 => json!(rng.random::<f64>() * 1e6 - 5e5),
        3 => json!(one(
            rng,
            &["x", "Ka%", "it's", "", "2022-01-05", "..", "é\u{0}\""]
        )),
        4 => json!(rng.random::<bool>()),
        5 => json!({ "date": one(rng, &["2022-01-05", "2022-02-30", "x"]) }),
        6 => {
            json!({ "timestamp": one(rng, &["2022-01-05T10:00:00Z", "2022-01-05T10:00:00+05:00", "no"]) })
        }
        7 => {
            let (start, end) = (
                one(rng, &["2022-01-01", "..", "2022-01-05T10:00:00Z"]),
                one(rng, &["2022-03-01", ".."]),
            );
            json!({ "interval": [start, end] })
        }
        8 => json!({ "bbox": [0, rng.random_range(-10..10), 1, rng.random_range(-10..10)] }),
        9 => {
            json!({ "type": "Point", "coordinates": [rng.random_range(-2..2), rng.random_range(-2..2)] })
        }
        10 => {
            json!({ "type": "Polygon", "coordinates": [[[0, 0], [2, 0], [2, 2], [0, rng.random_range(0..2)]]] })
        }
        11 => Json::Null,
        12 => json!([random_json(rng, depth + 1), random_json(rng, depth + 1)]),
        _ => {
            let n = rng.random_range(0..4);
            let args: Vec<Json> = (0..n).map(|_| random_json(rng, depth + 1)).collect();
            json!({ "op": OPS.choose(rng).copied(), "args": args })
        }
    }
}

#[test]
fn random_json_never_panics_and_what_parses_reads_the_same_as_text() {
    let mut rng = StdRng::seed_from_u64(42);
    let mut parsed = 0;
    for _ in 0..4000 {
        let doc = random_json(&mut rng, 0).to_string();
        if let Ok(e) = parse_json(&doc) {
            parsed += 1;
            round_trips(&e, &doc);
            exercise(&e);
        }
    }
    assert!(parsed > 150, "only {parsed} documents parsed");
}

// ───────────── generated valid trees ─────────────

const NAMES: &[&str] = &[
    "fatalities",
    "name",
    "event_date",
    "geom",
    "score",
    "verified",
    "actor",
    "and",
    "NOT",
    "with space",
    "quo\"te",
    "é",
    "x.y:z",
    "date",
    "POINT",
    "_",
    "1st",
    "S_INTERSECTS",
];

fn name(rng: &mut StdRng) -> String {
    NAMES.choose(rng).copied().unwrap_or("name").to_string()
}

fn string(rng: &mut StdRng) -> String {
    let alphabet = [
        'a', 'Z', ' ', '\'', '"', '\\', '%', '_', 'é', '日', '\n', '(', ')', ',',
    ];
    let n = rng.random_range(0..6);
    (0..n)
        .map(|_| *alphabet.choose(rng).unwrap_or(&'a'))
        .collect()
}

fn number(rng: &mut StdRng) -> f64 {
    match rng.random_range(0..6) {
        0 => f64::from(rng.random_range(-1000i32..1000)),
        1 => rng.random::<f64>() * 200.0 - 100.0,
        2 => -0.0,
        3 => 1e300 * rng.random::<f64>(),
        4 => 5e-324 * f64::from(rng.random_range(1u8..10)),
        _ => f64::from_bits(rng.random::<u64>() & !(0x7ff << 52)) * 1e-300,
    }
}

fn day(rng: &mut StdRng) -> Date {
    Date::new(
        rng.random_range(1..=9999),
        rng.random_range(1..=12),
        rng.random_range(1..=28),
    )
    .unwrap_or(Date::MIN)
}

fn timestamp(rng: &mut StdRng) -> Timestamp {
    let seconds = rng.random_range(-62_135_596_800i64..253_402_207_199);
    let nanos = if rng.random() {
        0
    } else {
        rng.random_range(0..1_000_000_000)
    };
    Timestamp::new(seconds, nanos).unwrap_or(Timestamp::UNIX_EPOCH)
}

fn scalar(rng: &mut StdRng) -> Scalar {
    match rng.random_range(0..7) {
        0 | 1 => Scalar::Property(name(rng)),
        2 => Scalar::Str(string(rng)),
        3 => Scalar::Number(number(rng)),
        4 => Scalar::Bool(rng.random()),
        5 => Scalar::Date(day(rng)),
        _ => Scalar::Timestamp(timestamp(rng)),
    }
}

fn instant(rng: &mut StdRng) -> Instant {
    if rng.random() {
        Instant::Date(day(rng))
    } else {
        Instant::Timestamp(timestamp(rng))
    }
}

fn temporal(rng: &mut StdRng) -> Temporal {
    match rng.random_range(0..3) {
        0 => Temporal::Property(name(rng)),
        1 => Temporal::Instant(instant(rng)),
        _ => Temporal::Interval(
            rng.random_bool(0.8).then(|| instant(rng)),
            rng.random_bool(0.8).then(|| instant(rng)),
        ),
    }
}

fn coords(rng: &mut StdRng, n: std::ops::Range<usize>) -> Vec<Coord> {
    let n = rng.random_range(n);
    (0..n).map(|_| [number(rng), number(rng)]).collect()
}

fn ring(rng: &mut StdRng) -> Vec<Coord> {
    let mut r = coords(rng, 3..6);
    r.push(r[0]);
    r
}

fn geometry(rng: &mut StdRng, depth: usize) -> Geometry {
    match rng.random_range(0..if depth > 1 { 7 } else { 8 }) {
        0 => Geometry::Point([number(rng), number(rng)]),
        1 => Geometry::MultiPoint(coords(rng, 1..4)),
        2 => Geometry::LineString(coords(rng, 2..5)),
        3 => Geometry::MultiLineString(
            (0..rng.random_range(1..3))
                .map(|_| coords(rng, 2..3))
                .collect(),
        ),
        4 => Geometry::Polygon((0..rng.random_range(1..3)).map(|_| ring(rng)).collect()),
        5 => Geometry::MultiPolygon(
            (0..rng.random_range(1..3))
                .map(|_| vec![ring(rng)])
                .collect(),
        ),
        6 => {
            let (s, n) = (number(rng), number(rng));
            Geometry::BBox([number(rng), s.min(n), number(rng), s.max(n)])
        }
        _ => Geometry::GeometryCollection(
            (0..rng.random_range(1..3))
                .map(|_| geometry(rng, depth + 1))
                .collect(),
        ),
    }
}

fn spatial(rng: &mut StdRng) -> Spatial {
    if rng.random() {
        Spatial::Property(name(rng))
    } else {
        Spatial::Geometry(geometry(rng, 0))
    }
}

fn expr(rng: &mut StdRng, depth: usize) -> Expr {
    let pick = rng.random_range(0..if depth >= 3 { 9 } else { 12 });
    match pick {
        0 => Expr::Bool(rng.random()),
        1 => Expr::Compare {
            op: *CompareOp::ALL.choose(rng).unwrap_or(&CompareOp::Eq),
            left: scalar(rng),
            right: scalar(rng),
        },
        2 => Expr::Like {
            value: scalar(rng),
            pattern: string(rng),
            negated: rng.random(),
        },
        3 => Expr::In {
            value: scalar(rng),
            list: (0..rng.random_range(1..4)).map(|_| scalar(rng)).collect(),
            negated: rng.random(),
        },
        4 => Expr::Between {
            value: scalar(rng),
            low: scalar(rng),
            high: scalar(rng),
            negated: rng.random(),
        },
        5 => Expr::IsNull {
            value: scalar(rng),
            negated: rng.random(),
        },
        6 => Expr::Spatial {
            op: *SpatialOp::ALL.choose(rng).unwrap_or(&SpatialOp::Intersects),
            left: spatial(rng),
            right: spatial(rng),
        },
        7 | 8 => Expr::Temporal {
            op: *TemporalOp::ALL.choose(rng).unwrap_or(&TemporalOp::After),
            left: temporal(rng),
            right: temporal(rng),
        },
        9 => Expr::Not(Box::new(expr(rng, depth + 1))),
        10 => Expr::And(
            (0..rng.random_range(2..4))
                .map(|_| expr(rng, depth + 1))
                .collect(),
        ),
        _ => Expr::Or(
            (0..rng.random_range(2..4))
                .map(|_| expr(rng, depth + 1))
                .collect(),
        ),
    }
}

#[test]
fn generated_trees_round_trip_through_text() {
    let mut rng = StdRng::seed_from_u64(2024);
    let mut bound = 0;
    for i in 0..3000 {
        let e = expr(&mut rng, 0);
        round_trips(&e, &format!("generated tree {i}"));
        if e.bind(&schema).is_ok() {
            bound += 1;
        }
        exercise(&e);
    }
    assert!(bound > 400, "only {bound} generated trees bound");
}
