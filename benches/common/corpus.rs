//! The extraction benchmark's corpora, shared by `benches/extract.rs` and the
//! `extract_corpus` example that profilers and output checks run.

use eventmap::extract::SEED_ARTICLE;

const OUEST_FR: &str = include_str!("../../tests/fixtures/ouest-fr.txt");
const UNREST_EN: &str = include_str!("../../tests/fixtures/unrest-west-en.txt");
const QUIET_EN: &str = include_str!("../../tests/fixtures/quiet-en.txt");

const CORPUS_BYTES: usize = 1_200_000;

/// Swaps for each copy: a city for another spelling or city, a figure, a weekday.
const FR_VARIANTS: &[(&str, &str)] = &[
    ("Almaty", "Alma-Ata"),
    ("Atyrau", "Atyraou"),
    ("Aqtobe", "Aktioubinsk"),
    ("Ouralsk", "Oral"),
    ("Chymkent", "Taraz"),
    ("Aktaou", "Kyzylorda"),
    ("plus de 100", "environ 300"),
    ("au moins 18", "au moins 25"),
    ("Mercredi", "Jeudi"),
];
const EN_VARIANTS: &[(&str, &str)] = &[
    ("Shymkent", "Chimkent"),
    ("Taraz", "Semey"),
    ("Zhanaozen", "Janaozen"),
    ("Kyzylorda", "Oskemen"),
    ("At least 12", "More than 30"),
    ("Tuesday", "Monday"),
];

/// Articles of one language, varied, adding up to [`CORPUS_BYTES`].
fn corpus(texts: &[&str], variants: &[(&str, &str)]) -> Vec<String> {
    let mut articles = Vec::new();
    let mut bytes = 0;
    let mut copy = 0usize;
    while bytes < CORPUS_BYTES {
        let mut text = texts[copy % texts.len()].to_string();
        for (k, &(from, to)) in variants.iter().enumerate() {
            if (copy >> (k % 8)) & 1 == 1 {
                text = text.replace(from, to);
            }
        }
        bytes += text.len();
        articles.push(text);
        copy += 1;
    }
    articles
}

/// The French corpus: the seed article and a regional report, varied.
pub fn french() -> Vec<String> {
    corpus(&[SEED_ARTICLE, OUEST_FR], FR_VARIANTS)
}

/// The English corpus: a report of unrest and a quiet one, varied.
pub fn english() -> Vec<String> {
    corpus(&[UNREST_EN, QUIET_EN], EN_VARIANTS)
}
