//! Per-language word lists and the one automaton that finds all of them in a folded sentence.
//!
//! Every entry is written folded (lower case, no accents, `'` and `"`), so matching runs on
//! [`Folded`](super::fold::Folded) text. An entry either ends a word or, when it is a [`Fit::Stem`],
//! may be followed by more letters ("manifestation" → "manifestations").

mod en;
mod fr;

use std::ops::Range;
use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use jiff::civil::Weekday;

use super::actors::Group;
use super::dates::RelativeDay;
use super::kinds::{Happening, Licence};
use super::lang::Lang;
use crate::model::{CountKind, CountQualifier};

/// What a lexicon entry means.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Term {
    /// Names a happening ("émeutes", "ont manifesté", "explosions").
    Cue(Happening, Licence),
    /// Makes a nearby quantity a count of this kind ("tués", "blessés", "arrested").
    Count(CountKind),
    /// Asserts that something took place, which licenses a [`Licence::Weak`] cue.
    Eventive,
    /// People an event is about or done by.
    Group(Group),
    /// A nationality, as the English country name used in actor labels.
    Nationality(&'static str),
    /// An organisation, as its actor label.
    Organisation(&'static str),
    /// "au moins", "more than": qualifies the number that follows.
    Qualifier(CountQualifier),
    /// "des dizaines", "hundreds": a quantity with no number.
    Vague(CountQualifier),
    /// "une centaine", "a dozen": a round number, stated as approximate.
    Approximately(u32),
    /// A number written as a word.
    Number(u32),
    Weekday(Weekday),
    /// Month number, 1 to 12.
    Month(i8),
    /// "soir", "morning": may sit between a weekday and its day.
    TimeOfDay,
    Relative(RelativeDay),
    /// "nationwide", "dans tout le pays": the happening of its clause covers the country.
    Nationwide,
    /// "across the region", "dans toute la région": the happening of its clause covers the
    /// region of the place in question.
    Regionwide,
    /// Announces a list or a picture ("ci-dessous"): the sentence restates, it reports nothing.
    Meta,
    /// Opening a sentence, details a toll already told ("Parmi les morts…", "Among the dead…"):
    /// the sentence adds no event.
    Detail,
    /// "la ville", "the city" with no name: the city the text named last.
    TheCity,
    /// A verb of blocking ("blocked", "bloquent"): a protest when a road is what it blocks
    /// ([`Lexicon::blocks_a_road`]) and civilians or protesters do it.
    Blockade,
}

/// How an entry may end.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Fit {
    Word,
    Stem,
}

/// One entry of a language's table.
pub type Entry = (&'static str, Term, Fit);

/// A lexicon entry found in a folded sentence, at folded byte offsets.
#[derive(Debug, Clone, Copy)]
pub struct Hit {
    pub start: usize,
    pub end: usize,
    pub term: Term,
}

/// A language's entries, compiled, with the short word lists read around numbers.
pub struct Lexicon {
    matcher: AhoCorasick,
    terms: Vec<(Term, Fit)>,
    /// Words after a number that make it a part of a group counted elsewhere ("deux des").
    pub partitives: &'static [&'static str],
    /// Words between two counted words that make the count ambiguous ("tués ou blessés").
    pub disjunctions: &'static [&'static str],
    /// Words before a year that make it a date ("en 2001").
    pub year_intros: &'static [&'static str],
    /// Passive auxiliaries that, right before an arrest word, assert the arrest on their own
    /// ("Karim Massimov a été interpellé", "was arrested").
    pub passives: &'static [&'static str],
    /// Verbs of state after a subject ("are feared dead", "remain missing"): what follows
    /// tells what the people suffer, not what they do.
    pub states: &'static [&'static str],
    /// Arrest words with another common sense ("la production a été arrêtée": halted): they
    /// need a figure or people in the sentence.
    pub ambiguous_arrests: &'static [&'static str],
    /// Words that open the breakdown of a figure ("164 tués, dont 103 à Almaty").
    pub breakdowns: &'static [&'static str],
    /// Words that open a relative clause after a comma ("Aktau, where…", "Janaozen, où…").
    pub relativizers: &'static [&'static str],
    /// Words of a release, which make the arrest words after them old news ("réclamer la
    /// libération des manifestants arrêtés", "demanding the release of detained activists");
    /// nouns and infinitives only, as a participle ("libérés puis arrêtés") tells its own news.
    releases: &'static [&'static str],
    /// Words before a day that make it the start of a period ("since Wednesday"): the news is
    /// of the period, not of that day.
    period_intros: &'static [&'static str],
    /// Words before a day that make it the day of a plan ("the blockade called for 5-6
    /// November", "ahead of the 5 May strike", "la grève prévue pour le 5 mai"): what happened
    /// is not dated by it.
    plan_intros: &'static [&'static str],
    /// Auxiliaries of compound tenses and passives ("ont", "were").
    auxiliaries: &'static [&'static str],
    /// Adverbs that may stand between an auxiliary and its participle ("ont de nouveau
    /// manifesté", "were also reported"): [`Lexicon::scan`] reads past them, so an entry
    /// written "ont manifeste" needs no copy per adverb. The matcher finds them too, as the
    /// patterns after the entries.
    adverbs: &'static [&'static str],
    /// Words for roads and the ways across them ("highway", "carrefour"): what a blockade blocks.
    roads: &'static [&'static str],
}

impl Lexicon {
    /// The compiled lexicon of `lang`, built once.
    pub fn get(lang: Lang) -> &'static Lexicon {
        static FR: OnceLock<Lexicon> = OnceLock::new();
        static EN: OnceLock<Lexicon> = OnceLock::new();
        match lang {
            Lang::Fr => FR.get_or_init(|| Lexicon::build(fr::ENTRIES, &fr::WORDS)),
            Lang::En => EN.get_or_init(|| Lexicon::build(en::ENTRIES, &en::WORDS)),
        }
    }

    fn build(entries: &[Entry], words: &Words) -> Lexicon {
        let matcher = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            // A few hundred short patterns: a full DFA stays small and scans fastest.
            .kind(Some(AhoCorasickKind::DFA))
            .build(
                entries
                    .iter()
                    .map(|&(pattern, _, _)| pattern)
                    .chain(words.adverbs.iter().copied()),
            )
            // The tables are static and small; failing to compile them is a programming error
            // caught by every test.
            .expect("lexicon patterns compile");
        Lexicon {
            matcher,
            terms: entries.iter().map(|&(_, term, fit)| (term, fit)).collect(),
            partitives: words.partitives,
            disjunctions: words.disjunctions,
            year_intros: words.year_intros,
            passives: words.passives,
            states: words.states,
            ambiguous_arrests: words.ambiguous_arrests,
            breakdowns: words.breakdowns,
            relativizers: words.relativizers,
            releases: words.releases,
            period_intros: words.period_intros,
            plan_intros: words.plan_intros,
            auxiliaries: words.auxiliaries,
            adverbs: words.adverbs,
            roads: words.roads,
        }
    }

    /// Whether the blocking verb of `hit` has a road for its object: a road word within
    /// [`ROAD_WORDS`] words after it, in its clause ("blocked the busy Eldoret-Malaba highway",
    /// "bloquent l'accès au pont"), not a bill or a player blocked.
    pub fn blocks_a_road(&self, folded: &str, hit: &Hit) -> bool {
        const ROAD_WORDS: usize = 5;
        // A stem's hit ends inside its word ("block|ed"): the object starts after the word.
        let after = folded[hit.end..].trim_start_matches(|c: char| c.is_alphanumeric());
        let clause = after
            .find([',', ';', ':', '('])
            .map_or(after, |end| &after[..end]);
        clause
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .take(ROAD_WORDS)
            .any(|w| self.roads.contains(&w))
    }

    /// Whether the arrest word of `hit` names people already held, whose release is asked or
    /// told: a release word at most [`RELEASED_WORDS`] words before it, in its clause.
    pub fn released_arrest(&self, folded: &str, hit: &Hit) -> bool {
        const RELEASED_WORDS: usize = 3;
        // A release word and three words fit in this many bytes before the hit.
        const REACH: usize = 64;
        let mut from = hit.start.saturating_sub(REACH);
        while !folded.is_char_boundary(from) {
            from += 1;
        }
        let before = &folded[from..hit.start];
        self.releases.iter().any(|release| {
            before
                .rmatch_indices(release)
                .next()
                .is_some_and(|(at, _)| {
                    let gap = &before[at + release.len()..];
                    let words = || {
                        gap.split(|c: char| !is_word_byte(c as u8))
                            .filter(|w| !w.is_empty())
                    };
                    !gap.contains([',', ';', ':', '.'])
                    && words().count() <= RELEASED_WORDS
                    // "relâchés puis arrêtés de nouveau", "release 20 and detain 40": a new clause.
                    && !words().any(|w| matches!(w, "et" | "puis" | "and" | "then"))
                    && (at == 0 && from == 0 || at > 0 && !is_word_byte(before.as_bytes()[at - 1]))
                })
        })
    }

    /// Whether the day named at folded offset `at` starts a period ("since Wednesday",
    /// "depuis mercredi").
    pub fn opens_period(&self, folded: &str, at: usize) -> bool {
        let before = folded[..at].trim_end();
        self.period_intros
            .iter()
            .any(|intro| ends_with_words(before, intro))
    }

    /// Whether the day named at folded offset `at` is the day of a plan ("called for 5-6
    /// November", "ahead of the 5 May strike", "prévue pour le 5 mai").
    pub fn names_a_plan(&self, folded: &str, at: usize) -> bool {
        let before = folded[..at].trim_end();
        self.plan_intros
            .iter()
            .any(|intro| ends_with_words(before, intro))
    }

    /// Whether the arrest word of `hit` has another common sense ("arrêtée": halted).
    pub fn ambiguous_arrest(&self, folded: &str, hit: &Hit) -> bool {
        let word = folded[hit.start..]
            .split(|c: char| !c.is_alphanumeric())
            .next();
        word.is_some_and(|w| self.ambiguous_arrests.contains(&w))
    }

    /// Whether the (unambiguous) arrest word of `hit` is asserted by a passive auxiliary right
    /// before it.
    pub fn passive_arrest(&self, folded: &str, hit: &Hit) -> bool {
        let mut before = folded[..hit.start].trim_end();
        // "were later arrested": the adverbs go, the auxiliary asserts.
        while let Some(adverb) = self
            .adverbs
            .iter()
            .find(|adverb| ends_with_words(before, adverb))
        {
            before = before[..before.len() - adverb.len()].trim_end();
        }
        self.passives.iter().any(|aux| ends_with_words(before, aux))
    }

    /// Whether the people named by `hit` are the subject of an active verb: no passive
    /// auxiliary nor verb of state among the words that follow them in the sentence
    /// ("labourers assaulted a guard", not "two labourers were killed" nor "fifteen people are
    /// feared dead").
    pub fn acting(&self, folded: &str, hit: &Hit) -> bool {
        // The next twelve words at most, up to the sentence's end: read for every person noun
        // of every text, so searched in place.
        let rest = &folded[hit.end..];
        let window_end = rest
            .char_indices()
            .filter(|&(_, c)| c == ' ')
            .nth(12)
            .map_or(rest.len(), |(i, _)| i);
        let window = &rest[..window_end];
        let window = &window[..window.find(['.', ';']).unwrap_or(window.len())];
        !self
            .passives
            .iter()
            .chain(self.states)
            .any(|aux| contains_words(window, aux))
    }

    /// Appends the entries found in `folded`, in order, each starting and ending on a word
    /// boundary (a stem may end inside a word). Adverbs after an auxiliary are read past: the
    /// hit of "ont de nouveau manifeste" spans the three words.
    pub fn scan(&self, folded: &str, out: &mut Vec<Hit>) {
        let first = out.len();
        let mut adverbs = Vec::new();
        self.scan_words(folded, out, &mut adverbs, |at, _| at);
        let skipped = self.after_auxiliaries(folded, &adverbs);
        if skipped.is_empty() {
            return;
        }
        // Read again without the skipped adverbs, mapping offsets back: each piece of the
        // joined text starts at a known offset in both.
        out.truncate(first);
        let mut joined = String::with_capacity(folded.len());
        let mut pieces = Vec::with_capacity(skipped.len() + 1);
        let mut from = 0;
        for range in skipped
            .iter()
            .chain(std::iter::once(&(folded.len()..folded.len())))
        {
            pieces.push((joined.len(), from));
            joined.push_str(&folded[from..range.start]);
            from = range.end;
        }
        // A start maps into the piece it begins, an end into the piece it closes.
        self.scan_words(&joined, out, &mut Vec::new(), |at, is_end| {
            let i = pieces.partition_point(|&(j, _)| if is_end { j < at } else { j <= at });
            let (j, f) = pieces[i.saturating_sub(1)];
            f + (at - j)
        });
    }

    /// Appends the entries found in `text` to `out` and the adverbs to `adverbs`, with their
    /// offsets mapped by `original` (given whether an offset ends a match).
    fn scan_words(
        &self,
        text: &str,
        out: &mut Vec<Hit>,
        adverbs: &mut Vec<Range<usize>>,
        original: impl Fn(usize, bool) -> usize,
    ) {
        let bytes = text.as_bytes();
        let mut from = 0;
        while let Some(m) = self
            .matcher
            .find(aho_corasick::Input::new(text).span(from..text.len()))
        {
            // A match that is no whole word ("held a demo" in "held a demonstration") must not
            // hide the shorter ones inside it: the search goes on from the next byte.
            from = m.start() + 1;
            let starts_word = m.start() == 0 || !is_word_byte(bytes[m.start() - 1]);
            let Some(&(term, fit)) = self.terms.get(m.pattern().as_usize()) else {
                if starts_word && bytes.get(m.end()).is_none_or(|&b| !is_word_byte(b)) {
                    adverbs.push(m.range());
                    from = m.end();
                }
                continue;
            };
            let ends_word =
                fit == Fit::Stem || bytes.get(m.end()).is_none_or(|&b| !is_word_byte(b));
            if starts_word && ends_word {
                out.push(Hit {
                    start: original(m.start(), false),
                    end: original(m.end(), true),
                    term,
                });
                from = m.end();
            }
        }
    }

    /// Of the `adverbs` found in `folded`, those after an auxiliary (or after an adverb that
    /// is) and before a word, each with the space after it.
    fn after_auxiliaries(&self, folded: &str, adverbs: &[Range<usize>]) -> Vec<Range<usize>> {
        let bytes = folded.as_bytes();
        let mut spans: Vec<Range<usize>> = Vec::new();
        for &Range { start, end } in adverbs {
            let before_word = bytes.get(end) == Some(&b' ')
                && bytes.get(end + 1).is_some_and(|&b| is_word_byte(b));
            if start == 0 || bytes[start - 1] != b' ' || !before_word {
                continue;
            }
            let before = &folded[..start - 1];
            let follows_adverb = spans.last().is_some_and(|last| last.end == start);
            if follows_adverb
                || self
                    .auxiliaries
                    .iter()
                    .any(|aux| ends_with_words(before, aux))
            {
                spans.push(start..end + 1);
            }
        }
        spans
    }
}

/// The short word lists of a language.
pub struct Words {
    pub partitives: &'static [&'static str],
    pub disjunctions: &'static [&'static str],
    pub year_intros: &'static [&'static str],
    pub passives: &'static [&'static str],
    pub states: &'static [&'static str],
    pub ambiguous_arrests: &'static [&'static str],
    pub breakdowns: &'static [&'static str],
    pub relativizers: &'static [&'static str],
    pub releases: &'static [&'static str],
    pub period_intros: &'static [&'static str],
    pub plan_intros: &'static [&'static str],
    pub auxiliaries: &'static [&'static str],
    pub adverbs: &'static [&'static str],
    pub roads: &'static [&'static str],
}

pub fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric()
}

/// Whether folded `text` begins with the words `phrase`, ending on a word boundary.
pub fn starts_with_words(text: &str, phrase: &str) -> bool {
    text.strip_prefix(phrase)
        .is_some_and(|rest| !rest.bytes().next().is_some_and(is_word_byte))
}

/// Whether folded `text` ends with the words `phrase`, starting on a word boundary.
/// Whether `phrase` stands in `text` as whole words.
fn contains_words(text: &str, phrase: &str) -> bool {
    text.match_indices(phrase).any(|(at, _)| {
        let before = text[..at].bytes().last();
        let after = text[at + phrase.len()..].bytes().next();
        !before.is_some_and(is_word_byte) && !after.is_some_and(is_word_byte)
    })
}

pub fn ends_with_words(text: &str, phrase: &str) -> bool {
    text.strip_suffix(phrase)
        .is_some_and(|rest| !rest.bytes().last().is_some_and(is_word_byte))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(lang: Lang, text: &str) -> Vec<(String, Term)> {
        let mut hits = Vec::new();
        Lexicon::get(lang).scan(text, &mut hits);
        hits.iter()
            .map(|h| (text[h.start..h.end].to_string(), h.term))
            .collect()
    }

    #[test]
    fn matches_whole_words_and_stems() {
        let found = terms(
            Lang::Fr,
            "des manifestations ont eu lieu, 3 manifestants tues",
        );
        let words: Vec<&str> = found.iter().map(|(w, _)| w.as_str()).collect();
        assert_eq!(
            words,
            ["manifestation", "ont eu lieu", "manifestant", "tue"]
        );
        // "mort" is a word, not a stem: "mortier" is no death.
        assert!(
            terms(Lang::Fr, "un tir de mortier")
                .iter()
                .all(|(w, _)| w != "mort")
        );
    }

    #[test]
    fn reads_past_adverbs_after_an_auxiliary() {
        let found = terms(
            Lang::Fr,
            "ils ont de nouveau manifeste, puis ont aussi tous pille",
        );
        let words: Vec<&str> = found.iter().map(|(w, _)| w.as_str()).collect();
        assert_eq!(words, ["ont de nouveau manifeste", "ont aussi tous pille"]);
        let found = terms(Lang::En, "bangs were also reported");
        assert_eq!(found[0].0, "were also reported");
        // An adverb with no auxiliary before it joins nothing.
        assert!(terms(Lang::Fr, "encore manifeste").is_empty());
        let lexicon = Lexicon::get(Lang::En);
        let text = "20 were later arrested";
        let mut hits = Vec::new();
        lexicon.scan(text, &mut hits);
        assert!(lexicon.passive_arrest(text, &hits[0]));
    }

    #[test]
    fn every_language_compiles() {
        for lang in [Lang::Fr, Lang::En] {
            assert!(!Lexicon::get(lang).terms.is_empty());
        }
    }
}
