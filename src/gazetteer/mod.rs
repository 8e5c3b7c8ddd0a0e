//! The gazetteer: every place eventmap can put on the map, and the finding of place names in
//! news text.
//!
//! This module owns the place data (GeoNames cities, Natural Earth admin-1 regions and
//! countries, shipped as `geodata/gazetteer/places.tsv.gz` and embedded in the binary), name
//! resolution ([`Gazetteer::resolve`]) and mention finding ([`Gazetteer::mentions`]).
//!
//! Names and text meet in a transliteration skeleton (`normalize`): diacritics, case,
//! separators and the spellings French, English and Russian-derived transliterations give the
//! same Central Asian name all fold to one key, so "Aktioubinsk", "Aktyubinsk" and
//! "Aqtöbe" find Aktobe through GeoNames' alternate names without any hand-listed spelling.
//! Mentions are found in one pass over the folded text, looking up the runs of whole words
//! that start at each word in a table of name keys; rules on the original text around each
//! match (`context`) drop ordinary words, persons and organisations.

mod context;
mod data;
mod geography;
mod normalize;

use std::cmp::Reverse;
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::OnceLock;

pub use data::GazetteerError;
pub use geography::Geography;

/// What a place is; ranks candidates sharing a name (a country outranks a village).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PlaceKind {
    City,
    Region,
    Country,
}

/// A place the gazetteer knows.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Place {
    /// GeoNames id (regions: the GeoNames id Natural Earth records, else 0).
    pub geonameid: u32,
    /// Canonical GeoNames name ("Almaty", "Astana", "Aktobe", "Atyrau"); Natural Earth's for
    /// regions ("Mangghystau").
    pub name: String,
    pub kind: PlaceKind,
    pub lat: f64,
    pub lon: f64,
    /// ISO 3166-1 alpha-2 code, e.g. "KZ".
    pub country_code: String,
    /// GeoNames admin-1 code, e.g. "02"; `None` for countries.
    pub admin1: Option<String>,
    /// Inhabitants (regions: the sum over the GeoNames places of 500+ inside them).
    pub population: u64,
}

/// A place named in a text.
#[derive(Debug, Clone, PartialEq)]
pub struct Mention<'g> {
    /// Byte offset of the name in the text given.
    pub start: usize,
    /// Byte offset just past the name.
    pub end: usize,
    /// The name exactly as written: `text[start..end]`.
    pub as_written: String,
    pub place: &'g Place,
    /// The name is also an ordinary English or French word ("One", "Attack") and nothing in
    /// the text shows it is a name here: it opens a sentence, or is written unlike any of the
    /// place's own spellings. Trust it only for the article's own country.
    pub ordinary_word: bool,
    /// How the name was matched to its place.
    pub reason: PlaceReason,
    /// How sure the choice of place is, 0–1 (set by [`Gazetteer::geography`]).
    pub confidence: f32,
    /// The capital letter shows a name: the word does not open a sentence or a headline.
    pub telling: bool,
    /// The text asks for the region of that name ("région d'Almaty", "Isiolo County").
    pub wants_region: bool,
    /// The name begins an institution's name ("Jagannath University"): it may be named after a
    /// person, so it tells little of where the text is.
    pub institution: bool,
    /// The matcher's pattern, whose places are the name's namesakes (`None` for a place the
    /// text names by description, such as "the capital").
    pub(crate) pattern: Option<usize>,
}

/// How a name was matched to its place: the short code an analyst filters on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum PlaceReason {
    /// Written as the place's own name, case and accents aside.
    #[default]
    Exact,
    /// One of the place's alternate names (an exonym, a transliteration GeoNames lists).
    Alternate,
    /// Only the transliteration skeleton matches ("Aktioubinsk").
    Folded,
    /// Namesakes elsewhere; the text's geography (its countries, regions, nearby places)
    /// picked this one.
    Context,
    /// Named by description ("the capital").
    Capital,
    /// The text places what it tells near the place, not at it ("60 km south of Y").
    Near,
    /// No place named: the text's country.
    Country,
}

impl PlaceReason {
    pub fn as_str(self) -> &'static str {
        match self {
            PlaceReason::Exact => "exact",
            PlaceReason::Alternate => "alternate",
            PlaceReason::Folded => "folded",
            PlaceReason::Context => "context",
            PlaceReason::Capital => "capital",
            PlaceReason::Near => "near",
            PlaceReason::Country => "country",
        }
    }
}

impl Mention<'_> {
    /// Whether the mention names its place in an article about `country` (ISO alpha-2): an
    /// [ordinary word](Mention::ordinary_word) only names a place of that country.
    pub fn is_trusted_in(&self, country: &str) -> bool {
        !self.ordinary_word || self.place.country_code.eq_ignore_ascii_case(country)
    }
}

/// Cities of this size outrank a region of the same name ("Almaty" is the city, not the
/// oblast); smaller ones rank below it ("Mangystau" is the oblast, not the village).
const MAJOR_CITY_POPULATION: u64 = 50_000;

/// Names whose key has this many letters or fewer ("Osh", "Ufa") only match when written
/// exactly as the data spells them: folded, they are too easily ordinary words.
const SHORT_NAME_LETTERS: usize = 3;

/// The places and their lookup tables.
pub struct Gazetteer {
    places: Vec<Place>,
    /// `|`-separated alternate names, parallel to `places`; only the matcher reads them.
    alternate_names: Vec<String>,
    by_geonameid: HashMap<u32, usize>,
    countries: HashMap<String, usize>,
    /// Country code → the GeoNames id of its capital city.
    capitals: HashMap<String, u32>,
    regions: HashMap<(String, String), usize>,
    /// Words of the languages read that are also place names, folded ([`normalize::plain_lower`]).
    ordinary_words: HashSet<String>,
    /// Built on first use of name matching, so loading stays fast for callers that only look
    /// places up by id or code.
    matcher: OnceLock<Matcher>,
}

/// Name keys of all places, looked up in folded text.
struct Matcher {
    /// Every key, and every run of whole words that begins a longer key ("ust" of
    /// "ust kamenogorsk"), so a lookup that finds nothing can stop extending the run.
    keys: HashMap<Box<[u8]>, Key, BuildHasherDefault<KeyHasher>>,
    /// Places carrying each pattern's key, indexed by pattern id.
    candidates: Vec<Vec<usize>>,
    /// For short keys, the exact spellings a text must use.
    exact_spellings: HashMap<usize, Vec<String>>,
    /// The patterns some ordinary word folds to: only their matches need the word check.
    ordinary_patterns: HashSet<usize>,
}

/// What the matcher knows of a run of words.
#[derive(Debug, Clone, Copy, Default)]
struct Key {
    /// The pattern id, when the run is a name key.
    pattern: Option<usize>,
    /// Some longer key begins with the run and a space.
    continues: bool,
}

/// A multiply-rotate hash (as in rustc's FxHash) for the key table, which is looked up at
/// every word of every text: several times faster than the default SipHash on short keys.
/// The table is fixed data, so crafted text cannot fill it with colliding entries.
#[derive(Default)]
struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(word));
        }
    }

    fn write_u64(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0xf135_7aea_2e62_a9c5);
    }

    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }

    fn finish(&self) -> u64 {
        // The table picks buckets with the low bits, which the multiplication mixes least.
        self.0.rotate_left(26)
    }
}

/// A candidate match: original byte range, the pattern found there, and the skeleton range
/// it was found at.
#[derive(Debug, Clone, Copy)]
struct Candidate {
    start: usize,
    end: usize,
    pattern: usize,
    skeleton: (usize, usize),
}

impl Gazetteer {
    /// The gazetteer compiled into the binary, parsed once.
    pub fn embedded() -> &'static Gazetteer {
        static EMBEDDED: OnceLock<Gazetteer> = OnceLock::new();
        EMBEDDED.get_or_init(|| {
            // The data is built by scripts/build_gazetteer.py and checked by this module's
            // tests: failing here means a broken build, not bad input.
            Gazetteer::load().expect("embedded gazetteer data is valid")
        })
    }

    /// Parses the embedded data into a new gazetteer (what [`Gazetteer::embedded`] does once).
    pub fn load() -> Result<Gazetteer, GazetteerError> {
        let words = data::EMBEDDED_ORDINARY_WORDS
            .lines()
            .filter(|line| !line.starts_with('#'));
        Ok(Gazetteer::from_gzip_tsv(data::EMBEDDED_PLACES)?.with_ordinary_words(words))
    }

    /// The same gazetteer, knowing that these words of the languages read are also place
    /// names: in a text, such a name is a place only where its spelling and position show it
    /// (see [`Mention::ordinary_word`]).
    pub fn with_ordinary_words<'w>(mut self, words: impl IntoIterator<Item = &'w str>) -> Self {
        self.ordinary_words.extend(
            words
                .into_iter()
                .map(normalize::plain_lower)
                .filter(|w| !w.is_empty()),
        );
        self
    }

    /// Parses gzip-compressed gazetteer TSV in the format of `geodata/gazetteer/` (with no
    /// ordinary words: see [`Gazetteer::with_ordinary_words`]).
    pub fn from_gzip_tsv(compressed: &[u8]) -> Result<Gazetteer, GazetteerError> {
        let records = data::parse_gzip(compressed)?;
        let mut gazetteer = Gazetteer {
            places: Vec::with_capacity(records.len()),
            alternate_names: Vec::with_capacity(records.len()),
            by_geonameid: HashMap::with_capacity(records.len()),
            countries: HashMap::new(),
            capitals: HashMap::new(),
            regions: HashMap::new(),
            ordinary_words: HashSet::new(),
            matcher: OnceLock::new(),
        };
        for (index, record) in records.into_iter().enumerate() {
            let place = &record.place;
            match place.kind {
                PlaceKind::Country => {
                    gazetteer
                        .countries
                        .insert(place.country_code.clone(), index);
                    if let Some(capital) = record.capital {
                        gazetteer
                            .capitals
                            .insert(place.country_code.clone(), capital);
                    }
                }
                PlaceKind::Region => {
                    if let Some(admin1) = &place.admin1 {
                        gazetteer
                            .regions
                            .insert((place.country_code.clone(), admin1.clone()), index);
                    }
                }
                PlaceKind::City => {}
            }
            // A city keeps its id when a region carries the same one.
            if place.geonameid != 0
                && (place.kind == PlaceKind::City
                    || !gazetteer.by_geonameid.contains_key(&place.geonameid))
            {
                gazetteer.by_geonameid.insert(place.geonameid, index);
            }
            gazetteer.places.push(record.place);
            gazetteer.alternate_names.push(record.alternate_names);
        }
        Ok(gazetteer)
    }

    /// All places: cities, regions and countries.
    pub fn places(&self) -> impl Iterator<Item = &Place> {
        self.places.iter()
    }

    /// All cities.
    pub fn cities(&self) -> impl Iterator<Item = &Place> {
        self.places.iter().filter(|p| p.kind == PlaceKind::City)
    }

    /// The place with this GeoNames id.
    pub fn place(&self, geonameid: u32) -> Option<&Place> {
        self.by_geonameid.get(&geonameid).map(|&i| &self.places[i])
    }

    /// The country with this ISO alpha-2 code, as a place.
    pub fn country(&self, code: &str) -> Option<&Place> {
        self.countries
            .get(&code.to_ascii_uppercase())
            .map(|&i| &self.places[i])
    }

    /// The capital city of the country with this ISO alpha-2 code (GeoNames' capital: Astana
    /// for "KZ").
    pub fn capital(&self, code: &str) -> Option<&Place> {
        let id = self.capitals.get(&code.to_ascii_uppercase())?;
        self.place(*id).filter(|p| p.kind == PlaceKind::City)
    }

    /// The region (oblast) with this GeoNames admin-1 code in this country.
    pub fn region(&self, country: &str, admin1: &str) -> Option<&Place> {
        self.regions
            .get(&(country.to_ascii_uppercase(), admin1.to_owned()))
            .map(|&i| &self.places[i])
    }

    /// The best place for a name, in any spelling the gazetteer knows ("Alma-Ata" → Almaty).
    pub fn resolve(&self, name: &str) -> Option<&Place> {
        self.resolve_in(name, None)
    }

    /// The best place for a name, preferring places in `country` (ISO alpha-2).
    pub fn resolve_in(&self, name: &str, country: Option<&str>) -> Option<&Place> {
        let matcher = self.matcher();
        let pattern = matcher.pattern(&normalize::name_key(name)).or_else(|| {
            normalize::joined_name_key(name).and_then(|joined| matcher.pattern(&joined))
        })?;
        self.best(&matcher.candidates[pattern], country, false)
            .map(|index| &self.places[index])
    }

    /// Builds the name matcher now rather than on the first call that needs it.
    pub fn prepare_matching(&self) {
        self.matcher();
    }

    /// Every place named in `text`, in order and non-overlapping (the longest name wins).
    /// `country_hint` (ISO alpha-2) ranks that country's places first among same-named ones,
    /// and drops the [ordinary words](Mention::ordinary_word) that name places elsewhere.
    pub fn mentions<'g>(&'g self, text: &str, country_hint: Option<&str>) -> Vec<Mention<'g>> {
        let matcher = self.matcher();
        let folded = normalize::fold(text);
        let skeleton = folded.skeleton.as_slice();
        let mut found = Vec::new();
        // The skeleton has no leading space and single spaces between words, and keys are
        // whole words: a name is a run of words starting at a word start.
        let word_starts = std::iter::once(0).chain(
            skeleton
                .iter()
                .enumerate()
                .filter(|&(_, &b)| b == b' ')
                .map(|(i, _)| i + 1),
        );
        for s in word_starts.filter(|&s| s < skeleton.len()) {
            let mut e = s;
            loop {
                e = skeleton[e..]
                    .iter()
                    .position(|&b| b == b' ')
                    .map_or(skeleton.len(), |p| e + p);
                let Some(key) = matcher.keys.get(&skeleton[s..e]) else {
                    break;
                };
                if let Some(pattern) = key.pattern {
                    let (start, end) = folded.original_range(s, e);
                    if matcher.accepts_form(pattern, &text[start..end])
                        && !context::inside_url(text, start, end)
                    {
                        found.push(Candidate {
                            start,
                            end,
                            pattern,
                            skeleton: (s, e),
                        });
                    }
                }
                if !key.continues || e == skeleton.len() {
                    break;
                }
                e += 1;
            }
        }
        // Longest first at each start. Two runs of the skeleton can come from the same text
        // (one character transliterated to several words): the one ending first goes first,
        // then the longer.
        found.sort_by_key(|c| (c.start, Reverse(c.end), c.skeleton.1, c.skeleton.0));
        // A place next to a place is a list or a compound ("Almaty Region"), not a person's
        // name, only where the neighbour is a well-known place: with every village of the
        // world listed, most surnames are some village's name.
        let prominent: Vec<&Candidate> = found
            .iter()
            .filter(|c| {
                self.best(&matcher.candidates[c.pattern], country_hint, false)
                    .is_some_and(|i| self.is_prominent(i))
            })
            .collect();
        let starts: HashSet<usize> = prominent.iter().map(|c| c.start).collect();
        let ends: HashSet<usize> = prominent.iter().map(|c| c.end).collect();

        let lists_regions = context::has_region_plurals(text);
        let mut mentions = Vec::new();
        let mut covered_until = 0;
        for candidate in &found {
            if candidate.start < covered_until {
                continue;
            }
            covered_until = candidate.end;
            let Candidate {
                start,
                end,
                pattern,
                ..
            } = *candidate;
            if context::names_something_else(
                text,
                start,
                end,
                |at| starts.contains(&at),
                |at| ends.contains(&at),
            ) {
                continue;
            }
            let wants_region = context::wants_region(text, start, end, lists_regions);
            let Some(index) = self.best(&matcher.candidates[pattern], country_hint, wants_region)
            else {
                continue;
            };
            let place = &self.places[index];
            let written = &text[start..end];
            let telling = context::capital_is_telling(text, start);
            let ordinary_word = matcher.ordinary_patterns.contains(&pattern)
                && self.is_ordinary_word(written)
                && !(telling && self.spells(index, written));
            let reason = if normalize::plain_lower(&place.name) == normalize::plain_lower(written) {
                PlaceReason::Exact
            } else if self.spells(index, written) {
                PlaceReason::Alternate
            } else {
                PlaceReason::Folded
            };
            let mention = Mention {
                start,
                end,
                as_written: written.to_owned(),
                place,
                ordinary_word,
                reason,
                confidence: reason_trust(reason),
                telling,
                wants_region,
                institution: context::names_institution(text, end),
                pattern: Some(pattern),
            };
            if country_hint.is_none_or(|c| mention.is_trusted_in(c)) {
                mentions.push(mention);
            }
        }
        mentions
    }

    /// A country, a region or a city of 100 000 people or more.
    fn is_prominent(&self, index: usize) -> bool {
        let place = &self.places[index];
        place.kind != PlaceKind::City || place.population >= 100_000
    }

    /// The places sharing a matcher pattern's name key.
    fn candidates_of(&self, pattern: usize) -> &[usize] {
        &self.matcher().candidates[pattern]
    }

    fn is_ordinary_word(&self, written: &str) -> bool {
        self.ordinary_words
            .contains(&normalize::plain_lower(written))
    }

    /// Whether `written` is one of the place's own spellings, case and diacritics aside ("One"
    /// is Onex's; "Attack" only folds like "Ataq").
    fn spells(&self, index: usize, written: &str) -> bool {
        let written = normalize::plain_lower(written);
        std::iter::once(self.places[index].name.as_str())
            .chain(self.alternate_names[index].split('|'))
            .any(|name| normalize::plain_lower(name) == written)
    }

    fn matcher(&self) -> &Matcher {
        self.matcher.get_or_init(|| {
            Matcher::build(&self.places, &self.alternate_names, &self.ordinary_words)
        })
    }

    /// The best of the places sharing a name: the region if the text asks for one, then a
    /// country, then the hinted country's places, then major cities, regions, other places,
    /// each by population.
    fn best(
        &self,
        candidates: &[usize],
        country: Option<&str>,
        wants_region: bool,
    ) -> Option<usize> {
        candidates.iter().copied().max_by_key(|&i| {
            let place = &self.places[i];
            let kind_rank = match place.kind {
                PlaceKind::Country => 3,
                PlaceKind::City if place.population >= MAJOR_CITY_POPULATION => 2,
                PlaceKind::Region => 1,
                PlaceKind::City => 0,
            };
            (
                wants_region && place.kind == PlaceKind::Region,
                place.kind == PlaceKind::Country,
                country.is_some_and(|c| place.country_code.eq_ignore_ascii_case(c)),
                kind_rank,
                place.population,
                Reverse(place.geonameid),
            )
        })
    }
}

/// The confidence of a match before the text's geography weighs in.
fn reason_trust(reason: PlaceReason) -> f32 {
    match reason {
        PlaceReason::Exact => 0.95,
        PlaceReason::Alternate | PlaceReason::Capital => 0.9,
        PlaceReason::Context => 0.85,
        PlaceReason::Folded => 0.75,
        PlaceReason::Near => 0.5,
        PlaceReason::Country => 0.3,
    }
}

impl Matcher {
    fn build(
        places: &[Place],
        alternate_names: &[String],
        ordinary_words: &HashSet<String>,
    ) -> Matcher {
        let mut keys: HashMap<Box<[u8]>, Key, _> = HashMap::default();
        let mut candidates: Vec<Vec<usize>> = Vec::new();
        let mut exact_spellings: HashMap<usize, Vec<String>> = HashMap::new();
        for (index, (place, alternates)) in places.iter().zip(alternate_names).enumerate() {
            let names = std::iter::once(place.name.as_str())
                .chain(alternates.split('|').filter(|n| !n.is_empty()));
            for name in names {
                let joined = normalize::joined_name_key(name);
                for key in std::iter::once(normalize::name_key(name)).chain(joined) {
                    if key.is_empty() {
                        continue;
                    }
                    let short =
                        key.bytes().filter(u8::is_ascii_alphabetic).count() <= SHORT_NAME_LETTERS;
                    let entry = keys.entry(key.as_bytes().into()).or_default();
                    let pattern = *entry.pattern.get_or_insert_with(|| {
                        candidates.push(Vec::new());
                        candidates.len() - 1
                    });
                    if candidates[pattern].last() != Some(&index) {
                        candidates[pattern].push(index);
                    }
                    if short {
                        exact_spellings
                            .entry(pattern)
                            .or_default()
                            .push(name.to_owned());
                    }
                }
            }
        }
        // A name written in two words finds the places whose names join them ("Kyzyl-Orda" is
        // the city GeoNames spells "Kyzylorda", not only the region that lists "Kyzyl-Orda").
        let spaced: Vec<(usize, usize)> = keys
            .iter()
            .filter(|(key, _)| key.contains(&b' '))
            .filter_map(|(key, entry)| {
                let joined: Vec<u8> = key.iter().copied().filter(|&b| b != b' ').collect();
                let other = keys.get(joined.as_slice())?.pattern?;
                Some((entry.pattern?, other))
            })
            .collect();
        for (pattern, other) in spaced {
            let extra: Vec<usize> = candidates[other]
                .iter()
                .copied()
                .filter(|i| !candidates[pattern].contains(i))
                .collect();
            candidates[pattern].extend(extra);
        }
        // The runs of words that begin longer keys, so lookups know when to go on.
        let starts: Vec<Box<[u8]>> = keys
            .keys()
            .flat_map(|key| {
                key.iter()
                    .enumerate()
                    .filter(|&(_, &b)| b == b' ')
                    .map(|(i, _)| key[..i].into())
            })
            .collect();
        for start in starts {
            keys.entry(start).or_default().continues = true;
        }
        let ordinary_patterns = ordinary_words
            .iter()
            .filter_map(|word| keys.get(normalize::name_key(word).as_bytes())?.pattern)
            .collect();
        Matcher {
            keys,
            candidates,
            exact_spellings,
            ordinary_patterns,
        }
    }

    /// The pattern id of a name key.
    fn pattern(&self, key: &str) -> Option<usize> {
        self.keys.get(key.as_bytes()).and_then(|k| k.pattern)
    }

    /// Whether the text's spelling can be a name: capitalised, each of its words too but the
    /// particles ("Rio de Janeiro"; "la Maison blanche" is a building, not Maison Blanche), not
    /// a stopword, and for short keys written exactly as the data spells it.
    fn accepts_form(&self, pattern: usize, written: &str) -> bool {
        const PARTICLES: &[&str] = &[
            "de", "del", "della", "des", "di", "du", "da", "das", "do", "dos", "la", "le", "les",
            "el", "al", "am", "an", "im", "on", "upon", "sur", "en", "in", "of", "the", "y", "i",
            "e", "aux", "au", "und", "na", "nad", "pod",
        ];
        let capitalised = |word: &str| word.chars().next().is_some_and(char::is_uppercase);
        let lower_word = written
            .split_whitespace()
            .skip(1)
            .filter(|w| w.chars().next().is_some_and(char::is_alphabetic))
            .any(|w| !capitalised(w) && !PARTICLES.contains(&w));
        if !capitalised(written) || lower_word || context::is_stopword(written) {
            return false;
        }
        self.exact_spellings
            .get(&pattern)
            .is_none_or(|spellings| spellings.iter().any(|s| s == written))
    }
}

#[cfg(test)]
mod tests;
