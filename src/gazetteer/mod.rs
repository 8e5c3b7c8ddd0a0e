//! The gazetteer: every place eventmap can put on the map, and the finding of place names in
//! news text.
//!
//! This module owns the place data (GeoNames cities, Natural Earth admin-1 regions and
//! countries of the whole world, shipped as `geodata/gazetteer/places.tsv.gz`), name
//! resolution ([`Gazetteer::resolve`]) and mention finding ([`Gazetteer::mentions`]). The data
//! is embedded as an image that `build.rs` writes at compile time (`image`): the places, their
//! names and the finished name matcher (`matcher`) in flat bytes read in place, so a program
//! neither decompresses nor parses text to start, and only the pages it reads are loaded.
//! `data` parses the TSV (for `build.rs`, and [`Gazetteer::from_gzip_tsv`] for other data, whose
//! image is written the same way at run time), `place` holds the place record.
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
mod flat;
mod geography;
mod image;
mod matcher;
mod normalize;
mod place;
mod quick_hash;

use std::borrow::Cow;
use std::cmp::Reverse;
use std::collections::HashMap;
use std::sync::OnceLock;

pub use data::{Dictionaries, GazetteerError};
pub use geography::Geography;
use matcher::{Matcher, Pattern};
pub use place::{Place, PlaceKind};
use quick_hash::{QuickMap, QuickSet};

/// The image of the shipped gazetteer (`geodata/gazetteer/places.tsv.gz`), written by
/// `build.rs`: stored uncompressed, so nothing is decompressed at start and only the pages
/// read are loaded.
const EMBEDDED_IMAGE: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/gazetteer.image"));

/// English and French words that are also place names (`geodata/gazetteer/ordinary-words.txt`,
/// built by `scripts/build_gazetteer.py`).
const EMBEDDED_ORDINARY_WORDS: &str = include_str!("../../geodata/gazetteer/ordinary-words.txt");

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
    /// The name is also an ordinary word of the text's language ("One", "Attack") and nothing
    /// in the text shows it is a name here: it opens a sentence, or is written unlike any of
    /// the place's own spellings; or it is written as an acronym ("COTU"). Trust it only for
    /// the article's own country.
    pub ordinary_word: bool,
    /// The name is a word of the text's language's dictionary, however it is written.
    pub dictionary_word: bool,
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
    pub(crate) pattern: Option<Pattern>,
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

/// The places and their lookup tables.
pub struct Gazetteer {
    /// The places, their names and the name matcher (see `image`): the embedded one, or one
    /// written for data given at run time.
    image: Cow<'static, [u8]>,
    layout: image::Layout,
    /// The layout of the matcher, within the image's matcher section.
    matcher: matcher::Layout,
    /// The image's places, as values the API hands out.
    places: Vec<Place>,
    countries: HashMap<String, usize>,
    /// Country code → the GeoNames id of its capital city.
    capitals: QuickMap<String, u32>,
    regions: HashMap<(String, String), usize>,
    /// Words of the languages read that are also place names, folded ([`normalize::plain_lower`]),
    /// with the dictionaries they are in.
    ordinary_words: QuickMap<String, Dictionaries>,
    /// The patterns some ordinary word folds to: only their matches need the word check.
    ordinary_patterns: QuickSet<u32>,
}

/// A candidate match: original byte range, the pattern found there, and the skeleton range
/// it was found at (in the skeleton folded from the char it starts in: only candidates
/// starting in the same char are compared by it).
#[derive(Debug, Clone, Copy)]
struct Candidate {
    start: usize,
    end: usize,
    pattern: Pattern,
    skeleton: (usize, usize),
}

impl Gazetteer {
    /// The gazetteer compiled into the binary, read once.
    pub fn embedded() -> &'static Gazetteer {
        static EMBEDDED: OnceLock<Gazetteer> = OnceLock::new();
        EMBEDDED.get_or_init(|| {
            // The image is written by build.rs from the data scripts/build_gazetteer.py builds,
            // and checked by this module's tests: failing here means a broken build, not bad
            // input.
            Gazetteer::load().expect("embedded gazetteer data is valid")
        })
    }

    /// Reads the embedded image into a new gazetteer (what [`Gazetteer::embedded`] does once).
    pub fn load() -> Result<Gazetteer, GazetteerError> {
        let gazetteer = Gazetteer::from_image(Cow::Borrowed(EMBEDDED_IMAGE))?;
        Ok(gazetteer.with_dictionary_words(data::ordinary_words(EMBEDDED_ORDINARY_WORDS)))
    }

    /// The same gazetteer, knowing that these words of the languages read are also place
    /// names: in a text, such a name is a place only where its spelling and position show it
    /// (see [`Mention::ordinary_word`]).
    pub fn with_ordinary_words<'w>(self, words: impl IntoIterator<Item = &'w str>) -> Self {
        self.with_dictionary_words(words.into_iter().map(|w| (w, Dictionaries::ALL)))
    }

    /// [`Gazetteer::with_ordinary_words`], each word with the dictionaries it is in.
    pub fn with_dictionary_words<'w>(
        mut self,
        words: impl IntoIterator<Item = (&'w str, Dictionaries)>,
    ) -> Self {
        for (word, dictionaries) in words {
            let word = normalize::plain_lower(word);
            if word.is_empty() {
                continue;
            }
            let pattern = self.matcher().pattern(&normalize::name_key(&word));
            self.ordinary_patterns.extend(pattern.map(Pattern::id));
            let known = self.ordinary_words.entry(word).or_insert(dictionaries);
            *known = known.union(dictionaries);
        }
        self
    }

    /// Parses gzip-compressed gazetteer TSV in the format of `geodata/gazetteer/` (with no
    /// ordinary words: see [`Gazetteer::with_ordinary_words`]), and builds its name matcher as
    /// `build.rs` builds the embedded one.
    pub fn from_gzip_tsv(compressed: &[u8]) -> Result<Gazetteer, GazetteerError> {
        let records = data::parse_gzip(compressed)?;
        let matcher = matcher::build(&records)?;
        Gazetteer::from_image(Cow::Owned(image::write(&records, &matcher)?))
    }

    /// Copies the places out of an image and indexes countries and regions; the matcher, the
    /// id index and the alternate names are read in the image itself.
    fn from_image(image: Cow<'static, [u8]>) -> Result<Gazetteer, GazetteerError> {
        let layout = image::Layout::read(&image)?;
        let matcher = matcher::Layout::read(&image[layout.matcher.clone()])?;
        let count = layout.count();
        let mut places = Vec::with_capacity(count);
        let mut countries = HashMap::new();
        let mut capitals = QuickMap::default();
        let mut regions = HashMap::new();
        for index in 0..count {
            let (place, capital) = layout.place(&image, index)?;
            match place.kind {
                PlaceKind::Country => {
                    countries.insert(place.country_code.clone(), index);
                    if let Some(capital) = capital {
                        capitals.insert(place.country_code.clone(), capital);
                    }
                }
                PlaceKind::Region => {
                    if let Some(admin1) = &place.admin1 {
                        regions.insert((place.country_code.clone(), admin1.clone()), index);
                    }
                }
                PlaceKind::City => {}
            }
            places.push(place);
        }
        Ok(Gazetteer {
            image,
            layout,
            matcher,
            places,
            countries,
            capitals,
            regions,
            ordinary_words: QuickMap::default(),
            ordinary_patterns: QuickSet::default(),
        })
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
        self.layout
            .index_of(&self.image, geonameid)
            .and_then(|index| self.places.get(index))
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
        self.best(matcher.candidates(pattern), country, false)
            .map(|index| &self.places[index])
    }

    /// Every place named in `text`, in order and non-overlapping (the longest name wins).
    /// `country_hint` (ISO alpha-2) ranks that country's places first among same-named ones,
    /// and drops the [ordinary words](Mention::ordinary_word) that name places elsewhere.
    /// `dictionaries` are those of the text's language: only their words are ordinary words.
    pub fn mentions<'g>(
        &'g self,
        text: &str,
        country_hint: Option<&str>,
        dictionaries: Dictionaries,
    ) -> Vec<Mention<'g>> {
        let matcher = self.matcher();
        let mut found = Vec::new();
        // A name is written with a capital (see `accepts_form`): the lower-case words, most
        // of the text, are neither folded nor looked up. Keys are whole words: a name is a
        // run of words starting at a word start.
        let mut words = normalize::Words::new(text);
        normalize::capitalised_starts(text, |at, skip| {
            let s = words.start_at(at, skip);
            let mut e = s;
            loop {
                e = words.word_end(e);
                let Some(key) = matcher.get(&words.skeleton()[s..e]) else {
                    break;
                };
                if let Some(pattern) = key.pattern() {
                    let (start, end) = words.original_range(s, e);
                    if accepts_form(&matcher, pattern, &text[start..end])
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
                if !key.continues() || words.is_end(e) {
                    break;
                }
                e += 1;
            }
        });
        // Longest first at each start. Two runs of the skeleton can come from the same text
        // (one character transliterated to several words): the one ending first goes first,
        // then the longer.
        found.sort_by_key(|c| (c.start, Reverse(c.end), c.skeleton.1, c.skeleton.0));
        // A place next to a place is a list or a compound ("Almaty Region"), not a person's
        // name, only where the neighbour is a well-known place: with every village of the
        // world listed, most surnames are some village's name.
        let prominent: Vec<&Candidate> = found
            .iter()
            .filter(|c| matcher.candidates(c.pattern).any(|i| self.is_prominent(i)))
            .collect();
        let starts: QuickSet<usize> = prominent.iter().map(|c| c.start).collect();
        let ends: QuickSet<usize> = prominent.iter().map(|c| c.end).collect();

        let lists_regions = context::has_region_plurals(text);
        let mut headlines = context::Headlines::default();
        // The written form of each name in plain lower case, in one buffer.
        let mut plain = String::new();
        // Sized at once: a mention is large, and growing the vector copied them again and again.
        let mut mentions = Vec::with_capacity(found.len());
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
            let Some(index) = self.best(matcher.candidates(pattern), country_hint, wants_region)
            else {
                continue;
            };
            let place = &self.places[index];
            let written = &text[start..end];
            let telling = context::capital_is_telling(text, start, &mut headlines);
            // Only a pattern some word folds to can be a word: the others skip the lookup.
            normalize::plain_lower_into(written, &mut plain);
            let dictionary_word = self.ordinary_patterns.contains(&pattern.id())
                && self.is_ordinary_word(&plain, dictionaries);
            let spelled = || self.spells(index, &plain);
            let ordinary_word = (dictionary_word && !(telling && spelled()))
                || (place.kind != PlaceKind::Country && context::is_acronym(text, start, end));
            let reason = if normalize::plain_lower_is(&place.name, &plain) {
                PlaceReason::Exact
            } else if spelled() {
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
                dictionary_word,
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

    /// `plain`: the written form in [`normalize::plain_lower`] form.
    fn is_ordinary_word(&self, plain: &str, dictionaries: Dictionaries) -> bool {
        self.ordinary_words
            .get(plain)
            .is_some_and(|d| d.shares(dictionaries))
    }

    /// Whether `plain`, a written form in [`normalize::plain_lower`] form, is one of the
    /// place's own spellings, case and diacritics aside ("One" is Onex's; "Attack" only folds
    /// like "Ataq").
    fn spells(&self, index: usize, plain: &str) -> bool {
        // Most names are plain ASCII: compared as they are, without a folded copy, and read
        // as bytes (a big city has hundreds of other names: checking they are UTF-8 cost more
        // than comparing them). '|' is ASCII, so each name between two is whole UTF-8.
        let first = plain.as_bytes().first().copied();
        let same = |name: &[u8]| {
            // A name opening with an ASCII letter or digit folds to a form opening with its
            // lower case: most names differ from the first letter on, and are skipped there.
            if let (Some(&opening), Some(first)) = (name.first(), first)
                && opening.is_ascii_alphanumeric()
                && opening.to_ascii_lowercase() != first
            {
                false
            } else if name.eq_ignore_ascii_case(plain.as_bytes()) {
                // `plain` is lower-case letters, digits and spaces: so is the name.
                true
            } else if name.iter().all(|&b| b.is_ascii_alphanumeric() || b == b' ') {
                false
            } else {
                std::str::from_utf8(name).is_ok_and(|name| normalize::plain_lower_is(name, plain))
            }
        };
        same(self.places[index].name.as_bytes())
            || self
                .layout
                .alternate_names(&self.image, index)
                .split(|&b| b == b'|')
                .any(same)
    }

    fn matcher(&self) -> Matcher<'_> {
        Matcher::new(&self.image[self.layout.matcher.clone()], &self.matcher)
    }

    /// The best of the places sharing a name: the region if the text asks for one, then a
    /// country, then the hinted country's places, then major cities, regions, other places,
    /// each by population.
    fn best(
        &self,
        candidates: impl Iterator<Item = usize>,
        country: Option<&str>,
        wants_region: bool,
    ) -> Option<usize> {
        candidates.max_by_key(|&i| {
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

/// Great-circle distance between two WGS 84 points, km.
pub fn haversine_km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dl = (lon2 - lon1).to_radians();
    let h = ((p2 - p1) / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    6371.0 * 2.0 * h.sqrt().min(1.0).asin()
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

/// Whether the text's spelling can be a name: capitalised, each of its words too but the
/// particles ("Rio de Janeiro"; "la Maison blanche" is a building, not Maison Blanche) and the
/// last word, not a stopword, and for short keys written exactly as the data spells it.
fn accepts_form(matcher: &Matcher, pattern: Pattern, written: &str) -> bool {
    const PARTICLES: &[&str] = &[
        "de", "del", "della", "des", "di", "du", "da", "das", "do", "dos", "la", "le", "les", "el",
        "al", "am", "an", "im", "on", "upon", "sur", "en", "in", "of", "the", "y", "i", "e", "aux",
        "au", "und", "na", "nad", "pod",
    ];
    let capitalised = |word: &str| word.chars().next().is_some_and(char::is_uppercase);
    let lower_word = written
        .split_whitespace()
        .skip(1)
        .filter(|w| w.chars().next().is_some_and(char::is_alphabetic))
        .any(|w| !capitalised(w) && !PARTICLES.contains(&w));
    // A particle joins two words of a name and never ends one: "Osh on Monday" is Osh, not
    // a name "Osh On".
    let ends_on_particle = written
        .split_whitespace()
        .nth(1)
        .is_some()
        .then(|| written.split_whitespace().next_back())
        .flatten()
        .is_some_and(|last| !capitalised(last));
    if !capitalised(written) || lower_word || ends_on_particle || context::is_stopword(written) {
        return false;
    }
    matcher
        .exact_spellings(pattern)
        .is_none_or(|mut spellings| spellings.any(|s| s == written.as_bytes()))
}

#[cfg(test)]
mod tests;
