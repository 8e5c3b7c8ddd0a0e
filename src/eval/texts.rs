//! A folder of texts and the events people expect of them (`truth.json`), scored like the
//! ACLED rows: recall and precision of (date, place within 50 km) pairs, types and tolls on
//! the events found, and places that must never get an event.
//!
//! `truth.json`: `{"texts": [{"file", "published", "lang", "taught_by", "structures",
//! "events": [{"date", "place", "lat", "lon", "event_type", "sub_event_type", "fatalities",
//! "injuries", "arrests", "required"}], "forbidden": [{"place", "lat", "lon"}]}]}`.

use std::path::{Path, PathBuf};

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::{EXACT_KM, NEAR_KM, haversine_km};
use crate::extract::{self, ArticleText, Lang};
use crate::gazetteer::Gazetteer;
use crate::model::{Event, EventType};

/// Why a corpus could not be read.
#[derive(Debug, thiserror::Error)]
pub enum TruthError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: {source}")]
    Json {
        path: PathBuf,
        source: serde_json::Error,
    },
    #[error("{path}: text {file:?}: {problem}")]
    Text {
        path: PathBuf,
        file: String,
        problem: String,
    },
}

/// The whole `truth.json`.
#[derive(Debug, Deserialize)]
pub struct Truth {
    pub texts: Vec<ExpectedText>,
}

/// One text and what it reports.
#[derive(Debug, Deserialize)]
pub struct ExpectedText {
    pub file: String,
    pub published: Date,
    #[serde(default)]
    pub lang: Option<String>,
    /// The page whose structure and facts the text follows.
    #[serde(default)]
    pub taught_by: Option<String>,
    #[serde(default)]
    pub structures: Vec<String>,
    pub events: Vec<ExpectedEvent>,
    /// Places where no event may be put.
    #[serde(default)]
    pub forbidden: Vec<ForbiddenPlace>,
}

#[derive(Debug, Deserialize)]
pub struct ExpectedEvent {
    pub date: Date,
    pub place: String,
    pub lat: f64,
    pub lon: f64,
    pub event_type: EventType,
    #[serde(default)]
    pub sub_event_type: Option<String>,
    #[serde(default)]
    pub fatalities: Option<u32>,
    #[serde(default)]
    pub injuries: Option<u32>,
    #[serde(default)]
    pub arrests: Option<u32>,
    /// A careful analyst codes it; `false`: one may or may not (counted neither way).
    #[serde(default = "yes")]
    pub required: bool,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Deserialize)]
pub struct ForbiddenPlace {
    pub place: String,
    pub lat: f64,
    pub lon: f64,
}

/// How one text was read.
#[derive(Debug, Serialize)]
pub struct TextScore {
    pub file: String,
    pub required: usize,
    /// Required events some extracted event matches (date, 50 km).
    pub found: usize,
    pub extracted: usize,
    /// Extracted events matching some expected event, required or not.
    pub right: usize,
    /// Of the found events, those with the expected type.
    pub typed: usize,
    /// Of the found events with an expected toll, those with exactly that toll.
    pub tolls: usize,
    pub tolls_expected: usize,
    /// Extracted events within 10 km of a forbidden place.
    pub forbidden: usize,
    /// Required events not found, as "date place".
    pub missed: Vec<String>,
    /// Extracted events matching nothing, as "date place type".
    pub wrong: Vec<String>,
}

/// The corpus's totals.
#[derive(Debug, Default, Serialize)]
pub struct CorpusScore {
    pub texts: usize,
    pub recall: f64,
    pub precision: f64,
    pub event_type: f64,
    pub tolls: f64,
    pub forbidden: usize,
}

/// Reads `DIR/truth.json` and its texts.
pub fn read(dir: &Path) -> Result<Vec<(ExpectedText, String)>, TruthError> {
    let path = dir.join("truth.json");
    let body = std::fs::read_to_string(&path).map_err(|source| TruthError::Read {
        path: path.clone(),
        source,
    })?;
    let truth: Truth = serde_json::from_str(&body).map_err(|source| TruthError::Json {
        path: path.clone(),
        source,
    })?;
    truth
        .texts
        .into_iter()
        .map(|expected| {
            let text_path = dir.join(&expected.file);
            let text = std::fs::read_to_string(&text_path).map_err(|source| TruthError::Read {
                path: text_path,
                source,
            })?;
            if let Some(lang) = &expected.lang
                && lang.parse::<Lang>().is_err()
            {
                return Err(TruthError::Text {
                    path: path.clone(),
                    file: expected.file.clone(),
                    problem: format!("lang {lang:?} is not fr or en"),
                });
            }
            Ok((expected, text))
        })
        .collect()
}

/// Extracts and scores every text.
pub fn score_all(gazetteer: &Gazetteer, corpus: &[(ExpectedText, String)]) -> Vec<TextScore> {
    corpus
        .iter()
        .map(|(expected, text)| {
            let article = ArticleText {
                text,
                source: &expected.file,
                published: Some(expected.published),
                lang: expected.lang.as_deref().and_then(|l| l.parse().ok()),
            };
            let events = extract::extract(gazetteer, &article)
                .map(|x| x.events)
                .unwrap_or_default();
            score(expected, &events)
        })
        .collect()
}

fn matches(expected: &ExpectedEvent, event: &Event) -> bool {
    event.event_date == expected.date
        && haversine_km(expected.lat, expected.lon, event.lat, event.lon) <= NEAR_KM
}

/// Scores one text's extracted events against what it reports.
pub fn score(expected: &ExpectedText, events: &[Event]) -> TextScore {
    let required: Vec<&ExpectedEvent> = expected.events.iter().filter(|e| e.required).collect();
    let mut out = TextScore {
        file: expected.file.clone(),
        required: required.len(),
        found: 0,
        extracted: events.len(),
        right: 0,
        typed: 0,
        tolls: 0,
        tolls_expected: 0,
        forbidden: 0,
        missed: Vec::new(),
        wrong: Vec::new(),
    };
    for want in &required {
        let found: Vec<&Event> = events.iter().filter(|e| matches(want, e)).collect();
        if found.is_empty() {
            out.missed.push(format!("{} {}", want.date, want.place));
            continue;
        }
        out.found += 1;
        if found.iter().any(|e| e.event_type == want.event_type) {
            out.typed += 1;
        }
        if let Some(deaths) = want.fatalities {
            out.tolls_expected += 1;
            let got: u32 = found.iter().filter_map(|e| e.fatalities).sum();
            if got == deaths {
                out.tolls += 1;
            }
        }
    }
    for event in events {
        if expected.events.iter().any(|want| matches(want, event)) {
            out.right += 1;
        } else {
            out.wrong.push(format!(
                "{} {} {}",
                event.event_date,
                event.place,
                event.event_type.label()
            ));
        }
        let near_forbidden = expected
            .forbidden
            .iter()
            .any(|f| haversine_km(f.lat, f.lon, event.lat, event.lon) <= EXACT_KM);
        if near_forbidden {
            out.forbidden += 1;
        }
    }
    out
}

impl CorpusScore {
    pub fn of(scores: &[TextScore]) -> CorpusScore {
        let sum = |f: fn(&TextScore) -> usize| scores.iter().map(f).sum::<usize>();
        let share = |a: usize, b: usize| if b == 0 { 1.0 } else { a as f64 / b as f64 };
        CorpusScore {
            texts: scores.len(),
            recall: share(sum(|s| s.found), sum(|s| s.required)),
            precision: share(sum(|s| s.right), sum(|s| s.extracted)),
            event_type: share(sum(|s| s.typed), sum(|s| s.found)),
            tolls: share(sum(|s| s.tolls), sum(|s| s.tolls_expected)),
            forbidden: sum(|s| s.forbidden),
        }
    }
}

/// The scores as a plain-text report: a line per text, its misses, then the totals.
pub fn report(scores: &[TextScore]) -> String {
    let mut out = String::new();
    for s in scores {
        out.push_str(&format!(
            "{:<44} found {}/{} right {}/{} typed {} tolls {}/{} forbidden {}\n",
            s.file,
            s.found,
            s.required,
            s.right,
            s.extracted,
            s.typed,
            s.tolls,
            s.tolls_expected,
            s.forbidden
        ));
        for m in &s.missed {
            out.push_str(&format!("    missed {m}\n"));
        }
        for w in &s.wrong {
            out.push_str(&format!("    wrong  {w}\n"));
        }
    }
    let total = CorpusScore::of(scores);
    out.push_str(&format!(
        "\n{} texts: recall {:.3}, precision {:.3}, type {:.3} (of found), tolls {:.3}, forbidden {}\n",
        total.texts, total.recall, total.precision, total.event_type, total.tolls, total.forbidden
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expected() -> ExpectedText {
        serde_json::from_str(
            r#"{"file": "a.txt", "published": "2022-01-06", "lang": "en",
                "events": [
                  {"date": "2022-01-05", "place": "Almaty", "lat": 43.2567, "lon": 76.9286,
                   "event_type": "Riots", "fatalities": 8},
                  {"date": "2022-01-05", "place": "Taraz", "lat": 42.9, "lon": 71.3667,
                   "event_type": "Protests", "required": false}
                ],
                "forbidden": [{"place": "Moscow", "lat": 55.7558, "lon": 37.6173}]}"#,
        )
        .expect("truth parses")
    }

    #[test]
    fn a_text_is_scored_on_dates_places_types_tolls_and_forbidden_places() {
        let gazetteer = Gazetteer::embedded();
        let text = "On Wednesday, protesters stormed the mayor's office in Almaty. Eight \
            police officers were killed. Moscow sent paratroopers.";
        let article = ArticleText {
            text,
            source: "a.txt",
            published: Some(jiff::civil::date(2022, 1, 6)),
            lang: Some(Lang::En),
        };
        let events = extract::extract(gazetteer, &article)
            .expect("extracts")
            .events;
        let score = score(&expected(), &events);
        assert_eq!((score.required, score.found, score.typed), (1, 1, 1));
        assert_eq!((score.tolls, score.tolls_expected), (1, 1));
        assert_eq!(score.forbidden, 0, "{:?}", score.wrong);
        let total = CorpusScore::of(&[score]);
        assert_eq!(total.recall, 1.0);
    }
}
