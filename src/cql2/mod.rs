//! OGC CQL2 (OGC 21-065r2, the filter language of OGC API – Features Part 3): parse a filter
//! written as cql2-text ([`parse_text`]) or cql2-json ([`parse_json`]) into an [`Expr`], bind it
//! to the queryables of a collection ([`Expr::bind`]) and test records with the bound
//! [`Filter::matches`].
//!
//! The [`Expr`] tree is public so that a caller can walk it (to plan index look-ups, say); it
//! keeps the filter as written: properties by name, dates as [`jiff::civil::Date`], timestamps as
//! [`jiff::Timestamp`], geometries as `[x, y]` pairs (longitude, latitude unless the client wrote
//! EPSG:4326 axis order, see [`Expr::swap_axes`]). Its [`Display`](std::fmt::Display) writes
//! cql2-text that parses back to the same tree.
//!
//! What is supported (the Basic CQL2, Advanced Comparison, Basic Spatial, Spatial Functions and
//! Temporal Functions classes, in both encodings):
//! - `AND`, `OR`, `NOT`, `TRUE`, `FALSE`, parentheses; comparisons `= <> < <= > >=`;
//!   `[NOT] LIKE` (`%`, `_`, `\` escapes the next character), `[NOT] IN (…)`,
//!   `[NOT] BETWEEN … AND …`, `IS [NOT] NULL`;
//! - the eight `S_*` functions on WKT / GeoJSON geometries, `BBOX(w,s,e,n)` (or its six-number
//!   form, elevations dropped) and `ENVELOPE(w,e,n,s)`; a Z coordinate is read and dropped;
//! - the fifteen `T_*` functions on `DATE`, `TIMESTAMP` and `INTERVAL` (`'..'` for an open end).
//!
//! What is refused, with a message naming it: `CASEI`/`ACCENTI`, arithmetic, the `A_*` array
//! functions, other functions, properties as `INTERVAL` bounds, `M` coordinates, `EMPTY`
//! geometries. A cql2-text string escapes its quote only as `''` (the 1.0 grammar's
//! `escapedquote`), so that a backslash in a string is always `LIKE`'s escape character.
//!
//! Inputs longer than [`MAX_INPUT_BYTES`] or nesting deeper than [`MAX_DEPTH`] are refused with
//! an error, so that no input can exhaust the stack (a cql2-json document meets serde_json's own
//! limit of 128 JSON levels first, about 62 nested `not`s).

mod display;
mod eval;
mod json;
mod text;

#[cfg(test)]
mod tests;

use std::fmt;

use jiff::Timestamp;
use jiff::civil::Date;

pub use eval::{Filter, PropertyType, Record, Value};
pub use json::parse_json;
pub use text::parse_text;

/// Longest filter accepted, in bytes (64 KiB).
pub const MAX_INPUT_BYTES: usize = 64 * 1024;

/// Deepest nesting accepted: parentheses, `NOT`s, JSON objects and arrays, geometry collections.
pub const MAX_DEPTH: usize = 64;

/// A CQL2 boolean expression, as written (nothing is simplified or reordered).
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Bool(bool),
    /// Two or more operands when parsed (`a AND b AND c` is one `And` of three).
    And(Vec<Expr>),
    Or(Vec<Expr>),
    Not(Box<Expr>),
    Compare {
        op: CompareOp,
        left: Scalar,
        right: Scalar,
    },
    /// `pattern` is as written: `%` is any run, `_` any one character, `\` escapes the next.
    Like {
        value: Scalar,
        pattern: String,
        negated: bool,
    },
    In {
        value: Scalar,
        list: Vec<Scalar>,
        negated: bool,
    },
    Between {
        value: Scalar,
        low: Scalar,
        high: Scalar,
        negated: bool,
    },
    IsNull {
        value: Scalar,
        negated: bool,
    },
    Spatial {
        op: SpatialOp,
        left: Spatial,
        right: Spatial,
    },
    Temporal {
        op: TemporalOp,
        left: Temporal,
        right: Temporal,
    },
}

/// An operand of a comparison, `LIKE`, `IN`, `BETWEEN` or `IS NULL`. CQL2 has no null literal.
#[derive(Debug, Clone, PartialEq)]
pub enum Scalar {
    Property(String),
    Str(String),
    Number(f64),
    Bool(bool),
    Date(Date),
    Timestamp(Timestamp),
}

/// An operand of a spatial function.
#[derive(Debug, Clone, PartialEq)]
pub enum Spatial {
    Property(String),
    Geometry(Geometry),
}

/// A position: x then y, i.e. longitude then latitude in CRS84.
pub type Coord = [f64; 2];

/// A geometry literal (WKT in cql2-text, GeoJSON in cql2-json). Polygon rings are closed (first
/// position repeated last), the exterior ring first.
#[derive(Debug, Clone, PartialEq)]
pub enum Geometry {
    Point(Coord),
    MultiPoint(Vec<Coord>),
    LineString(Vec<Coord>),
    MultiLineString(Vec<Vec<Coord>>),
    Polygon(Vec<Vec<Coord>>),
    MultiPolygon(Vec<Vec<Vec<Coord>>>),
    GeometryCollection(Vec<Geometry>),
    /// `[west, south, east, north]`; west > east crosses the antimeridian.
    BBox([f64; 4]),
}

/// An operand of a temporal function.
#[derive(Debug, Clone, PartialEq)]
pub enum Temporal {
    Property(String),
    Instant(Instant),
    /// Start and end, both included; `None` is an open end (`'..'`).
    Interval(Option<Instant>, Option<Instant>),
}

/// A temporal literal: a whole day or a point in time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Instant {
    Date(Date),
    Timestamp(Timestamp),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CompareOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SpatialOp {
    Intersects,
    Disjoint,
    Within,
    Contains,
    Equals,
    Touches,
    Crosses,
    Overlaps,
}

/// The fifteen temporal functions; their definitions are in [`Filter`]'s documentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TemporalOp {
    After,
    Before,
    Contains,
    Disjoint,
    During,
    Equals,
    FinishedBy,
    Finishes,
    Intersects,
    Meets,
    MetBy,
    OverlappedBy,
    Overlaps,
    StartedBy,
    Starts,
}

impl CompareOp {
    pub const ALL: [CompareOp; 6] = [Self::Eq, Self::Ne, Self::Lt, Self::Le, Self::Gt, Self::Ge];

    /// The operator as both encodings write it.
    pub fn symbol(self) -> &'static str {
        match self {
            Self::Eq => "=",
            Self::Ne => "<>",
            Self::Lt => "<",
            Self::Le => "<=",
            Self::Gt => ">",
            Self::Ge => ">=",
        }
    }

    pub fn from_symbol(s: &str) -> Option<CompareOp> {
        Self::ALL.into_iter().find(|op| op.symbol() == s)
    }
}

impl SpatialOp {
    pub const ALL: [SpatialOp; 8] = [
        Self::Intersects,
        Self::Disjoint,
        Self::Within,
        Self::Contains,
        Self::Equals,
        Self::Touches,
        Self::Crosses,
        Self::Overlaps,
    ];

    /// The cql2-text name (cql2-json writes it in lower case).
    pub fn name(self) -> &'static str {
        match self {
            Self::Intersects => "S_INTERSECTS",
            Self::Disjoint => "S_DISJOINT",
            Self::Within => "S_WITHIN",
            Self::Contains => "S_CONTAINS",
            Self::Equals => "S_EQUALS",
            Self::Touches => "S_TOUCHES",
            Self::Crosses => "S_CROSSES",
            Self::Overlaps => "S_OVERLAPS",
        }
    }

    /// Case-insensitive, as CQL2 keywords are.
    pub fn from_name(s: &str) -> Option<SpatialOp> {
        Self::ALL
            .into_iter()
            .find(|op| op.name().eq_ignore_ascii_case(s))
    }

    /// The operator that holds for (b, a) when `self` holds for (a, b).
    pub fn converse(self) -> SpatialOp {
        match self {
            Self::Within => Self::Contains,
            Self::Contains => Self::Within,
            other => other,
        }
    }
}

impl TemporalOp {
    pub const ALL: [TemporalOp; 15] = [
        Self::After,
        Self::Before,
        Self::Contains,
        Self::Disjoint,
        Self::During,
        Self::Equals,
        Self::FinishedBy,
        Self::Finishes,
        Self::Intersects,
        Self::Meets,
        Self::MetBy,
        Self::OverlappedBy,
        Self::Overlaps,
        Self::StartedBy,
        Self::Starts,
    ];

    /// The cql2-text name (cql2-json writes it as `t_finishedBy`, matched case-insensitively).
    pub fn name(self) -> &'static str {
        match self {
            Self::After => "T_AFTER",
            Self::Before => "T_BEFORE",
            Self::Contains => "T_CONTAINS",
            Self::Disjoint => "T_DISJOINT",
            Self::During => "T_DURING",
            Self::Equals => "T_EQUALS",
            Self::FinishedBy => "T_FINISHEDBY",
            Self::Finishes => "T_FINISHES",
            Self::Intersects => "T_INTERSECTS",
            Self::Meets => "T_MEETS",
            Self::MetBy => "T_METBY",
            Self::OverlappedBy => "T_OVERLAPPEDBY",
            Self::Overlaps => "T_OVERLAPS",
            Self::StartedBy => "T_STARTEDBY",
            Self::Starts => "T_STARTS",
        }
    }

    pub fn from_name(s: &str) -> Option<TemporalOp> {
        Self::ALL
            .into_iter()
            .find(|op| op.name().eq_ignore_ascii_case(s))
    }
}

/// Where a [`Cql2Error`] was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Position {
    /// 0-based character (not byte) offset in a cql2-text filter.
    Char(usize),
    /// JSON pointer to the offending member of a cql2-json filter (`""` is the whole document).
    Pointer(String),
    /// Where serde_json found the text not to be JSON (1-based, as serde_json counts).
    LineColumn { line: usize, column: usize },
    /// The filter as a whole: its size, or an error found by [`Expr::bind`], which works on the
    /// tree and so names the property or literal in the message instead.
    Whole,
}

/// Why a filter was refused: by a parser, or by [`Expr::bind`].
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{message}{position}")]
pub struct Cql2Error {
    pub message: String,
    pub position: Position,
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Position::Char(n) => write!(f, " at character {n}"),
            Position::Pointer(p) if p.is_empty() => write!(f, " at the top of the document"),
            Position::Pointer(p) => write!(f, " at {p}"),
            Position::LineColumn { line, column } => write!(f, " at line {line} column {column}"),
            Position::Whole => Ok(()),
        }
    }
}

impl Cql2Error {
    pub fn new(message: impl Into<String>, position: Position) -> Self {
        Cql2Error {
            message: message.into(),
            position,
        }
    }

    pub(crate) fn whole(message: impl Into<String>) -> Self {
        Self::new(message, Position::Whole)
    }
}

impl Expr {
    /// Swaps x and y in every geometry literal, for a client that wrote them in EPSG:4326 axis
    /// order (latitude first), i.e. sent `filter-crs=http://www.opengis.net/def/crs/EPSG/0/4326`.
    /// A `BBOX` becomes `[west, south, east, north]` again from `[south, west, north, east]`.
    pub fn swap_axes(&mut self) {
        match self {
            Expr::And(list) | Expr::Or(list) => list.iter_mut().for_each(Expr::swap_axes),
            Expr::Not(e) => e.swap_axes(),
            Expr::Spatial { left, right, .. } => {
                for side in [left, right] {
                    if let Spatial::Geometry(g) = side {
                        g.swap_axes();
                    }
                }
            }
            _ => {}
        }
    }
}

impl Geometry {
    /// Swaps x and y of every position (and the axes of a bounding box).
    pub fn swap_axes(&mut self) {
        fn ring(r: &mut [Coord]) {
            r.iter_mut().for_each(|c| c.swap(0, 1));
        }
        match self {
            Geometry::Point(c) => c.swap(0, 1),
            Geometry::MultiPoint(r) | Geometry::LineString(r) => ring(r),
            Geometry::MultiLineString(rs) | Geometry::Polygon(rs) => {
                rs.iter_mut().for_each(|r| ring(r))
            }
            Geometry::MultiPolygon(ps) => ps.iter_mut().flatten().for_each(|r| ring(r)),
            Geometry::GeometryCollection(gs) => gs.iter_mut().for_each(Geometry::swap_axes),
            Geometry::BBox(b) => {
                b.swap(0, 1);
                b.swap(2, 3);
            }
        }
    }

    /// The checks that both parsers and [`Expr::bind`] make on a geometry: positions finite,
    /// lines of two positions or more, rings closed with four or more, no empty multi-geometry,
    /// a bounding box's south not above its north, collections not nested too deep.
    pub fn check(&self) -> Result<(), String> {
        self.check_at(0)
    }

    fn check_at(&self, depth: usize) -> Result<(), String> {
        if depth > MAX_DEPTH {
            return Err(format!(
                "geometry collections nest deeper than {MAX_DEPTH} levels"
            ));
        }
        match self {
            Geometry::Point(c) => finite(std::slice::from_ref(c)),
            Geometry::MultiPoint(cs) => non_empty(cs, "MULTIPOINT").and_then(|()| finite(cs)),
            Geometry::LineString(cs) => line(cs),
            Geometry::MultiLineString(ls) => {
                non_empty(ls, "MULTILINESTRING")?;
                ls.iter().try_for_each(|l| line(l))
            }
            Geometry::Polygon(rings) => polygon(rings),
            Geometry::MultiPolygon(ps) => {
                non_empty(ps, "MULTIPOLYGON")?;
                ps.iter().try_for_each(|p| polygon(p))
            }
            Geometry::GeometryCollection(gs) => {
                non_empty(gs, "GEOMETRYCOLLECTION")?;
                gs.iter().try_for_each(|g| g.check_at(depth + 1))
            }
            Geometry::BBox(b) => {
                if b.iter().any(|v| !v.is_finite()) {
                    Err("a BBOX needs finite numbers".into())
                } else if b[1] > b[3] {
                    Err(format!("BBOX south {} is above its north {}", b[1], b[3]))
                } else {
                    Ok(())
                }
            }
        }
    }
}

fn finite(cs: &[Coord]) -> Result<(), String> {
    match cs.iter().flatten().all(|v| v.is_finite()) {
        true => Ok(()),
        false => Err("a position needs finite numbers".into()),
    }
}

fn non_empty<T>(items: &[T], what: &str) -> Result<(), String> {
    match items.is_empty() {
        true => Err(format!("a {what} needs one member or more")),
        false => Ok(()),
    }
}

fn line(cs: &[Coord]) -> Result<(), String> {
    if cs.len() < 2 {
        return Err(format!(
            "a line string needs 2 positions or more, not {}",
            cs.len()
        ));
    }
    finite(cs)
}

fn polygon(rings: &[Vec<Coord>]) -> Result<(), String> {
    non_empty(rings, "POLYGON")?;
    for ring in rings {
        if ring.len() < 4 {
            return Err(format!(
                "a polygon ring needs 4 positions or more, not {}",
                ring.len()
            ));
        }
        if ring.first() != ring.last() {
            return Err("a polygon ring must end at the position it starts from".into());
        }
        finite(ring)?;
    }
    Ok(())
}

/// A cql2 date string: exactly `YYYY-MM-DD` (jiff alone would also take a date-time).
pub(crate) fn parse_date(s: &str) -> Result<Date, String> {
    let b = s.as_bytes();
    let shape = b.len() == 10
        && b.iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        });
    match shape.then(|| s.parse::<Date>().ok()).flatten() {
        Some(d) => Ok(d),
        None => Err(format!("'{s}' is not a date (YYYY-MM-DD)")),
    }
}

/// A cql2 timestamp string: RFC 3339 with an offset, e.g. `2022-01-05T10:00:00Z`.
pub(crate) fn parse_timestamp(s: &str) -> Result<Timestamp, String> {
    s.parse::<Timestamp>()
        .map_err(|_| format!("'{s}' is not a timestamp (e.g. 2022-01-05T10:00:00Z)"))
}

/// An instant written as a string (an `INTERVAL` bound): a date if it has a date's shape.
pub(crate) fn parse_instant(s: &str) -> Result<Instant, String> {
    if s.len() == 10 && !s.contains(['T', 't', ' ']) {
        parse_date(s).map(Instant::Date)
    } else {
        parse_timestamp(s).map(Instant::Timestamp)
    }
}

/// The UTC day of a timestamp: how a timestamp compares with a date.
pub(crate) fn utc_day(t: Timestamp) -> Date {
    jiff::tz::TimeZone::UTC.to_datetime(t).date()
}
