//! Rules that look at the words around a candidate match in the original text to decide that
//! it names something other than a place: an ordinary capitalised word, a person, an
//! organisation, a domain name; and whether the text asks for the region of that name.
//!
//! Word lists hold plain lower-case ASCII (see `normalize::plain_lower`), so "À", "à" and
//! "a" are one entry.

use std::sync::OnceLock;

use super::normalize::{plain_lower, with_plain_lower};
use super::quick_hash::QuickSet;

/// Capitalised words that begin sentences or titles and happen to be place names somewhere
/// ("Le" in France, "Pendant", "Premier", "Union"): function words, calendar words and common
/// nouns of French, English and Russian news.
const STOPWORDS: &[&str] = &[
    // French
    "a",
    "au",
    "aux",
    "le",
    "la",
    "les",
    "l",
    "un",
    "une",
    "des",
    "du",
    "de",
    "d",
    "et",
    "ou",
    "mais",
    "donc",
    "car",
    "ni",
    "en",
    "dans",
    "sur",
    "sous",
    "par",
    "pour",
    "avec",
    "sans",
    "chez",
    "vers",
    "entre",
    "selon",
    "pendant",
    "depuis",
    "avant",
    "apres",
    "lors",
    "cependant",
    "ainsi",
    "alors",
    "aussi",
    "ensuite",
    "enfin",
    "puis",
    "il",
    "ils",
    "elle",
    "elles",
    "on",
    "nous",
    "vous",
    "je",
    "ce",
    "cette",
    "ces",
    "cet",
    "son",
    "sa",
    "ses",
    "leur",
    "leurs",
    "notre",
    "nos",
    "votre",
    "qui",
    "que",
    "quoi",
    "dont",
    "quand",
    "comme",
    "si",
    "tout",
    "tous",
    "toute",
    "toutes",
    "plus",
    "moins",
    "tres",
    "bien",
    "face",
    "parmi",
    "environ",
    "aucun",
    "aucune",
    "rappelons",
    "jusqu",
    "peu",
    "ci",
    "premier",
    "premiere",
    "deuxieme",
    "dernier",
    "derniere",
    "lundi",
    "mardi",
    "mercredi",
    "jeudi",
    "vendredi",
    "samedi",
    "dimanche",
    "janvier",
    "fevrier",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "aout",
    "septembre",
    "octobre",
    "novembre",
    "decembre",
    "internet",
    "etat",
    "etats",
    "douma",
    "president",
    "ministre",
    "ministere",
    "gouvernement",
    "police",
    "armee",
    "nord",
    "sud",
    "est",
    "ouest",
    "centre",
    "grand",
    "grande",
    "saint",
    "sainte",
    "haut",
    "bas",
    "nouveau",
    "nouvelle",
    "ville",
    "place",
    "paix",
    "union",
    "republique",
    "federation",
    "organisation",
    "service",
    "bilan",
    "message",
    "photo",
    "source",
    "sources",
    "mission",
    "arrivee",
    "casques",
    "choix",
    "energie",
    "industrie",
    "commerce",
    "defense",
    "interieur",
    "affaires",
    "ex",
    "mme",
    "madame",
    "monsieur",
    // English
    "the",
    "an",
    "and",
    "or",
    "but",
    "in",
    "at",
    "to",
    "of",
    "for",
    "with",
    "by",
    "from",
    "as",
    "is",
    "it",
    "its",
    "this",
    "that",
    "these",
    "those",
    "he",
    "she",
    "they",
    "we",
    "you",
    "i",
    "his",
    "her",
    "their",
    "our",
    "after",
    "before",
    "during",
    "since",
    "while",
    "when",
    "where",
    "what",
    "who",
    "which",
    "why",
    "how",
    "all",
    "some",
    "many",
    "more",
    "most",
    "also",
    "then",
    "than",
    "there",
    "here",
    "not",
    "no",
    "yes",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "prime",
    "minister",
    "ministry",
    "government",
    "army",
    "state",
    "north",
    "south",
    "east",
    "west",
    "central",
    "northern",
    "southern",
    "eastern",
    "western",
    "great",
    "new",
    "old",
    "city",
    "capital",
    "republic",
    "federation",
    "reuters",
    "news",
    "today",
    "victoria",
    // Demonyms: capitalised in English, and some double as place names (Petropavl is
    // also "Kazakh" in GeoNames).
    "kazakh",
    "kazakhs",
    "russian",
    "russians",
    "french",
    "american",
    "chinese",
    "kyrgyz",
    "uzbek",
    "tajik",
    "turkmen",
    "belarusian",
    "armenian",
    "ukrainian",
    "soviet",
    "european",
    "asian",
    // Continents and parts of the world: not in the gazetteer, and their folded forms are
    // city names elsewhere ("Asie" folds like Ashiya's "Asiya").
    "asie",
    "europe",
    "afrique",
    "amerique",
    "oceanie",
    "asia",
    "africa",
    "america",
    "eurasie",
    "eurasia",
    "caucase",
    "caucasus",
    "siberie",
    "siberia",
    // Unit words: written alone they name no place ("the Region said").
    "region",
    "regions",
    "oblast",
    "province",
    "district",
    "county",
    "division",
    "upazila",
    "sadar",
    // Month abbreviations ("Oct 31-Nov 2", "le 3 janv.").
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "janv",
    "fev",
    "fevr",
    "avr",
    "juil",
    // Institutions and buildings: written alone they name a body or a building, and towns
    // called after such words ("University", "College", "Market") are elsewhere.
    "university",
    "college",
    "school",
    "academy",
    "institute",
    "hospital",
    "clinic",
    "market",
    "club",
    "league",
    "committee",
    "council",
    "court",
    "hall",
    "mosque",
    "church",
    "temple",
    "stadium",
    "station",
    "airport",
    "prison",
    "office",
    "park",
    "road",
    "street",
    "avenue",
    "bridge",
    "camp",
    "press",
    "supreme",
    "massacre",
    "universite",
    "ecole",
    "lycee",
    "hopital",
    "marche",
    "mosquee",
    "eglise",
    "gare",
    "aeroport",
    "tribunal",
    "parti",
    "ligue",
    "comite",
    "conseil",
    // Russian (transliterated)
    "eto",
    "kak",
    "tak",
    "pri",
    "posle",
    "dlia",
    "vo",
    "na",
    "po",
    "ne",
];

/// Words that make the following name a person: titles and forms of address.
const TITLES: &[&str] = &[
    "president",
    "presidente",
    "ministre",
    "minister",
    "general",
    "colonel",
    "commandant",
    "capitaine",
    "captain",
    "lieutenant",
    "sergent",
    "sergeant",
    "marechal",
    "marshal",
    "m",
    "mr",
    "mme",
    "mrs",
    "ms",
    "mlle",
    "dr",
    "monsieur",
    "madame",
    "senateur",
    "senator",
    "depute",
    "maire",
    "mayor",
    "gouverneur",
    "governor",
    "akim",
    "ambassadeur",
    "ambassador",
    "chef",
    "leader",
    "dirigeant",
    "opposant",
    "journaliste",
    "journalist",
    "banquier",
    "porte-parole",
    "spokesman",
    "spokeswoman",
];

/// Words that make the following name an organisation (a channel, an agency, a newspaper).
const ORGANISATIONS: &[&str] = &[
    "chaine",
    "agence",
    "television",
    "tele",
    "radio",
    "journal",
    "quotidien",
    "hebdomadaire",
    "magazine",
    "site",
    "portail",
    "channel",
    "agency",
    "newspaper",
    "daily",
    "tv",
    "media",
    "station",
    "compagnie",
    "company",
    "societe",
    "groupe",
    "club",
    "equipe",
    "team",
    "banque",
    "bank",
    "universite",
    "university",
    "hotel",
    "mouvement",
    "movement",
    "parti",
    "party",
];

/// Words after a name that make it a people's or a group's name ("the Jimo and Agoro clans",
/// "the Borana community").
const GROUP_NOUNS: &[&str] = &[
    "clan",
    "clans",
    "tribe",
    "tribes",
    "tribesmen",
    "community",
    "communities",
    "ethnicity",
    "ethnic",
    "sect",
    "clan's",
    // A people's name before its men-at-arms or herders ("Turkana raiders", "Orma herders").
    "raiders",
    "herders",
    "herdsmen",
    "warriors",
    "morans",
    "pastoralists",
    "militia",
    "militias",
    "militiamen",
    "elders",
];

/// Words after a name that make it an institution's name ("Jagannath University", "Kisumu
/// Polytechnic"): named after a place, it is usually there, but it may be named after a person.
const INSTITUTIONS: &[&str] = &[
    "university",
    "college",
    "school",
    "academy",
    "institute",
    "polytechnic",
    "hospital",
    "market",
    "club",
    "party",
    "league",
    "committee",
    "union",
    "mosque",
    "madrasa",
    "madrassa",
    "church",
    "temple",
    "stadium",
    "federation",
    "association",
    "movement",
    "front",
    "alliance",
];

/// Whether the name at `start..end` begins an institution's name: an institution word follows
/// it, perhaps after more capitalised words ("Kabi Nazrul Government College").
pub(crate) fn names_institution(text: &str, end: usize) -> bool {
    let mut offset = end;
    for _ in 0..4 {
        let Some((at, word)) = token_after(text, offset) else {
            return false;
        };
        if listed(INSTITUTIONS, word) {
            return true;
        }
        if !is_capitalised_word(word) {
            return false;
        }
        offset = at + word.len();
    }
    false
}

/// Verbs a government does, written after its capital's name when the capital stands for it
/// ("Moscow sent troops", "Paris a condamné", "Beijing said").
const GOVERNMENT_VERBS: &[&str] = &[
    "sent",
    "sends",
    "deployed",
    "deploys",
    "said",
    "says",
    "condemned",
    "condemns",
    "announced",
    "announces",
    "accused",
    "accuses",
    "warned",
    "warns",
    "denied",
    "denies",
    "urged",
    "urges",
    "called",
    "calls",
    "demanded",
    "demands",
    "responded",
    "blamed",
    "blames",
    "has",
    "had",
    "will",
    "would",
    "insisted",
    "insists",
    "rejected",
    "rejects",
    "welcomed",
    "welcomes",
    "backed",
    "backs",
    "supported",
    "supports",
    "promised",
    "pledged",
    "recognised",
    "recognized",
    "a",
    "avait",
    "accuse",
    "condamne",
    "denonce",
    "annonce",
    "affirme",
    "dement",
    "envoie",
    "exige",
    "appelle",
    "soutient",
    "reproche",
    "assure",
    "estime",
    "juge",
    "rejette",
];

/// Whether the name ending at `end` is followed by what a government does: with a capital's
/// name, the government, not the city ("Moscow sent troops"; "Paris a condamné").
pub(crate) fn followed_by_government_verb(text: &str, end: usize) -> bool {
    let Some((at, word)) = token_after(text, end) else {
        return false;
    };
    if !listed(GOVERNMENT_VERBS, word) {
        return false;
    }
    // An auxiliary needs a participle of state action after it ("Paris a condamné", "Moscow has
    // sent"), not a passive of what happened there ("Almaty was stormed" has no "was" here).
    match plain_lower(word).as_str() {
        "a" | "avait" | "has" | "had" | "will" | "would" => token_after(text, at + word.len())
            .is_some_and(|(_, next)| {
                listed(GOVERNMENT_VERBS, next)
                    || [
                        "envoye", "deploye", "condamne", "denonce", "annonce", "exige", "accuse",
                        "rejete", "salue", "appele", "demande",
                    ]
                    .contains(&plain_lower(next).as_str())
            }),
        _ => true,
    }
}

/// Arabic articles before a name that is not matched with them ("al Shabaab"): a place
/// called so would have matched with its article.
const NAME_ARTICLES: &[&str] = &["al", "el", "ul"];

/// Words that name an administrative unit or a settlement after its name ("Gazaria
/// upazila", "Isiolo County", "Jhenaidah Sadar").
pub(crate) const UNIT_WORDS: &[&str] = &[
    "city",
    "town",
    "township",
    "village",
    "villages",
    "municipality",
    "estate",
    "settlement",
    "district",
    "districts",
    "division",
    "county",
    "sub-county",
    "subcounty",
    "constituency",
    "ward",
    "location",
    "province",
    "region",
    "state",
    "governorate",
    "department",
    "oblast",
    "raion",
    "rayon",
    "prefecture",
    "upazila",
    "upazilla",
    "zila",
    "zilla",
    "thana",
    "union",
    "sadar",
    "pourashava",
    "area",
    "areas",
    "locality",
    "localities",
    "neighbourhood",
    "neighborhood",
    "quarter",
    "suburb",
    "unions",
    "upazilas",
    "ville",
    "village",
    "commune",
    "comté",
    "comte",
    "région",
    "département",
    "préfecture",
    "cercle",
    "wilaya",
];

/// Words that mark an administrative region ("région d'Almaty", "Almaty Region").
const REGION_WORDS: &[&str] = &[
    "region",
    "regions",
    "oblast",
    "oblasts",
    "oblys",
    "oblysy",
    "province",
    "provinces",
    "territoire",
    "territory",
    "krai",
    "kray",
];

/// Linking words between a region word and the region name ("région d'", "region of").
const REGION_LINKS: &[&str] = &["d", "de", "du", "of"];

const OPENING_QUOTES: &[char] = &['«', '"', '“', '„', '‹'];
const CLOSING_QUOTES: &[char] = &['»', '"', '”', '“', '›'];

/// Characters that may end a word token without separating it from what it qualifies.
const TRAILING_PUNCTUATION: &[char] = &['.', ',', ';', ':', '!', '?', '»', ')', '"', '”'];

fn listed(list: &[&str], word: &str) -> bool {
    // A word of ASCII letters and digits folds to its lower case: compare without a copy.
    if word.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return list.iter().any(|entry| entry.eq_ignore_ascii_case(word));
    }
    with_plain_lower(word, |plain| list.contains(&plain))
}

/// Landforms named after a place ("the Laikipia Plateau", "Kerio Valley"): after a place name
/// the word is part of the feature's name, no place of its own.
const LANDFORM_WORDS: &[&str] = &[
    "plateau",
    "valley",
    "hills",
    "highlands",
    "escarpment",
    "mountains",
    "forest",
    "desert",
    "plains",
    "coast",
    "delta",
    "basin",
];

/// Whether `text[start..end]`, a landform word, directly follows the name that ends at
/// `previous_end`.
pub(crate) fn is_landform_after(text: &str, start: usize, end: usize, previous_end: usize) -> bool {
    previous_end < start
        && text[previous_end..start] == *" "
        && listed(LANDFORM_WORDS, &text[start..end])
}

/// Whether a word is a unit word ("County", "Sadar", "upazila").
pub(crate) fn is_unit_word(word: &str) -> bool {
    static SET: OnceLock<QuickSet<&'static str>> = OnceLock::new();
    listed_in(&SET, UNIT_WORDS, word)
}

/// True when the written form is an ordinary capitalised word rather than a name.
pub(crate) fn is_stopword(written: &str) -> bool {
    !written.contains(|c: char| !c.is_alphanumeric()) && listed_stopword(written)
}

/// [`listed`] in [`TITLES`] or [`ORGANISATIONS`] (read for the word before every name).
fn is_title_or_organisation(word: &str) -> bool {
    static ORGANISATION_SET: OnceLock<QuickSet<&'static str>> = OnceLock::new();
    is_title(word) || listed_in(&ORGANISATION_SET, ORGANISATIONS, word)
}

/// [`listed`] in [`TITLES`] (also read for the words before a titled name).
fn is_title(word: &str) -> bool {
    static SET: OnceLock<QuickSet<&'static str>> = OnceLock::new();
    listed_in(&SET, TITLES, word)
}

/// [`listed`] in [`GROUP_NOUNS`] (read for the word after every name).
fn is_group_noun(word: &str) -> bool {
    static SET: OnceLock<QuickSet<&'static str>> = OnceLock::new();
    listed_in(&SET, GROUP_NOUNS, word)
}

/// [`listed`] in [`REGION_WORDS`] (read for the words around every name).
fn is_region_word(word: &str) -> bool {
    static SET: OnceLock<QuickSet<&'static str>> = OnceLock::new();
    listed_in(&SET, REGION_WORDS, word)
}

/// [`listed`] in [`STOPWORDS`].
fn listed_stopword(word: &str) -> bool {
    static SET: OnceLock<QuickSet<&'static str>> = OnceLock::new();
    listed_in(&SET, STOPWORDS, word)
}

/// [`listed`] through a set of the list's words, built at the first call: the long lists are
/// read for every candidate name of every text and the words around it, and a scan of each
/// cost more than the rest of the context rules. The same answer as [`listed`]'s: the lists
/// hold lower-case words (a test checks it), which is what both compare the word's folding
/// with.
fn listed_in(
    set: &OnceLock<QuickSet<&'static str>>,
    list: &'static [&'static str],
    word: &str,
) -> bool {
    let set = set.get_or_init(|| list.iter().copied().collect());
    if word.bytes().all(|b| b.is_ascii_alphanumeric()) {
        let mut lower = [0u8; 32];
        let Some(lower) = lower.get_mut(..word.len()) else {
            // Longer than any listed word.
            return listed(list, word);
        };
        for (l, b) in lower.iter_mut().zip(word.bytes()) {
            *l = b.to_ascii_lowercase();
        }
        return std::str::from_utf8(lower).is_ok_and(|w| set.contains(w));
    }
    with_plain_lower(word, |plain| set.contains(plain))
}

/// A match glued to a dot or an at-sign is part of a domain, URL or e-mail ("Orda.kz").
pub(crate) fn inside_url(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].chars().next_back();
    let mut after = text[end..].chars();
    let glued_after = matches!(after.next(), Some('.' | '@' | '/'))
        && after.next().is_some_and(|c| c.is_alphanumeric());
    glued_after || matches!(before, Some('.' | '@' | '/'))
}

/// The whitespace-separated token right before `start` and the offset where it ends, if a
/// space-like gap separates it (no line break: a heading does not qualify the next line).
fn token_before(text: &str, start: usize) -> Option<(&str, usize)> {
    let head = &text[..start];
    let trimmed = head.trim_end_matches(|c: char| c.is_whitespace() && c != '\n');
    if trimmed.len() == head.len() || trimmed.ends_with(char::is_whitespace) {
        return None;
    }
    let from = trimmed.rfind(char::is_whitespace).map_or(0, |i| {
        i + trimmed[i..].chars().next().map_or(1, char::len_utf8)
    });
    Some((&trimmed[from..], trimmed.len()))
}

/// Units of administration that only some countries have, with those countries (ISO
/// alpha-2): after a name they tell its country ("Isiolo County", "Raiganj upazila").
const NATIONAL_UNITS: &[(&str, &[&str])] = &[
    (
        "county",
        &[
            "KE", "US", "GB", "IE", "LR", "SS", "UG", "CN", "TW", "HU", "RO", "PL", "HR", "EE",
            "LT", "NO", "SE",
        ],
    ),
    ("counties", &["KE", "US", "GB", "IE", "LR", "SS", "UG"]),
    ("sub-county", &["KE", "UG"]),
    ("subcounty", &["KE", "UG"]),
    (
        "constituency",
        &[
            "KE", "GB", "IN", "UG", "ZM", "ZW", "MW", "GH", "PK", "NA", "MY",
        ],
    ),
    ("upazila", &["BD"]),
    ("upazilla", &["BD"]),
    ("zila", &["BD"]),
    ("zilla", &["BD"]),
    ("thana", &["BD"]),
    ("pourashava", &["BD"]),
    ("sadar", &["BD"]),
    ("oblast", &["KZ", "RU", "UA", "KG", "BG", "TJ", "BY"]),
    ("oblysy", &["KZ"]),
    ("raion", &["RU", "UA", "MD", "KZ", "BY", "AZ", "KG"]),
    ("rayon", &["RU", "UA", "MD", "KZ", "BY", "AZ", "KG"]),
    ("wilaya", &["DZ", "MR", "SD"]),
    ("woreda", &["ET"]),
    ("kebele", &["ET"]),
    ("tehsil", &["PK", "IN"]),
    (
        "governorate",
        &["EG", "IQ", "SY", "JO", "YE", "LB", "TN", "KW", "BH", "OM"],
    ),
];

/// The countries whose unit of administration the word after `end` names, or none.
pub(crate) fn unit_countries(text: &str, end: usize) -> &'static [&'static str] {
    let Some((_, word)) = token_after(text, end) else {
        return &[];
    };
    NATIONAL_UNITS
        .iter()
        .find(|(unit, _)| unit.eq_ignore_ascii_case(word))
        .map_or(&[], |&(_, countries)| countries)
}

/// The whitespace-separated token right after `end`, trailing punctuation removed.
fn token_after(text: &str, end: usize) -> Option<(usize, &str)> {
    let tail = &text[end..];
    let trimmed = tail.trim_start_matches(|c: char| c.is_whitespace() && c != '\n');
    if trimmed.len() == tail.len() || trimmed.starts_with(char::is_whitespace) {
        return None;
    }
    let offset = end + tail.len() - trimmed.len();
    let token = trimmed
        .split(char::is_whitespace)
        .next()
        .unwrap_or_default();
    Some((offset, token.trim_end_matches(TRAILING_PUNCTUATION)))
}

/// A word that could be a first name or surname: capitalised letters (and inner hyphens or
/// apostrophes), not an acronym.
fn is_capitalised_word(token: &str) -> bool {
    let mut chars = token.chars();
    chars.next().is_some_and(char::is_uppercase)
        && token
            .chars()
            .all(|c| c.is_alphabetic() || matches!(c, '-' | '\'' | '’'))
        && token.chars().any(char::is_lowercase)
}

/// Whether the capital letter of a word at `start` tells it is a place name: not when the word
/// opens the text, a line, a sentence, a quotation or a dateline's story ("(Reuters) - One
/// person…"), nor in a headline that capitalises most of its words, nor after a determiner
/// ("the Market", "la Douane": the name of a building or a body, not of a town).
/// `headlines` remembers the last line read, for the names after it on that line.
pub(crate) fn capital_is_telling(text: &str, start: usize, headlines: &mut Headlines) -> bool {
    const DETERMINERS: &[&str] = &[
        "the", "a", "an", "this", "that", "le", "la", "les", "l", "un", "une", "des", "du", "ce",
        "cette",
    ];
    let elided = text[..start]
        .strip_suffix(['\'', '’'])
        .and_then(|head| head.strip_suffix(['l', 'L']))
        .is_some_and(|head| !head.ends_with(char::is_alphabetic));
    let after_determiner = elided
        // Compared unfolded: "à" is no "a".
        || token_before(text, start)
            .is_some_and(|(word, _)| DETERMINERS.iter().any(|d| d.eq_ignore_ascii_case(word)));
    if after_determiner {
        return false;
    }
    let head = text[..start].trim_end_matches(|c: char| {
        (c.is_whitespace() && c != '\n') || OPENING_QUOTES.contains(&c) || c == '('
    });
    let opens = match head.chars().next_back() {
        None | Some('\n' | '.' | '!' | '?' | ':' | '…') => true,
        Some(dash @ ('-' | '–' | '—')) => head[..head.len() - dash.len_utf8()].ends_with(' '),
        Some(_) => false,
    };
    !opens && !headlines.around(text, start)
}

/// The verdict of [`in_headline`] on the last line it read: every name of a line would read
/// the whole line again.
#[derive(Default)]
pub(crate) struct Headlines {
    /// The line's bounds and whether it is a headline.
    last: Option<(usize, usize, bool)>,
}

impl Headlines {
    /// Whether the line around `at` is a headline in title case ([`in_headline`]).
    fn around(&mut self, text: &str, at: usize) -> bool {
        let Some((start, end)) = line_around(text, at) else {
            return false;
        };
        match self.last {
            Some((s, e, headline)) if (s, e) == (start, end) => headline,
            _ => {
                let headline = in_headline(&text[start..end]);
                self.last = Some((start, end, headline));
                headline
            }
        }
    }
}

/// The bounds of the line around `at`, if a headline could be that long.
fn line_around(text: &str, at: usize) -> Option<(usize, usize)> {
    // A headline is short: a long line is body text, and looking no further than this keeps
    // the check bounded on a text of one endless line.
    const HEADLINE_BYTES: usize = 300;
    let from = at.saturating_sub(HEADLINE_BYTES);
    let to = (at + HEADLINE_BYTES).min(text.len());
    // Searched as `str` for the memchr search: the bytes between a bound and the char boundary
    // next to it continue a char, and are no line break.
    let (mut inner_from, mut inner_to) = (from, to);
    while !text.is_char_boundary(inner_from) {
        inner_from += 1;
    }
    while !text.is_char_boundary(inner_to) {
        inner_to -= 1;
    }
    let line_start = match text[inner_from..at].rfind('\n') {
        Some(i) => inner_from + i + 1,
        None if from == 0 => 0,
        None => return None,
    };
    let line_end = match text[at..inner_to].find('\n') {
        Some(i) => at + i,
        None if to == text.len() => to,
        None => return None,
    };
    Some((line_start, line_end))
}

/// Whether a line is a headline in title case: four words or more, most of them capitalised.
fn in_headline(line: &str) -> bool {
    let (mut words, mut capitalised) = (0, 0);
    if line.is_ascii() {
        // Most lines are ASCII: read as bytes. ASCII's white space is `is_ascii_whitespace`
        // and the vertical tab.
        for &first in line
            .as_bytes()
            .split(|&b| b.is_ascii_whitespace() || b == 0x0b)
            .filter_map(<[u8]>::first)
            .filter(|b| b.is_ascii_alphabetic())
        {
            words += 1;
            capitalised += usize::from(first.is_ascii_uppercase());
        }
    } else {
        for first in line
            .split_whitespace()
            .filter_map(|w| w.chars().next())
            .filter(|c| c.is_alphabetic())
        {
            words += 1;
            capitalised += usize::from(first.is_uppercase());
        }
    }
    words >= 4 && capitalised * 10 >= words * 7
}

/// True when the match at `start..end` names a person or an organisation, or is quoted, not
/// a place. `place_starts_at` / `place_ends_at` tell whether another candidate place begins
/// or ends at a byte offset (a place next to a place is a list or a compound, not a name).
pub(crate) fn names_something_else(
    text: &str,
    start: usize,
    end: usize,
    place_starts_at: impl Fn(usize) -> bool,
    place_ends_at: impl Fn(usize) -> bool,
) -> bool {
    if is_part_of_compound(text, start, end)
        || ends_a_titled_name(text, start)
        || is_reduplicated(text, start, end)
    {
        return true;
    }
    if ends_a_road_name(text, start, end) {
        return true;
    }
    // "at the university, Gopalganj city", "National Press Club, Dhaka": a comma, a colon or a
    // bracket ends the title's or the body's name; what follows is named on its own.
    let separated = |token: &str| token.ends_with([',', ';', ':', ')', ']']);
    if let Some((before, before_end)) = token_before(text, start).filter(|(t, _)| !separated(t)) {
        let word = before.trim_end_matches('.');
        if is_title_or_organisation(word) || NAME_ARTICLES.contains(&word) {
            return true;
        }
        // "Andrei Serdyukov", "Kassym-Jomart Tokayev": a capitalised word that is neither a
        // function word nor a place, glued by one space, is a first name.
        if is_capitalised_word(before)
            && !listed_stopword(before)
            && !is_region_word(before)
            && !place_ends_at(before_end)
        {
            return true;
        }
    }
    if let Some((offset, after)) = token_after(text, end) {
        if is_group_noun(after)
            || names_peoples(text, offset + after.len(), after)
            || names_a_road(text, offset, after)
        {
            return true;
        }
        // "Nursultan Nazarbayev", "KazTag Telegram": a capitalised non-place word after the
        // match makes the pair one name.
        if is_capitalised_word(after)
            && !listed_stopword(after)
            && !is_region_word(after)
            && !is_unit_word(after)
            && !place_starts_at(offset)
        {
            return true;
        }
    }
    is_quoted(text, start, end)
}

/// Whether the name at `start..end` is written as an acronym ("COTU", "KANU"): two to five
/// capital letters, not opening a line (a dateline's "OSH, Kyrgyzstan"). An organisation's
/// initials that spell some town are a word, not that town.
pub(crate) fn is_acronym(text: &str, start: usize, end: usize) -> bool {
    let written = &text[start..end];
    (2..=5).contains(&written.len())
        && written.bytes().all(|b| b.is_ascii_uppercase())
        && !text[..start].trim_end_matches([' ', '\t']).ends_with('\n')
        && start > 0
}

/// Small words inside a person's name ("Mwangi wa Iria", "Osama bin Laden", "Ursula von der
/// Leyen").
const NAME_PARTICLES: &[&str] = &[
    "wa", "bin", "ibn", "ben", "abu", "ould", "al", "el", "van", "von", "der", "de", "da", "du",
    "dos", "del", "della", "le",
];

/// How many names and particles may stand between a title and the last word of the name.
const TITLED_NAME_WORDS: usize = 4;

/// Whether the match at `start` ends a person's name that a title opens: "Governor Mwangi wa
/// Iria", "President Kassym-Jomart Tokayev". The word after the title is a capitalised name
/// (so "le gouverneur de Kisumu" is a place), then names or particles up to the match.
fn ends_a_titled_name(text: &str, start: usize) -> bool {
    let mut at = start;
    let mut first_is_name = false;
    for _ in 0..TITLED_NAME_WORDS {
        let Some((token, end)) = token_before(text, at) else {
            return false;
        };
        if is_title(token.trim_end_matches('.')) {
            // The title right before the match is read by the caller's own rule.
            return first_is_name && at != start;
        }
        first_is_name = is_capitalised_word(token);
        if !first_is_name && !NAME_PARTICLES.contains(&token) {
            return false;
        }
        at = end - token.len();
    }
    false
}

/// Words that make the names before them a road's: "the Dhaka - Sylhet highway" runs between
/// two cities, neither of them where the event is.
const ROAD_WORDS: &[&str] = &[
    "road",
    "highway",
    "street",
    "avenue",
    "bypass",
    "expressway",
    "motorway",
];

/// Whether the name ending where `after` (the token after it, at `offset`) begins names a
/// road between two places: a dash, another name and a road word ("Dhaka - Sylhet highway").
/// A road named for one place ("Ngong Road") runs near it and may stand for it.
fn names_a_road(text: &str, offset: usize, after: &str) -> bool {
    if !is_dash(after) {
        return false;
    }
    let Some((other_at, other)) = token_after(text, offset + after.len()) else {
        return false;
    };
    is_capitalised_word(other)
        && token_after(text, other_at + other.len())
            .is_some_and(|(_, road)| listed(ROAD_WORDS, road))
}

/// A dash standing as a word between two names.
fn is_dash(token: &str) -> bool {
    matches!(token, "-" | "–" | "—")
}

/// Whether the name at `start..end` is the second of a road's two places: a dash before it,
/// a road word after it ("the Dhaka - Sylhet highway").
fn ends_a_road_name(text: &str, start: usize, end: usize) -> bool {
    token_before(text, start).is_some_and(|(dash, _)| is_dash(dash))
        && token_after(text, end).is_some_and(|(_, road)| listed(ROAD_WORDS, road))
}

/// "Turkana and Pokot raiders", "Degodia and Garre clans": after "and" and another name,
/// a group noun makes both names peoples. `after` is the token after the match, ending at
/// `end`.
fn names_peoples(text: &str, end: usize, after: &str) -> bool {
    if !matches!(after, "and" | "et") {
        return false;
    }
    let Some((other_at, other)) = token_after(text, end) else {
        return false;
    };
    is_capitalised_word(other)
        && token_after(text, other_at + other.len()).is_some_and(|(_, noun)| is_group_noun(noun))
}

/// A match hyphenated to more letters ("Kassym" in "Kassym-Jomart") is a piece of a longer
/// name; had that name been a place, the longer match would have won.
fn is_part_of_compound(text: &str, start: usize, end: usize) -> bool {
    let mut after = text[end..].chars();
    let mut before = text[..start].chars().rev();
    let hyphen = |c: Option<char>| matches!(c, Some('-' | '‐' | '‑'));
    let letter = |c: Option<char>| c.is_some_and(char::is_alphabetic);
    (hyphen(after.next()) && letter(after.next()))
        || (hyphen(before.next()) && letter(before.next()))
}

/// A word said twice ("boda boda", a motorbike taxi; "pom-pom") is one word of its own: had
/// the pair been a place ("Bora Bora"), the longer match would have won.
fn is_reduplicated(text: &str, start: usize, end: usize) -> bool {
    let written = &text[start..end];
    let same = |token: &str| token.eq_ignore_ascii_case(written);
    token_after(text, end).is_some_and(|(_, after)| same(after))
        || token_before(text, start).is_some_and(|(before, _)| same(before))
}

/// A name standing alone between quotes is a title or a brand (« Astana », "Kazakhstan").
fn is_quoted(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].trim_end().chars().next_back();
    let after = text[end..].trim_start().chars().next();
    before.is_some_and(|c| OPENING_QUOTES.contains(&c))
        && after.is_some_and(|c| CLOSING_QUOTES.contains(&c))
}

/// True when the text asks for the administrative region: "région d'Almaty", "oblast de
/// Mangystau", "region of Atyrau", "Atyrau Region", "Almaty oblysy".
/// `lists` says whether the text has a plural of "region" anywhere ([`has_region_plurals`]), so
/// that texts without one never look for lists of regions.
pub(crate) fn wants_region(text: &str, start: usize, end: usize, lists: bool) -> bool {
    let mut head_start = start.saturating_sub(32);
    while !text.is_char_boundary(head_start) {
        head_start -= 1;
    }
    let head = &text[head_start..start];
    let region_before = if head.is_ascii() {
        // ASCII folds to its lower-case letters and digits, anything else separating words:
        // the last two words are read in place, without folding the head.
        let listed_bytes = |list: &[&str], word: &[u8]| {
            list.iter()
                .any(|entry| entry.as_bytes().eq_ignore_ascii_case(word))
        };
        let mut words = head
            .as_bytes()
            .rsplit(|b| !b.is_ascii_alphanumeric())
            .filter(|w| !w.is_empty());
        let last = words.next().unwrap_or_default();
        listed_bytes(REGION_WORDS, last)
            || (listed_bytes(REGION_LINKS, last)
                && words.next().is_some_and(|w| listed_bytes(REGION_WORDS, w)))
    } else {
        with_plain_lower(head, |head| {
            let mut words = head.rsplit(' ');
            let last = words.next().unwrap_or_default();
            REGION_WORDS.contains(&last)
                || (REGION_LINKS.contains(&last)
                    && words.next().is_some_and(|w| REGION_WORDS.contains(&w)))
        })
    };
    region_before
        || token_after(text, end).is_some_and(|(_, word)| is_region_word(word))
        || (lists && in_list_of_regions(text, start, end))
}

/// Whether the text says "regions", "régions", "oblasts" or "provinces" anywhere.
pub(crate) fn has_region_plurals(text: &str) -> bool {
    REGION_PLURAL_STEMS.iter().any(|stem| text.contains(stem))
}

/// What the plurals of region words contain, case aside ("Regions", "régions", "Oblasts").
const REGION_PLURAL_STEMS: &[&str] = &["egions", "égions", "blasts", "rovinces"];

/// A name in a list the text calls regions: "the Mangystau, Atyrau and West Kazakhstan
/// regions", "les régions de Mangystau, d'Atyrau et du Kazakhstan-Occidental". Between the
/// name and the plural there are only names, commas, "and" and "of".
fn in_list_of_regions(text: &str, start: usize, end: usize) -> bool {
    const PLURALS: &[&str] = &["regions", "oblasts", "provinces"];
    const GLUE: &[&str] = &["and", "et", "or", "ou", "de", "d", "du", "des", "of", "the"];
    const REACH: usize = 96;
    let is_separator = |c: char| c.is_whitespace() || matches!(c, ',' | '\'' | '’');
    let is_clause_break = |c: char| matches!(c, '.' | ';' | ':' | '(' | ')' | '!' | '?');
    // Only a name in a list: a comma, "and", "et", "d'" or "of" next to it.
    let after = text[end..].trim_start_matches(' ');
    let before = text[..start].trim_end_matches(' ');
    let listed_after = after.starts_with(',')
        || ["and ", "et ", "or ", "ou "]
            .iter()
            .any(|w| after.starts_with(w));
    let listed_before = before.ends_with([',', '\'', '’'])
        || [" and", " et", " de", " du", " of"]
            .iter()
            .any(|w| before.ends_with(w));
    if !listed_after && !listed_before {
        return false;
    }
    // Which way the words are read, and whether the plural may come first in that direction.
    let reads_list = |words: &mut dyn Iterator<Item = &str>| -> bool {
        for word in words.filter(|w| !w.is_empty()) {
            let lower = plain_lower(word);
            if PLURALS.contains(&lower.as_str()) {
                return true;
            }
            let name = word.chars().next().is_some_and(char::is_uppercase);
            if !name && !GLUE.contains(&lower.as_str()) {
                return false;
            }
        }
        false
    };
    let mut tail_end = (end + REACH).min(text.len());
    while !text.is_char_boundary(tail_end) {
        tail_end -= 1;
    }
    let mut head_start = start.saturating_sub(REACH);
    while !text.is_char_boundary(head_start) {
        head_start += 1;
    }
    // Most names have no plural of "region" near them: look for one before cutting clauses
    // and reading words.
    let plural_near = |s: &str| REGION_PLURAL_STEMS.iter().any(|p| s.contains(p));
    let (tail, head) = (&text[end..tail_end], &text[head_start..start]);
    let tail_lists = plural_near(tail) && {
        let tail = tail.split(is_clause_break).next().unwrap_or("");
        reads_list(&mut tail.split(is_separator))
    };
    tail_lists
        || plural_near(head) && {
            let head = head.rsplit(is_clause_break).next().unwrap_or("");
            reads_list(&mut head.rsplit(is_separator))
        }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`listed_in`] answers as [`listed`] only for lists of lower-case words.
    #[test]
    fn set_read_lists_are_lower_case() {
        let lists = [
            STOPWORDS,
            UNIT_WORDS,
            TITLES,
            ORGANISATIONS,
            GROUP_NOUNS,
            REGION_WORDS,
        ];
        for list in lists {
            for word in list {
                assert!(!word.bytes().any(|b| b.is_ascii_uppercase()), "{word}");
            }
        }
        for word in [
            "The",
            "COUNTY",
            "county",
            "Kazakhstan",
            "États",
            "St.",
            "a-b",
            "Gen",
            "POLICE",
            "Raiders",
            "Oblast",
            "clan's",
        ] {
            for list in lists {
                let set = OnceLock::new();
                assert_eq!(listed_in(&set, list, word), listed(list, word), "{word}");
            }
        }
    }
}
