//! Which place an event happened at: the city named nearest to it in its sentence, else a
//! region there, else the city its paragraph last named, else the country. "The capital" with
//! no name is named too: the gazetteer knows each country's capital.

use jiff::civil::Date;

use crate::gazetteer::{Gazetteer, Mention, Place, PlaceKind, PlaceReason};
use crate::model::GeoPrecision;

/// Where an event is put, and how the text wrote it (empty when the text did not).
#[derive(Debug, Clone)]
pub struct Located<'g> {
    pub place: &'g Place,
    pub as_written: String,
    pub precision: GeoPrecision,
    /// Text offset of the mention that named it, if one did.
    pub at: Option<usize>,
    /// How sure the place is, and why it was chosen.
    pub confidence: f32,
    pub reason: PlaceReason,
}

impl<'g> Located<'g> {
    pub fn from_mention(m: &Mention<'g>) -> Located<'g> {
        Located {
            place: m.place,
            as_written: m.as_written.clone(),
            precision: precision(m.place.kind),
            at: Some(m.start),
            confidence: m.confidence,
            reason: m.reason,
        }
    }

    pub fn same_place(&self, other: &Located) -> bool {
        std::ptr::eq(self.place, other.place)
    }
}

fn precision(kind: PlaceKind) -> GeoPrecision {
    match kind {
        PlaceKind::City => GeoPrecision::City,
        PlaceKind::Region => GeoPrecision::Region,
        PlaceKind::Country => GeoPrecision::Country,
    }
}

/// "The capital", "la capitale" with no name after it: the capital city of the country named
/// right after ("the capital of Georgia", "la capitale du Kazakhstan"), else of the article's
/// country. Not "the regional capital" or "la capitale économique" (no match: another word
/// sits in the phrase or follows it), nor "the capital, Tbilisi" (the name is its mention).
pub fn capital_mentions<'g>(
    text: &str,
    mentions: &[Mention<'g>],
    gazetteer: &'g Gazetteer,
    home: Option<&str>,
) -> Vec<Mention<'g>> {
    use aho_corasick::AhoCorasick;
    use std::sync::OnceLock;
    const PHRASES: &[&str] = &["the capital", "its capital", "la capitale", "sa capitale"];
    /// Words after the phrase that make it another kind of capital.
    const NOT_THE_CAPITAL: &[&str] = &[
        "economique",
        "économique",
        "economic",
        "financial",
        "financière",
        "financiere",
        "culturelle",
        "cultural",
        "régionale",
        "regionale",
        "provinciale",
        "city's",
    ];
    const OF: &[&str] = &["of", "du", "de", "de la", "de l'", "d'"];
    // Most texts never say "capital": skip the case-folding search for them.
    if !text.contains("apital") {
        return Vec::new();
    }
    static MATCHER: OnceLock<Option<AhoCorasick>> = OnceLock::new();
    let Some(matcher) = MATCHER
        .get_or_init(|| {
            AhoCorasick::builder()
                .ascii_case_insensitive(true)
                .build(PHRASES)
                .ok()
        })
        .as_ref()
    else {
        return Vec::new();
    };
    let is_word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    let mut found = Vec::new();
    for m in matcher.find_iter(text) {
        let (start, end) = (m.start(), m.end());
        if is_word(text[..start].chars().next_back()) || is_word(text[end..].chars().next()) {
            continue;
        }
        let rest = &text[end..];
        let next_word: String = rest
            .trim_start()
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '\'')
            .collect::<String>()
            .to_lowercase();
        if NOT_THE_CAPITAL.contains(&next_word.as_str()) {
            continue;
        }
        // "of Georgia", "du Kazakhstan": whose capital, and where the phrase really ends.
        let after = rest.trim_start();
        let mut tail = end + (rest.len() - after.len());
        let mut country = home.map(str::to_owned);
        // "Sanandaj, the capital of Kurdistan province", "la capitale de la région": the
        // capital of something other than a country is not the national capital.
        let mut of_other = false;
        for of in OF {
            let Some(name_at) = after
                .get(..of.len())
                .filter(|w| w.eq_ignore_ascii_case(of))
                .filter(|_| {
                    of.ends_with('\'') || after[of.len()..].starts_with(char::is_whitespace)
                })
                .map(|_| tail + of.len())
            else {
                continue;
            };
            of_other = !names_the_country(&text[name_at..]);
            let named = mentions.iter().find(|n| {
                n.place.kind == PlaceKind::Country
                    && n.start >= name_at
                    && text[name_at..n.start].trim().is_empty()
            });
            if let Some(named) = named {
                country = Some(named.place.country_code.clone());
                tail = named.end;
                of_other = false;
                break;
            }
        }
        if of_other {
            continue;
        }
        // "The capital, Tbilisi": the name that follows is the mention.
        let apposed = mentions.iter().any(|n| {
            n.start >= tail
                && text[tail..n.start]
                    .chars()
                    .all(|c| c.is_whitespace() || c == ',')
        });
        if apposed {
            continue;
        }
        if let Some(capital) = country.and_then(|code| gazetteer.capital(&code)) {
            found.push(Mention {
                start,
                end,
                as_written: text[start..end].to_owned(),
                place: capital,
                ordinary_word: false,
                dictionary_word: false,
                reason: PlaceReason::Capital,
                confidence: 0.9,
                telling: true,
                wants_region: false,
                institution: false,
                pattern: None,
            });
        }
    }
    found
}

/// Whether the words after "the capital of" name the country itself without its name ("the
/// capital of the country", "la capitale du pays").
fn names_the_country(rest: &str) -> bool {
    const THE_COUNTRY: &[&str] = &["the country", "this country", "the nation", "pays"];
    let rest = rest.trim_start();
    THE_COUNTRY.iter().any(|w| {
        rest.get(..w.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(w))
            && !rest[w.len()..].starts_with(char::is_alphanumeric)
    })
}

/// The index of the place a sentence leaves to the sentences after it: the last city or region
/// it names, but a region that only locates a city named before it ("in Ust-Ilimsk, in the
/// Irkutsk region") leaves that city.
pub fn most_precise_last(mentions: &[Mention]) -> Option<usize> {
    let last = mentions
        .iter()
        .rposition(|m| m.place.kind != PlaceKind::Country)?;
    let region = mentions[last].place;
    if region.kind != PlaceKind::Region {
        return Some(last);
    }
    let inside = mentions[..last].iter().rposition(|m| {
        m.place.kind == PlaceKind::City
            && m.place.country_code == region.country_code
            && m.place.admin1 == region.admin1
    });
    Some(inside.unwrap_or(last))
}

/// Where a story is told from: while every event it has placed is in one city or region
/// ("Protesters stormed parliament in Tbilisi on Tuesday"), that place is where the sentences
/// after it that name no place happened ("Police detained 77 people"). Once it has told of
/// several places or of the whole country, a sentence that names none is left to the country,
/// as a reader cannot tell which; so is one that names another day of its own (a toll
/// announced days later), and so are the sections of a text that has several.
#[derive(Debug, Clone, Copy, Default)]
pub enum Scene {
    #[default]
    Unset,
    /// The index of the mention that last named the story's one place, and the day of the
    /// events there.
    One(usize, Option<Date>),
    Wide,
}

impl Scene {
    /// Adds the place of an event of `day`: the text offset of the mention that named it,
    /// `None` for an event put in the country.
    pub fn add(
        &mut self,
        at: Option<usize>,
        day: Option<Date>,
        mentions: &[Mention],
        home: Option<&Place>,
    ) {
        let named = at.and_then(|at| {
            let index = mentions.partition_point(|m| m.start < at);
            mentions
                .get(index)
                .filter(|m| m.start == at && m.place.kind != PlaceKind::Country)
                .map(|_| index)
        });
        // A place abroad ("despite a truce agreed at a summit in Samarkand") is not where the
        // story of the text's country is told from.
        let abroad =
            |i: usize| home.is_some_and(|h| h.country_code != mentions[i].place.country_code);
        *self = match (*self, named) {
            (_, Some(i)) if abroad(i) => *self,
            (Scene::Unset, Some(i)) => Scene::One(i, day),
            (Scene::One(j, _), Some(i)) if std::ptr::eq(mentions[i].place, mentions[j].place) => {
                Scene::One(i, day)
            }
            _ => Scene::Wide,
        };
    }

    /// A header after body text opens a new section (a live blog's entries, a page of several
    /// reports): each is its own report, and what the first told sets no scene for them.
    pub fn close(&mut self) {
        *self = Scene::Wide;
    }

    /// The mention of the story's one place, for a sentence that names `own_day` (`None` for
    /// one that names no day of its own).
    pub fn on(self, own_day: Option<Date>) -> Option<usize> {
        match self {
            Scene::One(i, day) if own_day.is_none() || own_day == day => Some(i),
            _ => None,
        }
    }
}

/// What a sentence offers to place its events.
pub struct Setting<'a, 'g> {
    /// The whole text; mention offsets point into it.
    pub text: &'a str,
    /// The sentence's mentions, in order.
    pub mentions: &'a [Mention<'g>],
    /// The city or region the paragraph named last before this sentence.
    pub inherited: Option<&'a Mention<'g>>,
    /// The article's country.
    pub home: Option<&'g Place>,
    pub gazetteer: &'g Gazetteer,
}

impl<'g> Setting<'_, 'g> {
    pub fn names_locality(&self) -> bool {
        self.mentions
            .iter()
            .any(|m| m.place.kind != PlaceKind::Country)
    }

    /// The place of what is said at text offset `at`.
    pub fn locate(&self, at: usize) -> Option<Located<'g>> {
        self.nearest_place(at)
            .map(Located::from_mention)
            .or_else(|| self.inherited.map(Located::from_mention))
            .or_else(|| self.country())
    }

    /// The region of what is said at text offset `at` ("les autorités ont coupé Internet dans
    /// toute la région"): a region the sentence names, else the region of the city it is
    /// located in, else where [`Setting::locate`] puts it.
    pub fn region(&self, at: usize) -> Option<Located<'g>> {
        if let Some(m) = self
            .mentions
            .iter()
            .find(|m| m.place.kind == PlaceKind::Region)
        {
            return Some(Located::from_mention(m));
        }
        let located = self.locate(at)?;
        let region = match (&located.place.kind, &located.place.admin1) {
            (PlaceKind::City, Some(admin1)) => {
                self.gazetteer.region(&located.place.country_code, admin1)
            }
            _ => None,
        };
        Some(match region {
            Some(place) => Located {
                place,
                as_written: String::new(),
                precision: GeoPrecision::Region,
                at: None,
                confidence: located.confidence,
                reason: located.reason,
            },
            None => located,
        })
    }

    /// Like [`Setting::locate`], but a list of cities ("à Aktau et Janaozen", "À Tchimkent et à
    /// Kzyl-Orda, le couvre-feu…") places the happening in each of them.
    pub fn locate_all(&self, at: usize) -> Vec<Located<'g>> {
        let Some(nearest) = self.nearest_place(at) else {
            return self.locate(at).into_iter().collect();
        };
        // The list may start before the place nearest to the happening.
        let mut first = nearest;
        for m in self.mentions.iter().rev().filter(|m| m.end <= first.start) {
            let gap = self.text.get(m.end..first.start).unwrap_or("?");
            if !listable(m.place, nearest.place) || !is_list_gap(gap) {
                break;
            }
            first = m;
        }
        let mut out = vec![Located::from_mention(first)];
        let mut last = first;
        for m in self.mentions.iter().filter(|m| m.start >= first.end) {
            let gap = self.text.get(last.end..m.start).unwrap_or("?");
            if !listable(m.place, first.place) || !is_list_gap(gap) {
                break;
            }
            out.push(Located::from_mention(m));
            last = m;
        }
        out
    }

    /// The first city or region named in `from..to` (text offsets).
    pub fn named_in(&self, from: usize, to: usize) -> Option<Located<'g>> {
        self.mentions
            .iter()
            .find(|m| m.place.kind != PlaceKind::Country && (from..to).contains(&m.start))
            .map(Located::from_mention)
    }

    /// The last place the sentence names before text offset `at`.
    pub fn named_before(&self, at: usize) -> Option<Located<'g>> {
        self.mentions
            .iter()
            .rfind(|m| m.start <= at)
            .map(Located::from_mention)
    }

    fn nearest(&self, at: usize, kind: PlaceKind) -> Option<&Mention<'g>> {
        let of_kind = || self.mentions.iter().filter(move |m| m.place.kind == kind);
        of_kind()
            .rfind(|m| m.start <= at)
            .or_else(|| of_kind().find(|m| m.start > at))
    }

    /// Like [`Setting::nearest`], among the places a locative preposition introduces.
    fn nearest_locative(&self, at: usize, kind: PlaceKind) -> Option<&Mention<'g>> {
        let of_kind = || {
            self.mentions
                .iter()
                .filter(move |m| m.place.kind == kind && after_locative(self.text, m.start))
        };
        of_kind()
            .rfind(|m| m.start <= at)
            .or_else(|| of_kind().find(|m| m.start > at))
    }

    /// The city named nearest to `at`, else the region; a place in the clause of `at` first
    /// ("lifted the emergency in the Mangystau and Atyrau regions, while it stays in force in
    /// Almaty": the regions, not Almaty).
    fn nearest_place(&self, at: usize) -> Option<&Mention<'g>> {
        let in_clause = |m: &&Mention| {
            let (from, to) = if m.start <= at {
                (m.end, at)
            } else {
                (at, m.start)
            };
            self.text
                .get(from..to)
                .is_some_and(super::sentences::one_clause)
        };
        // "Lamu residents demonstrated in Malindi": a place the clause puts the happening in
        // wins over one that only qualifies its actors.
        self.nearest_locative(at, PlaceKind::City)
            .filter(in_clause)
            .or_else(|| self.nearest(at, PlaceKind::City).filter(in_clause))
            .or_else(|| self.nearest(at, PlaceKind::Region).filter(in_clause))
            .or_else(|| self.nearest(at, PlaceKind::City))
            .or_else(|| self.nearest(at, PlaceKind::Region))
    }

    /// The country the sentence names, else the article's: where a nationwide measure is.
    pub fn country(&self) -> Option<Located<'g>> {
        let countries = || {
            self.mentions
                .iter()
                .filter(|m| m.place.kind == PlaceKind::Country)
        };
        let home_named = countries().find(|m| self.home.is_some_and(|h| std::ptr::eq(h, m.place)));
        match home_named.or_else(|| countries().next()) {
            Some(m) => Some(Located::from_mention(m)),
            None => self.home.map(|place| Located {
                place,
                as_written: String::new(),
                precision: GeoPrecision::Country,
                at: None,
                confidence: 0.3,
                reason: PlaceReason::Country,
            }),
        }
    }
}

/// Prepositions that put a happening at the place after them ("in Malindi", "à Almaty"), not
/// "of" or "from", which tell whose or whence.
const LOCATIVES: &[&str] = &[
    "in", "at", "near", "outside", "inside", "around", "across", "into", "à", "a", "au", "aux",
    "dans", "en", "près", "pres", "devant",
];

/// Whether a locative preposition, perhaps with an article, comes right before `start`.
fn after_locative(text: &str, start: usize) -> bool {
    // Asked for every place at every happening: ASCII words are compared without a copy.
    let is = |list: &[&str], w: &str| {
        if w.is_ascii() {
            list.iter().any(|l| l.eq_ignore_ascii_case(w))
        } else {
            list.contains(&w.to_lowercase().as_str())
        }
    };
    let mut words = text[..start].split_whitespace().rev();
    let mut word = words.next();
    if word.is_some_and(|w| is(&["the", "la", "le", "l'"], w)) {
        word = words.next();
    }
    word.is_some_and(|w| is(LOCATIVES, w))
}

/// What may separate the places of a list: "Aktau, Janaozen et à Atyraou", "Aktau and Taraz".
/// Whether two places can be items of one list: of one kind, or a city and a region that is
/// not its own ("in Almaty and in the Mangystau region"; "Aktau, Mangystau region" only says
/// where Aktau is).
fn listable(a: &Place, b: &Place) -> bool {
    let city_and_region = |city: &Place, region: &Place| {
        city.kind == PlaceKind::City
            && region.kind == PlaceKind::Region
            && (city.country_code != region.country_code || city.admin1 != region.admin1)
    };
    a.kind == b.kind || city_and_region(a, b) || city_and_region(b, a)
}

fn is_list_gap(gap: &str) -> bool {
    // "Torcy (Seine-et-Marne) et Bezons": a bracket that only says where a place lies is no
    // break in the list.
    let unbracketed;
    let gap = match without_brackets(gap) {
        Some(rest) => {
            unbracketed = rest;
            unbracketed.as_str()
        }
        None => gap,
    };
    let words: Vec<String> = gap
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    let words = match words.split_first() {
        Some((first, rest)) if REGION_NOUNS.contains(&first.as_str()) && !rest.is_empty() => rest,
        _ => words.as_slice(),
    };
    match words {
        [] => gap.contains(','),
        // "Aktau and Taraz"; "les régions de Mangystau, d'Atyrau…".
        [and] => {
            CONJUNCTIONS.contains(&and.as_str())
                || (gap.contains(',') && OF.contains(&and.as_str()))
        }
        [and, to] => {
            CONJUNCTIONS.contains(&and.as_str())
                && (PREPOSITIONS.contains(&to.as_str()) || OF.contains(&to.as_str()))
        }
        // "and in the Mangystau region", "et dans la région…".
        [and, to, article] => {
            CONJUNCTIONS.contains(&and.as_str())
                && PREPOSITIONS.contains(&to.as_str())
                && matches!(article.as_str(), "the" | "la" | "le" | "les")
        }
        // "…, and in the western town of Zhanaozen", "et dans la ville de Taraz".
        [and, middle @ .., of] if middle.len() <= 5 => {
            CONJUNCTIONS.contains(&and.as_str())
                && matches!(of.as_str(), "of" | "de" | "d'")
                && middle.iter().any(|w| PLACE_NOUNS.contains(&w.as_str()))
                && middle.iter().all(|w| {
                    PREPOSITIONS.contains(&w.as_str())
                        || PLACE_NOUNS.contains(&w.as_str())
                        || PLACE_WORDS.contains(&w.as_str())
                })
        }
        _ => false,
    }
}

/// The gap with its closed brackets taken out, when it has any.
fn without_brackets(gap: &str) -> Option<String> {
    let open = gap.find('(')?;
    let close = open + gap[open..].find(')')?;
    let rest = format!("{} {}", &gap[..open], &gap[close + 1..]);
    Some(without_brackets(&rest).unwrap_or(rest))
}

const CONJUNCTIONS: &[&str] = &["et", "and", "ou", "or"];
const PREPOSITIONS: &[&str] = &["à", "a", "au", "en", "in", "dans"];
/// What links a region's name to "région de": the list repeats it.
const OF: &[&str] = &["d'", "d’", "de", "du", "des"];
/// What a list may call its next place before naming it.
const PLACE_NOUNS: &[&str] = &[
    "town", "city", "village", "port", "ville", "cité", "region", "région", "oblast", "province",
];
/// What may follow a region's name ("the Mangystau region and in Almaty").
const REGION_NOUNS: &[&str] = &["region", "oblast", "province"];
/// Articles and the adjectives a town gets in passing ("the western town of").
const PLACE_WORDS: &[&str] = &[
    "the",
    "la",
    "le",
    "western",
    "eastern",
    "northern",
    "southern",
    "central",
    "oil",
    "mining",
    "industrial",
    "nearby",
    "neighbouring",
    "neighboring",
    "voisine",
    "minière",
    "pétrolière",
];
