//! cql2-json: serde_json reads the document (its own recursion limit, 128, keeps a deep document
//! from overflowing the stack), then a walk turns it into an [`Expr`], errors naming the member by
//! its JSON pointer.

use serde_json::{Map, Value as Json};

use super::{
    CompareOp, Coord, Cql2Error, Expr, Geometry, Instant, MAX_DEPTH, MAX_INPUT_BYTES, Position,
    Scalar, Spatial, SpatialOp, Temporal, TemporalOp, parse_date, parse_instant, parse_timestamp,
};

type Result<T> = std::result::Result<T, Cql2Error>;

fn err<T>(message: impl Into<String>, path: &str) -> Result<T> {
    Err(Cql2Error::new(message, Position::Pointer(path.to_string())))
}

/// Parses a cql2-json filter.
pub fn parse_json(s: &str) -> Result<Expr> {
    if s.len() > MAX_INPUT_BYTES {
        return Err(Cql2Error::whole(format!(
            "the filter is {} bytes long; the limit is {MAX_INPUT_BYTES}",
            s.len()
        )));
    }
    let doc: Json = serde_json::from_str(s).map_err(|e| {
        let (line, column) = (e.line(), e.column());
        // serde_json's message ends with its own " at line L column C": keep one copy of it.
        let full = e.to_string();
        let suffix = format!(" at line {line} column {column}");
        let message = full.strip_suffix(&suffix).unwrap_or(&full);
        Cql2Error::new(
            format!("not JSON: {message}"),
            Position::LineColumn { line, column },
        )
    })?;
    expr(&doc, "", 0)
}

fn deeper(depth: usize, path: &str) -> Result<usize> {
    if depth >= MAX_DEPTH {
        return err(
            format!("the filter nests deeper than {MAX_DEPTH} levels"),
            path,
        );
    }
    Ok(depth + 1)
}

fn kind(v: &Json) -> &'static str {
    match v {
        Json::Null => "null",
        Json::Bool(_) => "a boolean",
        Json::Number(_) => "a number",
        Json::String(_) => "a string",
        Json::Array(_) => "an array",
        Json::Object(_) => "an object",
    }
}

/// A boolean expression: `true`, `false` or `{"op": …, "args": […]}`. `depth` counts the
/// `and`, `or` and `not` above it, as the text parser counts `NOT`s and parentheses.
fn expr(v: &Json, path: &str, depth: usize) -> Result<Expr> {
    match v {
        Json::Bool(b) => Ok(Expr::Bool(*b)),
        Json::Object(obj) if obj.contains_key("op") => operation(obj, path, depth),
        Json::Object(obj) if obj.contains_key("property") => err(
            "a property alone is not a filter: compare it, e.g. {\"op\": \"=\", \"args\": [{\"property\": …}, …]}",
            path,
        ),
        other => err(
            format!(
                "expected a filter (an object with \"op\" and \"args\", or true/false), found {}",
                kind(other)
            ),
            path,
        ),
    }
}

/// The `op` name (lower-cased) and the `args` array of an operation object.
fn op_and_args<'a>(obj: &'a Map<String, Json>, path: &str) -> Result<(String, &'a [Json])> {
    let Some(Json::String(op)) = obj.get("op") else {
        return err("\"op\" must be a string", &format!("{path}/op"));
    };
    match obj.get("args") {
        Some(Json::Array(args)) => Ok((op.to_lowercase(), args)),
        Some(other) => err(
            format!("\"args\" must be an array, not {}", kind(other)),
            &format!("{path}/args"),
        ),
        None => err(format!("operator \"{op}\" needs \"args\""), path),
    }
}

fn arity(op: &str, args: &[Json], want: usize, path: &str) -> Result<()> {
    if args.len() != want {
        return err(
            format!("\"{op}\" takes {want} argument(s), not {}", args.len()),
            &format!("{path}/args"),
        );
    }
    Ok(())
}

fn arg_path(path: &str, i: usize) -> String {
    format!("{path}/args/{i}")
}

fn operation(obj: &Map<String, Json>, path: &str, depth: usize) -> Result<Expr> {
    let (op, args) = op_and_args(obj, path)?;
    let at = |i: usize| arg_path(path, i);
    match op.as_str() {
        "and" | "or" | "not" => {
            let inner = deeper(depth, path)?;
            logical(&op, args, path, inner)
        }
        "like" => {
            arity(&op, args, 2, path)?;
            let value = scalar(&args[0], &at(0))?;
            let pattern = like_pattern(&args[1], &at(1))?;
            Ok(Expr::Like {
                value,
                pattern,
                negated: false,
            })
        }
        "in" => {
            arity(&op, args, 2, path)?;
            let value = scalar(&args[0], &at(0))?;
            let Json::Array(items) = &args[1] else {
                return err(
                    format!(
                        "the list of \"in\" must be an array, not {}",
                        kind(&args[1])
                    ),
                    &at(1),
                );
            };
            if items.is_empty() {
                return err("the list of \"in\" cannot be empty", &at(1));
            }
            let list = items
                .iter()
                .enumerate()
                .map(|(i, x)| scalar(x, &format!("{}/{i}", at(1))))
                .collect::<Result<Vec<_>>>()?;
            Ok(Expr::In {
                value,
                list,
                negated: false,
            })
        }
        "between" => {
            arity(&op, args, 3, path)?;
            let [value, low, high] = [0, 1, 2].map(|i| scalar(&args[i], &at(i)));
            Ok(Expr::Between {
                value: value?,
                low: low?,
                high: high?,
                negated: false,
            })
        }
        "isnull" => {
            arity(&op, args, 1, path)?;
            Ok(Expr::IsNull {
                value: scalar(&args[0], &at(0))?,
                negated: false,
            })
        }
        _ => predicate(&op, args, path, depth),
    }
}

fn logical(op: &str, args: &[Json], path: &str, depth: usize) -> Result<Expr> {
    if op == "not" {
        arity(op, args, 1, path)?;
        return Ok(Expr::Not(Box::new(expr(
            &args[0],
            &arg_path(path, 0),
            depth,
        )?)));
    }
    if args.len() < 2 {
        return err(
            format!("\"{op}\" takes 2 arguments or more, not {}", args.len()),
            &format!("{path}/args"),
        );
    }
    let list = args
        .iter()
        .enumerate()
        .map(|(i, a)| expr(a, &arg_path(path, i), depth))
        .collect::<Result<Vec<_>>>()?;
    Ok(if op == "and" {
        Expr::And(list)
    } else {
        Expr::Or(list)
    })
}

/// Comparisons, spatial and temporal operators, and the refusals.
fn predicate(op: &str, args: &[Json], path: &str, depth: usize) -> Result<Expr> {
    let at = |i: usize| arg_path(path, i);
    if let Some(cmp) = CompareOp::from_symbol(op) {
        arity(op, args, 2, path)?;
        return Ok(Expr::Compare {
            op: cmp,
            left: scalar(&args[0], &at(0))?,
            right: scalar(&args[1], &at(1))?,
        });
    }
    if let Some(sop) = SpatialOp::from_name(op) {
        arity(op, args, 2, path)?;
        let left = spatial(&args[0], &at(0), depth)?;
        let right = spatial(&args[1], &at(1), depth)?;
        return Ok(Expr::Spatial {
            op: sop,
            left,
            right,
        });
    }
    if let Some(top) = TemporalOp::from_name(op) {
        arity(op, args, 2, path)?;
        return Ok(Expr::Temporal {
            op: top,
            left: temporal(&args[0], &at(0))?,
            right: temporal(&args[1], &at(1))?,
        });
    }
    err(refused_op(op), &format!("{path}/op"))
}

fn refused_op(op: &str) -> String {
    match op {
        "casei" | "accenti" => format!("{} is not supported", op.to_uppercase()),
        "+" | "-" | "*" | "/" | "^" | "%" | "div" => {
            format!("arithmetic (\"{op}\") is not supported")
        }
        "a_equals" | "a_contains" | "a_containedby" | "a_overlaps" => {
            format!("array functions ({}) are not supported", op.to_uppercase())
        }
        "!=" => "\"!=\" is not CQL2; use \"<>\" for 'not equal'".into(),
        _ => format!("unknown operator \"{op}\""),
    }
}

fn like_pattern(v: &Json, path: &str) -> Result<String> {
    match v {
        Json::String(s) => Ok(s.clone()),
        Json::Object(obj) => {
            let name = match obj.get("op") {
                Some(Json::String(op)) => op.to_lowercase(),
                _ => obj.keys().next().cloned().unwrap_or_default(),
            };
            match name.as_str() {
                "casei" | "accenti" => {
                    err(format!("{} is not supported", name.to_uppercase()), path)
                }
                _ => err("a LIKE pattern must be a string", path),
            }
        }
        other => err(
            format!("a LIKE pattern must be a string, not {}", kind(other)),
            path,
        ),
    }
}

fn string_member<'a>(obj: &'a Map<String, Json>, key: &str, path: &str) -> Result<&'a str> {
    match obj.get(key) {
        Some(Json::String(s)) if s.is_empty() && key == "property" => {
            err("a property name cannot be empty", &format!("{path}/{key}"))
        }
        Some(Json::String(s)) => Ok(s),
        Some(other) => err(
            format!("\"{key}\" must be a string, not {}", kind(other)),
            &format!("{path}/{key}"),
        ),
        None => err(format!("missing \"{key}\""), path),
    }
}

fn number(v: &Json, path: &str) -> Result<f64> {
    match v.as_f64() {
        Some(n) if n.is_finite() => Ok(n),
        _ => err(format!("expected a number, found {}", kind(v)), path),
    }
}

/// A scalar operand: a string, number or boolean literal, a property, a date or a timestamp.
fn scalar(v: &Json, path: &str) -> Result<Scalar> {
    match v {
        Json::String(s) => Ok(Scalar::Str(s.clone())),
        Json::Number(_) => Ok(Scalar::Number(number(v, path)?)),
        Json::Bool(b) => Ok(Scalar::Bool(*b)),
        Json::Null => err(
            "null is not a CQL2 value: test for it with \"isNull\"",
            path,
        ),
        Json::Array(_) => err("an array is not a value here", path),
        Json::Object(obj) => object_scalar(obj, path),
    }
}

fn object_scalar(obj: &Map<String, Json>, path: &str) -> Result<Scalar> {
    if obj.contains_key("property") {
        return Ok(Scalar::Property(
            string_member(obj, "property", path)?.to_string(),
        ));
    }
    if obj.contains_key("date") {
        let s = string_member(obj, "date", path)?;
        return parse_date(s)
            .map(Scalar::Date)
            .or_else(|m| err(m, &format!("{path}/date")));
    }
    if obj.contains_key("timestamp") {
        let s = string_member(obj, "timestamp", path)?;
        return parse_timestamp(s)
            .map(Scalar::Timestamp)
            .or_else(|m| err(m, &format!("{path}/timestamp")));
    }
    if obj.contains_key("interval") {
        return err(
            "an interval is allowed only as an argument of a temporal operator (t_…)",
            path,
        );
    }
    if obj.contains_key("bbox") || obj.contains_key("type") {
        return err(
            "a geometry is allowed only as an argument of a spatial operator (s_…)",
            path,
        );
    }
    if let Some(Json::String(op)) = obj.get("op") {
        let op = op.to_lowercase();
        return match op.as_str() {
            "casei" | "accenti" => err(format!("{} is not supported", op.to_uppercase()), path),
            _ if CompareOp::from_symbol(&op).is_none()
                && refused_op(&op).starts_with("unknown") =>
            {
                err(format!("unknown function \"{op}\""), path)
            }
            _ => err(format!("\"{op}\" cannot be used as a value here"), path),
        };
    }
    if obj.contains_key("casei") || obj.contains_key("accenti") {
        return err("CASEI and ACCENTI are not supported", path);
    }
    err(
        "expected a value: a string, number, boolean, {\"property\"}, {\"date\"} or {\"timestamp\"}",
        path,
    )
}

/// A spatial operand: a property, a bbox or a GeoJSON geometry.
fn spatial(v: &Json, path: &str, depth: usize) -> Result<Spatial> {
    let Json::Object(obj) = v else {
        return err(
            format!("expected a geometry or a property, found {}", kind(v)),
            path,
        );
    };
    if obj.contains_key("property") {
        return Ok(Spatial::Property(
            string_member(obj, "property", path)?.to_string(),
        ));
    }
    let g = if let Some(b) = obj.get("bbox")
        && !obj.contains_key("type")
    {
        Geometry::BBox(bbox(b, &format!("{path}/bbox"))?)
    } else if obj.contains_key("type") {
        geojson(obj, path, depth)?
    } else {
        return err(
            "expected a GeoJSON geometry, {\"bbox\": […]} or {\"property\": …}",
            path,
        );
    };
    g.check().or_else(|m| err(m, path))?;
    Ok(Spatial::Geometry(g))
}

fn bbox(v: &Json, path: &str) -> Result<[f64; 4]> {
    let Json::Array(items) = v else {
        return err("a bbox must be an array of 4 or 6 numbers", path);
    };
    let n = items
        .iter()
        .enumerate()
        .map(|(i, x)| number(x, &format!("{path}/{i}")))
        .collect::<Result<Vec<_>>>()?;
    match n[..] {
        [w, s, e, nn] | [w, s, _, e, nn, _] => Ok([w, s, e, nn]),
        _ => err(format!("a bbox has 4 or 6 numbers, not {}", n.len()), path),
    }
}

fn geojson(obj: &Map<String, Json>, path: &str, depth: usize) -> Result<Geometry> {
    let kind = string_member(obj, "type", path)?;
    if kind == "GeometryCollection" {
        let gpath = format!("{path}/geometries");
        let Some(Json::Array(members)) = obj.get("geometries") else {
            return err("a GeometryCollection needs a \"geometries\" array", path);
        };
        let inner = deeper(depth, &gpath)?;
        let mut gs = Vec::with_capacity(members.len());
        for (i, m) in members.iter().enumerate() {
            let mpath = format!("{gpath}/{i}");
            let Json::Object(mobj) = m else {
                return err("expected a GeoJSON geometry", &mpath);
            };
            gs.push(geojson(mobj, &mpath, inner)?);
        }
        return Ok(Geometry::GeometryCollection(gs));
    }
    let cpath = format!("{path}/coordinates");
    let Some(c) = obj.get("coordinates") else {
        return err(format!("a {kind} needs \"coordinates\""), path);
    };
    Ok(match kind {
        "Point" => Geometry::Point(position(c, &cpath)?),
        "MultiPoint" => Geometry::MultiPoint(positions(c, &cpath)?),
        "LineString" => Geometry::LineString(positions(c, &cpath)?),
        "MultiLineString" => Geometry::MultiLineString(nested(c, &cpath, positions)?),
        "Polygon" => Geometry::Polygon(nested(c, &cpath, positions)?),
        "MultiPolygon" => {
            Geometry::MultiPolygon(nested(c, &cpath, |v, p| nested(v, p, positions))?)
        }
        other => {
            return err(
                format!("\"{other}\" is not a GeoJSON geometry type"),
                &format!("{path}/type"),
            );
        }
    })
}

/// `[x, y]` or `[x, y, z]`, z dropped.
fn position(v: &Json, path: &str) -> Result<Coord> {
    match v {
        Json::Array(items) if items.len() == 2 || items.len() == 3 => Ok([
            number(&items[0], &format!("{path}/0"))?,
            number(&items[1], &format!("{path}/1"))?,
        ]),
        _ => err("a position is an array of 2 or 3 numbers", path),
    }
}

fn positions(v: &Json, path: &str) -> Result<Vec<Coord>> {
    nested(v, path, position)
}

fn nested<T>(v: &Json, path: &str, item: impl Fn(&Json, &str) -> Result<T>) -> Result<Vec<T>> {
    let Json::Array(items) = v else {
        return err(format!("expected an array, found {}", kind(v)), path);
    };
    items
        .iter()
        .enumerate()
        .map(|(i, x)| item(x, &format!("{path}/{i}")))
        .collect()
}

/// A temporal operand: a property, `{"date"}`, `{"timestamp"}` or `{"interval": [a, b]}`.
fn temporal(v: &Json, path: &str) -> Result<Temporal> {
    let Json::Object(obj) = v else {
        return err(
            format!(
                "expected a date property, a date, a timestamp or an interval, found {}",
                kind(v)
            ),
            path,
        );
    };
    if obj.contains_key("property") {
        return Ok(Temporal::Property(
            string_member(obj, "property", path)?.to_string(),
        ));
    }
    if let Some(iv) = obj.get("interval") {
        let ipath = format!("{path}/interval");
        let Json::Array(ends) = iv else {
            return err("an interval is an array of two instants", &ipath);
        };
        if ends.len() != 2 {
            return err(
                format!("an interval has 2 ends, not {}", ends.len()),
                &ipath,
            );
        }
        let start = interval_bound(&ends[0], &format!("{ipath}/0"))?;
        let end = interval_bound(&ends[1], &format!("{ipath}/1"))?;
        return Ok(Temporal::Interval(start, end));
    }
    match object_scalar(obj, path)? {
        Scalar::Date(d) => Ok(Temporal::Instant(Instant::Date(d))),
        Scalar::Timestamp(t) => Ok(Temporal::Instant(Instant::Timestamp(t))),
        _ => err(
            "expected a date property, a date, a timestamp or an interval",
            path,
        ),
    }
}

/// `".."`, a date or timestamp string, or (leniently) `{"date"}` / `{"timestamp"}`.
fn interval_bound(v: &Json, path: &str) -> Result<Option<Instant>> {
    match v {
        Json::String(s) if s == ".." => Ok(None),
        Json::String(s) => parse_instant(s).map(Some).or_else(|m| err(m, path)),
        Json::Object(obj) if obj.contains_key("property") => err(
            "interval ends must be dates, timestamps or \"..\"; properties are not supported",
            path,
        ),
        Json::Object(obj) => match object_scalar(obj, path)? {
            Scalar::Date(d) => Ok(Some(Instant::Date(d))),
            Scalar::Timestamp(t) => Ok(Some(Instant::Timestamp(t))),
            _ => err("expected a date, a timestamp or \"..\"", path),
        },
        other => err(
            format!(
                "expected a date, a timestamp or \"..\", found {}",
                kind(other)
            ),
            path,
        ),
    }
}
