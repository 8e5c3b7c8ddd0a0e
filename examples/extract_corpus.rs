//! Extracts the `extract` benchmark's corpus once: a driver for profilers (callgrind counts
//! the same instructions whatever else the machine runs) and, with `print`, a dump of every
//! event and warning and of every placed name, to compare two builds' output byte for byte.
//!
//! Usage: `cargo run --release --example extract_corpus -- fr|en [print]`.

use std::io::Write;
use std::process::ExitCode;

use eventmap::extract::{ArticleText, Lang, extract};
use eventmap::gazetteer::Gazetteer;
use jiff::civil::date;

#[path = "../benches/common/corpus.rs"]
mod corpus;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (lang, articles) = match args.first().map(String::as_str) {
        Some("fr") => (Lang::Fr, corpus::french()),
        Some("en") => (Lang::En, corpus::english()),
        _ => {
            eprintln!("usage: extract_corpus fr|en [print]");
            return ExitCode::from(2);
        }
    };
    let print = args.get(1).is_some_and(|a| a == "print");
    match run(lang, &articles, print) {
        Ok(events) => {
            eprintln!("{} articles, {events} events", articles.len());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("extract_corpus: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Extracts every article, printing what was found when `print`; returns the events' count.
fn run(lang: Lang, articles: &[String], print: bool) -> std::io::Result<usize> {
    let gazetteer = Gazetteer::embedded();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut events = 0;
    for (i, text) in articles.iter().enumerate() {
        let article = ArticleText {
            text,
            source: "bench",
            published: Some(date(2022, 1, 7)),
            lang: Some(lang),
        };
        let Ok(extraction) = extract(gazetteer, &article) else {
            continue;
        };
        events += extraction.events.len();
        if print {
            writeln!(out, "article {i}")?;
            for event in &extraction.events {
                writeln!(out, "{event:?}")?;
            }
            for warning in &extraction.warnings {
                writeln!(out, "warning {warning}")?;
            }
            let geography =
                gazetteer.geography(text, gazetteer.mentions(text, None, lang.dictionaries()));
            for m in &geography.mentions {
                writeln!(
                    out,
                    "{} {} {} {} {:?} {} {}",
                    m.start,
                    m.as_written,
                    m.place.name,
                    m.place.country_code,
                    m.place.kind,
                    m.reason.as_str(),
                    m.confidence
                )?;
            }
        }
    }
    out.flush()?;
    Ok(events)
}
