//! Parsing: the spec's forms in cql2-text and cql2-json, and errors with their positions.

use jiff::civil::date;

use super::*;

fn text(s: &str) -> Expr {
    match parse_text(s) {
        Ok(e) => e,
        Err(e) => panic!("{s}: {e}"),
    }
}

fn cmp(op: CompareOp, left: Scalar, right: Scalar) -> Expr {
    Expr::Compare { op, left, right }
}

fn num(n: f64) -> Scalar {
    Scalar::Number(n)
}

fn s(v: &str) -> Scalar {
    Scalar::Str(v.into())
}

#[test]
fn comparisons_and_literals() {
    assert_eq!(
        text("fatalities > 5"),
        cmp(CompareOp::Gt, prop("fatalities"), num(5.0))
    );
    assert_eq!(text("name<>'x'"), cmp(CompareOp::Ne, prop("name"), s("x")));
    assert_eq!(
        text("a <= -1.5e3"),
        cmp(CompareOp::Le, prop("a"), num(-1500.0))
    );
    assert_eq!(text("a >= .5"), cmp(CompareOp::Ge, prop("a"), num(0.5)));
    assert_eq!(text("a < +2"), cmp(CompareOp::Lt, prop("a"), num(2.0)));
    assert_eq!(text("a = 1."), cmp(CompareOp::Eq, prop("a"), num(1.0)));
    assert_eq!(text("a = 2E-2"), cmp(CompareOp::Eq, prop("a"), num(0.02)));
    assert_eq!(
        text("name = 'O''Brien'"),
        cmp(CompareOp::Eq, prop("name"), s("O'Brien"))
    );
    assert_eq!(text("name = ''"), cmp(CompareOp::Eq, prop("name"), s("")));
    assert_eq!(text("'a' = name"), cmp(CompareOp::Eq, s("a"), prop("name")));
    assert_eq!(
        text("verified = true"),
        cmp(CompareOp::Eq, prop("verified"), Scalar::Bool(true))
    );
    assert_eq!(
        text("FALSE <> verified"),
        cmp(CompareOp::Ne, Scalar::Bool(false), prop("verified"))
    );
    assert_eq!(text("TRUE"), Expr::Bool(true));
    assert_eq!(text(" false "), Expr::Bool(false));
    // A backslash is an ordinary character of a string (it is LIKE's escape, not the string's).
    assert_eq!(
        text(r"name = 'a\b'"),
        cmp(CompareOp::Eq, prop("name"), s(r"a\b"))
    );
}

#[test]
fn identifiers_bare_and_quoted() {
    assert_eq!(
        text("\"event date\" = 1"),
        cmp(CompareOp::Eq, prop("event date"), num(1.0))
    );
    assert_eq!(
        text("\"a\"\"b\" = 1"),
        cmp(CompareOp::Eq, prop("a\"b"), num(1.0))
    );
    // A keyword can be a property when quoted; keywords are case-insensitive, names are not.
    assert_eq!(
        text("\"AND\" = 1"),
        cmp(CompareOp::Eq, prop("AND"), num(1.0))
    );
    assert_eq!(
        text("ns:Name.x_1 = 1"),
        cmp(CompareOp::Eq, prop("ns:Name.x_1"), num(1.0))
    );
    assert_eq!(
        text("données = 'é'"),
        cmp(CompareOp::Eq, prop("données"), s("é"))
    );
    // DATE, POINT … are functions only before '(': bare, they are property names.
    assert_eq!(text("date = 1"), cmp(CompareOp::Eq, prop("date"), num(1.0)));
}

#[test]
fn like_in_between_null() {
    let like = |negated| Expr::Like {
        value: prop("name"),
        pattern: "Ka%".into(),
        negated,
    };
    assert_eq!(text("name LIKE 'Ka%'"), like(false));
    assert_eq!(text("name not like 'Ka%'"), like(true));
    let list = vec![s("a"), s("b")];
    let inl = |negated| Expr::In {
        value: prop("actor"),
        list: list.clone(),
        negated,
    };
    assert_eq!(text("actor IN ('a', 'b')"), inl(false));
    assert_eq!(text("actor NOT IN ('a','b')"), inl(true));
    let between = |negated| Expr::Between {
        value: prop("f"),
        low: num(1.0),
        high: num(10.0),
        negated,
    };
    assert_eq!(text("f BETWEEN 1 AND 10"), between(false));
    assert_eq!(text("f NOT BETWEEN 1 AND 10"), between(true));
    assert_eq!(
        text("score IS NULL"),
        Expr::IsNull {
            value: prop("score"),
            negated: false
        }
    );
    assert_eq!(
        text("score is not null"),
        Expr::IsNull {
            value: prop("score"),
            negated: true
        }
    );
}

#[test]
fn precedence_and_parentheses() {
    let (a, b, c) = (
        cmp(CompareOp::Eq, prop("a"), num(1.0)),
        cmp(CompareOp::Eq, prop("b"), num(2.0)),
        cmp(CompareOp::Eq, prop("c"), num(3.0)),
    );
    let and = |v: Vec<Expr>| Expr::And(v);
    let or = |v: Vec<Expr>| Expr::Or(v);
    let not = |e: Expr| Expr::Not(Box::new(e));
    assert_eq!(
        text("a = 1 OR b = 2 AND c = 3"),
        or(vec![a.clone(), and(vec![b.clone(), c.clone()])])
    );
    assert_eq!(
        text("a = 1 AND b = 2 OR c = 3"),
        or(vec![and(vec![a.clone(), b.clone()]), c.clone()])
    );
    assert_eq!(
        text("(a = 1 OR b = 2) AND c = 3"),
        and(vec![or(vec![a.clone(), b.clone()]), c.clone()])
    );
    assert_eq!(
        text("NOT a = 1 AND b = 2"),
        and(vec![not(a.clone()), b.clone()])
    );
    assert_eq!(
        text("NOT (a = 1 AND b = 2)"),
        not(and(vec![a.clone(), b.clone()]))
    );
    assert_eq!(text("((((a = 1))))"), a.clone());
    assert_eq!(
        text("a = 1 and b = 2 and c = 3"),
        and(vec![a.clone(), b.clone(), c.clone()])
    );
    // BETWEEN takes its own AND before the boolean one.
    let between = Expr::Between {
        value: prop("x"),
        low: num(1.0),
        high: num(2.0),
        negated: false,
    };
    assert_eq!(
        text("x BETWEEN 1 AND 2 AND a = 1"),
        and(vec![between, a.clone()])
    );
    assert_eq!(text("NOT NOT a = 1"), not(not(a)));
}

#[test]
fn temporal_literals() {
    let d = |y, m, dd| Instant::Date(date(y, m, dd));
    let ts = |v: &str| Instant::Timestamp(v.parse().unwrap());
    assert_eq!(
        text("event_date > DATE('2022-01-05')"),
        cmp(
            CompareOp::Gt,
            prop("event_date"),
            Scalar::Date(date(2022, 1, 5))
        )
    );
    assert_eq!(
        text("event_date < timestamp('2022-01-05T10:00:00Z')"),
        cmp(
            CompareOp::Lt,
            prop("event_date"),
            Scalar::Timestamp("2022-01-05T10:00:00Z".parse().unwrap())
        )
    );
    let t = |op, right| Expr::Temporal {
        op,
        left: Temporal::Property("event_date".into()),
        right,
    };
    assert_eq!(
        text("T_DURING(event_date, INTERVAL('2022-01-05','..'))"),
        t(
            TemporalOp::During,
            Temporal::Interval(Some(d(2022, 1, 5)), None)
        )
    );
    assert_eq!(
        text("t_metby(event_date, INTERVAL('..', '2022-01-05T10:00:00.5Z'))"),
        t(
            TemporalOp::MetBy,
            Temporal::Interval(None, Some(ts("2022-01-05T10:00:00.5Z")))
        )
    );
    assert_eq!(
        text("T_AFTER(event_date, DATE('2022-01-05'))"),
        t(TemporalOp::After, Temporal::Instant(d(2022, 1, 5)))
    );
    for op in TemporalOp::ALL {
        let e = text(&format!(
            "{}(event_date, INTERVAL('..','..'))",
            op.name().to_lowercase()
        ));
        assert_eq!(e, t(op, Temporal::Interval(None, None)));
    }
}

#[test]
fn geometries() {
    let geom = |s: &str| match text(&format!("S_INTERSECTS(geom, {s})")) {
        Expr::Spatial {
            op: SpatialOp::Intersects,
            left: Spatial::Property(p),
            right: Spatial::Geometry(g),
        } if p == "geom" => g,
        other => panic!("{s}: {other:?}"),
    };
    assert_eq!(geom("POINT(1 2)"), Geometry::Point([1.0, 2.0]));
    assert_eq!(geom("point z (1 -2 3)"), Geometry::Point([1.0, -2.0]));
    assert_eq!(geom("POINT(1 2 3)"), Geometry::Point([1.0, 2.0]));
    assert_eq!(
        geom("LINESTRING(0 0, 1 1, -2.5 3)"),
        Geometry::LineString(vec![[0.0, 0.0], [1.0, 1.0], [-2.5, 3.0]])
    );
    let square = vec![
        [0.0, 0.0],
        [10.0, 0.0],
        [10.0, 10.0],
        [0.0, 10.0],
        [0.0, 0.0],
    ];
    let hole = vec![[4.0, 4.0], [6.0, 4.0], [6.0, 6.0], [4.0, 4.0]];
    assert_eq!(
        geom("POLYGON((0 0, 10 0, 10 10, 0 10, 0 0), (4 4, 6 4, 6 6, 4 4))"),
        Geometry::Polygon(vec![square.clone(), hole.clone()])
    );
    let mp = Geometry::MultiPoint(vec![[1.0, 2.0], [3.0, 4.0]]);
    assert_eq!(geom("MULTIPOINT((1 2), (3 4))"), mp);
    assert_eq!(geom("MULTIPOINT(1 2, 3 4)"), mp);
    assert_eq!(
        geom("MULTILINESTRING((0 0, 1 1), (2 2, 3 3))"),
        Geometry::MultiLineString(vec![
            vec![[0.0, 0.0], [1.0, 1.0]],
            vec![[2.0, 2.0], [3.0, 3.0]]
        ])
    );
    assert_eq!(
        geom("MULTIPOLYGON(((0 0, 10 0, 10 10, 0 10, 0 0)), ((4 4, 6 4, 6 6, 4 4)))"),
        Geometry::MultiPolygon(vec![vec![square], vec![hole]])
    );
    assert_eq!(
        geom("GEOMETRYCOLLECTION(POINT(1 2), LINESTRING(0 0, 1 1))"),
        Geometry::GeometryCollection(vec![
            Geometry::Point([1.0, 2.0]),
            Geometry::LineString(vec![[0.0, 0.0], [1.0, 1.0]])
        ])
    );
    assert_eq!(
        geom("BBOX(-10, -20, 30, 40)"),
        Geometry::BBox([-10.0, -20.0, 30.0, 40.0])
    );
    assert_eq!(
        geom("BBOX(-10, -20, 0, 30, 40, 100)"),
        Geometry::BBox([-10.0, -20.0, 30.0, 40.0])
    );
    // ENVELOPE is west, east, north, south.
    assert_eq!(
        geom("ENVELOPE(-10, 30, 40, -20)"),
        Geometry::BBox([-10.0, -20.0, 30.0, 40.0])
    );
    // A literal may come first, and a property may be compared with a property.
    assert_eq!(
        text("S_WITHIN(POINT(1 2), \"other geom\")"),
        Expr::Spatial {
            op: SpatialOp::Within,
            left: Spatial::Geometry(Geometry::Point([1.0, 2.0])),
            right: Spatial::Property("other geom".into())
        }
    );
}

/// The same filters in both encodings.
#[rustfmt::skip]
const TEXT_AND_JSON: &[(&str, &str)] = &[
    ("fatalities > 5", r#"{"op":">","args":[{"property":"fatalities"},5]}"#),
    ("name = 'O''Brien'", r#"{"op":"=","args":[{"property":"name"},"O'Brien"]}"#),
    ("verified <> FALSE", r#"{"op":"<>","args":[{"property":"verified"},false]}"#),
    ("name LIKE 'Ka%'", r#"{"op":"like","args":[{"property":"name"},"Ka%"]}"#),
    ("NOT (name LIKE 'Ka%')", r#"{"op":"not","args":[{"op":"like","args":[{"property":"name"},"Ka%"]}]}"#),
    ("actor IN ('a', 'b')", r#"{"op":"in","args":[{"property":"actor"},["a","b"]]}"#),
    ("f BETWEEN -1 AND 2.5", r#"{"op":"between","args":[{"property":"f"},-1,2.5]}"#),
    ("score IS NULL", r#"{"op":"isNull","args":[{"property":"score"}]}"#),
    ("a = 1 OR b = 2 AND c = 3", r#"{"op":"or","args":[{"op":"=","args":[{"property":"a"},1]},
        {"op":"and","args":[{"op":"=","args":[{"property":"b"},2]},{"op":"=","args":[{"property":"c"},3]}]}]}"#),
    ("TRUE", "true"),
    ("event_date >= DATE('2022-01-05')", r#"{"op":">=","args":[{"property":"event_date"},{"date":"2022-01-05"}]}"#),
    ("event_date < TIMESTAMP('2022-01-05T10:00:00Z')",
        r#"{"op":"<","args":[{"property":"event_date"},{"timestamp":"2022-01-05T10:00:00Z"}]}"#),
    ("T_DURING(event_date, INTERVAL('2022-01-05', '..'))",
        r#"{"op":"t_during","args":[{"property":"event_date"},{"interval":["2022-01-05",".."]}]}"#),
    ("T_FINISHEDBY(INTERVAL('2022-01-01','2022-01-05T10:00:00Z'), event_date)",
        r#"{"op":"t_finishedBy","args":[{"interval":["2022-01-01","2022-01-05T10:00:00Z"]},{"property":"event_date"}]}"#),
    ("S_INTERSECTS(geom, POINT(1 2))",
        r#"{"op":"s_intersects","args":[{"property":"geom"},{"type":"Point","coordinates":[1,2]}]}"#),
    ("S_WITHIN(geom, POLYGON((0 0, 1 0, 1 1, 0 0)))",
        r#"{"op":"s_within","args":[{"property":"geom"},{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}]}"#),
    ("S_DISJOINT(geom, MULTIPOLYGON(((0 0, 1 0, 1 1, 0 0))))",
        r#"{"op":"s_disjoint","args":[{"property":"geom"},{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]]]}]}"#),
    ("S_INTERSECTS(geom, LINESTRING(0 0 5, 1 1 5))",
        r#"{"op":"s_intersects","args":[{"property":"geom"},{"type":"LineString","coordinates":[[0,0,5],[1,1,5]]}]}"#),
    ("S_INTERSECTS(geom, MULTIPOINT((0 0), (1 1)))",
        r#"{"op":"s_intersects","args":[{"property":"geom"},{"type":"MultiPoint","coordinates":[[0,0],[1,1]]}]}"#),
    ("S_INTERSECTS(geom, MULTILINESTRING((0 0, 1 1)))",
        r#"{"op":"s_intersects","args":[{"property":"geom"},{"type":"MultiLineString","coordinates":[[[0,0],[1,1]]]}]}"#),
    ("S_INTERSECTS(geom, GEOMETRYCOLLECTION(POINT(0 0), POLYGON((0 0, 1 0, 1 1, 0 1, 0 0))))",
        r#"{"op":"s_intersects","args":[{"property":"geom"},{"type":"GeometryCollection","geometries":[
            {"type":"Point","coordinates":[0,0]},{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}]}]}"#),
    ("S_INTERSECTS(geom, BBOX(-10, -20, 30, 40))",
        r#"{"op":"s_intersects","args":[{"property":"geom"},{"bbox":[-10,-20,30,40]}]}"#),
    ("S_INTERSECTS(geom, BBOX(-10, -20, 0, 30, 40, 9))",
        r#"{"op":"s_intersects","args":[{"property":"geom"},{"bbox":[-10,-20,0,30,40,9]}]}"#),
];

#[test]
fn text_and_json_agree() {
    for (t, j) in TEXT_AND_JSON {
        match parse_json(j) {
            Ok(from_json) => assert_eq!(text(t), from_json, "{t}  vs  {j}"),
            Err(e) => panic!("{j}: {e}"),
        }
    }
}

/// Bad cql2-text, where the error is (in characters) and what its message says.
#[rustfmt::skip]
const TEXT_ERRORS: &[(&str, usize, &str)] = &[
    ("(a = 1", 6, "expected ')' closing the '(' at character 0, found the end of the filter"),
    ("(a = 1 AND (b = 2)", 18, "expected ')' closing the '(' at character 0"),
    ("a = ", 4, "expected a value, found the end of the filter"),
    ("a = 1 AND", 9, "expected a value, found the end of the filter"),
    ("a = )", 4, "expected a value, found ')'"),
    ("a = 1)", 5, "expected AND, OR or the end of the filter, found ')'"),
    ("a = 1 garbage", 6, "expected AND, OR or the end of the filter, found 'garbage'"),
    ("foo(1) = 2", 0, "unknown function FOO"),
    ("a = bar(1)", 4, "unknown function BAR"),
    ("d = DATE('2022-13-01')", 9, "'2022-13-01' is not a date"),
    ("d = DATE('2022-1-5')", 9, "'2022-1-5' is not a date"),
    ("d = TIMESTAMP('2022-01-05 nope')", 14, "is not a timestamp"),
    ("name = 'abc", 7, "unterminated string"),
    ("\"abc = 1", 0, "unterminated quoted property name"),
    ("CASEI(name) = 'x'", 0, "CASEI is not supported"),
    ("name LIKE ACCENTI('x')", 10, "ACCENTI is not supported"),
    ("name LIKE name", 10, "expected a pattern string after LIKE"),
    ("a * 2 = 3", 2, "arithmetic ('*') is not supported"),
    ("a = 1 - b", 6, "expected AND, OR or the end of the filter, found '-'"),
    ("a = -b", 4, "arithmetic is not supported: a sign must be followed by a number"),
    ("a != 1", 2, "write <> for 'not equal'"),
    ("a 1", 2, "expected a comparison operator, LIKE, IN, BETWEEN or IS NULL after property a, found number 1"),
    ("a NOT = 1", 6, "expected LIKE, IN or BETWEEN after NOT"),
    ("a IS NOT 1", 9, "expected NULL"),
    ("a = NULL", 4, "NULL is not a value"),
    ("a IN ()", 6, "expected a value, found ')'"),
    ("a IN (1, 2", 10, "',' or ')' closing the IN list"),
    ("a BETWEEN 1 OR 2", 12, "expected AND, found 'OR'"),
    ("a = 1e", 4, "malformed number"),
    ("a = 1.2.3", 4, "malformed number"),
    ("a = 1e999", 4, "out of range"),
    ("S_INTERSECTS(geom, POINT(1))", 26, "found ')'"),
    ("S_INTERSECTS(geom, POINT(1 2 3 4))", 31, "M coordinates are not supported"),
    ("S_INTERSECTS(geom, POINT M (1 2 3))", 25, "M coordinates are not supported"),
    ("S_INTERSECTS(geom, POINT EMPTY)", 25, "EMPTY geometries are not supported"),
    ("S_INTERSECTS(geom, POLYGON((0 0, 1 0, 0 0)))", 19, "a polygon ring needs 4 positions or more"),
    ("S_INTERSECTS(geom, POLYGON((0 0, 1 0, 1 1, 0 1)))", 19, "must end at the position it starts from"),
    ("S_INTERSECTS(geom, LINESTRING(0 0))", 19, "a line string needs 2 positions or more"),
    ("S_INTERSECTS(geom, BBOX(0, 0, 1))", 19, "a BBOX has 4 or 6 numbers, not 3"),
    ("S_INTERSECTS(geom, BBOX(0, 10, 1, 5))", 19, "BBOX south 10 is above its north 5"),
    ("S_INTERSECTS(geom, ENVELOPE(0, 1, 2))", 19, "an ENVELOPE has 4 numbers (west, east, north, south), not 3"),
    ("S_INTERSECTS(geom POINT(1 2))", 18, "expected ',' between the arguments of S_INTERSECTS"),
    ("S_INTERSECTS(geom, CIRCLE(1 2))", 19, "unknown function CIRCLE"),
    ("POINT(1 2) = geom", 0, "POINT is allowed only as an argument of a spatial function"),
    ("T_AFTER(event_date, '2022-01-01')", 20, "expected a date property, DATE(…), TIMESTAMP(…) or INTERVAL(…)"),
    ("T_AFTER(event_date, INTERVAL(a, b))", 29, "properties are not supported"),
    ("T_AFTER(event_date, INTERVAL('2022-01-01'))", 41, "',' between the ends of the INTERVAL"),
    ("d = INTERVAL('..', '..')", 4, "INTERVAL is allowed only as an argument of a temporal function"),
    ("A_CONTAINS(tags, 'x')", 0, "array functions (A_CONTAINS) are not supported"),
    ("a IN [1]", 5, "arrays are not supported"),
    ("a = 1 AND ;", 10, "unexpected character ';'"),
    ("\"\" = 1", 0, "a quoted property name cannot be empty"),
    ("", 0, "expected a value, found the end of the filter"),
    // Positions count characters, not bytes: 'é' and 'ü' are two bytes each.
    ("\"é\" = 'ü' )", 10, "expected AND, OR or the end of the filter, found ')'"),
];

#[test]
fn text_errors_say_where() {
    for (input, at, message) in TEXT_ERRORS {
        let e = match parse_text(input) {
            Ok(e) => panic!("{input}: parsed as {e:?}"),
            Err(e) => e,
        };
        assert_eq!(e.position, Position::Char(*at), "{input}: {e}");
        assert!(
            e.message.contains(message),
            "{input}: {:?} lacks {message:?}",
            e.message
        );
    }
    let e = parse_text("a = )").unwrap_err();
    assert_eq!(e.to_string(), "expected a value, found ')' at character 4");
}

/// Bad cql2-json, where the error is (a JSON pointer, or line:column for bad JSON) and what
/// its message says.
#[rustfmt::skip]
const JSON_ERRORS: &[(&str, &str, &str)] = &[
    (r#"{"op":"=","args":[{"property":"a"}]}"#, "/args", "\"=\" takes 2 argument(s), not 1"),
    (r#"{"op":"and","args":[{"op":"=","args":[{"property":"a"},1]},{"op":"foo","args":[]}]}"#,
        "/args/1/op", "unknown operator \"foo\""),
    (r#"{"op":"=","args":[{"property":"a"},null]}"#, "/args/1", "null is not a CQL2 value"),
    (r#"{"op":"and","args":[true]}"#, "/args", "takes 2 arguments or more"),
    (r#"{"op":"not","args":[{"property":"a"}]}"#, "/args/0", "a property alone is not a filter"),
    (r#"{"op":5,"args":[]}"#, "/op", "\"op\" must be a string"),
    (r#"{"op":"=","args":{}}"#, "/args", "\"args\" must be an array"),
    (r#"{"op":"="}"#, "", "needs \"args\""),
    (r#""a = 1""#, "", "expected a filter"),
    (r#"{"op":"like","args":[{"property":"n"},{"op":"casei","args":["x"]}]}"#, "/args/1", "CASEI is not supported"),
    (r#"{"op":"=","args":[{"op":"casei","args":[{"property":"n"}]},"x"]}"#, "/args/0", "CASEI is not supported"),
    (r#"{"op":"+","args":[1,2]}"#, "/op", "arithmetic (\"+\") is not supported"),
    (r#"{"op":"a_overlaps","args":[]}"#, "/op", "array functions (A_OVERLAPS)"),
    (r#"{"op":"in","args":[{"property":"a"},"x"]}"#, "/args/1", "must be an array"),
    (r#"{"op":"in","args":[{"property":"a"},["x",[1]]]}"#, "/args/1/1", "an array is not a value"),
    (r#"{"op":"=","args":[{"property":""},1]}"#, "/args/0/property", "cannot be empty"),
    (r#"{"op":"s_intersects","args":[{"property":"geom"},{"type":"Polygon","coordinates":[[[0,0],[1,0],[0,0]]]}]}"#,
        "/args/1", "a polygon ring needs 4 positions or more"),
    (r#"{"op":"s_intersects","args":[{"property":"geom"},{"type":"Point","coordinates":[1,"x"]}]}"#,
        "/args/1/coordinates/1", "expected a number"),
    (r#"{"op":"s_intersects","args":[{"property":"geom"},{"type":"Circle","coordinates":[1,2]}]}"#,
        "/args/1/type", "not a GeoJSON geometry type"),
    (r#"{"op":"s_intersects","args":[{"property":"geom"},{"bbox":[1,2,3]}]}"#, "/args/1/bbox", "4 or 6 numbers"),
    (r#"{"op":"t_after","args":[{"property":"d"},{"date":"2022-02-30"}]}"#, "/args/1/date", "is not a date"),
    (r#"{"op":"t_after","args":[{"property":"d"},{"interval":["2022-01-01"]}]}"#, "/args/1/interval", "2 ends"),
    (r#"{"op":"t_after","args":[{"property":"d"},{"interval":[{"property":"s"},".."]}]}"#,
        "/args/1/interval/0", "properties are not supported"),
    (r#"{"op":"t_after","args":[{"property":"d"},"2022-01-01"]}"#, "/args/1", "expected a date property"),
    (r#"{"op":"=","args":[{"property":"a"},{"interval":[]}]}"#, "/args/1", "only as an argument of a temporal"),
    (r#"{"op":"=","args":[{"property":"a"},{"bbox":[0,0,1,1]}]}"#, "/args/1", "only as an argument of a spatial"),
    (r#"{"op": "=","#, "1:11", "not JSON: EOF while parsing"),
    ("{\n  \"op\": = }", "2:9", "not JSON: expected value"),
];

#[test]
fn json_errors_say_where() {
    for (input, at, message) in JSON_ERRORS {
        let at = match at.split_once(':') {
            Some((l, c)) => Position::LineColumn {
                line: l.parse().unwrap(),
                column: c.parse().unwrap(),
            },
            None => Position::Pointer(at.to_string()),
        };
        let e = match parse_json(input) {
            Ok(e) => panic!("{input}: parsed as {e:?}"),
            Err(e) => e,
        };
        assert_eq!(e.position, at, "{input}: {e}");
        assert!(
            e.message.contains(message),
            "{input}: {:?} lacks {message:?}",
            e.message
        );
    }
    let e = parse_json(r#"{"op":"=","args":[{"property":"a"},null]}"#).unwrap_err();
    assert_eq!(
        e.to_string(),
        "null is not a CQL2 value: test for it with \"isNull\" at /args/1"
    );
}

#[test]
fn limits_refuse_huge_and_deep_filters() {
    let long = format!("name = '{}'", "x".repeat(MAX_INPUT_BYTES));
    assert!(
        parse_text(&long)
            .unwrap_err()
            .message
            .contains("the limit is 65536")
    );
    assert!(
        parse_json(&long)
            .unwrap_err()
            .message
            .contains("the limit is 65536")
    );

    let nested = |n: usize| format!("{}a = 1{}", "(".repeat(n), ")".repeat(n));
    assert!(parse_text(&nested(MAX_DEPTH)).is_ok());
    let e = parse_text(&nested(MAX_DEPTH + 1)).unwrap_err();
    assert_eq!(e.position, Position::Char(MAX_DEPTH));
    assert!(e.message.contains("nests deeper than 64"), "{e}");
    // Far deeper than any stack would survive unguarded, and still an error, not an overflow.
    assert!(parse_text(&"(".repeat(60_000)).is_err());
    assert!(parse_text(&"NOT ".repeat(16_000)).is_err());
    assert!(parse_text(&format!("{}a = 1", "NOT ".repeat(MAX_DEPTH))).is_ok());

    let json_not = |n: usize| {
        format!(
            "{}{{\"op\":\"=\",\"args\":[{{\"property\":\"a\"}},1]}}{}",
            "{\"op\":\"not\",\"args\":[".repeat(n),
            "]}".repeat(n)
        )
    };
    assert!(parse_json(&json_not(60)).is_ok());
    // Past 62 NOTs serde_json's own limit (128 JSON levels) refuses the document first.
    let e = parse_json(&json_not(MAX_DEPTH + 1)).unwrap_err();
    assert!(e.message.contains("recursion limit exceeded"), "{e}");
    assert!(parse_json(&"[".repeat(60_000)).is_err());
    let collection = |n: usize| {
        format!(
            "S_INTERSECTS(geom, {}POINT(0 0){})",
            "GEOMETRYCOLLECTION(".repeat(n),
            ")".repeat(n)
        )
    };
    assert!(parse_text(&collection(10)).is_ok());
    assert!(
        parse_text(&collection(MAX_DEPTH + 1))
            .unwrap_err()
            .message
            .contains("nests deeper")
    );
}

#[test]
fn display_writes_cql2_text() {
    let cases = [
        ("a = 1 OR b = 2 AND c = 3", "a = 1 OR b = 2 AND c = 3"),
        ("(a = 1 OR b = 2) AND c = 3", "(a = 1 OR b = 2) AND c = 3"),
        ("not (a = 1 and b = 2)", "NOT (a = 1 AND b = 2)"),
        ("not a = 1", "NOT a = 1"),
        ("\"and\" = 'it''s'", "\"and\" = 'it''s'"),
        ("name not like 'K\\%'", "name NOT LIKE 'K\\%'"),
        ("x not in (1, -2.5)", "x NOT IN (1, -2.5)"),
        ("x between 1e3 and 2", "x BETWEEN 1000 AND 2"),
        ("x is not null", "x IS NOT NULL"),
        ("d = date('2022-01-05')", "d = DATE('2022-01-05')"),
        (
            "t_during(d, interval('2022-01-05', '..'))",
            "T_DURING(d, INTERVAL('2022-01-05', '..'))",
        ),
        (
            "s_within(geom, envelope(0, 2, 3, 1))",
            "S_WITHIN(geom, BBOX(0, 1, 2, 3))",
        ),
        (
            "s_within(geom, multipoint(1 2, 3 4))",
            "S_WITHIN(geom, MULTIPOINT((1 2), (3 4)))",
        ),
    ];
    for (input, written) in cases {
        let e = text(input);
        assert_eq!(e.to_string(), written);
        assert_eq!(text(written), e, "{written}");
    }
}
