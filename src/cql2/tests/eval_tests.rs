//! Binding and evaluation on the fake [`Event`].

use jiff::civil::date;

use super::*;

fn bind_error(filter: &str) -> String {
    let e = match parse_text(filter) {
        Ok(e) => e,
        Err(e) => panic!("{filter}: parse: {e}"),
    };
    match e.bind(&schema) {
        Ok(f) => panic!("{filter}: bound as {f:?}"),
        Err(e) => {
            assert_eq!(e.position, Position::Whole);
            e.message
        }
    }
}

#[test]
fn bind_refuses_unknown_properties_and_type_mismatches() {
    let cases = [
        ("fatalites > 1", "unknown property \"fatalites\""),
        (
            "S_INTERSECTS(nowhere, POINT(0 0))",
            "unknown property \"nowhere\"",
        ),
        (
            "fatalities = 'x'",
            "type mismatch: property \"fatalities\" is a number, 'x' is a string",
        ),
        (
            "event_date > 3",
            "type mismatch: property \"event_date\" is a date, 3 is a number",
        ),
        (
            "name = DATE('2022-01-01')",
            "type mismatch: DATE('2022-01-01') is a date, property \"name\" is a string",
        ),
        ("fatalities IN (1, 'two')", "'two' is a string"),
        ("fatalities BETWEEN 1 AND TRUE", "TRUE is a boolean"),
        (
            "fatalities LIKE '1%'",
            "LIKE needs a string, but property \"fatalities\" is a number",
        ),
        (
            "geom = 1",
            "property \"geom\" is a geometry: use it in a spatial function",
        ),
        (
            "S_INTERSECTS(name, POINT(0 0))",
            "spatial functions need a geometry, but name is a string",
        ),
        (
            "S_INTERSECTS(POINT(0 0), fatalities)",
            "but fatalities is a number",
        ),
        (
            "T_AFTER(fatalities, DATE('2022-01-01'))",
            "temporal functions need a date, but fatalities is a number",
        ),
        ("verified < TRUE", "booleans compare only with = and <>"),
        (
            "verified BETWEEN FALSE AND TRUE",
            "BETWEEN needs numbers, strings or dates",
        ),
        (
            "event_date = 'yesterday'",
            "'yesterday' is compared with a date but is not one",
        ),
        (
            "T_DURING(event_date, INTERVAL('2022-02-01', '2022-01-01'))",
            "INTERVAL('2022-02-01', '2022-01-01') ends before it starts",
        ),
        (
            "S_TOUCHES(POLYGON((0 0, 1 0, 1 1, 0 0)), BBOX(0, 0, 1, 1))",
            "supported only when one is a point",
        ),
    ];
    for (filter, message) in cases {
        let m = bind_error(filter);
        assert!(m.contains(message), "{filter}: {m:?} lacks {message:?}");
    }
}

#[test]
fn bind_accepts_literal_pairs_mixed_numbers_and_lenient_dates() {
    for f in [
        "1 = 1",
        "'a' < 'b'",
        "fatalities = 2.5",
        "fatalities < score",
        "event_date > '2022-01-05'",
        "event_date = '2022-01-05T10:00:00Z'",
        "event_date = TIMESTAMP('2022-01-05T23:59:59Z')",
        "DATE('2022-01-05') < TIMESTAMP('2022-01-06T00:00:00Z')",
        "score IS NULL AND geom IS NOT NULL",
        "S_INTERSECTS(geom, geom)",
    ] {
        bind_text(f);
    }
    assert_eq!(bind_text("1 = 1").constant(), Some(true));
    assert_eq!(bind_text("'b' < 'a'").constant(), Some(false));
    assert_eq!(
        bind_text("TIMESTAMP('2022-01-05T10:00:00Z') < TIMESTAMP('2022-01-05T11:00:00Z')")
            .constant(),
        Some(true)
    );
    // A timestamp compared with a date is its UTC day.
    assert_eq!(
        bind_text("DATE('2022-01-05') = TIMESTAMP('2022-01-05T23:00:00Z')").constant(),
        Some(true)
    );
    assert_eq!(
        bind_text("DATE('2022-01-05') = TIMESTAMP('2022-01-05T23:00:00-02:00')").constant(),
        Some(false)
    );
    assert_eq!(bind_text("'a' IS NULL").constant(), Some(false));
    assert_eq!(
        bind_text("T_BEFORE(DATE('2022-01-01'), INTERVAL('2022-01-02', '..'))").constant(),
        Some(true)
    );
    assert_eq!(
        bind_text("S_WITHIN(POINT(1 1), BBOX(0, 0, 2, 2))").constant(),
        Some(true)
    );
    assert_eq!(
        bind_text("S_CONTAINS(BBOX(0, 0, 2, 2), POINT(3 1))").constant(),
        Some(false)
    );
    assert_eq!(
        bind_text("S_INTERSECTS(BBOX(0, 0, 2, 2), LINESTRING(2 2, 5 5))").constant(),
        Some(true)
    );
    assert_eq!(bind_text("fatalities > 1").constant(), None);
}

#[test]
fn comparisons() {
    let e = kabul();
    let yes = [
        "fatalities = 3",
        "fatalities = 3.0",
        "fatalities <> 4",
        "fatalities < 3.5",
        "fatalities <= 3",
        "fatalities > 2.999",
        "fatalities >= 3",
        "3 = fatalities",
        "score > 0.7",
        "score < fatalities",
        "name = 'Kabul attack'",
        "name > 'Kabul'",
        "name < 'Kabul attacks'",
        "verified = TRUE",
        "verified <> FALSE",
        "event_date = DATE('2022-01-10')",
        "event_date = '2022-01-10'",
        "event_date > '2022-01-09'",
        "event_date <= TIMESTAMP('2022-01-10T00:00:00Z')",
        "event_date = TIMESTAMP('2022-01-10T23:59:59Z')",
        "event_date < TIMESTAMP('2022-01-10T23:00:00-02:00')",
    ];
    for f in yes {
        assert!(matches(f, &e), "{f}");
    }
    let no = [
        "fatalities = 2.5",
        "fatalities <> 3",
        "fatalities < 3",
        "fatalities > 3",
        "name = 'kabul attack'",
        "verified = FALSE",
        "event_date <> '2022-01-10'",
        "event_date > TIMESTAMP('2022-01-10T12:00:00Z')",
    ];
    for f in no {
        assert!(!matches(f, &e), "{f}");
    }
}

#[test]
fn integers_compare_exactly_with_floats() {
    let big = Event {
        fatalities: Some(9_007_199_254_740_993),
        ..kabul()
    };
    // 2^53 + 1 is not an f64: as f64 it would round to 2^53 and compare equal.
    assert!(!matches("fatalities = 9007199254740992", &big));
    assert!(matches("fatalities > 9007199254740992", &big));
    let max = Event {
        fatalities: Some(i64::MAX),
        ..kabul()
    };
    assert!(matches("fatalities < 9223372036854775808", &max));
    let min = Event {
        fatalities: Some(i64::MIN),
        ..kabul()
    };
    assert!(matches("fatalities = -9223372036854775808", &min));
    assert!(matches("fatalities > -1e300", &min));
    let neg = Event {
        fatalities: Some(-3),
        ..kabul()
    };
    assert!(matches("fatalities < -2.5", &neg) && matches("fatalities > -3.5", &neg));
}

#[test]
fn like_patterns() {
    let named = |n: &'static str| Event {
        name: Some(n),
        ..kabul()
    };
    let cases: &[(&str, &str, bool)] = &[
        ("Kabul attack", "Kabul%", true),
        ("Kabul attack", "%attack", true),
        ("Kabul attack", "%bul at%", true),
        ("Kabul attack", "Kabul", false),
        ("Kabul attack", "kabul%", false),
        ("Kabul attack", "K_bul attack", true),
        ("Kabul attack", "K_ul%", false),
        ("Kabul attack", "%", true),
        ("", "%", true),
        ("", "_", false),
        ("", "", true),
        ("abc", "a%b%c", true),
        ("abbbc", "a%b%c", true),
        ("acb", "a%b%c", false),
        ("aXbXcXb", "a%b", true),
        ("mississippi", "%iss%ppi", true),
        ("mississippi", "%iss%ppx", false),
        ("Émile", "_mile", true),
        ("日本語", "_本_", true),
        ("50%", "50\\%", true),
        ("500", "50\\%", false),
        ("a_b", "a\\_b", true),
        ("axb", "a\\_b", false),
        ("a\\b", "a\\\\b", true),
        ("a\\", "a\\", true),
        ("aaa", "%%%a", true),
    ];
    for (name, pattern, expected) in cases {
        let f = format!("name LIKE '{pattern}'");
        assert_eq!(
            matches(&f, &named(name)),
            *expected,
            "{name:?} LIKE {pattern:?}"
        );
        let f = format!("name NOT LIKE '{pattern}'");
        assert_eq!(
            matches(&f, &named(name)),
            !*expected,
            "{name:?} NOT LIKE {pattern:?}"
        );
    }
    assert!(matches("'abc' LIKE 'a%'", &kabul()));
}

#[test]
fn in_and_between() {
    let e = kabul();
    assert!(matches("actor IN ('ISIS', 'Taliban')", &e));
    assert!(!matches("actor IN ('ISIS')", &e));
    assert!(matches("actor NOT IN ('ISIS')", &e));
    assert!(!matches("actor NOT IN ('ISIS', 'Taliban')", &e));
    assert!(matches("fatalities IN (1, 3.0, 5)", &e));
    assert!(matches(
        "event_date IN ('2022-01-09', DATE('2022-01-10'))",
        &e
    ));
    assert!(matches("fatalities BETWEEN 3 AND 5", &e), "inclusive low");
    assert!(matches("fatalities BETWEEN 1 AND 3", &e), "inclusive high");
    assert!(!matches("fatalities BETWEEN 4 AND 5", &e));
    assert!(matches("fatalities NOT BETWEEN 4 AND 5", &e));
    assert!(
        !matches("fatalities BETWEEN 5 AND 1", &e),
        "reversed bounds hold nothing"
    );
    assert!(matches(
        "event_date BETWEEN '2022-01-01' AND TIMESTAMP('2022-01-10T08:00:00Z')",
        &e
    ));
    assert!(matches("name BETWEEN 'K' AND 'L'", &e));
    assert!(matches(
        "score BETWEEN fatalities AND 5 OR score BETWEEN 0.5 AND fatalities",
        &e
    ));
}

/// SQL's three-valued logic: a predicate on a null is unknown, and so is NOT unknown.
#[test]
fn nulls_are_unknown() {
    let e = Event::default();
    for f in [
        "fatalities > 1",
        "NOT (fatalities > 1)",
        "fatalities <> 1",
        "name LIKE '%'",
        "name NOT LIKE 'x'",
        "actor IN ('a')",
        "actor NOT IN ('a')",
        "fatalities BETWEEN 1 AND 2",
        "fatalities NOT BETWEEN 1 AND 2",
        "S_INTERSECTS(geom, BBOX(-180, -90, 180, 90))",
        "S_DISJOINT(geom, POINT(0 0))",
        "NOT S_INTERSECTS(geom, POINT(0 0))",
        "T_INTERSECTS(event_date, INTERVAL('..', '..'))",
        "NOT T_BEFORE(event_date, DATE('2022-01-01'))",
        "fatalities > 1 AND TRUE",
        "fatalities > 1 OR FALSE",
        "NOT (fatalities > 1 OR name = 'x')",
        "fatalities = fatalities",
        "fatalities IS NOT NULL",
    ] {
        assert!(!matches(f, &e), "{f} should not match an event of nulls");
    }
    for f in [
        "fatalities IS NULL",
        "NOT (fatalities IS NOT NULL)",
        "fatalities > 1 OR TRUE",
        "geom IS NULL AND event_date IS NULL",
        // unknown AND false is false, whose NOT is true.
        "NOT (fatalities > 1 AND FALSE)",
        "NOT (fatalities > 1 AND 1 = 2)",
    ] {
        assert!(matches(f, &e), "{f} should match an event of nulls");
    }
    // In a list, a null member makes a miss unknown, not false.
    let f = Event {
        fatalities: Some(3),
        ..Event::default()
    };
    assert!(matches("fatalities IN (3, score)", &f));
    assert!(!matches("fatalities IN (4, score)", &f));
    assert!(!matches("fatalities NOT IN (4, score)", &f));
    assert!(
        !matches("fatalities BETWEEN 5 AND score", &f)
            && matches("fatalities NOT BETWEEN 5 AND score", &f)
    );
}

#[test]
fn a_record_giving_the_wrong_type_is_unknown_not_a_panic() {
    let liar = Event {
        liar: true,
        ..kabul()
    };
    assert!(!matches("count > 1", &liar));
    assert!(!matches("NOT (count > 1)", &liar));
    assert!(
        !matches("count IS NULL", &liar),
        "a wrong value is still a value"
    );
    let odd = Event {
        point: Some([f64::NAN, 1.0]),
        ..kabul()
    };
    assert!(!matches(
        "S_INTERSECTS(geom, BBOX(-180, -90, 180, 90))",
        &odd
    ));
    assert!(!matches("S_DISJOINT(geom, BBOX(-180, -90, 180, 90))", &odd));
}

/// Temporal cases: function, left, right, expected. An operand is `d` (the event's day,
/// 2022-01-10), a day (`DATE(…)`), a timestamp (`TIMESTAMP(…)`) or `start/end`, an interval.
#[rustfmt::skip]
const TEMPORAL_CASES: &[(&str, &str, &str, bool)] = &[
    ("T_AFTER", "d", "2022-01-01/2022-01-09", true),
    ("T_AFTER", "d", "../2022-01-10", false),
    ("T_AFTER", "d", "2022-01-09", true),
    ("T_BEFORE", "d", "2022-01-11/..", true),
    ("T_BEFORE", "d", "2022-01-10/..", false),
    ("T_CONTAINS", "2022-01-09/2022-01-11", "d", true),
    ("T_CONTAINS", "2022-01-10/2022-01-11", "d", false),
    ("T_CONTAINS", "d", "2022-01-09/2022-01-11", false),
    ("T_DURING", "d", "2022-01-09/2022-01-11", true),
    ("T_DURING", "d", "2022-01-09/2022-01-10", false),
    ("T_DURING", "d", "../..", true),
    ("T_DISJOINT", "d", "2022-01-11/2022-01-12", true),
    ("T_DISJOINT", "d", "2022-01-01/2022-01-10", false),
    ("T_EQUALS", "d", "2022-01-10", true),
    ("T_EQUALS", "d", "2022-01-10/2022-01-10", true),
    ("T_EQUALS", "d", "2022-01-10T23:00:00Z", true),
    ("T_EQUALS", "d", "2022-01-10T23:00:00-02:00", false),
    ("T_EQUALS", "d", "2022-01-10/2022-01-11", false),
    ("T_FINISHES", "d", "2022-01-01/2022-01-10", true),
    ("T_FINISHES", "d", "2022-01-10/2022-01-10", false),
    ("T_FINISHEDBY", "2022-01-01/2022-01-10", "d", true),
    ("T_FINISHEDBY", "2022-01-01/2022-01-11", "d", false),
    ("T_INTERSECTS", "d", "2022-01-10/..", true),
    ("T_INTERSECTS", "d", "../2022-01-10T00:00:00Z", true),
    ("T_INTERSECTS", "d", "../2022-01-09", false),
    ("T_MEETS", "d", "2022-01-10/2022-01-20", true),
    ("T_MEETS", "d", "2022-01-11/2022-01-20", false),
    ("T_METBY", "d", "2022-01-01/2022-01-10", true),
    ("T_METBY", "d", "2022-01-01/2022-01-09", false),
    ("T_OVERLAPS", "2022-01-01/2022-01-10", "d", false),
    ("T_OVERLAPPEDBY", "d", "2022-01-01/2022-01-10", false),
    ("T_STARTS", "d", "2022-01-10/2022-01-20", true),
    ("T_STARTS", "d", "2022-01-10/2022-01-10", false),
    ("T_STARTS", "d", "2022-01-10/..", true),
    ("T_STARTEDBY", "2022-01-10/2022-01-20", "d", true),
    ("T_STARTEDBY", "2022-01-09/2022-01-20", "d", false),
    // Interval against interval, where OVERLAPS and its converse can hold.
    ("T_OVERLAPS", "2022-01-01/2022-01-15", "2022-01-10/2022-01-20", true),
    ("T_OVERLAPPEDBY", "2022-01-10/2022-01-20", "2022-01-01/2022-01-15", true),
    ("T_OVERLAPS", "2022-01-10/2022-01-20", "2022-01-01/2022-01-15", false),
    ("T_OVERLAPS", "2022-01-01/2022-01-15", "2022-01-10/2022-01-15", false),
    ("T_OVERLAPS", "2022-01-01/2022-01-15", "2022-01-15/2022-01-20", false),
    ("T_MEETS", "2022-01-01/2022-01-15", "2022-01-15/2022-01-20", true),
    ("T_EQUALS", "../2022-01-01", "../2022-01-01", true),
    ("T_STARTS", "../2022-01-01", "../2022-01-05", true),
    ("T_AFTER", "2022-01-16/..", "2022-01-01/2022-01-15", true),
];

/// The cql2-text of a [`TEMPORAL_CASES`] operand.
fn temporal_operand(s: &str) -> String {
    let bound = |b: &str| format!("'{b}'");
    match s.split_once('/') {
        _ if s == "d" => "event_date".into(),
        Some((a, b)) => format!("INTERVAL({}, {})", bound(a), bound(b)),
        None if s.len() == 10 => format!("DATE('{s}')"),
        None => format!("TIMESTAMP('{s}')"),
    }
}

#[test]
fn the_fifteen_temporal_functions_at_their_boundaries() {
    for (op, a, b, expected) in TEMPORAL_CASES {
        let f = format!("{op}({}, {})", temporal_operand(a), temporal_operand(b));
        assert_eq!(matches(&f, &kabul()), *expected, "{f}");
        // The same on literals alone is folded when binding: it must agree.
        if *a != "d" && *b != "d" {
            assert_eq!(bind_text(&f).constant(), Some(*expected), "{f}");
        }
    }
}

#[test]
fn the_fifteen_temporal_functions_are_fifteen_relations() {
    // No two functions agree on every pair of these intervals, both ways round.
    let a = "2022-01-01/2022-01-15";
    let days = ["2022-01-01", "2022-01-10", "2022-01-15", "2022-01-20"];
    let mut seen = std::collections::HashSet::new();
    for op in TemporalOp::ALL {
        let mut row = Vec::new();
        for (i, x) in days.iter().enumerate() {
            for y in &days[i..] {
                let b = temporal_operand(&format!("{x}/{y}"));
                let a = temporal_operand(a);
                row.push(bind_text(&format!("{}({a}, {b})", op.name())).constant());
                row.push(bind_text(&format!("{}({b}, {a})", op.name())).constant());
            }
        }
        assert!(
            seen.insert(row),
            "{} duplicates another function",
            op.name()
        );
    }
}

const BOX: &str = "BBOX(10, 0, 30, 40)";
const HOLED: &str = "POLYGON((0 0, 10 0, 10 10, 0 10, 0 0), (4 4, 6 4, 6 6, 4 6, 4 4))";
const TRIANGLE: &str = "POLYGON((0 0, 10 0, 0 10, 0 0))";
const TWO_SQUARES: &str = "MULTIPOLYGON(((0 0, 1 0, 1 1, 0 1, 0 0)), ((5 5, 6 5, 6 6, 5 6, 5 5)))";
const LINE: &str = "LINESTRING(0 0, 2 4, 4 0)";
const COLLECTION: &str = "GEOMETRYCOLLECTION(POINT(50 50), BBOX(0, 0, 1, 1))";
const ACROSS_180: &str = "BBOX(170, -10, -170, 10)";

/// Spatial cases: function, first argument, second argument (`geom` is the event's point),
/// the point, expected, why.
type SpatialCase = (
    &'static str,
    &'static str,
    &'static str,
    [f64; 2],
    bool,
    &'static str,
);

#[rustfmt::skip]
const SPATIAL_CASES: &[SpatialCase] = &[
    ("S_INTERSECTS", "geom", BOX, [10.0, 20.0], true, "on the west edge"),
    ("S_INTERSECTS", "geom", BOX, [30.0, 40.0], true, "on a corner"),
    ("S_INTERSECTS", "geom", BOX, [20.0, 20.0], true, "inside"),
    ("S_INTERSECTS", "geom", BOX, [9.999, 20.0], false, "just outside"),
    ("S_DISJOINT", "geom", BOX, [9.999, 20.0], true, "just outside"),
    ("S_WITHIN", "geom", BOX, [10.0, 20.0], false, "an edge is not the interior"),
    ("S_TOUCHES", "geom", BOX, [10.0, 20.0], true, "an edge is the boundary"),
    ("S_WITHIN", "geom", BOX, [20.0, 20.0], true, "inside"),
    ("S_CONTAINS", BOX, "geom", [20.0, 20.0], true, "the literal first: the converse"),
    ("S_CONTAINS", "geom", BOX, [20.0, 20.0], false, "a point contains no box"),
    ("S_WITHIN", BOX, "geom", [20.0, 20.0], false, "the literal first: a box is not within a point"),
    ("S_WITHIN", "POINT(20 20)", "geom", [20.0, 20.0], true, "the literal first: a point in itself"),
    ("S_INTERSECTS", "geom", HOLED, [2.0, 2.0], true, "inside"),
    ("S_WITHIN", "geom", HOLED, [2.0, 2.0], true, "inside"),
    ("S_INTERSECTS", "geom", HOLED, [20.0, 2.0], false, "outside"),
    ("S_DISJOINT", "geom", HOLED, [20.0, 2.0], true, "outside"),
    ("S_INTERSECTS", "geom", HOLED, [0.0, 5.0], true, "on the edge"),
    ("S_WITHIN", "geom", HOLED, [0.0, 5.0], false, "on the edge"),
    ("S_TOUCHES", "geom", HOLED, [0.0, 5.0], true, "on the edge"),
    ("S_INTERSECTS", "geom", HOLED, [10.0, 10.0], true, "on a vertex"),
    ("S_INTERSECTS", "geom", HOLED, [5.0, 5.0], false, "in the hole"),
    ("S_DISJOINT", "geom", HOLED, [5.0, 5.0], true, "in the hole"),
    ("S_INTERSECTS", "geom", HOLED, [4.0, 5.0], true, "on the hole's edge"),
    ("S_TOUCHES", "geom", HOLED, [4.0, 5.0], true, "on the hole's edge"),
    ("S_TOUCHES", "geom", HOLED, [2.0, 2.0], false, "inside is not on the boundary"),
    ("S_TOUCHES", "geom", HOLED, [20.0, 2.0], false, "outside is not on the boundary"),
    ("S_CROSSES", "geom", HOLED, [2.0, 2.0], false, "a point crosses nothing"),
    ("S_OVERLAPS", "geom", HOLED, [2.0, 2.0], false, "a point overlaps nothing"),
    ("S_EQUALS", "geom", HOLED, [2.0, 2.0], false, "a point is no polygon"),
    ("S_INTERSECTS", "geom", TRIANGLE, [5.0, 5.0], true, "on the hypotenuse"),
    ("S_INTERSECTS", "geom", TRIANGLE, [6.0, 6.0], false, "in the bounding box, not the triangle"),
    ("S_INTERSECTS", "geom", TWO_SQUARES, [5.5, 5.5], true, "in the second square"),
    ("S_INTERSECTS", "geom", TWO_SQUARES, [3.0, 3.0], false, "between the squares"),
    ("S_EQUALS", "geom", "POINT(1 2)", [1.0, 2.0], true, "the same point"),
    ("S_INTERSECTS", "POINT(1 2)", "geom", [1.0, 2.0], true, "the same point"),
    ("S_CONTAINS", "geom", "POINT(1 2)", [1.0, 2.0], true, "the same point"),
    ("S_WITHIN", "geom", "POINT(1 2)", [1.0, 2.0], true, "the same point"),
    ("S_EQUALS", "geom", "POINT(1 2.000001)", [1.0, 2.0], false, "another point"),
    ("S_DISJOINT", "geom", "POINT(2 1)", [1.0, 2.0], true, "another point"),
    ("S_EQUALS", "geom", "MULTIPOINT((1 2), (1 2))", [1.0, 2.0], true, "the point twice"),
    ("S_EQUALS", "geom", "MULTIPOINT((1 2), (3 4))", [1.0, 2.0], false, "one of two points"),
    ("S_WITHIN", "geom", "MULTIPOINT((1 2), (3 4))", [1.0, 2.0], true, "one of two points"),
    ("S_EQUALS", "geom", "geom", [1.0, 2.0], true, "itself"),
    ("S_TOUCHES", "geom", "geom", [1.0, 2.0], false, "a point has no boundary"),
    ("S_INTERSECTS", "geom", LINE, [1.0, 2.0], true, "on a segment"),
    ("S_WITHIN", "geom", LINE, [1.0, 2.0], true, "in a line's interior"),
    ("S_TOUCHES", "geom", LINE, [4.0, 0.0], true, "an end is a line's boundary"),
    ("S_INTERSECTS", "geom", LINE, [2.0, 0.0], false, "under the line"),
    ("S_INTERSECTS", "geom", COLLECTION, [50.0, 50.0], true, "the collection's point"),
    ("S_INTERSECTS", "geom", COLLECTION, [0.5, 0.5], true, "in the collection's box"),
    ("S_INTERSECTS", "geom", COLLECTION, [5.0, 5.0], false, "in neither"),
    ("S_INTERSECTS", "geom", ACROSS_180, [175.0, 0.0], true, "east of the antimeridian"),
    ("S_INTERSECTS", "geom", ACROSS_180, [-175.0, 0.0], true, "west of it"),
    ("S_INTERSECTS", "geom", ACROSS_180, [180.0, 0.0], true, "on it"),
    ("S_INTERSECTS", "geom", ACROSS_180, [0.0, 0.0], false, "half the world away"),
    ("S_INTERSECTS", "geom", ACROSS_180, [169.0, 0.0], false, "west of the west edge"),
    ("S_INTERSECTS", "geom", ACROSS_180, [-169.0, 0.0], false, "east of the east edge"),
];

#[test]
fn points_against_every_kind_of_geometry() {
    for (op, a, b, point, expected, why) in SPATIAL_CASES {
        let f = format!("{op}({a}, {b})");
        let event = Event {
            point: Some(*point),
            ..kabul()
        };
        assert_eq!(matches(&f, &event), *expected, "{f} at {point:?}: {why}");
    }
}

#[test]
fn axes_swap_for_epsg_4326_order() {
    // The client wrote latitude first: Kabul is at lon 69.2, lat 34.5.
    let mut e =
        parse_text("S_INTERSECTS(geom, POINT(34.5 69.2)) OR S_WITHIN(geom, BBOX(30, 60, 40, 70))")
            .unwrap();
    let unswapped = e.bind(&schema).unwrap();
    assert!(!unswapped.matches(&kabul()));
    e.swap_axes();
    assert_eq!(
        e.to_string(),
        "S_INTERSECTS(geom, POINT(69.2 34.5)) OR S_WITHIN(geom, BBOX(60, 30, 70, 40))"
    );
    let swapped = e.bind(&schema).unwrap();
    assert!(swapped.matches(&kabul()));
    let Expr::Or(parts) = &e else { panic!("{e:?}") };
    let within = Expr::Or(vec![parts[1].clone()]).bind(&schema).unwrap();
    assert!(
        within.matches(&kabul()),
        "the box alone holds Kabul once swapped"
    );

    let mut g = Geometry::Polygon(vec![vec![[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [1.0, 2.0]]]);
    g.swap_axes();
    assert_eq!(
        g,
        Geometry::Polygon(vec![vec![[2.0, 1.0], [4.0, 3.0], [6.0, 5.0], [2.0, 1.0]]])
    );
}

#[test]
fn json_filters_evaluate_like_text_ones() {
    let j = r#"{"op":"and","args":[
        {"op":">=","args":[{"property":"fatalities"},3]},
        {"op":"s_intersects","args":[{"property":"geom"},{"bbox":[60,30,70,40]}]},
        {"op":"t_during","args":[{"property":"event_date"},{"interval":["2022-01-01","2022-01-31"]}]},
        {"op":"not","args":[{"op":"isNull","args":[{"property":"actor"}]}]}]}"#;
    let f = parse_json(j).unwrap().bind(&schema).unwrap();
    assert!(f.matches(&kabul()));
    assert!(!f.matches(&Event {
        fatalities: Some(2),
        ..kabul()
    }));
    assert!(!f.matches(&Event {
        actor: None,
        ..kabul()
    }));
    assert!(!f.matches(&Event {
        date: Some(date(2022, 2, 1)),
        ..kabul()
    }));
}

/// `matches` reads and compares: it allocates nothing, whatever the filter.
#[test]
fn matching_does_not_allocate() {
    let f = bind_text(
        "(name LIKE '%att_ck' OR actor IN ('ISIS', 'Taliban')) AND NOT (fatalities BETWEEN 10 AND 20) \
         AND S_INTERSECTS(geom, POLYGON((60 30, 70 30, 70 40, 60 40, 60 30), (61 31, 62 31, 62 32, 61 31))) \
         AND T_DURING(event_date, INTERVAL('2022-01-01', '..')) AND event_date > '2021-12-31' \
         AND score IS NOT NULL AND S_DISJOINT(geom, BBOX(170, -10, -170, 10))",
    );
    let events = [
        kabul(),
        Event::default(),
        Event {
            liar: true,
            ..kabul()
        },
    ];
    let mut hits = 0;
    let allocations = super::alloc_count::count(|| {
        for _ in 0..100 {
            for e in &events {
                hits += usize::from(f.matches(e));
            }
        }
    });
    assert_eq!(hits, 200);
    assert_eq!(allocations, 0);
}
