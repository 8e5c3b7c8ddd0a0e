//! Paragraphs and sentences of a text, as byte ranges into it.
//!
//! A paragraph is a non-empty line. A line without final punctuation is a header (a headline,
//! "Jeudi 6 janvier : …", "18H20 : …"): it sets the date of what follows but restates the body,
//! so it yields no event of its own.

use std::ops::Range;

/// A line of the text.
pub struct Paragraph {
    pub range: Range<usize>,
    pub header: bool,
}

/// Longer unpunctuated lines are body paragraphs that lost their final stop, not headlines.
const MAX_HEADER_LEN: usize = 300;

/// Words that end with a period without ending a sentence.
const ABBREVIATIONS: &[&str] = &[
    "M", "Mr", "Mrs", "Ms", "Dr", "St", "Gen", "Col", "Lt", "Sgt", "No", "Mme", "Jan", "Feb",
    "Aug", "Sept", "Sep", "Oct", "Nov", "Dec", "av", "env", "etc",
];

/// The non-empty lines of `text`, trimmed.
pub fn paragraphs(text: &str) -> impl Iterator<Item = Paragraph> + '_ {
    let mut offset = 0;
    text.split_inclusive('\n').filter_map(move |line| {
        let start = offset;
        offset += line.len();
        let trimmed_start = line.len() - line.trim_start().len();
        let body = line.trim();
        if body.is_empty() {
            return None;
        }
        let range = start + trimmed_start..start + trimmed_start + body.len();
        Some(Paragraph {
            header: is_header(body),
            range,
        })
    })
}

fn is_header(line: &str) -> bool {
    // A sentence followed by a bracketed note ("… marched. [size=no report]", "… (AFP)") is body
    // text: the note is read past.
    let line = match line.trim_end().strip_suffix([']', ')']) {
        Some(inner) => inner.rfind(['[', '(']).map_or(line, |open| &line[..open]),
        None => line,
    };
    let end = line.trim_end_matches(|c: char| is_closing(c) || c.is_whitespace());
    let last = end.chars().last();
    line.len() <= MAX_HEADER_LEN && !matches!(last, Some('.' | '!' | '?' | '…'))
}

fn is_closing(c: char) -> bool {
    matches!(c, '"' | '»' | '”' | '’' | ')' | ']' | '\'')
}

fn is_opening(c: char) -> bool {
    matches!(c, '"' | '«' | '“' | '(' | '\'' | '‘' | '-' | '—' | '–')
}

/// The sentences of `text[range]`, trimmed, into `out` (cleared first: a buffer reused from
/// paragraph to paragraph). A stop ends a sentence when the next word starts with a capital, a
/// digit or a quote; "difficile. à Almaty" stays one sentence.
pub fn sentences_into(text: &str, range: Range<usize>, out: &mut Vec<Range<usize>>) {
    out.clear();
    let para = &text[range.clone()];
    let mut start = 0;
    // Stops are found by their first byte ('…' starts with 0xE2): most of a paragraph is
    // skipped without decoding its chars.
    let bytes = para.as_bytes();
    let mut from = 0;
    while let Some(offset) = bytes[from..]
        .iter()
        .position(|&b| matches!(b, b'.' | b'!' | b'?' | 0xE2))
    {
        // An ASCII byte or a lead byte: a char starts there.
        let at = from + offset;
        let Some(c) = para[at..].chars().next() else {
            break;
        };
        from = at + c.len_utf8();
        if !matches!(c, '.' | '!' | '?' | '…') {
            continue;
        }
        if c == '.' && ends_abbreviation(&para[start..at]) {
            continue;
        }
        // The sentence keeps its closing quotes and brackets, spaced or not ("partons. »").
        let mut end = at + c.len_utf8();
        loop {
            let rest = &para[end..];
            let spaced = rest.trim_start_matches([' ', '\u{a0}', '\u{202f}']);
            let mut next = spaced.chars();
            let Some(n) = next.next() else { break };
            // A straight quote after a space closes only if no word is glued to it.
            let spaced_straight = n == '"' && spaced.len() < rest.len();
            let closes = (is_closing(n)
                && n != '\''
                && !(spaced_straight && next.next().is_some_and(char::is_alphanumeric)))
                || matches!(n, '.' | '!' | '?' | '…');
            if !closes {
                break;
            }
            end += rest.len() - spaced.len() + n.len_utf8();
        }
        from = end;
        let rest = &para[end..];
        let next = rest.trim_start();
        if next.len() == rest.len() && !next.is_empty() {
            continue; // "Orda.kz", "3.5": no space after the stop
        }
        let starts_sentence = next
            .trim_start_matches(is_opening)
            .trim_start()
            .chars()
            .next()
            .is_none_or(|n| n.is_uppercase() || n.is_ascii_digit())
            || next.starts_with(is_opening);
        if starts_sentence {
            push_trimmed(para, start..end, range.start, out);
            start = end;
        }
    }
    push_trimmed(para, start..para.len(), range.start, out);
}

fn ends_abbreviation(before: &str) -> bool {
    let word = before
        .rsplit(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or("");
    let single_capital = word.chars().count() == 1 && word.chars().all(char::is_uppercase);
    single_capital || ABBREVIATIONS.contains(&word)
}

/// The longest sentence read as one, in bytes. Real sentences are far shorter; a longer run
/// (a list pasted without stops, hostile input) is read in clauses of at most this size, so
/// every per-sentence search is bounded and extraction stays linear in the text.
pub const MAX_SENTENCE: usize = 2_000;

fn push_trimmed(para: &str, span: Range<usize>, base: usize, out: &mut Vec<Range<usize>>) {
    let piece = &para[span.clone()];
    let lead = piece.len() - piece.trim_start().len();
    let mut body = piece.trim();
    let mut start = base + span.start + lead;
    while body.len() > MAX_SENTENCE {
        let cut = clause_cut(body);
        let head = body[..cut].trim_end();
        if !head.is_empty() {
            out.push(start..start + head.len());
        }
        let rest = &body[cut..];
        start += cut + (rest.len() - rest.trim_start().len());
        body = rest.trim_start();
    }
    if !body.is_empty() {
        out.push(start..start + body.len());
    }
}

/// Where to cut a sentence longer than [`MAX_SENTENCE`]: after the last semicolon, else comma,
/// else space in its first `MAX_SENTENCE` bytes, else at a char boundary there.
fn clause_cut(body: &str) -> usize {
    let mut limit = MAX_SENTENCE;
    while !body.is_char_boundary(limit) {
        limit -= 1;
    }
    let window = &body[..limit];
    [';', ',', ' ']
        .iter()
        .find_map(|&c| {
            window
                .rfind(c)
                .filter(|&at| at > limit / 2)
                .map(|at| at + 1)
        })
        .unwrap_or(limit)
}

/// How far into a paragraph a dateline may reach.
const MAX_DATELINE: usize = 80;

/// Where the body starts after a news dateline ("ALMATY, Jan 6 (Reuters) -", "MOSCOW, Jan. 7
/// (AP) —", "NUR-SULTAN (Reuters) –"): a place in capitals, then a date or an agency in
/// brackets, then a dash.
pub fn dateline(sentence: &str) -> Option<usize> {
    let mut cut = sentence.len().min(MAX_DATELINE);
    while !sentence.is_char_boundary(cut) {
        cut -= 1;
    }
    let head = &sentence[..cut];
    // Most sentences open with a lower-case word: a char no dateline's place may hold, before
    // the comma or bracket that would end the place (and not trimmed off it), says so at once.
    let not_in_place =
        |c: char| !(c.is_uppercase() || c.is_whitespace() || matches!(c, '-' | '.' | '\''));
    if head
        .chars()
        .take_while(|&c| !matches!(c, ',' | '('))
        .any(not_in_place)
    {
        return None;
    }
    let place_end = head.find([',', '('])?;
    let place = head[..place_end].trim();
    let letters = place.chars().filter(|c| c.is_alphabetic()).count();
    let capitals = place
        .chars()
        .all(|c| c.is_uppercase() || matches!(c, ' ' | '-' | '.' | '\''));
    if letters < 2 || !capitals {
        return None;
    }
    let (dash_at, dash) = head[place_end..].char_indices().find(|&(i, c)| {
        matches!(c, '—' | '–') || (c == '-' && head[place_end..][..i].ends_with([' ', ')']))
    })?;
    let between = &head[place_end..place_end + dash_at];
    if !between.contains(|c: char| c.is_ascii_digit() || c == '(') {
        return None;
    }
    let body = place_end + dash_at + dash.len_utf8();
    let rest = &sentence[body..];
    Some(body + rest.len() - rest.trim_start_matches(['-', ' ', '\u{a0}']).len())
}

/// Whether nothing between two parts of a sentence breaks the clause: no ";", ":", bracket, or
/// comma before a space.
pub fn one_clause(gap: &str) -> bool {
    !gap.contains([';', ':', '(', ')']) && !gap.contains(", ")
}

/// Whether a paragraph opens with a live blog's time stamp: "14H30 :", "09:15 -", "18h20 –".
pub fn timestamped(paragraph: &str) -> bool {
    let text = paragraph.trim_start();
    let b = text.as_bytes();
    let hours = b.iter().take_while(|c| c.is_ascii_digit()).count();
    let minutes = b.get(hours + 1..hours + 3);
    let stamp = (1..=2).contains(&hours)
        && matches!(b.get(hours), Some(b'h' | b'H' | b':'))
        && minutes.is_some_and(|m| m.iter().all(u8::is_ascii_digit))
        && !b.get(hours + 3).is_some_and(u8::is_ascii_digit);
    // Only ASCII bytes were read: `hours + 3` is a character boundary.
    stamp
        && text[hours + 3..]
            .trim_start()
            .starts_with([':', '-', '–', '—'])
}

/// Whether the number at `start..end` of `sentence` ends a name ("Khabar 24,", "Mir 24 :"): it
/// follows a capitalised word and ends its clause.
pub fn ends_a_name(sentence: &str, start: usize, end: usize) -> bool {
    let before = &sentence[..start];
    let Some(word_part) = before.strip_suffix(' ') else {
        return false;
    };
    let word = word_part
        .rsplit(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or("");
    let capitalised = word.chars().next().is_some_and(char::is_uppercase)
        && word.chars().count() >= 2
        && word.chars().all(char::is_alphabetic);
    let after = sentence[end..].chars().next();
    capitalised && after.is_none_or(|c| matches!(c, ',' | ':' | ';' | ')' | '.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sentence_with_a_bracketed_note_is_no_header() {
        assert!(!is_header(
            "Young people in Nairobi marched. [size=no report]"
        ));
        assert!(!is_header("Des jeunes ont manifesté à Bamako. (AFP)"));
        assert!(is_header("Curfew imposed as unrest spreads (update)"));
    }

    #[test]
    fn an_endless_sentence_is_read_in_bounded_clauses() {
        let text = "lundi mardi, 3 janvier à Almaty ".repeat(2_000);
        let mut pieces = Vec::new();
        sentences_into(&text, 0..text.len(), &mut pieces);
        assert!(pieces.len() > 20, "{}", pieces.len());
        assert!(pieces.iter().all(|p| p.len() <= MAX_SENTENCE));
        // Nothing is lost: the pieces hold every word, in order.
        let joined: Vec<&str> = pieces
            .iter()
            .flat_map(|p| text[p.clone()].split_whitespace())
            .collect();
        assert_eq!(joined, text.split_whitespace().collect::<Vec<_>>());
    }

    #[test]
    fn live_blog_time_stamps() {
        for stamped in [
            "14H30 : Plus de 4 400",
            "09:15 - Police",
            " 8h05 – Des tirs",
            "18H20 : La",
        ] {
            assert!(timestamped(stamped), "{stamped}");
        }
        for plain in [
            "2022 : l'année",
            "14H30 Plus",
            "143:30 : x",
            "Le 7 janvier : x",
            "9h5 : x",
        ] {
            assert!(!timestamped(plain), "{plain}");
        }
        assert!(ends_a_name("Selon Khabar 24, 44 personnes", 13, 15));
        assert!(!ends_a_name("À Almaty 12 personnes", 10, 12));
        assert!(!ends_a_name("Selon le bilan, 44 personnes", 16, 18));
    }

    #[test]
    fn datelines_end_at_their_dash() {
        let s = "ALMATY, Jan 6 (Reuters) - Security forces fired.";
        assert_eq!(&s[dateline(s).unwrap()..], "Security forces fired.");
        let s = "MOSCOW, Jan. 7 (AP) — Troops landed.";
        assert_eq!(&s[dateline(s).unwrap()..], "Troops landed.");
        let s = "NUR-SULTAN (Reuters) -- Calm returned.";
        assert_eq!(&s[dateline(s).unwrap()..], "Calm returned.");
        assert_eq!(dateline("NATO, the EU and the UN - all met."), None);
        assert_eq!(dateline("Police said - again - that 3 died."), None);
        assert_eq!(dateline("Almaty, Jan 6 - calm."), None);
    }

    fn split(text: &str) -> Vec<&str> {
        let mut ranges = Vec::new();
        sentences_into(text, 0..text.len(), &mut ranges);
        ranges.into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn splits_on_stops_before_capitals() {
        assert_eq!(
            split("La situation est difficile. à Almaty. Dans notre ville, il y a des attaques."),
            [
                "La situation est difficile. à Almaty.",
                "Dans notre ville, il y a des attaques."
            ]
        );
        assert_eq!(
            split("Selon Orda.kz, le calme est revenu. « Nous partons. » Il a dit ça."),
            [
                "Selon Orda.kz, le calme est revenu.",
                "« Nous partons. »",
                "Il a dit ça."
            ]
        );
        assert_eq!(
            split("Mr. Smith arrived. He left."),
            ["Mr. Smith arrived.", "He left."]
        );
    }

    #[test]
    fn tells_headers_from_paragraphs() {
        let text =
            "Jeudi 6 janvier : des tirs\n\n18H20 : La situation reste instable\nIls sont partis.\n";
        let paras: Vec<(bool, &str)> = paragraphs(text)
            .map(|p| (p.header, &text[p.range]))
            .collect();
        assert_eq!(
            paras,
            [
                (true, "Jeudi 6 janvier : des tirs"),
                (true, "18H20 : La situation reste instable"),
                (false, "Ils sont partis."),
            ]
        );
    }
}
