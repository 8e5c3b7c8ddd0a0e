//! Death, injury and arrest counts in a sentence, with their qualifiers kept honest.
//!
//! A quantity ("au moins 18", "plus de 3000", "des dizaines", "deux") is a count only when a
//! counted word ("tués", "blessés", "arrêtés", "killed") governs it: right before it ("la mort
//! de 26", "killed at least 12"), or a few words after it ("18 agents … ont été tués"). Any
//! other number (75 avions, 58 ans, 20 000 « bandits ») is not a count.

use super::actors::Group;
use super::dates::DateMention;
use super::lexicon::{Hit, Lexicon, Term, ends_with_words, starts_with_words};
use super::numbers::Numeral;
use crate::model::{CountKind, CountQualifier};

/// A count and the folded offset where its quantity starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Count {
    pub at: usize,
    pub kind: CountKind,
    pub value: Option<u32>,
    pub qualifier: Option<CountQualifier>,
    /// Who was counted, when the sentence says.
    pub victims: Option<Group>,
    /// The index (in the sentence's counts) of the total this count is part of: "164 tués, dont
    /// 103 à Almaty", "164 killed, including 103 in Almaty".
    pub part_of: Option<usize>,
}

/// A quantity as written, before anything makes it a count.
#[derive(Debug, Clone, Copy)]
struct Quantity {
    start: usize,
    end: usize,
    value: Option<u32>,
    qualifier: Option<CountQualifier>,
}

/// How far after a quantity its counted word may come: "18 agents des forces de l'ordre ont
/// été tués" has eight words between.
const FORWARD_WORDS: usize = 9;
/// How far before a quantity a counted word may come when nothing closer governs it ("the
/// death toll rose to 30").
const BACKWARD_WORDS: usize = 2;
/// Most words between two quantities that share one counted word ("2 policiers et 3 …").
const CHAIN_WORDS: usize = 2;
/// How close before its counted word a group is the one counted ("manifestants tués").
const NAMED_WITH_WORDS: usize = 3;
/// Words that tie a counted word to the number right after it ("la mort de 26").
const TIGHT_LINKS: &[&str] = &["de", "d", "of", "to", "a"];
/// Words after a number that make it an age.
const AGE_WORDS: &[&str] = &[
    "ans",
    "an",
    "year-old",
    "years-old",
    "year old",
    "years old",
];
/// Words before a quantity that make it the agent of a passive verb, not its victims ("gunned
/// down by two men", "abattu par deux hommes").
const AGENT_WORDS: &[&str] = &["by", "par"];
/// Words that point back at the group counted just before ("18 autres").
const OTHERS: &[&str] = &["autres", "others", "other"];

/// The counts of a folded sentence, and the folded span of each quantity left uncounted
/// because it is ambiguous.
pub fn find(
    folded: &str,
    hits: &[Hit],
    numerals: &[Numeral],
    dates: &[DateMention],
    lexicon: &Lexicon,
) -> (Vec<Count>, Vec<std::ops::Range<usize>>) {
    // "was lynched", "gunned down", "murdered": verbs that tell a death count it like "killed".
    let deadly: Vec<Hit>;
    let hits = if hits.iter().any(|h| tells_a_death(h.term)) {
        deadly = hits
            .iter()
            .map(|h| match h.term {
                term if tells_a_death(term) => Hit {
                    term: Term::Count(CountKind::Fatalities),
                    ..*h
                },
                _ => *h,
            })
            .collect();
        deadly.as_slice()
    } else {
        hits
    };
    if !hits.iter().any(|h| matches!(h.term, Term::Count(_))) {
        return (Vec::new(), Vec::new());
    }
    let quantities: Vec<Quantity> = quantities(hits, numerals, dates, folded)
        .into_iter()
        // "dozens of rioters" names who was counted; "two of the 12" counts part of a figure;
        // "killed two of them", right after its verb, counts the victims all the same.
        .filter(|q| {
            q.value.is_none()
                || !is_partitive(folded, q.end, lexicon.partitives)
                || right_after_count(folded, hits, q.start)
        })
        .collect();
    let counted: Vec<&Hit> = hits
        .iter()
        .filter(|h| matches!(h.term, Term::Count(_)))
        .collect();
    let mut ambiguous = Vec::new();
    // Resolved from the last quantity back, so "2 policiers et 3 manifestants tués" lets the
    // first quantity share the counted word of the second.
    let mut governors: Vec<Option<&Hit>> = vec![None; quantities.len()];
    for (i, q) in quantities.iter().enumerate().rev() {
        let next_start = quantities.get(i + 1).map(|n| n.start);
        let governor = tight_before(folded, q, &counted).or_else(|| {
            match after(folded, q, &counted, next_start) {
                Forward::Found(hit) => Some(hit).filter(|hit| !is_article_far_from(folded, q, hit)),
                Forward::Blocked(next) if words(&folded[q.end..next]).count() <= CHAIN_WORDS => {
                    governors.get(i + 1).copied().flatten()
                }
                Forward::Blocked(_) => None,
                Forward::None => loose_before(folded, q, &counted),
            }
        });
        // An article read as "one" after its counted word counts only before a person
        // ("tué un policier"); elsewhere it is the article of something else.
        let governor =
            governor.filter(|hit| hit.start >= q.end || !is_article_far_from(folded, q, hit));
        if let Some(hit) = governor
            && is_disjunction(folded, hit, &counted, lexicon.disjunctions)
        {
            ambiguous.push(q.start..hit.end);
            continue;
        }
        governors[i] = governor;
    }

    let mut counts: Vec<Count> = Vec::new();
    // The last total counted, and whether the quantity before was a part of it.
    let mut total: Option<usize> = None;
    let mut after_part = false;
    for (i, (q, governor)) in quantities.iter().zip(governors).enumerate() {
        let Some(hit) = governor else {
            // A breakdown: "dont 103 à Almaty (et 12 à Taraz)".
            let gap_start = if i == 0 { 0 } else { quantities[i - 1].end };
            let part = total.filter(|_| {
                starts_breakdown(&folded[..q.start], lexicon.breakdowns)
                    || (after_part && continues_list(&folded[gap_start..q.start]))
            });
            after_part = part.is_some();
            if let Some(t) = part {
                counts.push(Count {
                    at: q.start,
                    value: q.value,
                    qualifier: q.qualifier,
                    part_of: Some(t),
                    ..counts[t]
                });
            }
            continue;
        };
        after_part = false;
        let Term::Count(kind) = hit.term else {
            continue;
        };
        let span = if hit.start > q.end {
            q.start..hit.end
        } else {
            q.end..folded.len().min(q.end + 40)
        };
        let victims = group_in(hits, span.clone()).or_else(|| {
            let refers_back = folded[span]
                .split(|c: char| !c.is_ascii_alphanumeric())
                .any(|w| OTHERS.contains(&w));
            if refers_back {
                counts.last().and_then(|c| c.victims)
            } else {
                counted_group(folded, hits, kind)
            }
        });
        total = Some(counts.len());
        counts.push(Count {
            at: q.start,
            kind,
            value: q.value,
            qualifier: q.qualifier,
            victims,
            part_of: None,
        });
    }
    singular_victims(folded, &counted, &mut counts);
    (counts, ambiguous)
}

/// A verb of killing that says someone died ("lynched", "gunned down", "murdered").
fn tells_a_death(term: Term) -> bool {
    use super::kinds::{Happening, Licence};
    matches!(
        term,
        Term::Cue(Happening::Lynching | Happening::Killing, Licence::Strong)
    )
}

/// Articles and "one" that make a victim a single person ("killed a man", "un homme tué").
const SINGULAR: &[&str] = &["a", "an", "one", "un", "une"];
/// Words that name a person, the victim of a killing or an injury told without a figure.
const PERSON_NOUNS: &[&str] = &[
    "man",
    "woman",
    "person",
    "youth",
    "boy",
    "girl",
    "child",
    "student",
    "teacher",
    "leader",
    "member",
    "trader",
    "shopkeeper",
    "businessman",
    "farmer",
    "journalist",
    "officer",
    "policeman",
    "soldier",
    "civilian",
    "villager",
    "suspect",
    "thief",
    "robber",
    "worker",
    "driver",
    "activist",
    "supporter",
    "herder",
    "chairman",
    "candidate",
    "councillor",
    "guard",
    "teenager",
    "protester",
    "demonstrator",
    "rider",
    "resident",
    "passenger",
    "pedestrian",
    "cleric",
    "imam",
    "priest",
    "pastor",
    "doctor",
    "engineer",
    "lawyer",
    "vendor",
    "fisherman",
    "elder",
    "official",
    "politician",
    "local",
    "refugee",
    "motorist",
    "chief",
    "herdsman",
    "reservist",
    "watchman",
    "bystander",
    "pupil",
    "nurse",
    "hawker",
    "preacher",
    "sheikh",
    "employee",
    "headman",
    "schoolboy",
    "schoolgirl",
    "prisoner",
    "inmate",
    "homme",
    "femme",
    "personne",
    "jeune",
    "garcon",
    "fille",
    "enfant",
    "etudiant",
    "enseignant",
    "commercant",
    "manifestant",
    "policier",
    "gendarme",
    "soldat",
    "militaire",
    "civil",
    "villageois",
    "suspect",
    "voleur",
    "chauffeur",
    "militant",
    "journaliste",
    "agriculteur",
    "habitant",
    "passant",
    "adolescent",
    "lyceen",
    "eleve",
    "agent",
];
/// How many words (adjectives, "suspected", "former") may stand between the article and the
/// person noun.
const VICTIM_WORDS: usize = 4;

/// Victims told without a figure: "locals beat and killed a suspected thief", "a policeman was
/// shot dead", "un homme a été tué" count one. A figure before the counted word that the
/// victim phrase after it overrides counts those who did it, not the toll ("three men attacked
/// and killed a shopkeeper": one killed).
fn singular_victims(folded: &str, counted: &[&Hit], counts: &mut Vec<Count>) {
    for hit in counted {
        let Term::Count(kind) = hit.term else {
            continue;
        };
        if kind == CountKind::Arrests {
            continue;
        }
        let after = single_person(words(&folded[hit.end..]).take(VICTIM_WORDS + 2));
        let before = || {
            let unapposed = without_apposition(&folded[..hit.start]);
            let head: Vec<&str> = words(&unapposed).collect();
            // "a man was killed", "a policeman has been shot dead", "un homme a ete tue".
            let mut rest = head.as_slice();
            // "a cleric was shot and killed", "un homme a ete frappe et tue": the verb the
            // counted one is coordinated with goes too.
            if let [init @ .., _verb, "and" | "et"] = rest {
                rest = init;
            }
            for _ in 0..3 {
                if let [init @ .., last] = rest
                    && matches!(*last, "was" | "has" | "been" | "is" | "a" | "ete" | "est")
                {
                    rest = init;
                }
            }
            let tail = &rest[rest.len().saturating_sub(VICTIM_WORDS + 1)..];
            single_person_ending(tail) || headline_subject(rest)
        };
        let governed_before = |c: &Count| c.kind == kind && c.part_of.is_none() && c.at < hit.start;
        if after {
            // The figure before the verb counts who did it.
            counts
                .retain(|c| !(governed_before(c) && words(&folded[c.at..hit.start]).count() <= 9));
        }
        let has_own = counts
            .iter()
            .any(|c| c.kind == kind && c.at.abs_diff(hit.start) <= 60);
        if !has_own && (after || before()) {
            counts.push(Count {
                at: hit.start,
                kind,
                value: Some(1),
                qualifier: None,
                victims: None,
                part_of: None,
            });
        }
    }
    counts.sort_by_key(|c| c.at);
}

/// The text before a verb without the name set between commas before its auxiliaries: "un
/// adolescent, Nahel, a été tué" is told of "un adolescent".
fn without_apposition(head: &str) -> std::borrow::Cow<'_, str> {
    const AUXILIARIES: &[&str] = &["a", "ete", "est", "was", "has", "been", "is"];
    let Some(close) = head.rfind(',') else {
        return head.into();
    };
    if !words(&head[close + 1..]).all(|w| AUXILIARIES.contains(&w)) {
        return head.into();
    }
    match head[..close].rfind(',') {
        Some(open) if words(&head[open..close]).count() <= 3 => {
            format!("{} {}", &head[..open], &head[close + 1..]).into()
        }
        _ => head.into(),
    }
}

/// Whether the words open with a single person: an article, a few words, a person noun.
fn single_person<'w>(mut words: impl Iterator<Item = &'w str>) -> bool {
    // "stabbed and killed a man": the other verb may come first.
    let Some(mut first) = words.next() else {
        return false;
    };
    if first == "and" || first == "et" {
        let _verb = words.next();
        match words.next() {
            Some(w) => first = w,
            None => return false,
        }
    }
    // "killed the driver", "a tué le chauffeur": after the verb, a definite article before one
    // person counts one too.
    let article = SINGULAR.contains(&first) || matches!(first, "the" | "le" | "la");
    article && words.take(VICTIM_WORDS).any(|w| PERSON_NOUNS.contains(&w))
}

/// Whether the words, all of a sentence before its verb, are a headline's subject: a person
/// noun with at most a few words before it and no article, as headlines drop them ("Lawyer
/// killed at her home", "Kenyan herdsman shot dead").
fn headline_subject(words: &[&str]) -> bool {
    match words.split_last() {
        Some((noun, before)) => {
            before.len() < VICTIM_WORDS
                && PERSON_NOUNS.contains(noun)
                // "The man killed two": with an article the noun may be who did it.
                && before.iter().all(|w| {
                    !w.bytes().any(|b| b.is_ascii_digit()) && !matches!(*w, "the" | "le" | "la")
                })
        }
        None => false,
    }
}

/// Whether the words end with a single person ("… a young man", "… une femme").
fn single_person_ending(words: &[&str]) -> bool {
    let Some(noun_at) = words.iter().rposition(|w| PERSON_NOUNS.contains(w)) else {
        return false;
    };
    noun_at + 1 == words.len()
        && words[..noun_at]
            .iter()
            .rev()
            .take(VICTIM_WORDS)
            .any(|w| SINGULAR.contains(w))
}

/// Whether the text before a quantity ends with a word that opens a breakdown of the figure
/// before it ("dont", "including").
fn starts_breakdown(before: &str, breakdowns: &[&str]) -> bool {
    let before = before.trim_end();
    breakdowns.iter().any(|b| ends_with_words(before, b))
}

/// Whether the gap between two quantities goes on with a list ("103 à Almaty et 12 à Taraz").
fn continues_list(gap: &str) -> bool {
    let words: Vec<&str> = words(gap).collect();
    words.len() <= 5 && (gap.contains(',') || words.iter().any(|w| matches!(*w, "et" | "and")))
}

/// Quantities in order: a qualifier with its number, a vague amount, a number in words or
/// digits that is not part of a date, an ordinal or a time.
fn quantities(
    hits: &[Hit],
    numerals: &[Numeral],
    dates: &[DateMention],
    folded: &str,
) -> Vec<Quantity> {
    let in_date = |at: usize| dates.iter().any(|d| (d.start..d.end).contains(&at));
    // "un homme de 25 ans", "a 25-year-old man": an age, not a count.
    let is_age = |end: usize| {
        let rest = folded[end..].trim_start_matches([' ', '-']);
        AGE_WORDS.iter().any(|w| starts_with_words(rest, w))
    };
    let mut numbers: Vec<(usize, usize, u32)> = numerals
        .iter()
        .filter(|n| !n.glued && !in_date(n.start) && !is_age(n.end))
        .map(|n| (n.start, n.end, n.value))
        .collect();
    numbers.extend(number_words(hits, folded));
    numbers.sort_unstable();

    let mut used = vec![false; numbers.len()];
    let mut out = Vec::new();
    for hit in hits {
        match hit.term {
            Term::Qualifier(qualifier) => {
                let number = numbers
                    .iter()
                    .position(|&(s, _, _)| s >= hit.end)
                    .filter(|&k| folded[hit.end..numbers[k].0].trim().is_empty());
                if let Some(k) = number {
                    let (_, end, value) = numbers[k];
                    used[k] = true;
                    out.push(Quantity {
                        start: hit.start,
                        end,
                        value: Some(value),
                        qualifier: Some(qualifier),
                    });
                }
            }
            Term::Vague(qualifier) => out.push(Quantity {
                start: hit.start,
                end: hit.end,
                value: None,
                qualifier: Some(qualifier),
            }),
            Term::Approximately(value) => out.push(Quantity {
                start: hit.start,
                end: hit.end,
                value: Some(value),
                qualifier: Some(CountQualifier::About),
            }),
            _ => {}
        }
    }
    out.extend(numbers.iter().zip(&used).filter(|&(_, &used)| !used).map(
        |(&(start, end, value), _)| Quantity {
            start,
            end,
            value: Some(value),
            qualifier: None,
        },
    ));
    out.sort_by_key(|q| q.start);
    out
}

/// "Un", "une", "one" are a count of one only close before their counted word ("un policier a
/// été tué"); further on, or across "et" or a comma, they are an article of something else ("a
/// dispersé un rassemblement et interpellé une quarantaine de personnes").
fn is_article_far_from(folded: &str, q: &Quantity, hit: &Hit) -> bool {
    const ARTICLE_WORDS: usize = 4;
    let article = matches!(&folded[q.start..q.end], "un" | "une" | "one");
    if !article {
        return false;
    }
    // After the counted word it counts a victim only before a person ("tué un policier"),
    // not a thing ("tués dans une fusillade").
    if hit.start < q.end {
        return q.start >= hit.end
            && !words(&folded[q.end..])
                .take(ARTICLE_WORDS)
                .any(|w| PERSON_NOUNS.contains(&w));
    }
    let gap = &folded[q.end..hit.start];
    // An age says who, it does not push the count away ("un manifestant de 25 ans a été tué").
    let age = |w: &str| {
        w.bytes().all(|b| b.is_ascii_digit())
            || w == "aged"
            || AGE_WORDS
                .iter()
                .any(|a| a.split([' ', '-']).any(|part| part == w))
    };
    gap.contains(',')
        || words(gap).filter(|w| !age(w)).count() > ARTICLE_WORDS
        || words(gap).any(|w| matches!(w, "et" | "and"))
}

/// Numbers written in words, a run of them read as one ("trois cents", "deux mille cinq
/// cents", "vingt-deux", "one hundred and fifty"): hundreds and thousands multiply what comes
/// before them, other words add up.
fn number_words(hits: &[Hit], folded: &str) -> Vec<(usize, usize, u32)> {
    let words: Vec<(usize, usize, u32)> = hits
        .iter()
        .filter_map(|h| match h.term {
            Term::Number(v) => Some((h.start, h.end, v)),
            _ => None,
        })
        .collect();
    let joined = |gap: &str| {
        let gap = gap.trim_matches(|c: char| c == ' ' || c == '-');
        gap.is_empty() || matches!(gap, "et" | "and")
    };
    let mut out: Vec<(usize, usize, u32)> = Vec::new();
    // The run being read: its start and end, the total of completed thousands, and the rest.
    let mut run: Option<(usize, usize, u32, u32)> = None;
    for (start, end, v) in words {
        let continues = run.is_some_and(|(_, e, _, _)| joined(&folded[e..start]));
        if !continues && let Some((s, e, thousands, rest)) = run.take() {
            out.push((s, e, thousands.saturating_add(rest)));
        }
        let (s, _, thousands, rest) = run.unwrap_or((start, end, 0, 0));
        run = Some(match v {
            100 => (s, end, thousands, rest.max(1).saturating_mul(100)),
            1000 => (
                s,
                end,
                thousands.saturating_add(rest.max(1).saturating_mul(1000)),
                0,
            ),
            _ => (s, end, thousands, rest.saturating_add(v)),
        });
    }
    if let Some((s, e, thousands, rest)) = run {
        out.push((s, e, thousands.saturating_add(rest)));
    }
    out
}

/// Whether a counted word ends right before `start`, nothing but spaces between.
fn right_after_count(folded: &str, hits: &[Hit], start: usize) -> bool {
    hits.iter().any(|h| {
        matches!(h.term, Term::Count(_)) && h.end <= start && folded[h.end..start].trim().is_empty()
    })
}

fn is_partitive(folded: &str, end: usize, partitives: &[&str]) -> bool {
    let rest = folded[end..].trim_start();
    partitives.iter().any(|p| starts_with_words(rest, p))
}

/// Punctuation no count reaches across.
fn breaks_clause(gap: &str, with_commas: bool) -> bool {
    gap.chars()
        .any(|c| matches!(c, '.' | ';' | ':' | '!' | '?' | '(' | ')') || (with_commas && c == ','))
}

fn words(gap: &str) -> impl Iterator<Item = &str> {
    gap.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
}

/// A counted word right before the quantity, tied to it by nothing or a preposition.
fn tight_before<'h>(folded: &str, q: &Quantity, counted: &[&'h Hit]) -> Option<&'h Hit> {
    let hit = counted.iter().rev().find(|h| h.end <= q.start)?;
    let gap = &folded[hit.end..q.start];
    let tight = !breaks_clause(gap, true) && words(gap).all(|w| TIGHT_LINKS.contains(&w));
    tight.then_some(*hit)
}

/// A counted word a little before the quantity, when nothing follows it.
fn loose_before<'h>(folded: &str, q: &Quantity, counted: &[&'h Hit]) -> Option<&'h Hit> {
    let hit = counted.iter().rev().find(|h| h.end <= q.start)?;
    let gap = &folded[hit.end..q.start];
    let close = !breaks_clause(gap, true) && words(gap).count() <= BACKWARD_WORDS;
    let agents = words(gap).last().is_some_and(|w| AGENT_WORDS.contains(&w));
    (close && !agents).then_some(*hit)
}

enum Forward<'h> {
    Found(&'h Hit),
    /// Another quantity, starting here, comes first: the two may share a counted word.
    Blocked(usize),
    None,
}

fn after<'h>(
    folded: &str,
    q: &Quantity,
    counted: &[&'h Hit],
    next_quantity: Option<usize>,
) -> Forward<'h> {
    let Some(hit) = counted.iter().find(|h| h.start >= q.end) else {
        return Forward::None;
    };
    if let Some(next) = next_quantity.filter(|&n| n < hit.start) {
        return Forward::Blocked(next);
    }
    let gap = &folded[q.end..hit.start];
    if breaks_clause(gap, false) || words_past_apposition(gap) > FORWARD_WORDS {
        Forward::None
    } else {
        Forward::Found(hit)
    }
}

/// The words of a gap, without an apposition between two commas when a few words frame it:
/// "6 persons, a vendor, a driver and an engineer, were killed" ties the 6 to "killed".
fn words_past_apposition(gap: &str) -> usize {
    const FRAME_WORDS: usize = 3;
    if let (Some(open), Some(close)) = (gap.find(','), gap.rfind(','))
        && open < close
    {
        let framed = words(&gap[..open]).count() + words(&gap[close + 1..]).count();
        if words(&gap[..open]).count() <= FRAME_WORDS
            && words(&gap[close + 1..]).count() <= FRAME_WORDS
        {
            return framed;
        }
    }
    words(gap).count()
}

/// "tuées ou blessées": the figure covers two kinds and cannot be split honestly.
fn is_disjunction(folded: &str, hit: &Hit, counted: &[&Hit], disjunctions: &[&str]) -> bool {
    counted
        .iter()
        .find(|h| h.start >= hit.end)
        .is_some_and(|next| {
            // A stem ends inside its word ("tu|ées"): the gap starts after the word.
            let gap =
                folded[hit.end..next.start].trim_start_matches(|c: char| c.is_ascii_alphanumeric());
            next.term != hit.term && disjunctions.contains(&gap.trim())
        })
}

/// A group the sentence counts with this kind elsewhere ("le nombre de manifestants tués …
/// des dizaines de morts").
fn counted_group(folded: &str, hits: &[Hit], kind: CountKind) -> Option<Group> {
    hits.iter().enumerate().find_map(|(i, h)| {
        let group = victims_of(h.term)?;
        let next = hits[i + 1..]
            .iter()
            .find(|n| matches!(n.term, Term::Count(_)))?;
        let gap = &folded[h.end..next.start];
        let close = next.term == Term::Count(kind)
            && !breaks_clause(gap, true)
            && words(gap).count() <= NAMED_WITH_WORDS;
        close.then_some(group)
    })
}

fn group_in(hits: &[Hit], span: std::ops::Range<usize>) -> Option<Group> {
    hits.iter()
        .filter(|h| span.contains(&h.start))
        .find_map(|h| victims_of(h.term))
}

/// The group a counted word's people are: people named by their trade or kin, counted as
/// killed or hurt, are civilians; people named by their number alone are nobody in particular.
fn victims_of(term: Term) -> Option<Group> {
    match term {
        Term::Group(Group::Folk) => Some(Group::Civilians),
        Term::Group(Group::People) => None,
        Term::Group(g) => Some(g),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::dates;
    use crate::extract::lang::Lang;
    use crate::extract::numbers::numerals;

    type Found = (
        CountKind,
        Option<u32>,
        Option<CountQualifier>,
        Option<Group>,
    );

    fn counts(lang: Lang, folded: &str) -> Vec<Found> {
        let lexicon = Lexicon::get(lang);
        let mut hits = Vec::new();
        lexicon.scan(folded, &mut hits);
        let nums = numerals(folded);
        let found = dates::find(folded, &hits, &nums, lexicon.year_intros);
        find(folded, &hits, &nums, &found, lexicon)
            .0
            .into_iter()
            .map(|c| (c.kind, c.value, c.qualifier, c.victims))
            .collect()
    }

    use CountKind::*;
    use CountQualifier::*;

    #[test]
    fn french_counts() {
        assert_eq!(
            counts(
                Lang::Fr,
                "au moins 18 agents des forces de l'ordre ont ete tues et 748 autres blesses."
            ),
            [
                (Fatalities, Some(18), Some(AtLeast), Some(Group::Security)),
                (Injuries, Some(748), None, Some(Group::Security)),
            ]
        );
        assert_eq!(
            counts(
                Lang::Fr,
                "a atyrau, plus de 100 manifestants ont ete arretes, 35 policiers ont ete blesses."
            ),
            [
                (Arrests, Some(100), Some(MoreThan), Some(Group::Protesters)),
                (Injuries, Some(35), None, Some(Group::Security)),
            ]
        );
        assert_eq!(
            counts(
                Lang::Fr,
                "le ministere a annonce la mort de 26 manifestants, et la garde a vue de plus de 3000 personnes."
            ),
            [
                (Fatalities, Some(26), None, Some(Group::Protesters)),
                (Arrests, Some(3000), Some(MoreThan), None),
            ]
        );
        assert_eq!(
            counts(
                Lang::Fr,
                "le nombre de manifestants tues n'est pas nomme, mais la police avait signale des \" dizaines \" de morts."
            ),
            [(Fatalities, None, Some(Dozens), Some(Group::Protesters))]
        );
    }

    #[test]
    fn numbers_that_are_not_counts() {
        for text in [
            "75 avions de transport militaire russes ont ete engages.",
            "le president a declare que 20 000 \" bandits \" ont attaque alma-ata.",
            "mukhtar ablyazov, 58 ans, etait ministre.",
            "les medias rapportent que deux des personnes tuees ont ete decapitees.",
            "70 postes de controle ont ete mis en place.",
        ] {
            assert_eq!(counts(Lang::Fr, text), [], "{text}");
        }
        // "tuées ou blessées" cannot be split between deaths and injuries.
        assert_eq!(
            counts(
                Lang::Fr,
                "des centaines de personnes ont ete tuees ou blessees."
            ),
            []
        );
    }

    #[test]
    fn english_counts() {
        assert_eq!(
            counts(
                Lang::En,
                "at least 12 people were killed and dozens injured."
            ),
            [
                (Fatalities, Some(12), Some(AtLeast), None),
                (Injuries, None, Some(Dozens), None)
            ]
        );
        assert_eq!(
            counts(
                Lang::En,
                "police arrested more than 40 protesters, killing two."
            ),
            [
                (Arrests, Some(40), Some(MoreThan), Some(Group::Protesters)),
                (Fatalities, Some(2), None, None),
            ]
        );
    }

    /// A number after "by" counts who did it: the one victim is the sentence's subject.
    #[test]
    fn the_agents_of_a_passive_are_not_its_victims() {
        assert_eq!(
            counts(Lang::En, "a shopkeeper was gunned down by two masked men."),
            [(Fatalities, Some(1), None, None)]
        );
        assert_eq!(
            counts(
                Lang::Fr,
                "un commercant a ete abattu par deux hommes armes."
            ),
            [(Fatalities, Some(1), None, None)]
        );
    }

    /// The nouns of a toll count like its verbs: "one death", "4 fatalities" (French: "un
    /// mort", "deux décès").
    #[test]
    fn toll_nouns_count() {
        assert_eq!(
            counts(Lang::En, "one death was reported. in all, 4 fatalities."),
            [
                (Fatalities, Some(1), None, None),
                (Fatalities, Some(4), None, None)
            ]
        );
        assert_eq!(
            counts(Lang::Fr, "un mort a ete signale. au total, deux deces."),
            [
                (Fatalities, Some(1), None, None),
                (Fatalities, Some(2), None, None)
            ]
        );
    }
}
