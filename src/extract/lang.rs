//! The languages the extractor reads, and a cheap guess of a text's language.

use std::fmt;
use std::str::FromStr;

use super::ExtractError;
use crate::gazetteer::Dictionaries;

/// A language with its own lexicon.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    Fr,
    En,
}

/// How much text [`Lang::detect`] reads: a few paragraphs decide, and a long text costs no more.
const DETECT_WINDOW: usize = 4096;

/// Function words that are frequent in one language and rare in the other.
const FR_MARKERS: &[&str] = &[
    "le", "la", "les", "des", "du", "et", "est", "une", "dans", "pour", "que", "qui", "au", "aux",
    "avec", "sur", "ont", "été", "par", "il", "elle", "sont", "ce", "cette", "en",
];
const EN_MARKERS: &[&str] = &[
    "the", "of", "and", "to", "is", "was", "were", "with", "on", "that", "by", "for", "at", "it",
    "have", "has", "had", "they", "from", "are", "this", "in",
];

impl Lang {
    /// The dictionaries whose words are ordinary words in a text of this language.
    pub fn dictionaries(self) -> Dictionaries {
        match self {
            Lang::Fr => Dictionaries::FRENCH,
            Lang::En => Dictionaries::ENGLISH,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Lang::Fr => "fr",
            Lang::En => "en",
        }
    }

    /// Guesses the language from function-word counts in the text's opening; a tie (a headline,
    /// a short note) goes to English unless the text has French accented letters.
    pub fn detect(text: &str) -> Lang {
        let mut end = text.len().min(DETECT_WINDOW);
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let opening = &text[..end];
        let (mut fr, mut en) = (0usize, 0usize);
        for word in opening
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty() && w.len() <= 5)
        {
            let lower = word.to_lowercase();
            fr += usize::from(FR_MARKERS.contains(&lower.as_str()));
            en += usize::from(EN_MARKERS.contains(&lower.as_str()));
        }
        let french_letters = || opening.contains(['é', 'è', 'ê', 'à', 'ù', 'ç', 'É', 'À']);
        match en.cmp(&fr) {
            std::cmp::Ordering::Greater => Lang::En,
            std::cmp::Ordering::Less => Lang::Fr,
            std::cmp::Ordering::Equal if french_letters() => Lang::Fr,
            std::cmp::Ordering::Equal => Lang::En,
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Lang {
    type Err = ExtractError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "fr" | "fra" | "fre" | "french" | "français" | "francais" => Ok(Lang::Fr),
            "en" | "eng" | "english" => Ok(Lang::En),
            _ => Err(ExtractError::UnknownLang(s.to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_french_and_english() {
        assert_eq!(Lang::detect(super::super::SEED_ARTICLE), Lang::Fr);
        assert_eq!(
            Lang::detect("At least 12 people were killed in clashes with the police on Wednesday."),
            Lang::En
        );
        // Short notes: a preposition, or only the accents, tell.
        assert_eq!(Lang::detect("Protesters rallied in Tbilisi."), Lang::En);
        assert_eq!(Lang::detect("Manifestation à Tbilissi."), Lang::Fr);
        assert_eq!(Lang::detect("Émeutes en Géorgie"), Lang::Fr);
        assert_eq!(Lang::detect("Riots, Georgia"), Lang::En);
    }

    #[test]
    fn parses_codes() {
        assert_eq!("fr".parse::<Lang>().unwrap(), Lang::Fr);
        assert_eq!("EN".parse::<Lang>().unwrap(), Lang::En);
        assert!("de".parse::<Lang>().is_err());
    }
}
