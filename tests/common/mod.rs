//! What the extractor's test files share.

use eventmap::extract::{ArticleText, Extraction, Lang, extract};
use eventmap::gazetteer::Gazetteer;
use jiff::civil::Date;

/// Extracts `text` as the article `source`, which must read (these texts are never empty).
pub fn read(text: &str, source: &str, published: Option<Date>, lang: Option<Lang>) -> Extraction {
    let article = ArticleText {
        text,
        source,
        published,
        lang,
    };
    extract(Gazetteer::embedded(), &article).expect("the text reads")
}
