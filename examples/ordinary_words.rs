//! Prints the dictionary words that the gazetteer would take for a place name when written
//! capitalised ("One" → Onex, "Attack" → Ataq): `scripts/build_gazetteer.py` runs it to write
//! `geodata/gazetteer/ordinary-words.txt`.
//!
//! Usage: `cargo run --release --example ordinary_words -- PLACES.tsv.gz WORDS.txt…`, where each
//! words file has one lower-case word per line. Output: the colliding words, sorted, unique.

use std::collections::BTreeSet;
use std::process::ExitCode;

use eventmap::gazetteer::{Dictionaries, Gazetteer};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((places, word_files)) = args.split_first().filter(|(_, w)| !w.is_empty()) else {
        eprintln!("usage: ordinary_words PLACES.tsv.gz WORDS.txt...");
        return ExitCode::from(2);
    };
    let gazetteer = match std::fs::read(places)
        .map_err(|e| e.to_string())
        .and_then(|bytes| Gazetteer::from_gzip_tsv(&bytes).map_err(|e| e.to_string()))
    {
        Ok(gazetteer) => gazetteer,
        Err(e) => {
            eprintln!("{places}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut colliding = BTreeSet::new();
    for file in word_files {
        let words = match std::fs::read_to_string(file) {
            Ok(words) => words,
            Err(e) => {
                eprintln!("{file}: {e}");
                return ExitCode::FAILURE;
            }
        };
        for word in words.lines().map(str::trim).filter(|w| !w.is_empty()) {
            let mut chars = word.chars();
            let capitalised: String = chars
                .next()
                .into_iter()
                .flat_map(char::to_uppercase)
                .chain(chars)
                .collect();
            let whole = gazetteer
                .mentions(&capitalised, None, Dictionaries::ALL)
                .iter()
                .any(|m| m.start == 0 && m.end == capitalised.len());
            if whole {
                colliding.insert(word.to_lowercase());
            }
        }
    }
    for word in colliding {
        println!("{word}");
    }
    ExitCode::SUCCESS
}
