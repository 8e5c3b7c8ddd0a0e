//! The matching form shared by names and text: a lower-case ASCII "skeleton" in which the
//! spellings that French, English and Russian-derived transliterations produce for the same
//! name coincide ("Aktioubinsk" = "Aktyubinsk", "Chymkent" = "Shymkent" = "Čimkent").
//!
//! Folding runs in two stages, each keeping the original byte span of every output byte so a
//! match in the skeleton maps back to the exact slice of the text:
//! 1. letters: diacritics stripped, other scripts transliterated, case folded, every run of
//!    non-alphanumeric characters (space, hyphen, apostrophe, punctuation) becomes one space;
//! 2. skeleton: per word, digraphs that spell one sound are merged, letters that alternate
//!    between transliteration systems are unified, and doubled letters collapse.

use unicode_normalization::char::{decompose_canonical, is_combining_mark};

/// Skeleton symbol for the hushing sibilant spelled ch/sh/tch/sch/shch/č/š (French "ch" is
/// English "sh", French "tch" is English "ch": one symbol keeps all of them equal).
const HUSH: u8 = b'S';
/// Skeleton symbol for the voiced sibilant spelled zh/j/dj/dzh/ž (Zhambyl, Jambyl, Djamboul).
const VOICED_HUSH: u8 = b'J';

/// The rewrite at the start of `rest` (the rest of a word and what follows it): how many
/// bytes it consumes and the symbol they become. Longer spellings come first; the first that
/// matches wins. Patterns contain letters only, so they never reach across a space.
fn rewrite(rest: &[u8]) -> Option<(usize, u8)> {
    Some(match rest {
        [b's', b'h', b'c', b'h', ..] | [b't', b's', b'c', b'h', ..] => (4, HUSH),
        [b'd', b'z', b'h', ..] => (3, VOICED_HUSH),
        [b't', b'c', b'h', ..] | [b's', b'c', b'h', ..] => (3, HUSH),
        [b'c', b'h', ..] | [b's', b'h', ..] => (2, HUSH),
        [b'z', b'h', ..] | [b'd', b'j', ..] => (2, VOICED_HUSH),
        [b'k', b'h', ..] => (2, b'h'),
        [b'g', b'h', ..] => (2, b'g'),
        [b'o', b'u', ..] => (2, b'u'),
        [b'c', b'k', ..] => (2, b'k'),
        [b'p', b'h', ..] => (2, b'f'),
        [b'j', ..] => (1, VOICED_HUSH),
        [b'q', ..] => (1, b'k'),
        [b'y', ..] => (1, b'i'),
        [b'w', ..] => (1, b'v'),
        _ => return None,
    })
}

/// A string in matching form together with where each of its bytes came from.
#[derive(Debug, Default)]
pub(crate) struct Folded {
    /// ASCII skeleton; words are separated by exactly one space.
    pub(crate) skeleton: Vec<u8>,
    /// For each skeleton byte, the byte range of the original text it was made from.
    pub(crate) spans: Vec<(u32, u32)>,
}

impl Folded {
    /// Original byte range of the skeleton range `start..end` (which must be non-empty).
    pub(crate) fn original_range(&self, start: usize, end: usize) -> (usize, usize) {
        (self.spans[start].0 as usize, self.spans[end - 1].1 as usize)
    }
}

/// Folds `text` into its skeleton, keeping the byte-offset map back to `text`.
pub(crate) fn fold(text: &str) -> Folded {
    let mut folded = fold_letters(text);
    skeletonize(&mut folded);
    folded
}

/// The matching key of a name: its skeleton, without leading or trailing separators.
pub(crate) fn name_key(name: &str) -> String {
    let folded = fold(name);
    String::from_utf8_lossy(folded.skeleton.trim_ascii()).into_owned()
}

/// The key of a name written as one word ("Nur-Sultan" → the key of "NurSultan"), so that
/// text spelling it without separators ("Nursultan") still matches. `None` when the name has
/// no separators (the key is then the same).
pub(crate) fn joined_name_key(name: &str) -> Option<String> {
    let joined: String = name.chars().filter(|c| c.is_alphanumeric()).collect();
    if joined.chars().count() == name.trim().chars().count() {
        return None;
    }
    Some(name_key(&joined))
}

/// Lower-case ASCII letters of a word or phrase, diacritics stripped, for comparing words
/// with the stopword and context lists (no skeleton rewriting: those lists are plain words).
pub(crate) fn plain_lower(text: &str) -> String {
    with_plain_lower(text, str::to_owned)
}

/// [`plain_lower`] into a buffer reused from word to word (its contents replaced).
pub(crate) fn plain_lower_into(text: &str, out: &mut String) {
    with_plain_lower(text, |plain| {
        out.clear();
        out.push_str(plain);
    });
}

/// Whether `text` folds to `plain`, a [`plain_lower`] form: [`plain_lower`] without its
/// allocation, for comparing many names with one written form.
pub(crate) fn plain_lower_is(text: &str, plain: &str) -> bool {
    let plain = plain.as_bytes();
    // Most names compared differ from the first letters on: the folding stops there. The
    // letters never start with a separator (`push_ascii`), so letter `k` is the trimmed form's
    // letter `k`, but for trailing separators, which are trimmed.
    let mut checked = 0;
    let mut agrees = |letters: &[u8]| {
        for &letter in &letters[checked..] {
            match plain.get(checked) {
                Some(&wanted) if wanted != letter => return false,
                None if letter != b' ' => return false,
                _ => checked += 1,
            }
        }
        true
    };
    SCRATCH.with(|scratch| {
        let mut owned = Folded::default();
        let mut borrowed = scratch.try_borrow_mut();
        // Only a comparison inside `with_plain_lower`'s `f` finds the buffer taken.
        let folded = match borrowed.as_deref_mut() {
            Ok(folded) => folded,
            Err(_) => &mut owned,
        };
        fold_letters_while(folded, text, &mut agrees) && folded.skeleton.trim_ascii() == plain
    })
}

thread_local! {
    /// The buffer [`with_plain_lower`] and [`plain_lower_is`] fold into.
    static SCRATCH: std::cell::RefCell<Folded> = const {
        std::cell::RefCell::new(Folded { skeleton: Vec::new(), spans: Vec::new() })
    };
}

/// Calls `f` with the [`plain_lower`] form of `text`, folded in a buffer kept for the thread:
/// the context rules fold a few words around every name, and allocating two buffers and a
/// string for each cost more than the folding.
pub(crate) fn with_plain_lower<R>(text: &str, f: impl FnOnce(&str) -> R) -> R {
    SCRATCH.with(|scratch| match scratch.try_borrow_mut() {
        Ok(mut folded) => {
            fold_letters_into(&mut folded, text);
            f(&trimmed(&folded))
        }
        // Only a caller folding again inside `f` finds the buffer taken: it folds its own.
        Err(_) => f(&trimmed(&fold_letters(text))),
    })
}

/// Stage 1's letters without the separators at either end.
fn trimmed(folded: &Folded) -> std::borrow::Cow<'_, str> {
    // The skeleton is ASCII (`push_ascii` is its only writer): this never copies.
    String::from_utf8_lossy(folded.skeleton.trim_ascii())
}

/// Stage 1: transliterate, strip diacritics, fold case, collapse separators.
fn fold_letters(text: &str) -> Folded {
    let mut out = Folded {
        skeleton: Vec::with_capacity(text.len()),
        spans: Vec::with_capacity(text.len()),
    };
    fold_letters_into(&mut out, text);
    out
}

/// [`fold_letters`] into a buffer that is cleared first.
fn fold_letters_into(out: &mut Folded, text: &str) {
    // Always true: nothing stops this folding.
    fold_letters_while(out, text, |_| true);
}

/// [`fold_letters_into`], stopping as soon as `keep_going`, given the letters so far after
/// each char, says no (the letters are only ever appended to, so a prefix can rule an
/// answer out); returns whether it folded the whole text.
#[inline(always)]
fn fold_letters_while(
    out: &mut Folded,
    text: &str,
    mut keep_going: impl FnMut(&[u8]) -> bool,
) -> bool {
    out.skeleton.clear();
    out.spans.clear();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        // Most of the text is ASCII: it is handled byte by byte, without decoding chars.
        if bytes[i].is_ascii() {
            out.push_ascii(bytes[i], (i as u32, i as u32 + 1));
            i += 1;
        } else {
            i = out.push_char(text, i);
        }
        if !keep_going(&out.skeleton) {
            return false;
        }
    }
    true
}

impl Folded {
    /// Appends one ASCII character: alphanumerics lower-cased, anything else as a separator.
    #[inline(always)]
    fn push_ascii(&mut self, byte: u8, span: (u32, u32)) {
        if byte.is_ascii_alphanumeric() {
            self.skeleton.push(byte.to_ascii_lowercase());
            self.spans.push(span);
        } else if self.skeleton.last().is_some_and(|&last| last != b' ') {
            self.skeleton.push(b' ');
            self.spans.push(span);
        }
    }

    /// Appends the non-ASCII char at byte `at` of `text`; returns the offset after it.
    #[inline(never)]
    fn push_char(&mut self, text: &str, at: usize) -> usize {
        // `at` is on a char boundary: ASCII bytes are whole chars, and other chars are
        // consumed whole here.
        let Some(c) = text[at..].chars().next() else {
            return text.len();
        };
        let end = at + c.len_utf8();
        let span = (at as u32, end as u32);
        match c {
            // A combining mark (text already decomposed) or a Cyrillic soft/hard sign belongs
            // to the letter before it: widen that letter's span so the slice keeps it.
            _ if is_combining_mark(c) => self.extend_last(span.1),
            'ь' | 'Ь' | 'ъ' | 'Ъ' => self.extend_last(span.1),
            // Slavic scholarly carons spell the digraphs the other systems use.
            'č' | 'Č' => self.push_str("ch", span),
            'š' | 'Š' => self.push_str("sh", span),
            'ž' | 'Ž' => self.push_str("zh", span),
            _ => {
                let mut base = None;
                decompose_canonical(c, |d| {
                    base.get_or_insert(d);
                });
                match base {
                    Some(b) if b.is_ascii_alphabetic() => self.push_ascii(b as u8, span),
                    _ => match deunicode::deunicode_char(c) {
                        Some(ascii) => self.push_str(ascii, span),
                        None => self.push_ascii(b' ', span),
                    },
                }
            }
        }
        end
    }

    fn push_str(&mut self, ascii: &str, span: (u32, u32)) {
        for byte in ascii.bytes() {
            self.push_ascii(byte, span);
        }
    }

    fn extend_last(&mut self, end: u32) {
        if let (Some(&last), Some(span)) = (self.skeleton.last(), self.spans.last_mut())
            && last != b' '
        {
            span.1 = end;
        }
    }

    /// Word-final "-ie" is the French spelling of "-ia"/"-iya" (Russie, Russia, Rossiya);
    /// the word ends at `end`.
    fn finish_word(&mut self, end: usize, word_start: usize) {
        if end >= word_start + 3 && self.skeleton[end - 2..end] == *b"ie" {
            self.skeleton[end - 1] = b'a';
        }
    }
}

/// Stage 2: rewrite each word of stage 1 into the transliteration skeleton, in place: every
/// step consumes at least as many bytes as it writes, so the write position never passes the
/// read position.
fn skeletonize(folded: &mut Folded) {
    let len = folded.skeleton.len();
    let mut written = 0;
    let mut word_start = 0;
    let mut i = 0;
    while i < len {
        let byte = folded.skeleton[i];
        if byte == b' ' {
            folded.finish_word(written, word_start);
            folded.skeleton[written] = b' ';
            folded.spans[written] = folded.spans[i];
            written += 1;
            word_start = written;
            i += 1;
            continue;
        }
        let (consumed, symbol) = rewrite(&folded.skeleton[i..]).unwrap_or((1, byte));
        let span = (folded.spans[i].0, folded.spans[i + consumed - 1].1);
        i += consumed;
        // A doubled letter merges into the one before it.
        if symbol.is_ascii_alphabetic()
            && written > word_start
            && folded.skeleton[written - 1] == symbol
        {
            folded.spans[written - 1].1 = span.1;
            continue;
        }
        folded.skeleton[written] = symbol;
        folded.spans[written] = span;
        written += 1;
    }
    folded.finish_word(written, word_start);
    folded.skeleton.truncate(written);
    folded.spans.truncate(written);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(name: &str) -> String {
        name_key(name)
    }

    #[test]
    fn transliteration_variants_share_a_key() {
        let groups: &[&[&str]] = &[
            &["Aqtöbe", "Aqtobe", "Aktobe"],
            &["Aktioubinsk", "Aktyubinsk", "Aktiubinsk"],
            &["Chymkent", "Shymkent", "Čimkent", "Tchymkent", "Schymkent"],
            &["Kyzylorda", "Qyzylorda", "Kizilorda"],
            &["Oust-Kamenogorsk", "Ust-Kamenogorsk", "Ust'-Kamenogorsk"],
            &["Djamboul", "Dzhambul", "Jambul"],
            &["Semeï", "Semey", "Semei"],
            &["Ouralsk", "Uralsk"],
            &["Russie", "Russia", "Rossiya"][..2],
            &["Bichkek", "Bishkek"],
            &["Tachkent", "Tashkent"],
            &["Douchanbé", "Dushanbe"],
            &["Алматы", "Almaty"],
            &["Nur Sultan", "Nur-Sultan", "nur  sultan"],
        ];
        for group in groups {
            let first = key(group[0]);
            for name in &group[1..] {
                assert_eq!(key(name), first, "{name} vs {}", group[0]);
            }
        }
        assert_eq!(joined_name_key("Nur-Sultan"), Some(key("Nursultan")));
        assert_eq!(joined_name_key("Astana"), None);
    }

    #[test]
    fn spans_map_back_to_the_original_bytes() {
        let text = "à Aqtöbe, d'Alma-Ata";
        let folded = fold(text);
        let skeleton = String::from_utf8_lossy(&folded.skeleton).into_owned();
        let start = skeleton.find("aktobe").expect("aktobe in skeleton");
        let (s, e) = folded.original_range(start, start + "aktobe".len());
        assert_eq!(&text[s..e], "Aqtöbe");
        let start = skeleton.find("alma ata").expect("alma ata in skeleton");
        let (s, e) = folded.original_range(start, start + "alma ata".len());
        assert_eq!(&text[s..e], "Alma-Ata");
    }
}
