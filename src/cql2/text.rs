//! cql2-text: a lexer over characters (so that error positions are character offsets) and a
//! recursive-descent parser with the grammar's precedence, OR < AND < NOT < predicates.

use super::{
    CompareOp, Coord, Cql2Error, Expr, Geometry, Instant, MAX_DEPTH, MAX_INPUT_BYTES, Position,
    Scalar, Spatial, SpatialOp, Temporal, TemporalOp, parse_date, parse_instant, parse_timestamp,
};

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    /// A bare identifier or keyword, as written.
    Word(String),
    /// A "double quoted" identifier: always a property name.
    Quoted(String),
    Str(String),
    Num(f64),
    LParen,
    RParen,
    Comma,
    Minus,
    Plus,
    Cmp(CompareOp),
    End,
}

#[derive(Debug, Clone)]
struct Token {
    tok: Tok,
    /// Character offset of the token's first character.
    at: usize,
}

type Result<T> = std::result::Result<T, Cql2Error>;

fn err<T>(message: impl Into<String>, at: usize) -> Result<T> {
    Err(Cql2Error::new(message, Position::Char(at)))
}

/// Parses a cql2-text filter.
pub fn parse_text(s: &str) -> Result<Expr> {
    if s.len() > MAX_INPUT_BYTES {
        return Err(Cql2Error::whole(format!(
            "the filter is {} bytes long; the limit is {MAX_INPUT_BYTES}",
            s.len()
        )));
    }
    let tokens = lex(s)?;
    let mut p = Parser { tokens, next: 0 };
    let expr = p.or_expr(0)?;
    let t = p.peek();
    if t.tok != Tok::End {
        return err(
            format!(
                "expected AND, OR or the end of the filter, found {}",
                describe(&t.tok)
            ),
            t.at,
        );
    }
    Ok(expr)
}

// ───────────────────────────── lexer ─────────────────────────────

fn lex(s: &str) -> Result<Vec<Token>> {
    let chars: Vec<char> = s.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let at = i;
        let tok = match c {
            c if c.is_whitespace() => {
                i += 1;
                continue;
            }
            '(' => Tok::LParen,
            ')' => Tok::RParen,
            ',' => Tok::Comma,
            '-' => Tok::Minus,
            '+' => Tok::Plus,
            '=' => Tok::Cmp(CompareOp::Eq),
            '<' | '>' => {
                let (op, len) = comparison(c, chars.get(i + 1).copied());
                i += len;
                tokens.push(Token {
                    tok: Tok::Cmp(op),
                    at,
                });
                continue;
            }
            '\'' => {
                let (text, end) = quoted(&chars, i, '\'', "string")?;
                i = end;
                tokens.push(Token {
                    tok: Tok::Str(text),
                    at,
                });
                continue;
            }
            '"' => {
                let (text, end) = quoted(&chars, i, '"', "quoted property name")?;
                if text.is_empty() {
                    return err("a quoted property name cannot be empty", at);
                }
                i = end;
                tokens.push(Token {
                    tok: Tok::Quoted(text),
                    at,
                });
                continue;
            }
            c if c.is_ascii_digit() || (c == '.' && next_is_digit(&chars, i)) => {
                let (n, end) = number(&chars, i)?;
                i = end;
                tokens.push(Token {
                    tok: Tok::Num(n),
                    at,
                });
                continue;
            }
            c if identifier_start(c) => {
                let end = (i + 1..chars.len())
                    .find(|&j| !identifier_part(chars[j]))
                    .unwrap_or(chars.len());
                tokens.push(Token {
                    tok: Tok::Word(chars[i..end].iter().collect()),
                    at,
                });
                i = end;
                continue;
            }
            other => return err(unexpected_char(other, chars.get(i + 1).copied()), at),
        };
        tokens.push(Token { tok, at });
        i += 1;
    }
    tokens.push(Token {
        tok: Tok::End,
        at: chars.len(),
    });
    Ok(tokens)
}

fn comparison(c: char, next: Option<char>) -> (CompareOp, usize) {
    match (c, next) {
        ('<', Some('=')) => (CompareOp::Le, 2),
        ('<', Some('>')) => (CompareOp::Ne, 2),
        ('<', _) => (CompareOp::Lt, 1),
        ('>', Some('=')) => (CompareOp::Ge, 2),
        _ => (CompareOp::Gt, 1),
    }
}

fn unexpected_char(c: char, next: Option<char>) -> String {
    match (c, next) {
        ('!', Some('=')) => "'!=' is not CQL2; write <> for 'not equal'".into(),
        ('*' | '/' | '%' | '^', _) => format!("arithmetic ('{c}') is not supported"),
        ('[' | ']', _) => "arrays are not supported".into(),
        _ => format!("unexpected character '{}'", c.escape_debug()),
    }
}

fn next_is_digit(chars: &[char], i: usize) -> bool {
    chars.get(i + 1).is_some_and(|c| c.is_ascii_digit())
}

/// The text between `open` quotes starting at `start`, a doubled quote standing for one; returns
/// it and the index after the closing quote.
fn quoted(chars: &[char], start: usize, q: char, what: &str) -> Result<(String, usize)> {
    let mut text = String::new();
    let mut i = start + 1;
    loop {
        match chars.get(i) {
            None => return err(format!("unterminated {what}: no closing {q}"), start),
            Some(&c) if c == q => {
                if chars.get(i + 1) == Some(&q) {
                    text.push(q);
                    i += 2;
                } else {
                    return Ok((text, i + 1));
                }
            }
            Some(&c) => {
                text.push(c);
                i += 1;
            }
        }
    }
}

/// An unsigned number: `12`, `1.5`, `.5`, `1.`, `1e-3`, `2.5E+10`.
fn number(chars: &[char], start: usize) -> Result<(f64, usize)> {
    let digits = |mut i: usize| {
        while chars.get(i).is_some_and(|c| c.is_ascii_digit()) {
            i += 1;
        }
        i
    };
    let mut i = digits(start);
    if chars.get(i) == Some(&'.') {
        i = digits(i + 1);
    }
    if matches!(chars.get(i), Some('e' | 'E')) {
        let mut j = i + 1;
        if matches!(chars.get(j), Some('+' | '-')) {
            j += 1;
        }
        let end = digits(j);
        if end == j {
            return err("malformed number: the exponent has no digits", start);
        }
        i = end;
    }
    if chars.get(i).is_some_and(|&c| identifier_part(c)) {
        return err("malformed number", start);
    }
    let text: String = chars[start..i].iter().collect();
    match text.parse::<f64>() {
        Ok(n) if n.is_finite() => Ok((n, i)),
        _ => err(format!("number {text} is out of range"), start),
    }
}

/// The grammar's identifierStart: letters of any script, `_` and `:`.
fn identifier_start(c: char) -> bool {
    c.is_alphabetic() || c == '_' || c == ':'
}

/// The grammar's identifierPart: a start character, a digit, `.`, combining marks, `‿` `⁀`.
fn identifier_part(c: char) -> bool {
    identifier_start(c)
        || c.is_alphanumeric()
        || c == '.'
        || ('\u{300}'..='\u{36F}').contains(&c)
        || ('\u{203F}'..='\u{2040}').contains(&c)
}

/// Words that are never a bare property name.
pub(crate) const RESERVED: [&str; 10] = [
    "AND", "OR", "NOT", "LIKE", "IN", "BETWEEN", "IS", "NULL", "TRUE", "FALSE",
];

/// Whether `name` can be written bare (else it needs double quotes).
pub(crate) fn is_bare_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(identifier_start)
        && chars.all(identifier_part)
        && !RESERVED.iter().any(|r| r.eq_ignore_ascii_case(name))
}

fn describe(t: &Tok) -> String {
    match t {
        Tok::Word(w) => format!("'{w}'"),
        Tok::Quoted(q) => format!("property \"{q}\""),
        Tok::Str(s) => format!("string '{s}'"),
        Tok::Num(n) => format!("number {n}"),
        Tok::LParen => "'('".into(),
        Tok::RParen => "')'".into(),
        Tok::Comma => "','".into(),
        Tok::Minus => "'-'".into(),
        Tok::Plus => "'+'".into(),
        Tok::Cmp(op) => format!("'{}'", op.symbol()),
        Tok::End => "the end of the filter".into(),
    }
}

// ───────────────────────────── parser ─────────────────────────────

const GEOMETRY_TAGS: [&str; 9] = [
    "POINT",
    "LINESTRING",
    "POLYGON",
    "MULTIPOINT",
    "MULTILINESTRING",
    "MULTIPOLYGON",
    "GEOMETRYCOLLECTION",
    "BBOX",
    "ENVELOPE",
];

const ARRAY_FUNCTIONS: [&str; 4] = ["A_EQUALS", "A_CONTAINS", "A_CONTAINEDBY", "A_OVERLAPS"];

struct Parser {
    tokens: Vec<Token>,
    next: usize,
}

fn is_word(t: &Tok, keyword: &str) -> bool {
    matches!(t, Tok::Word(w) if w.eq_ignore_ascii_case(keyword))
}

impl Parser {
    fn peek(&self) -> Token {
        self.peek_at(0)
    }

    /// The token `k` places ahead; the lexer's final `End` stands for anything past it.
    fn peek_at(&self, k: usize) -> Token {
        let last = self.tokens.len().saturating_sub(1);
        match self.tokens.get((self.next + k).min(last)) {
            Some(t) => t.clone(),
            None => Token {
                tok: Tok::End,
                at: 0,
            },
        }
    }

    fn bump(&mut self) -> Token {
        let t = self.peek();
        if t.tok != Tok::End {
            self.next += 1;
        }
        t
    }

    fn expect(&mut self, want: Tok, what: &str) -> Result<Token> {
        let t = self.peek();
        if t.tok == want {
            return Ok(self.bump());
        }
        err(format!("expected {what}, found {}", describe(&t.tok)), t.at)
    }

    fn expect_word(&mut self, keyword: &str) -> Result<()> {
        let t = self.peek();
        if is_word(&t.tok, keyword) {
            self.bump();
            return Ok(());
        }
        err(
            format!("expected {keyword}, found {}", describe(&t.tok)),
            t.at,
        )
    }

    /// Whether the next token is the keyword (case-insensitive), consuming it if so.
    fn eat_word(&mut self, keyword: &str) -> bool {
        let hit = is_word(&self.peek().tok, keyword);
        if hit {
            self.bump();
        }
        hit
    }

    fn deeper(&self, depth: usize) -> Result<usize> {
        if depth >= MAX_DEPTH {
            return err(
                format!("the filter nests deeper than {MAX_DEPTH} levels"),
                self.peek().at,
            );
        }
        Ok(depth + 1)
    }

    fn or_expr(&mut self, depth: usize) -> Result<Expr> {
        let mut terms = vec![self.and_expr(depth)?];
        while self.eat_word("OR") {
            terms.push(self.and_expr(depth)?);
        }
        Ok(if terms.len() == 1 {
            terms.remove(0)
        } else {
            Expr::Or(terms)
        })
    }

    fn and_expr(&mut self, depth: usize) -> Result<Expr> {
        let mut factors = vec![self.not_expr(depth)?];
        while self.eat_word("AND") {
            factors.push(self.not_expr(depth)?);
        }
        Ok(if factors.len() == 1 {
            factors.remove(0)
        } else {
            Expr::And(factors)
        })
    }

    fn not_expr(&mut self, depth: usize) -> Result<Expr> {
        if is_word(&self.peek().tok, "NOT") {
            let depth = self.deeper(depth)?;
            self.bump();
            return Ok(Expr::Not(Box::new(self.not_expr(depth)?)));
        }
        self.primary(depth)
    }

    fn primary(&mut self, depth: usize) -> Result<Expr> {
        let t = self.peek();
        if t.tok == Tok::LParen {
            let inner = self.deeper(depth)?;
            self.bump();
            let e = self.or_expr(inner)?;
            self.expect(
                Tok::RParen,
                &format!("')' closing the '(' at character {}", t.at),
            )?;
            return Ok(e);
        }
        if let Tok::Word(w) = &t.tok
            && self.peek_at(1).tok == Tok::LParen
        {
            if let Some(op) = SpatialOp::from_name(w) {
                return self.spatial(op, depth);
            }
            if let Some(op) = TemporalOp::from_name(w) {
                return self.temporal(op);
            }
            if ARRAY_FUNCTIONS.iter().any(|a| a.eq_ignore_ascii_case(w)) {
                return err(
                    format!("array functions ({}) are not supported", w.to_uppercase()),
                    t.at,
                );
            }
        }
        let left = self.scalar()?;
        self.predicate(left)
    }

    /// What follows a scalar operand: a comparison, LIKE, IN, BETWEEN or IS NULL.
    fn predicate(&mut self, left: Scalar) -> Result<Expr> {
        let t = self.peek();
        if let Tok::Cmp(op) = t.tok {
            self.bump();
            let right = self.scalar()?;
            return Ok(Expr::Compare { op, left, right });
        }
        let negated = is_word(&t.tok, "NOT");
        if negated {
            self.bump();
        }
        let t2 = self.peek();
        if self.eat_word("LIKE") {
            let pattern = self.pattern()?;
            return Ok(Expr::Like {
                value: left,
                pattern,
                negated,
            });
        }
        if self.eat_word("IN") {
            let list = self.in_list()?;
            return Ok(Expr::In {
                value: left,
                list,
                negated,
            });
        }
        if self.eat_word("BETWEEN") {
            let low = self.scalar()?;
            self.expect_word("AND")?;
            let high = self.scalar()?;
            return Ok(Expr::Between {
                value: left,
                low,
                high,
                negated,
            });
        }
        if negated {
            return err(
                format!(
                    "expected LIKE, IN or BETWEEN after NOT, found {}",
                    describe(&t2.tok)
                ),
                t2.at,
            );
        }
        if self.eat_word("IS") {
            let negated = self.eat_word("NOT");
            self.expect_word("NULL")?;
            return Ok(Expr::IsNull {
                value: left,
                negated,
            });
        }
        if let Scalar::Bool(b) = left {
            return Ok(Expr::Bool(b));
        }
        err(
            format!(
                "expected a comparison operator, LIKE, IN, BETWEEN or IS NULL after {}, found {}",
                scalar_name(&left),
                describe(&t.tok)
            ),
            t.at,
        )
    }

    fn pattern(&mut self) -> Result<String> {
        let t = self.bump();
        match t.tok {
            Tok::Str(s) => Ok(s),
            Tok::Word(w)
                if ["CASEI", "ACCENTI"]
                    .iter()
                    .any(|f| f.eq_ignore_ascii_case(&w)) =>
            {
                err(format!("{} is not supported", w.to_uppercase()), t.at)
            }
            other => err(
                format!(
                    "expected a pattern string after LIKE, found {}",
                    describe(&other)
                ),
                t.at,
            ),
        }
    }

    fn in_list(&mut self) -> Result<Vec<Scalar>> {
        self.expect(Tok::LParen, "'(' opening the IN list")?;
        let mut list = vec![self.scalar()?];
        while self.peek().tok == Tok::Comma {
            self.bump();
            list.push(self.scalar()?);
        }
        self.expect(Tok::RParen, "',' or ')' closing the IN list")?;
        Ok(list)
    }

    fn scalar(&mut self) -> Result<Scalar> {
        let t = self.bump();
        let value = match t.tok {
            Tok::Num(n) => Scalar::Number(n),
            Tok::Minus | Tok::Plus => Scalar::Number(self.signed(&t)?),
            Tok::Str(s) => Scalar::Str(s),
            Tok::Quoted(q) => Scalar::Property(q),
            Tok::Word(w) => self.word_scalar(w, t.at)?,
            other => {
                return err(
                    format!("expected a value, found {}", describe(&other)),
                    t.at,
                );
            }
        };
        Ok(value)
    }

    /// The number after a sign token already consumed.
    fn signed(&mut self, sign: &Token) -> Result<f64> {
        let t = self.peek();
        match t.tok {
            Tok::Num(n) => {
                self.bump();
                Ok(if sign.tok == Tok::Minus { -n } else { n })
            }
            _ => err(
                "arithmetic is not supported: a sign must be followed by a number",
                sign.at,
            ),
        }
    }

    fn word_scalar(&mut self, w: String, at: usize) -> Result<Scalar> {
        let call = self.peek().tok == Tok::LParen;
        let upper = w.to_uppercase();
        match upper.as_str() {
            "TRUE" if !call => return Ok(Scalar::Bool(true)),
            "FALSE" if !call => return Ok(Scalar::Bool(false)),
            "NULL" => {
                return err(
                    "NULL is not a value: test for it with IS NULL or IS NOT NULL",
                    at,
                );
            }
            k if RESERVED.contains(&k) => {
                return err(format!("expected a value, found {upper}"), at);
            }
            _ if !call => return Ok(Scalar::Property(w)),
            "DATE" => return Ok(Scalar::Date(self.instant_arg(at, parse_date)?)),
            "TIMESTAMP" => return Ok(Scalar::Timestamp(self.instant_arg(at, parse_timestamp)?)),
            _ => {}
        }
        err(misplaced_function(&upper), at)
    }

    /// `('…')` after DATE or TIMESTAMP, read with `read`.
    fn instant_arg<T>(
        &mut self,
        at: usize,
        read: fn(&str) -> std::result::Result<T, String>,
    ) -> Result<T> {
        self.expect(Tok::LParen, "'('")?;
        let t = self.bump();
        let Tok::Str(s) = t.tok else {
            return err(
                format!(
                    "expected a quoted date or timestamp, found {}",
                    describe(&t.tok)
                ),
                t.at,
            );
        };
        let value = read(&s).or_else(|m| err(m, t.at))?;
        self.expect(
            Tok::RParen,
            &format!("')' closing the '(' after character {at}"),
        )?;
        Ok(value)
    }

    fn spatial(&mut self, op: SpatialOp, depth: usize) -> Result<Expr> {
        self.bump();
        self.expect(Tok::LParen, "'('")?;
        let left = self.spatial_operand(depth)?;
        self.expect(
            Tok::Comma,
            &format!("',' between the arguments of {}", op.name()),
        )?;
        let right = self.spatial_operand(depth)?;
        self.expect(Tok::RParen, &format!("')' closing {}", op.name()))?;
        Ok(Expr::Spatial { op, left, right })
    }

    fn spatial_operand(&mut self, depth: usize) -> Result<Spatial> {
        let t = self.peek();
        let tagged = matches!(&t.tok, Tok::Word(w) if GEOMETRY_TAGS.iter().any(|g| g.eq_ignore_ascii_case(w)))
            && matches!(self.peek_at(1).tok, Tok::LParen | Tok::Word(_));
        match t.tok {
            Tok::Word(_) if tagged => Ok(Spatial::Geometry(self.geometry(depth)?)),
            Tok::Word(w) if self.peek_at(1).tok == Tok::LParen => {
                err(misplaced_function(&w.to_uppercase()), t.at)
            }
            Tok::Word(w) if !RESERVED.iter().any(|r| r.eq_ignore_ascii_case(&w)) => {
                self.bump();
                Ok(Spatial::Property(w))
            }
            Tok::Quoted(q) => {
                self.bump();
                Ok(Spatial::Property(q))
            }
            other => err(
                format!(
                    "expected a geometry property or a geometry (POINT, LINESTRING, POLYGON, MULTI…, GEOMETRYCOLLECTION, BBOX), found {}",
                    describe(&other)
                ),
                t.at,
            ),
        }
    }

    /// A WKT geometry, BBOX or ENVELOPE; the tag is the next token.
    fn geometry(&mut self, depth: usize) -> Result<Geometry> {
        let tag = self.bump();
        let Tok::Word(w) = &tag.tok else {
            return err(
                format!("expected a geometry, found {}", describe(&tag.tok)),
                tag.at,
            );
        };
        let upper = w.to_uppercase();
        let z = self.dimension()?;
        let g = match upper.as_str() {
            "POINT" => Geometry::Point(self.point_text(z)?),
            "LINESTRING" => Geometry::LineString(self.coord_list(z)?),
            "POLYGON" => Geometry::Polygon(self.list_of(|p| p.coord_list(z))?),
            "MULTIPOINT" => Geometry::MultiPoint(self.list_of(|p| p.multipoint_member(z))?),
            "MULTILINESTRING" => Geometry::MultiLineString(self.list_of(|p| p.coord_list(z))?),
            "MULTIPOLYGON" => {
                Geometry::MultiPolygon(self.list_of(|p| p.list_of(|p| p.coord_list(z)))?)
            }
            "GEOMETRYCOLLECTION" => {
                let inner = self.deeper(depth)?;
                Geometry::GeometryCollection(self.list_of(|p| p.collection_member(inner))?)
            }
            "BBOX" => Geometry::BBox(self.bbox(tag.at)?),
            "ENVELOPE" => Geometry::BBox(self.envelope(tag.at)?),
            _ => return err(format!("'{w}' is not a geometry"), tag.at),
        };
        g.check().or_else(|m| err(m, tag.at))?;
        Ok(g)
    }

    fn collection_member(&mut self, depth: usize) -> Result<Geometry> {
        let t = self.peek();
        match &t.tok {
            Tok::Word(w) if GEOMETRY_TAGS.iter().any(|g| g.eq_ignore_ascii_case(w)) => {
                self.geometry(depth)
            }
            other => err(
                format!(
                    "expected a geometry in the GEOMETRYCOLLECTION, found {}",
                    describe(other)
                ),
                t.at,
            ),
        }
    }

    /// The optional Z / M / ZM / EMPTY after a tag: true when positions have a third number.
    fn dimension(&mut self) -> Result<bool> {
        let t = self.peek();
        let Tok::Word(w) = &t.tok else {
            return Ok(false);
        };
        let upper = w.to_uppercase();
        match upper.as_str() {
            "Z" => {
                self.bump();
                Ok(true)
            }
            "M" | "ZM" => err(format!("{upper} coordinates are not supported"), t.at),
            "EMPTY" => err("EMPTY geometries are not supported", t.at),
            _ => err(
                format!(
                    "expected '(' after the geometry tag, found {}",
                    describe(&t.tok)
                ),
                t.at,
            ),
        }
    }

    /// `( item, item, … )`.
    fn list_of<T>(&mut self, mut item: impl FnMut(&mut Self) -> Result<T>) -> Result<Vec<T>> {
        self.expect(Tok::LParen, "'('")?;
        let mut items = vec![item(self)?];
        while self.peek().tok == Tok::Comma {
            self.bump();
            items.push(item(self)?);
        }
        self.expect(Tok::RParen, "',' or ')'")?;
        Ok(items)
    }

    fn point_text(&mut self, z: bool) -> Result<Coord> {
        self.expect(Tok::LParen, "'('")?;
        let c = self.coord(z)?;
        self.expect(Tok::RParen, "')' closing the point")?;
        Ok(c)
    }

    fn coord_list(&mut self, z: bool) -> Result<Vec<Coord>> {
        self.list_of(|p| p.coord(z))
    }

    /// A MULTIPOINT member: `(x y)` as the grammar writes it, or a bare `x y` as WKT allows.
    fn multipoint_member(&mut self, z: bool) -> Result<Coord> {
        if self.peek().tok == Tok::LParen {
            self.point_text(z)
        } else {
            self.coord(z)
        }
    }

    /// `x y`, or `x y z` (z dropped): with a Z tag the third number is required.
    fn coord(&mut self, z: bool) -> Result<Coord> {
        let x = self.coordinate_number()?;
        let y = self.coordinate_number()?;
        let t = self.peek();
        if z || matches!(t.tok, Tok::Num(_) | Tok::Minus | Tok::Plus) {
            self.coordinate_number()?;
        }
        let t = self.peek();
        if matches!(t.tok, Tok::Num(_) | Tok::Minus | Tok::Plus) {
            return err(
                "a position has 2 or 3 numbers; M coordinates are not supported",
                t.at,
            );
        }
        Ok([x, y])
    }

    fn coordinate_number(&mut self) -> Result<f64> {
        let t = self.bump();
        match t.tok {
            Tok::Num(n) => Ok(n),
            Tok::Minus | Tok::Plus => self.signed(&t),
            other => err(
                format!("expected a coordinate, found {}", describe(&other)),
                t.at,
            ),
        }
    }

    /// `BBOX(w, s, e, n)` or `BBOX(w, s, min_z, e, n, max_z)`, elevations dropped.
    fn bbox(&mut self, at: usize) -> Result<[f64; 4]> {
        let n = self.list_of(|p| p.coordinate_number())?;
        match n[..] {
            [w, s, e, nn] | [w, s, _, e, nn, _] => Ok([w, s, e, nn]),
            _ => err(format!("a BBOX has 4 or 6 numbers, not {}", n.len()), at),
        }
    }

    /// `ENVELOPE(w, e, n, s)`: the order of the CQL drafts before 1.0 replaced it with BBOX.
    fn envelope(&mut self, at: usize) -> Result<[f64; 4]> {
        let n = self.list_of(|p| p.coordinate_number())?;
        match n[..] {
            [w, e, nn, s] => Ok([w, s, e, nn]),
            _ => err(
                format!(
                    "an ENVELOPE has 4 numbers (west, east, north, south), not {}",
                    n.len()
                ),
                at,
            ),
        }
    }

    fn temporal(&mut self, op: TemporalOp) -> Result<Expr> {
        self.bump();
        self.expect(Tok::LParen, "'('")?;
        let left = self.temporal_operand()?;
        self.expect(
            Tok::Comma,
            &format!("',' between the arguments of {}", op.name()),
        )?;
        let right = self.temporal_operand()?;
        self.expect(Tok::RParen, &format!("')' closing {}", op.name()))?;
        Ok(Expr::Temporal { op, left, right })
    }

    fn temporal_operand(&mut self) -> Result<Temporal> {
        let t = self.peek();
        let call = self.peek_at(1).tok == Tok::LParen;
        match &t.tok {
            Tok::Word(w) if call && w.eq_ignore_ascii_case("INTERVAL") => {
                self.bump();
                self.interval()
            }
            Tok::Word(w)
                if call
                    && (w.eq_ignore_ascii_case("DATE") || w.eq_ignore_ascii_case("TIMESTAMP")) =>
            {
                Ok(Temporal::Instant(self.instant()?))
            }
            Tok::Word(w) if call => err(misplaced_function(&w.to_uppercase()), t.at),
            Tok::Word(w) if !RESERVED.iter().any(|r| r.eq_ignore_ascii_case(w)) => {
                self.bump();
                Ok(Temporal::Property(w.clone()))
            }
            Tok::Quoted(q) => {
                self.bump();
                Ok(Temporal::Property(q.clone()))
            }
            other => err(
                format!(
                    "expected a date property, DATE(…), TIMESTAMP(…) or INTERVAL(…), found {}",
                    describe(other)
                ),
                t.at,
            ),
        }
    }

    /// DATE('…') or TIMESTAMP('…'); the keyword is the next token.
    fn instant(&mut self) -> Result<Instant> {
        let t = self.bump();
        if is_word(&t.tok, "DATE") {
            Ok(Instant::Date(self.instant_arg(t.at, parse_date)?))
        } else {
            Ok(Instant::Timestamp(self.instant_arg(t.at, parse_timestamp)?))
        }
    }

    fn interval(&mut self) -> Result<Temporal> {
        self.expect(Tok::LParen, "'('")?;
        let start = self.interval_bound()?;
        self.expect(Tok::Comma, "',' between the ends of the INTERVAL")?;
        let end = self.interval_bound()?;
        self.expect(Tok::RParen, "')' closing the INTERVAL")?;
        Ok(Temporal::Interval(start, end))
    }

    /// `'..'`, a date or timestamp string, or (leniently) DATE(…) / TIMESTAMP(…).
    fn interval_bound(&mut self) -> Result<Option<Instant>> {
        let t = self.peek();
        match &t.tok {
            Tok::Str(s) if s == ".." => {
                self.bump();
                Ok(None)
            }
            Tok::Str(s) => {
                let v = parse_instant(s).or_else(|m| err(m, t.at))?;
                self.bump();
                Ok(Some(v))
            }
            Tok::Word(w)
                if w.eq_ignore_ascii_case("DATE") || w.eq_ignore_ascii_case("TIMESTAMP") =>
            {
                Ok(Some(self.instant()?))
            }
            Tok::Word(_) | Tok::Quoted(_) => err(
                "INTERVAL bounds must be dates, timestamps or '..'; properties are not supported",
                t.at,
            ),
            other => err(
                format!(
                    "expected a date, a timestamp or '..', found {}",
                    describe(other)
                ),
                t.at,
            ),
        }
    }
}

/// Why `NAME(` is refused where a value was expected.
fn misplaced_function(upper: &str) -> String {
    if upper == "CASEI" || upper == "ACCENTI" {
        format!("{upper} is not supported")
    } else if upper == "INTERVAL" {
        "INTERVAL is allowed only as an argument of a temporal function (T_…)".into()
    } else if GEOMETRY_TAGS.contains(&upper) {
        format!("{upper} is allowed only as an argument of a spatial function (S_…)")
    } else if SpatialOp::from_name(upper).is_some() || TemporalOp::from_name(upper).is_some() {
        format!("{upper} is a predicate, not a value")
    } else if ARRAY_FUNCTIONS.contains(&upper) {
        format!("array functions ({upper}) are not supported")
    } else if upper == "DATE" || upper == "TIMESTAMP" {
        format!("{upper} is not allowed here")
    } else {
        format!("unknown function {upper}")
    }
}

fn scalar_name(s: &Scalar) -> String {
    match s {
        Scalar::Property(p) => format!("property {p}"),
        other => other.to_string(),
    }
}
