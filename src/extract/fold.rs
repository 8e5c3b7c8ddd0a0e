//! Folding: lower case, no accents, one kind of quote, apostrophe, dash and space, so that one
//! lexicon entry matches every spelling ("Arrêtés", "arretes", "ARRÊTÉS") and typography
//! (« », ’, non-breaking spaces) never splits a phrase. A byte map leads back to the original.

/// A folded copy of a piece of text and, for every folded byte, where it came from.
#[derive(Default)]
pub struct Folded {
    pub text: String,
    /// `origin[i]` is the offset, in the original piece, of the char folded byte `i` came from;
    /// one extra entry maps the end.
    origin: Vec<u32>,
}

impl Folded {
    /// Refolds `piece` into this buffer, reusing its allocations.
    pub fn fold(&mut self, piece: &str) {
        self.text.clear();
        self.origin.clear();
        // Room for the whole piece at once (most of it folds byte for byte): growing as it
        // is written reallocated several times in every text's first sentences.
        self.text.reserve(piece.len());
        self.origin.reserve(piece.len() + 1);
        let offset = |at: usize| u32::try_from(at).unwrap_or(u32::MAX);
        let mut at = 0;
        while at < piece.len() {
            // Most chars are ASCII and fold to one byte each: a run of them is copied and
            // lower-cased at once.
            let run = piece[at..]
                .bytes()
                .position(|b| !b.is_ascii())
                .map_or(piece.len(), |length| at + length);
            let before = self.text.len();
            self.text.push_str(&piece[at..run]);
            self.text[before..].make_ascii_lowercase();
            self.origin.extend((at..run).map(offset));
            let Some(c) = piece[run..].chars().next() else {
                break;
            };
            let before = self.text.len();
            push_folded(c, &mut self.text);
            self.origin
                .extend(std::iter::repeat_n(offset(run), self.text.len() - before));
            at = run + c.len_utf8();
        }
        self.origin.push(offset(piece.len()));
    }

    /// The offset in the original piece of folded offset `at`.
    pub fn origin(&self, at: usize) -> usize {
        self.origin
            .get(at)
            .or(self.origin.last())
            .map_or(0, |&o| o as usize)
    }
}

/// Appends the folded form of `c`: ASCII lower case for letters, one space for every space, `'`
/// for apostrophes, `"` for quotation marks, `-` for dashes.
fn push_folded(c: char, out: &mut String) {
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
        return;
    }
    let folded = match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' => "a",
        'é' | 'è' | 'ê' | 'ë' | 'É' | 'È' | 'Ê' | 'Ë' => "e",
        'î' | 'ï' | 'í' | 'ì' | 'Î' | 'Ï' | 'Í' | 'Ì' => "i",
        'ô' | 'ö' | 'ó' | 'ò' | 'õ' | 'Ô' | 'Ö' | 'Ó' | 'Ò' | 'Õ' => "o",
        'ù' | 'û' | 'ü' | 'ú' | 'Ù' | 'Û' | 'Ü' | 'Ú' => "u",
        'ç' | 'Ç' => "c",
        'ÿ' | 'Ÿ' => "y",
        'ñ' | 'Ñ' => "n",
        'œ' | 'Œ' => "oe",
        'æ' | 'Æ' => "ae",
        '\u{2019}' | '\u{2018}' | '\u{02BC}' | '\u{2032}' => "'",
        '«' | '»' | '\u{201C}' | '\u{201D}' | '\u{201E}' => "\"",
        '\u{2010}'..='\u{2015}' | '\u{2212}' => "-",
        '\u{2026}' => "...",
        c if c.is_whitespace() => " ",
        c => {
            let ascii = deunicode::deunicode_char(c).unwrap_or(" ");
            for b in ascii.chars() {
                out.push(b.to_ascii_lowercase());
            }
            return;
        }
    };
    out.push_str(folded);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_case_accents_and_typography() {
        let mut f = Folded::default();
        f.fold("À Atyrau, « 20\u{a0}000 » arrêtés l’été");
        assert_eq!(f.text, "a atyrau, \" 20 000 \" arretes l'ete");
        let at = f.text.find("arretes").unwrap();
        assert_eq!(f.origin(at), "À Atyrau, « 20\u{a0}000 » ".len());
    }
}
