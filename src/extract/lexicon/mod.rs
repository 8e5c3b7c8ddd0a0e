//! Per-language word lists and the one automaton that finds all of them in a folded sentence.
//!
//! Every entry is written folded (lower case, no accents, `'` and `"`), so matching runs on
//! [`Folded`](super::fold::Folded) text. An entry either ends a word or, when it is a [`Fit::Stem`],
//! may be followed by more letters ("manifestation" → "manifestations").

mod en;
mod fr;

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
    /// Announces a list or a picture ("ci-dessous"): the sentence restates, it reports nothing.
    Meta,
    /// "la ville", "the city" with no name: the city the text named last.
    TheCity,
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
            .build(entries.iter().map(|(pattern, _, _)| pattern))
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
            ambiguous_arrests: words.ambiguous_arrests,
            breakdowns: words.breakdowns,
            relativizers: words.relativizers,
            releases: words.releases,
        }
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
        let before = folded[..hit.start].trim_end();
        self.passives.iter().any(|aux| ends_with_words(before, aux))
    }

    /// Appends the entries found in `folded`, in order, each starting and ending on a word
    /// boundary (a stem may end inside a word).
    pub fn scan(&self, folded: &str, out: &mut Vec<Hit>) {
        let bytes = folded.as_bytes();
        for m in self.matcher.find_iter(folded) {
            let (term, fit) = self.terms[m.pattern().as_usize()];
            let starts_word = m.start() == 0 || !is_word_byte(bytes[m.start() - 1]);
            let ends_word =
                fit == Fit::Stem || bytes.get(m.end()).is_none_or(|&b| !is_word_byte(b));
            if starts_word && ends_word {
                out.push(Hit {
                    start: m.start(),
                    end: m.end(),
                    term,
                });
            }
        }
    }
}

/// The short word lists of a language.
pub struct Words {
    pub partitives: &'static [&'static str],
    pub disjunctions: &'static [&'static str],
    pub year_intros: &'static [&'static str],
    pub passives: &'static [&'static str],
    pub ambiguous_arrests: &'static [&'static str],
    pub breakdowns: &'static [&'static str],
    pub relativizers: &'static [&'static str],
    pub releases: &'static [&'static str],
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
    fn every_language_compiles() {
        for lang in [Lang::Fr, Lang::En] {
            assert!(!Lexicon::get(lang).terms.is_empty());
        }
    }
}
