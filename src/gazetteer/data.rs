//! Parsing of the shipped gazetteer file `geodata/gazetteer/places.tsv.gz` (built by
//! `scripts/build_gazetteer.py`): one place per line, tab-separated
//! `kind geonameid name lat lon country admin1 population alternate|names capital`,
//! where kind is `C` (city), `R` (region) or `K` (country), and capital is a country's
//! capital city (its GeoNames id; empty for cities, regions and countries without one);
//! and of the list of ordinary words (`geodata/gazetteer/ordinary-words.txt`).
//!
//! `build.rs` compiles this module too: it parses the shipped file into the gazetteer image,
//! and `Gazetteer::from_gzip_tsv` parses other data at run time.

use std::io::Read;

use flate2::read::GzDecoder;

use super::{Place, PlaceKind};

/// Why the gazetteer data could not be read.
#[derive(Debug, thiserror::Error)]
pub enum GazetteerError {
    #[error("gazetteer data is not valid gzip: {0}")]
    Gzip(#[from] std::io::Error),
    #[error("gazetteer data is not UTF-8")]
    Utf8(#[from] std::string::FromUtf8Error),
    #[error("gazetteer line {line}: {problem}")]
    Line { line: usize, problem: String },
    #[error("gazetteer image is malformed: {0}")]
    Image(&'static str),
    #[error("gazetteer data too large for its image: {0}")]
    TooLarge(&'static str),
}

/// A parsed place with the alternate names it is also known by (`|`-separated, kept as one
/// string as the image keeps them: only the matcher's builder and its spelling check read them).
pub(crate) struct Record {
    pub(crate) place: Place,
    pub(crate) alternate_names: String,
    /// A country's capital city, by GeoNames id.
    pub(crate) capital: Option<u32>,
}

/// Decompresses and parses gzip-compressed gazetteer TSV.
pub(crate) fn parse_gzip(compressed: &[u8]) -> Result<Vec<Record>, GazetteerError> {
    let mut bytes = Vec::with_capacity(compressed.len() * 3);
    GzDecoder::new(compressed).read_to_end(&mut bytes)?;
    let text = String::from_utf8(bytes)?;
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.is_empty())
        .map(|(index, line)| {
            parse_line(line).map_err(|problem| GazetteerError::Line {
                line: index + 1,
                problem,
            })
        })
        .collect()
}

fn parse_line(line: &str) -> Result<Record, String> {
    let fields: Vec<&str> = line.split('\t').collect();
    let [
        kind,
        geonameid,
        name,
        lat,
        lon,
        country,
        admin1,
        population,
        names,
        capital,
    ] = fields[..]
    else {
        return Err(format!("expected 10 fields, found {}", fields.len()));
    };
    let kind = match kind {
        "C" => PlaceKind::City,
        "R" => PlaceKind::Region,
        "K" => PlaceKind::Country,
        other => return Err(format!("unknown kind {other:?}")),
    };
    fn number<T: std::str::FromStr>(field: &str, what: &str) -> Result<T, String> {
        field.parse().map_err(|_| format!("bad {what} {field:?}"))
    }
    Ok(Record {
        place: Place {
            geonameid: number(geonameid, "geonameid")?,
            name: name.to_owned(),
            kind,
            lat: number(lat, "latitude")?,
            lon: number(lon, "longitude")?,
            country_code: country.to_owned(),
            admin1: (!admin1.is_empty()).then(|| admin1.to_owned()),
            population: number(population, "population")?,
        },
        alternate_names: names.to_owned(),
        capital: match capital {
            "" => None,
            id => Some(number(id, "capital")?),
        },
    })
}

/// The dictionaries of ordinary words a text is read with: those of its language. A word of
/// one language is a plain name in another ("embu" is French, Embu a Kenyan town).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dictionaries(u8);

impl Dictionaries {
    pub const ENGLISH: Dictionaries = Dictionaries(1);
    pub const FRENCH: Dictionaries = Dictionaries(2);
    /// Every language's words: for a text whose language is not known.
    pub const ALL: Dictionaries = Dictionaries(3);

    pub(crate) fn union(self, other: Dictionaries) -> Dictionaries {
        Dictionaries(self.0 | other.0)
    }

    pub(crate) fn shares(self, other: Dictionaries) -> bool {
        self.0 & other.0 != 0
    }
}

/// The words of an ordinary-words list with their dictionaries: a word a line, then a tab and
/// the languages it is a word of (`en`, `fr`, `en fr`; every language when absent), `#` starting
/// a comment line.
pub(crate) fn ordinary_words(list: &str) -> impl Iterator<Item = (&str, Dictionaries)> {
    list.lines()
        .filter(|line| !line.starts_with('#'))
        .map(|line| match line.split_once('\t') {
            Some((word, languages)) => {
                let dictionaries = languages
                    .split(' ')
                    .map(|code| match code {
                        "en" => Dictionaries::ENGLISH,
                        "fr" => Dictionaries::FRENCH,
                        _ => Dictionaries::ALL,
                    })
                    .reduce(Dictionaries::union);
                (word, dictionaries.unwrap_or(Dictionaries::ALL))
            }
            None => (line, Dictionaries::ALL),
        })
}
