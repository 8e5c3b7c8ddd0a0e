//! cql2-text writing: `Display` for the tree, so that `parse_text(&e.to_string()) == Ok(e)` for
//! every tree the parsers make (an `And`/`Or` of fewer than two operands, or a non-finite
//! number, has no cql2-text of its own and does not round-trip).

use std::fmt::{self, Display, Formatter, Write};

use super::text::is_bare_identifier;
use super::{Coord, Expr, Geometry, Instant, Scalar, Spatial, Temporal};

impl Display for Expr {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Expr::Bool(true) => f.write_str("TRUE"),
            Expr::Bool(false) => f.write_str("FALSE"),
            // Nested ANDs and ORs keep their parentheses so that the tree reads back the same.
            Expr::And(list) => join(f, list, " AND ", "TRUE", |e| {
                matches!(e, Expr::And(_) | Expr::Or(_))
            }),
            Expr::Or(list) => join(f, list, " OR ", "FALSE", |e| matches!(e, Expr::Or(_))),
            // NOT binds tighter than AND and OR, looser than a predicate.
            Expr::Not(e) if matches!(**e, Expr::And(_) | Expr::Or(_)) => write!(f, "NOT ({e})"),
            Expr::Not(e) => write!(f, "NOT {e}"),
            Expr::Compare { op, left, right } => write!(f, "{left} {} {right}", op.symbol()),
            Expr::Like {
                value,
                pattern,
                negated,
            } => {
                write!(f, "{value} {}LIKE ", not(*negated))?;
                quote(f, pattern, '\'')
            }
            Expr::In {
                value,
                list,
                negated,
            } => {
                write!(f, "{value} {}IN (", not(*negated))?;
                comma_list(f, list, |f, s| write!(f, "{s}"))?;
                f.write_char(')')
            }
            Expr::Between {
                value,
                low,
                high,
                negated,
            } => {
                write!(f, "{value} {}BETWEEN {low} AND {high}", not(*negated))
            }
            Expr::IsNull { value, negated } => write!(f, "{value} IS {}NULL", not(*negated)),
            Expr::Spatial { op, left, right } => write!(f, "{}({left}, {right})", op.name()),
            Expr::Temporal { op, left, right } => write!(f, "{}({left}, {right})", op.name()),
        }
    }
}

fn not(negated: bool) -> &'static str {
    if negated { "NOT " } else { "" }
}

fn join(
    f: &mut Formatter<'_>,
    list: &[Expr],
    sep: &str,
    empty: &str,
    needs_parens: fn(&Expr) -> bool,
) -> fmt::Result {
    if list.is_empty() {
        return f.write_str(empty);
    }
    for (i, e) in list.iter().enumerate() {
        if i > 0 {
            f.write_str(sep)?;
        }
        if needs_parens(e) {
            write!(f, "({e})")?
        } else {
            write!(f, "{e}")?
        }
    }
    Ok(())
}

fn comma_list<T>(
    f: &mut Formatter<'_>,
    items: &[T],
    mut item: impl FnMut(&mut Formatter<'_>, &T) -> fmt::Result,
) -> fmt::Result {
    for (i, x) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        item(f, x)?;
    }
    Ok(())
}

/// `q`-quoted text, a quote inside doubled.
fn quote(f: &mut Formatter<'_>, s: &str, q: char) -> fmt::Result {
    f.write_char(q)?;
    for c in s.chars() {
        f.write_char(c)?;
        if c == q {
            f.write_char(q)?;
        }
    }
    f.write_char(q)
}

fn property(f: &mut Formatter<'_>, name: &str) -> fmt::Result {
    if is_bare_identifier(name) {
        f.write_str(name)
    } else {
        quote(f, name, '"')
    }
}

impl Display for Scalar {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Scalar::Property(p) => property(f, p),
            Scalar::Str(s) => quote(f, s, '\''),
            // Rust prints the shortest decimal that reads back as the same f64, never an exponent.
            Scalar::Number(n) => write!(f, "{n}"),
            Scalar::Bool(true) => f.write_str("TRUE"),
            Scalar::Bool(false) => f.write_str("FALSE"),
            Scalar::Date(d) => write!(f, "DATE('{d}')"),
            Scalar::Timestamp(t) => write!(f, "TIMESTAMP('{t}')"),
        }
    }
}

impl Display for Spatial {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Spatial::Property(p) => property(f, p),
            Spatial::Geometry(g) => write!(f, "{g}"),
        }
    }
}

impl Display for Instant {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Instant::Date(d) => write!(f, "DATE('{d}')"),
            Instant::Timestamp(t) => write!(f, "TIMESTAMP('{t}')"),
        }
    }
}

impl Display for Temporal {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        fn bound(f: &mut Formatter<'_>, b: &Option<Instant>) -> fmt::Result {
            match b {
                None => f.write_str("'..'"),
                Some(Instant::Date(d)) => write!(f, "'{d}'"),
                Some(Instant::Timestamp(t)) => write!(f, "'{t}'"),
            }
        }
        match self {
            Temporal::Property(p) => property(f, p),
            Temporal::Instant(i) => write!(f, "{i}"),
            Temporal::Interval(start, end) => {
                f.write_str("INTERVAL(")?;
                bound(f, start)?;
                f.write_str(", ")?;
                bound(f, end)?;
                f.write_char(')')
            }
        }
    }
}

fn coord(f: &mut Formatter<'_>, c: &Coord) -> fmt::Result {
    write!(f, "{} {}", c[0], c[1])
}

fn coords(f: &mut Formatter<'_>, cs: &[Coord]) -> fmt::Result {
    f.write_char('(')?;
    comma_list(f, cs, coord)?;
    f.write_char(')')
}

fn rings(f: &mut Formatter<'_>, rs: &[Vec<Coord>]) -> fmt::Result {
    f.write_char('(')?;
    comma_list(f, rs, |f, r| coords(f, r))?;
    f.write_char(')')
}

/// WKT, as cql2-text writes geometries.
impl Display for Geometry {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Geometry::Point(c) => {
                f.write_str("POINT(")?;
                coord(f, c)?;
                f.write_char(')')
            }
            Geometry::MultiPoint(cs) => {
                f.write_str("MULTIPOINT(")?;
                comma_list(f, cs, |f, c| coords(f, std::slice::from_ref(c)))?;
                f.write_char(')')
            }
            Geometry::LineString(cs) => f.write_str("LINESTRING").and_then(|()| coords(f, cs)),
            Geometry::MultiLineString(ls) => {
                f.write_str("MULTILINESTRING").and_then(|()| rings(f, ls))
            }
            Geometry::Polygon(rs) => f.write_str("POLYGON").and_then(|()| rings(f, rs)),
            Geometry::MultiPolygon(ps) => {
                f.write_str("MULTIPOLYGON(")?;
                comma_list(f, ps, |f, p| rings(f, p))?;
                f.write_char(')')
            }
            Geometry::GeometryCollection(gs) => {
                f.write_str("GEOMETRYCOLLECTION(")?;
                comma_list(f, gs, |f, g| write!(f, "{g}"))?;
                f.write_char(')')
            }
            Geometry::BBox([w, s, e, n]) => write!(f, "BBOX({w}, {s}, {e}, {n})"),
        }
    }
}
