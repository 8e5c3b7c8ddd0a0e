//! Binding an [`Expr`] to a collection's queryables, and testing records with the result.
//!
//! Binding resolves property names to slots, checks types, coerces literals to the type they are
//! compared with, compiles `LIKE` patterns, turns geometry literals into `geo` shapes and folds
//! predicates on literals alone into constants, so that [`Filter::matches`] only reads the record
//! and compares: it does not allocate.

use std::cmp::Ordering;

use geo::coordinate_position::{CoordPos, CoordinatePosition};
use geo::{BoundingRect, CoordsIter, Intersects};
use jiff::Timestamp;
use jiff::civil::Date;

use super::{
    CompareOp, Cql2Error, Expr, Geometry, Instant, MAX_DEPTH, Scalar, Spatial, SpatialOp, Temporal,
    TemporalOp, parse_date, parse_timestamp, utc_day,
};

/// The type of a queryable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PropertyType {
    String,
    Integer,
    Number,
    Boolean,
    /// A calendar day ([`Value::Date`]).
    Date,
    /// A point ([`Value::Point`]).
    Geometry,
}

/// A record's value in one slot. A record may give `Null` for any slot; a value of another type
/// than the slot's [`PropertyType`] is treated as `Null` too (never a panic).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value<'a> {
    Null,
    Str(&'a str),
    Integer(i64),
    Number(f64),
    Bool(bool),
    Date(Date),
    /// `[longitude, latitude]`.
    Point([f64; 2]),
}

/// What a [`Filter`] reads: the value in a slot that the schema given to [`Expr::bind`] named.
pub trait Record {
    fn value(&self, slot: usize) -> Value<'_>;
}

/// An [`Expr`] bound to a schema, ready to test records.
///
/// Logic is SQL's three-valued one: a comparison, `LIKE`, `IN`, `BETWEEN`, spatial or temporal
/// predicate on a null value is *unknown*, `NOT unknown` is unknown, `unknown AND false` is false,
/// `unknown OR true` is true, and a record matches only when the whole filter is true. So
/// `NOT (fatalities > 1)` does not match an event whose fatalities are null; `IS NULL` is never
/// unknown. `x IN (a, b)` is `x = a OR x = b`; `x BETWEEN a AND b` is `a <= x AND x <= b`.
///
/// Dates compare by day: a timestamp compared with a date is its UTC day, and so is a timestamp
/// bound of an interval. The temporal functions treat an instant as the interval from it to
/// itself and an interval as including both ends (`'..'` unbounded), and hold when, for a = (as,
/// ae) and b = (bs, be):
///
/// | function | condition | function | condition |
/// |---|---|---|---|
/// | T_AFTER | as > be | T_BEFORE | ae < bs |
/// | T_CONTAINS | as < bs, ae > be | T_DURING | as > bs, ae < be |
/// | T_DISJOINT | as > be or ae < bs | T_INTERSECTS | as <= be, ae >= bs |
/// | T_EQUALS | as = bs, ae = be | T_MEETS | ae = bs |
/// | T_METBY | as = be | T_OVERLAPS | as < bs, ae > bs, ae < be |
/// | T_OVERLAPPEDBY | as > bs, as < be, ae > be | T_STARTS | as = bs, ae < be |
/// | T_STARTEDBY | as = bs, ae > be | T_FINISHES | as > bs, ae = be |
/// | T_FINISHEDBY | as < bs, ae = be | | |
///
/// Spatial functions on a point p and a geometry g follow DE-9IM: S_INTERSECTS when p is inside g
/// or on its boundary (edges included), S_DISJOINT otherwise, S_WITHIN when p is in g's interior
/// (not on an edge, not in a hole), S_TOUCHES when p is on g's boundary, S_CONTAINS and S_EQUALS
/// when g is p itself, never S_CROSSES nor S_OVERLAPS (a point cannot). A BBOX whose west is east
/// of its east crosses the antimeridian.
#[derive(Debug, Clone)]
pub struct Filter {
    root: Node,
}

#[derive(Debug, Clone)]
enum Node {
    /// `None`: unknown (never made from literals, which are not null, but kept for uniformity).
    Const(Option<bool>),
    And(Box<[Node]>),
    Or(Box<[Node]>),
    Not(Box<Node>),
    Compare {
        op: CompareOp,
        left: Operand,
        right: Operand,
    },
    Like {
        value: Operand,
        pattern: Box<[LikeTok]>,
        negated: bool,
    },
    In {
        value: Operand,
        list: Box<[Operand]>,
        negated: bool,
    },
    Between {
        value: Operand,
        low: Operand,
        high: Operand,
        negated: bool,
    },
    IsNull {
        slot: usize,
        negated: bool,
    },
    /// The property is always on the left: a literal on the left was moved with the converse op.
    SpatialShape {
        op: SpatialOp,
        slot: usize,
        shape: Box<Shape>,
    },
    SpatialSlots {
        op: SpatialOp,
        left: usize,
        right: usize,
    },
    Temporal {
        op: TemporalOp,
        left: TimeOperand,
        right: TimeOperand,
    },
}

#[derive(Debug, Clone)]
enum Operand {
    Slot(usize),
    Lit(Lit),
}

/// A literal after coercion to the type it is compared with.
#[derive(Debug, Clone)]
enum Lit {
    Str(Box<str>),
    Num(f64),
    Bool(bool),
    Date(Date),
    /// Only when compared with another timestamp literal (there is no timestamp property type).
    Ts(Timestamp),
}

/// A value being compared: a record's [`Value`] or a literal.
#[derive(Debug, Clone, Copy)]
enum Val<'a> {
    Null,
    Str(&'a str),
    Int(i64),
    Num(f64),
    Bool(bool),
    Date(Date),
    Ts(Timestamp),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LikeTok {
    Char(char),
    /// `_`
    One,
    /// `%`
    Any,
}

/// A geometry literal ready for point tests.
#[derive(Debug, Clone)]
struct Shape {
    geom: geo::Geometry<f64>,
    /// Inclusive bounds: a point outside them is outside the shape, without walking its edges.
    bounds: Option<geo::Rect<f64>>,
    /// The one position of a shape all of whose positions are the same: what a point contains.
    single: Option<[f64; 2]>,
    /// A BBOX not across the antimeridian: its bounds alone place a point, the common case.
    is_box: bool,
}

#[derive(Debug, Clone, Copy)]
enum TimeOperand {
    Slot(usize),
    Span(Span),
}

/// Days from `start` to `end`, both included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Span {
    start: Bound,
    end: Bound,
}

/// A day on a line with both ends: derived `Ord` puts `NegInf` first and `PosInf` last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Bound {
    NegInf,
    Day(Date),
    PosInf,
}

/// The type of an operand while binding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Str,
    Num,
    Bool,
    Date,
    Ts,
    Geometry,
}

type Schema<'s> = &'s dyn Fn(&str) -> Option<(usize, PropertyType)>;
type Result<T> = std::result::Result<T, Cql2Error>;

fn err<T>(message: impl Into<String>) -> Result<T> {
    Err(Cql2Error::whole(message))
}

impl Expr {
    /// Binds the expression to a schema, which gives each queryable's slot and type (and `None`
    /// for a name that is not a queryable). Refuses unknown properties and type mismatches.
    pub fn bind(&self, schema: &dyn Fn(&str) -> Option<(usize, PropertyType)>) -> Result<Filter> {
        Ok(Filter {
            root: Binder { schema }.node(self, 0)?,
        })
    }
}

impl Filter {
    /// Whether the record satisfies the filter (true, not false nor unknown).
    pub fn matches<R: Record + ?Sized>(&self, record: &R) -> bool {
        self.root.eval(record) == Some(true)
    }

    /// `Some(b)` when the filter is the same for every record (e.g. `TRUE`, `1 = 2`).
    pub fn constant(&self) -> Option<bool> {
        match self.root {
            Node::Const(c) => Some(c == Some(true)),
            _ => None,
        }
    }
}

// ───────────────────────────── binding ─────────────────────────────

struct Binder<'s> {
    schema: Schema<'s>,
}

fn kind_of(t: PropertyType) -> Kind {
    match t {
        PropertyType::String => Kind::Str,
        PropertyType::Integer | PropertyType::Number => Kind::Num,
        PropertyType::Boolean => Kind::Bool,
        PropertyType::Date => Kind::Date,
        PropertyType::Geometry => Kind::Geometry,
    }
}

fn kind_name(k: Kind) -> &'static str {
    match k {
        Kind::Str => "a string",
        Kind::Num => "a number",
        Kind::Bool => "a boolean",
        Kind::Date => "a date",
        Kind::Ts => "a timestamp",
        Kind::Geometry => "a geometry",
    }
}

impl Binder<'_> {
    fn lookup(&self, name: &str) -> Result<(usize, PropertyType)> {
        match (self.schema)(name) {
            Some(found) => Ok(found),
            None => err(format!("unknown property \"{name}\"")),
        }
    }

    fn node(&self, e: &Expr, depth: usize) -> Result<Node> {
        if depth > MAX_DEPTH {
            return err(format!("the filter nests deeper than {MAX_DEPTH} levels"));
        }
        let node = match e {
            Expr::Bool(b) => Node::Const(Some(*b)),
            Expr::And(list) => Node::And(self.nodes(list, depth)?),
            Expr::Or(list) => Node::Or(self.nodes(list, depth)?),
            Expr::Not(inner) => Node::Not(Box::new(self.node(inner, depth + 1)?)),
            Expr::Compare { op, left, right } => self.compare(*op, left, right)?,
            Expr::Like {
                value,
                pattern,
                negated,
            } => self.like(value, pattern, *negated)?,
            Expr::In {
                value,
                list,
                negated,
            } => self.in_list(value, list, *negated)?,
            Expr::Between {
                value,
                low,
                high,
                negated,
            } => self.between(value, low, high, *negated)?,
            Expr::IsNull { value, negated } => match value {
                Scalar::Property(p) => Node::IsNull {
                    slot: self.lookup(p)?.0,
                    negated: *negated,
                },
                _ => Node::Const(Some(*negated)),
            },
            Expr::Spatial { op, left, right } => self.spatial(*op, left, right)?,
            Expr::Temporal { op, left, right } => self.temporal(*op, left, right)?,
        };
        Ok(fold(node))
    }

    fn nodes(&self, list: &[Expr], depth: usize) -> Result<Box<[Node]>> {
        list.iter().map(|e| self.node(e, depth + 1)).collect()
    }

    /// The kind of a scalar, and whether it is a string literal (which may stand for a date).
    fn scalar_kind(&self, s: &Scalar) -> Result<(Kind, bool)> {
        Ok(match s {
            Scalar::Property(p) => (kind_of(self.lookup(p)?.1), false),
            Scalar::Str(_) => (Kind::Str, true),
            Scalar::Number(_) => (Kind::Num, false),
            Scalar::Bool(_) => (Kind::Bool, false),
            Scalar::Date(_) => (Kind::Date, false),
            Scalar::Timestamp(_) => (Kind::Ts, false),
        })
    }

    /// The one kind that all the operands are compared as, or why they cannot be.
    fn common_kind(&self, operands: &[&Scalar]) -> Result<Kind> {
        let kinds = operands
            .iter()
            .map(|s| self.scalar_kind(s))
            .collect::<Result<Vec<_>>>()?;
        if let Some(i) = kinds.iter().position(|(k, _)| *k == Kind::Geometry) {
            return err(format!(
                "{} is a geometry: use it in a spatial function (S_INTERSECTS, …), not a comparison",
                describe(operands[i])
            ));
        }
        // A string literal bends to a date when compared with a date (GDAL sends '2022-01-05').
        let firm: Vec<(usize, Kind)> = kinds
            .iter()
            .enumerate()
            .filter(|(_, (_, flexible))| !flexible)
            .map(|(i, (k, _))| (i, *k))
            .collect();
        let temporal = |k: Kind| k == Kind::Date || k == Kind::Ts;
        let target = if firm.iter().any(|(_, k)| *k == Kind::Date) {
            Kind::Date
        } else {
            firm.first().map_or(Kind::Str, |(_, k)| *k)
        };
        for (i, (k, flexible)) in kinds.iter().enumerate() {
            let fits = match (temporal(target), flexible) {
                // A string literal is read as a date or timestamp later, with its own error.
                (true, true) => true,
                (true, false) => temporal(*k),
                (false, _) => *k == target,
            };
            if !fits {
                let first = firm
                    .iter()
                    .find(|(_, k0)| *k0 == target)
                    .map_or(0, |(j, _)| *j);
                return err(format!(
                    "type mismatch: {} is {}, {} is {}",
                    describe(operands[first]),
                    kind_name(target),
                    describe(operands[i]),
                    kind_name(*k)
                ));
            }
        }
        Ok(target)
    }

    /// The operand for a scalar compared as `kind` (which [`Self::common_kind`] found).
    fn operand(&self, s: &Scalar, kind: Kind) -> Result<Operand> {
        let lit = match (s, kind) {
            (Scalar::Property(p), _) => return Ok(Operand::Slot(self.lookup(p)?.0)),
            (Scalar::Str(v), Kind::Date) => Lit::Date(date_from_string(v)?),
            (Scalar::Str(v), Kind::Ts) => Lit::Ts(parse_timestamp(v).or_else(err)?),
            (Scalar::Str(v), _) => Lit::Str(v.as_str().into()),
            (Scalar::Number(n), _) if n.is_finite() => Lit::Num(*n),
            (Scalar::Number(n), _) => return err(format!("number {n} is not finite")),
            (Scalar::Bool(b), _) => Lit::Bool(*b),
            (Scalar::Date(d), _) => Lit::Date(*d),
            (Scalar::Timestamp(t), Kind::Date) => Lit::Date(utc_day(*t)),
            (Scalar::Timestamp(t), _) => Lit::Ts(*t),
        };
        Ok(Operand::Lit(lit))
    }

    fn operands(&self, list: &[&Scalar], kind: Kind) -> Result<Vec<Operand>> {
        list.iter().map(|s| self.operand(s, kind)).collect()
    }

    fn compare(&self, op: CompareOp, left: &Scalar, right: &Scalar) -> Result<Node> {
        let kind = self.common_kind(&[left, right])?;
        if kind == Kind::Bool && !matches!(op, CompareOp::Eq | CompareOp::Ne) {
            return err(format!(
                "booleans compare only with = and <>, not {}",
                op.symbol()
            ));
        }
        Ok(Node::Compare {
            op,
            left: self.operand(left, kind)?,
            right: self.operand(right, kind)?,
        })
    }

    fn like(&self, value: &Scalar, pattern: &str, negated: bool) -> Result<Node> {
        let (kind, _) = self.scalar_kind(value)?;
        if kind != Kind::Str {
            return err(format!(
                "LIKE needs a string, but {} is {}",
                describe(value),
                kind_name(kind)
            ));
        }
        let pattern = compile_like(pattern).into_boxed_slice();
        Ok(Node::Like {
            value: self.operand(value, Kind::Str)?,
            pattern,
            negated,
        })
    }

    fn in_list(&self, value: &Scalar, list: &[Scalar], negated: bool) -> Result<Node> {
        if list.is_empty() {
            return err("an IN list cannot be empty");
        }
        let all: Vec<&Scalar> = std::iter::once(value).chain(list).collect();
        let kind = self.common_kind(&all)?;
        let mut ops = self.operands(&all, kind)?;
        let value = ops.remove(0);
        Ok(Node::In {
            value,
            list: ops.into_boxed_slice(),
            negated,
        })
    }

    fn between(&self, value: &Scalar, low: &Scalar, high: &Scalar, negated: bool) -> Result<Node> {
        let kind = self.common_kind(&[value, low, high])?;
        if kind == Kind::Bool {
            return err("BETWEEN needs numbers, strings or dates, not booleans");
        }
        let [value, low, high] = [value, low, high].map(|s| self.operand(s, kind));
        Ok(Node::Between {
            value: value?,
            low: low?,
            high: high?,
            negated,
        })
    }

    fn geometry_slot(&self, name: &str) -> Result<usize> {
        let (slot, t) = self.lookup(name)?;
        if t != PropertyType::Geometry {
            return err(format!(
                "spatial functions need a geometry, but {name} is {}",
                kind_name(kind_of(t))
            ));
        }
        Ok(slot)
    }

    fn spatial(&self, op: SpatialOp, left: &Spatial, right: &Spatial) -> Result<Node> {
        Ok(match (left, right) {
            (Spatial::Property(a), Spatial::Property(b)) => Node::SpatialSlots {
                op,
                left: self.geometry_slot(a)?,
                right: self.geometry_slot(b)?,
            },
            (Spatial::Property(a), Spatial::Geometry(g)) => Node::SpatialShape {
                op,
                slot: self.geometry_slot(a)?,
                shape: Box::new(shape(g)?),
            },
            (Spatial::Geometry(g), Spatial::Property(b)) => Node::SpatialShape {
                op: op.converse(),
                slot: self.geometry_slot(b)?,
                shape: Box::new(shape(g)?),
            },
            (Spatial::Geometry(a), Spatial::Geometry(b)) => {
                Node::Const(Some(literal_relation(op, a, b)?))
            }
        })
    }

    fn temporal(&self, op: TemporalOp, left: &Temporal, right: &Temporal) -> Result<Node> {
        Ok(Node::Temporal {
            op,
            left: self.time_operand(left)?,
            right: self.time_operand(right)?,
        })
    }

    fn time_operand(&self, t: &Temporal) -> Result<TimeOperand> {
        let day = |i: &Instant| match i {
            Instant::Date(d) => Bound::Day(*d),
            Instant::Timestamp(t) => Bound::Day(utc_day(*t)),
        };
        Ok(match t {
            Temporal::Property(p) => {
                let (slot, ty) = self.lookup(p)?;
                if ty != PropertyType::Date {
                    return err(format!(
                        "temporal functions need a date, but {p} is {}",
                        kind_name(kind_of(ty))
                    ));
                }
                TimeOperand::Slot(slot)
            }
            Temporal::Instant(i) => TimeOperand::Span(Span {
                start: day(i),
                end: day(i),
            }),
            Temporal::Interval(s, e) => {
                let start = s.as_ref().map_or(Bound::NegInf, day);
                let end = e.as_ref().map_or(Bound::PosInf, day);
                if start > end {
                    return err(format!("{t} ends before it starts"));
                }
                TimeOperand::Span(Span { start, end })
            }
        })
    }
}

/// How an operand is named in a type error.
fn describe(s: &Scalar) -> String {
    match s {
        Scalar::Property(p) => format!("property \"{p}\""),
        other => other.to_string(),
    }
}

/// A string compared with a date: a date, or a timestamp taken at its UTC day.
fn date_from_string(s: &str) -> Result<Date> {
    parse_date(s)
        .or_else(|_| parse_timestamp(s).map(utc_day))
        .or_else(|_| {
            err(format!(
                "'{s}' is compared with a date but is not one (YYYY-MM-DD)"
            ))
        })
}

/// Replaces a node that reads no slot by its value.
fn fold(node: Node) -> Node {
    if node.reads_record() {
        return node;
    }
    struct Empty;
    impl Record for Empty {
        fn value(&self, _: usize) -> Value<'_> {
            Value::Null
        }
    }
    Node::Const(node.eval(&Empty))
}

// ───────────────────────────── spatial ─────────────────────────────

fn to_geo(g: &Geometry) -> geo::Geometry<f64> {
    fn pt(c: &[f64; 2]) -> geo::Coord<f64> {
        geo::Coord { x: c[0], y: c[1] }
    }
    fn line(cs: &[[f64; 2]]) -> geo::LineString<f64> {
        cs.iter().map(pt).collect()
    }
    fn poly(rings: &[Vec<[f64; 2]>]) -> geo::Polygon<f64> {
        let mut it = rings.iter().map(|r| line(r));
        let exterior = it
            .next()
            .unwrap_or_else(|| geo::LineString::new(Vec::new()));
        geo::Polygon::new(exterior, it.collect())
    }
    fn rect(w: f64, s: f64, e: f64, n: f64) -> geo::Polygon<f64> {
        poly(&[vec![[w, s], [e, s], [e, n], [w, n], [w, s]]])
    }
    match g {
        Geometry::Point(c) => geo::Geometry::Point(geo::Point(pt(c))),
        Geometry::MultiPoint(cs) => {
            geo::Geometry::MultiPoint(cs.iter().map(|c| geo::Point(pt(c))).collect())
        }
        Geometry::LineString(cs) => geo::Geometry::LineString(line(cs)),
        Geometry::MultiLineString(ls) => {
            geo::Geometry::MultiLineString(ls.iter().map(|l| line(l)).collect())
        }
        Geometry::Polygon(rs) => geo::Geometry::Polygon(poly(rs)),
        Geometry::MultiPolygon(ps) => {
            geo::Geometry::MultiPolygon(ps.iter().map(|p| poly(p)).collect())
        }
        Geometry::GeometryCollection(gs) => {
            geo::Geometry::GeometryCollection(gs.iter().map(to_geo).collect())
        }
        // A box across the antimeridian is the two boxes on either side of it.
        Geometry::BBox([w, s, e, n]) if w > e => {
            geo::Geometry::MultiPolygon(geo::MultiPolygon(vec![
                rect(*w, *s, 180.0_f64.max(*w), *n),
                rect((-180.0_f64).min(*e), *s, *e, *n),
            ]))
        }
        Geometry::BBox([w, s, e, n]) => geo::Geometry::Polygon(rect(*w, *s, *e, *n)),
    }
}

fn shape(g: &Geometry) -> Result<Shape> {
    g.check().or_else(err)?;
    let geom = to_geo(g);
    let bounds = geom.bounding_rect();
    let single = {
        let mut coords = geom.coords_iter();
        let first = coords.next().map(|c| [c.x, c.y]);
        first.filter(|f| coords.all(|c| c.x == f[0] && c.y == f[1]))
    };
    let is_box = matches!(g, Geometry::BBox([w, _, e, _]) if w <= e);
    Ok(Shape {
        geom,
        bounds,
        single,
        is_box,
    })
}

/// The relation of point `p` to a shape, as DE-9IM defines it for a point.
fn point_relation(op: SpatialOp, p: [f64; 2], shape: &Shape) -> bool {
    let c = geo::Coord { x: p[0], y: p[1] };
    let Some(b) = shape.bounds else {
        return point_position_relation(op, CoordPos::Outside, p, shape);
    };
    let (min, max) = (b.min(), b.max());
    let pos = if c.x < min.x || c.x > max.x || c.y < min.y || c.y > max.y {
        CoordPos::Outside
    } else if !shape.is_box {
        shape.geom.coordinate_position(&c)
    } else if c.x > min.x && c.x < max.x && c.y > min.y && c.y < max.y {
        CoordPos::Inside
    } else {
        CoordPos::OnBoundary
    };
    point_position_relation(op, pos, p, shape)
}

/// The relation, given where the point is relative to the shape.
fn point_position_relation(op: SpatialOp, pos: CoordPos, p: [f64; 2], shape: &Shape) -> bool {
    match op {
        SpatialOp::Intersects => pos != CoordPos::Outside,
        SpatialOp::Disjoint => pos == CoordPos::Outside,
        SpatialOp::Within => pos == CoordPos::Inside,
        SpatialOp::Touches => pos == CoordPos::OnBoundary,
        SpatialOp::Contains | SpatialOp::Equals => shape.single == Some(p),
        SpatialOp::Crosses | SpatialOp::Overlaps => false,
    }
}

fn points_relation(op: SpatialOp, p: [f64; 2], q: [f64; 2]) -> bool {
    match op {
        SpatialOp::Disjoint => p != q,
        SpatialOp::Touches | SpatialOp::Crosses | SpatialOp::Overlaps => false,
        SpatialOp::Intersects | SpatialOp::Within | SpatialOp::Contains | SpatialOp::Equals => {
            p == q
        }
    }
}

/// A spatial function of two literals: exact when one is a point; otherwise only
/// S_INTERSECTS / S_DISJOINT (with `geo`), the others needing a full DE-9IM of two shapes.
fn literal_relation(op: SpatialOp, a: &Geometry, b: &Geometry) -> Result<bool> {
    match (a, b) {
        (Geometry::Point(p), other) => Ok(point_relation(op, *p, &shape(other)?)),
        (other, Geometry::Point(q)) => Ok(point_relation(op.converse(), *q, &shape(other)?)),
        _ if matches!(op, SpatialOp::Intersects | SpatialOp::Disjoint) => {
            let (a, b) = (shape(a)?, shape(b)?);
            Ok(a.geom.intersects(&b.geom) == (op == SpatialOp::Intersects))
        }
        _ => err(format!(
            "{} of two geometry literals is supported only when one is a point",
            op.name()
        )),
    }
}

// ───────────────────────────── evaluation ─────────────────────────────

impl<'a> From<Value<'a>> for Val<'a> {
    fn from(v: Value<'a>) -> Self {
        match v {
            Value::Null => Val::Null,
            Value::Str(s) => Val::Str(s),
            Value::Integer(i) => Val::Int(i),
            Value::Number(n) => Val::Num(n),
            Value::Bool(b) => Val::Bool(b),
            Value::Date(d) => Val::Date(d),
            // Points are never compared as scalars (binding refuses geometries there).
            Value::Point(_) => Val::Null,
        }
    }
}

impl Operand {
    fn get<'a, R: Record + ?Sized>(&'a self, record: &'a R) -> Val<'a> {
        match self {
            Operand::Slot(s) => record.value(*s).into(),
            Operand::Lit(Lit::Str(s)) => Val::Str(s),
            Operand::Lit(Lit::Num(n)) => Val::Num(*n),
            Operand::Lit(Lit::Bool(b)) => Val::Bool(*b),
            Operand::Lit(Lit::Date(d)) => Val::Date(*d),
            Operand::Lit(Lit::Ts(t)) => Val::Ts(*t),
        }
    }

    fn is_slot(&self) -> bool {
        matches!(self, Operand::Slot(_))
    }
}

/// Exact order of an integer and a float (no rounding of large integers through `as f64`).
fn int_float(i: i64, f: f64) -> Option<Ordering> {
    if f.is_nan() {
        return None;
    }
    // 2^63 as f64: every f64 at or above it exceeds every i64, every one below -2^63 is smaller.
    const TWO_63: f64 = 9_223_372_036_854_775_808.0;
    if f >= TWO_63 {
        return Some(Ordering::Less);
    }
    if f < -TWO_63 {
        return Some(Ordering::Greater);
    }
    let t = f.trunc();
    match i.cmp(&(t as i64)) {
        Ordering::Equal => 0.0_f64.partial_cmp(&(f - t)),
        other => Some(other),
    }
}

/// The order of two values, `None` when either is null or they are not comparable.
fn order(a: Val<'_>, b: Val<'_>) -> Option<Ordering> {
    match (a, b) {
        (Val::Str(x), Val::Str(y)) => Some(x.cmp(y)),
        (Val::Int(x), Val::Int(y)) => Some(x.cmp(&y)),
        (Val::Int(x), Val::Num(y)) => int_float(x, y),
        (Val::Num(x), Val::Int(y)) => int_float(y, x).map(Ordering::reverse),
        (Val::Num(x), Val::Num(y)) => x.partial_cmp(&y),
        (Val::Bool(x), Val::Bool(y)) => Some(x.cmp(&y)),
        (Val::Date(x), Val::Date(y)) => Some(x.cmp(&y)),
        (Val::Ts(x), Val::Ts(y)) => Some(x.cmp(&y)),
        _ => None,
    }
}

fn holds(op: CompareOp, o: Ordering) -> bool {
    match op {
        CompareOp::Eq => o.is_eq(),
        CompareOp::Ne => o.is_ne(),
        CompareOp::Lt => o.is_lt(),
        CompareOp::Le => o.is_le(),
        CompareOp::Gt => o.is_gt(),
        CompareOp::Ge => o.is_ge(),
    }
}

fn negate(v: Option<bool>, negated: bool) -> Option<bool> {
    v.map(|b| b != negated)
}

/// Three-valued AND / OR over the nodes: `stop` is the value that decides at once.
fn any_all<R: Record + ?Sized>(nodes: &[Node], record: &R, stop: bool) -> Option<bool> {
    let mut unknown = false;
    for n in nodes {
        match n.eval(record) {
            Some(b) if b == stop => return Some(stop),
            None => unknown = true,
            Some(_) => {}
        }
    }
    if unknown { None } else { Some(!stop) }
}

impl Node {
    fn eval<R: Record + ?Sized>(&self, r: &R) -> Option<bool> {
        match self {
            Node::Const(c) => *c,
            Node::And(list) => any_all(list, r, false),
            Node::Or(list) => any_all(list, r, true),
            Node::Not(inner) => inner.eval(r).map(|b| !b),
            Node::Compare { op, left, right } => {
                order(left.get(r), right.get(r)).map(|o| holds(*op, o))
            }
            Node::Like {
                value,
                pattern,
                negated,
            } => match value.get(r) {
                Val::Str(s) => negate(Some(like(pattern, s)), *negated),
                _ => None,
            },
            Node::In {
                value,
                list,
                negated,
            } => {
                let v = value.get(r);
                let mut unknown = false;
                for item in list.iter() {
                    match order(v, item.get(r)) {
                        Some(Ordering::Equal) => return Some(!negated),
                        None => unknown = true,
                        Some(_) => {}
                    }
                }
                if unknown { None } else { Some(*negated) }
            }
            Node::Between {
                value,
                low,
                high,
                negated,
            } => {
                let v = value.get(r);
                let above = order(v, low.get(r)).map(Ordering::is_ge);
                let below = order(v, high.get(r)).map(Ordering::is_le);
                let inside = match (above, below) {
                    (Some(false), _) | (_, Some(false)) => Some(false),
                    (Some(true), Some(true)) => Some(true),
                    _ => None,
                };
                negate(inside, *negated)
            }
            Node::IsNull { slot, negated } => {
                Some(matches!(r.value(*slot), Value::Null) != *negated)
            }
            Node::SpatialShape { op, slot, shape } => match r.value(*slot) {
                Value::Point(p) if p[0].is_finite() && p[1].is_finite() => {
                    Some(point_relation(*op, p, shape))
                }
                _ => None,
            },
            Node::SpatialSlots { op, left, right } => match (r.value(*left), r.value(*right)) {
                (Value::Point(p), Value::Point(q)) => Some(points_relation(*op, p, q)),
                _ => None,
            },
            Node::Temporal { op, left, right } => {
                Some(temporal_relation(*op, left.span(r)?, right.span(r)?))
            }
        }
    }

    fn reads_record(&self) -> bool {
        match self {
            Node::Const(_) => false,
            Node::And(list) | Node::Or(list) => list.iter().any(Node::reads_record),
            Node::Not(inner) => inner.reads_record(),
            Node::Compare { left, right, .. } => left.is_slot() || right.is_slot(),
            Node::Like { value, .. } => value.is_slot(),
            Node::In { value, list, .. } => value.is_slot() || list.iter().any(Operand::is_slot),
            Node::Between {
                value, low, high, ..
            } => value.is_slot() || low.is_slot() || high.is_slot(),
            Node::IsNull { .. } | Node::SpatialShape { .. } | Node::SpatialSlots { .. } => true,
            Node::Temporal { left, right, .. } => {
                matches!(left, TimeOperand::Slot(_)) || matches!(right, TimeOperand::Slot(_))
            }
        }
    }
}

impl TimeOperand {
    fn span<R: Record + ?Sized>(&self, r: &R) -> Option<Span> {
        match self {
            TimeOperand::Span(s) => Some(*s),
            TimeOperand::Slot(slot) => match r.value(*slot) {
                Value::Date(d) => Some(Span {
                    start: Bound::Day(d),
                    end: Bound::Day(d),
                }),
                _ => None,
            },
        }
    }
}

/// The temporal functions on day spans, as tabulated in [`Filter`]'s documentation.
fn temporal_relation(op: TemporalOp, a: Span, b: Span) -> bool {
    let (as_, ae, bs, be) = (a.start, a.end, b.start, b.end);
    match op {
        TemporalOp::After => as_ > be,
        TemporalOp::Before => ae < bs,
        TemporalOp::Contains => as_ < bs && ae > be,
        TemporalOp::During => as_ > bs && ae < be,
        TemporalOp::Disjoint => as_ > be || ae < bs,
        TemporalOp::Intersects => as_ <= be && ae >= bs,
        TemporalOp::Equals => as_ == bs && ae == be,
        TemporalOp::Meets => ae == bs,
        TemporalOp::MetBy => as_ == be,
        TemporalOp::Overlaps => as_ < bs && ae > bs && ae < be,
        TemporalOp::OverlappedBy => as_ > bs && as_ < be && ae > be,
        TemporalOp::Starts => as_ == bs && ae < be,
        TemporalOp::StartedBy => as_ == bs && ae > be,
        TemporalOp::Finishes => as_ > bs && ae == be,
        TemporalOp::FinishedBy => as_ < bs && ae == be,
    }
}

// ───────────────────────────── LIKE ─────────────────────────────

/// `%` any run, `_` any one character, `\` makes the next character literal (a trailing `\` is
/// itself literal); runs of `%` collapse to one.
fn compile_like(pattern: &str) -> Vec<LikeTok> {
    let mut out = Vec::with_capacity(pattern.len());
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        let tok = match c {
            '%' => LikeTok::Any,
            '_' => LikeTok::One,
            '\\' => LikeTok::Char(chars.next().unwrap_or('\\')),
            c => LikeTok::Char(c),
        };
        if !(tok == LikeTok::Any && out.last() == Some(&LikeTok::Any)) {
            out.push(tok);
        }
    }
    out
}

/// Wildcard matching by backtracking to the last `%` only: O(pattern × text) at worst, no
/// allocation.
fn like(pattern: &[LikeTok], text: &str) -> bool {
    let (mut p, mut t) = (0, 0);
    // After the last `%`: where the pattern resumes, and where in the text it was tried.
    let mut star: Option<(usize, usize)> = None;
    loop {
        let c = text[t..].chars().next();
        match (pattern.get(p), c) {
            (Some(LikeTok::Any), _) => {
                p += 1;
                star = Some((p, t));
                continue;
            }
            (Some(LikeTok::One), Some(c)) => {
                p += 1;
                t += c.len_utf8();
                continue;
            }
            (Some(LikeTok::Char(x)), Some(c)) if *x == c => {
                p += 1;
                t += c.len_utf8();
                continue;
            }
            (None, None) => return true,
            _ => {}
        }
        // Mismatch: let the last `%` swallow one more character, if there is one.
        match star {
            Some((sp, st)) => match text[st..].chars().next() {
                Some(c) => {
                    star = Some((sp, st + c.len_utf8()));
                    p = sp;
                    t = st + c.len_utf8();
                }
                None => return false,
            },
            None => return false,
        }
    }
}
