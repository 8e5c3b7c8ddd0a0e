//! Tests of the CQL2 module: parsing (text and JSON), errors, binding, evaluation, fuzzing.

mod alloc_count;
mod eval_tests;
mod fuzz;
mod parse_tests;

use jiff::civil::{Date, date};

use super::*;

/// A small event for the evaluation tests; `None` is a null.
#[derive(Debug, Clone, Default)]
pub(super) struct Event {
    pub name: Option<&'static str>,
    pub fatalities: Option<i64>,
    pub score: Option<f64>,
    pub verified: Option<bool>,
    pub date: Option<Date>,
    pub point: Option<[f64; 2]>,
    pub actor: Option<&'static str>,
    /// Slot 7 answers with a value of the wrong type, as a buggy record might.
    pub liar: bool,
}

impl Record for Event {
    fn value(&self, slot: usize) -> Value<'_> {
        let v = match slot {
            0 => self.name.map(Value::Str),
            1 => self.fatalities.map(Value::Integer),
            2 => self.score.map(Value::Number),
            3 => self.verified.map(Value::Bool),
            4 => self.date.map(Value::Date),
            5 => self.point.map(Value::Point),
            6 => self.actor.map(Value::Str),
            7 if self.liar => Some(Value::Str("not a number")),
            _ => None,
        };
        v.unwrap_or(Value::Null)
    }
}

/// The queryables of the fake collection.
pub(super) fn schema(name: &str) -> Option<(usize, PropertyType)> {
    Some(match name {
        "name" => (0, PropertyType::String),
        "fatalities" => (1, PropertyType::Integer),
        "score" => (2, PropertyType::Number),
        "verified" => (3, PropertyType::Boolean),
        "event_date" => (4, PropertyType::Date),
        "geom" => (5, PropertyType::Geometry),
        "actor" => (6, PropertyType::String),
        "count" => (7, PropertyType::Integer),
        _ => return None,
    })
}

/// A typical event: Kabul, 3 dead, 2022-01-10.
pub(super) fn kabul() -> Event {
    Event {
        name: Some("Kabul attack"),
        fatalities: Some(3),
        score: Some(0.75),
        verified: Some(true),
        date: Some(date(2022, 1, 10)),
        point: Some([69.2, 34.5]),
        actor: Some("Taliban"),
        liar: false,
    }
}

pub(super) fn bind_text(filter: &str) -> Filter {
    match parse_text(filter) {
        Ok(e) => match e.bind(&schema) {
            Ok(f) => f,
            Err(e) => panic!("{filter}: bind: {e}"),
        },
        Err(e) => panic!("{filter}: parse: {e}"),
    }
}

pub(super) fn matches(filter: &str, event: &Event) -> bool {
    bind_text(filter).matches(event)
}

pub(super) fn prop(name: &str) -> Scalar {
    Scalar::Property(name.into())
}
