//! An HTML page read as an article: its main text (a readability extractor leaves out the
//! navigation, header, footer, related links and comments), title, publication date and
//! language; or, for a live blog, its time-stamped entries, each under a header line of its own
//! date so that the extractor dates each entry's events by it.

use std::collections::HashMap;

use dom_query::{Document, NodeId, NodeRef};
use jiff::civil::Date;
use serde_json::Value;

use super::FetchError;
use crate::extract::Lang;
use crate::store::{MAX_TITLE_CHARS, NewArticle};

/// What a page holds, ready to be stored as an article.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    pub url: String,
    pub title: Option<String>,
    /// For a live blog, its latest entry's day if later than the page's own date: nothing is
    /// dated after publication.
    pub published: Option<Date>,
    /// The page's `<html lang>`, as `fr` or `en` when it is one of those.
    pub lang: Option<Lang>,
    /// The text for the extractor: the title line, then the body (or the entries).
    pub text: String,
    /// A live blog's entries, oldest first; empty for an article.
    pub entries: Vec<Entry>,
}

/// One entry of a live blog.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub published: Date,
    pub text: String,
}

/// Shorter main texts are a page's furniture (an index, a notice), not an article.
const MIN_ARTICLE_CHARS: usize = 200;
/// An entry has some text of its own beyond its time stamp.
const MIN_ENTRY_CHARS: usize = 40;
/// A block whose text is mostly links is a list of other pages, not an entry.
const MAX_LINK_SHARE: f64 = 0.5;

/// Reads `html`, fetched from `url`.
pub fn read(html: &str, url: &str) -> Result<Page, FetchError> {
    let doc = Document::from(html);
    let lang = doc.select("html").attr("lang").and_then(|l| {
        l.split(['-', '_'])
            .next()?
            .to_ascii_lowercase()
            .parse()
            .ok()
    });
    let mut entries = json_ld_entries(&doc);
    if entries.is_empty() {
        entries = dom_entries(&doc);
    }
    entries.sort_by_key(|e| e.published);
    let time_published = first_time(&doc);
    let h1 = doc.select("h1").first().text();
    strip_furniture(&doc);
    let no_article = || FetchError::NoArticle { url: url.into() };
    let mut readability = dom_smoothie::Readability::with_document(
        doc,
        Some(url),
        Some(dom_smoothie::Config {
            text_mode: dom_smoothie::TextMode::Formatted,
            ..Default::default()
        }),
    )
    .map_err(|_| no_article())?;
    if entries.is_empty() && !readability.is_probably_readable() {
        return Err(no_article());
    }
    let article = readability.parse().map_err(|_| no_article())?;
    // The headline, when the page's title is it with the site's name added.
    let h1 = clean_line(&h1);
    let title = Some(clean_line(&article.title))
        .map(|t| {
            if !h1.is_empty() && t.starts_with(&h1) {
                h1
            } else {
                t
            }
        })
        .filter(|t| !t.is_empty());
    let mut published = article
        .published_time
        .as_deref()
        .and_then(date_of)
        .or(time_published);
    let body = if entries.is_empty() {
        let body = tidy(&article.text_content);
        if body.chars().count() < MIN_ARTICLE_CHARS {
            return Err(no_article());
        }
        body
    } else {
        let last = entries.iter().map(|e| e.published).max();
        published = published.max(last);
        let lang = lang.unwrap_or_else(|| {
            let all: String = entries.iter().map(|e| e.text.as_str()).collect();
            Lang::detect(&all)
        });
        entries
            .iter()
            .map(|e| format!("{}\n{}", date_header(e.published, lang), e.text))
            .collect::<Vec<_>>()
            .join("\n\n")
    };
    let text = match &title {
        Some(t) => format!("{t}\n\n{body}\n"),
        None => format!("{body}\n"),
    };
    Ok(Page {
        url: url.into(),
        title,
        published,
        lang,
        text,
        entries,
    })
}

/// A text page: its lines as they are, without title or date.
pub fn plain(text: &str, url: &str) -> Result<Page, FetchError> {
    let text = tidy(text);
    if text.chars().count() < MIN_ARTICLE_CHARS {
        return Err(FetchError::NoArticle { url: url.into() });
    }
    Ok(Page {
        url: url.into(),
        title: None,
        published: None,
        lang: None,
        text: format!("{text}\n"),
        entries: Vec::new(),
    })
}

impl Page {
    /// The article to store: the page's text and metadata, its URL as the source.
    pub fn article(&self) -> NewArticle {
        NewArticle {
            text: self.text.clone(),
            // A title longer than the store keeps is cut, not a reason to refuse the page.
            title: self
                .title
                .as_ref()
                .map(|t| t.chars().take(MAX_TITLE_CHARS).collect()),
            source_url: Some(self.url.clone()),
            published: self.published,
            lang: self.lang,
        }
    }
}

/// A day as a header line the extractor reads as a date: "5 janvier 2022", "January 5, 2022".
fn date_header(d: Date, lang: Lang) -> String {
    const FR: [&str; 12] = [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ];
    const EN: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let month = usize::try_from(d.month() - 1).unwrap_or(0);
    match lang {
        Lang::Fr => format!("{} {} {}", d.day(), FR[month], d.year()),
        Lang::En => format!("{} {}, {}", EN[month], d.day(), d.year()),
    }
}

/// The day an ISO 8601 date or date-time names, as written (the publisher's local day).
fn date_of(value: &str) -> Option<Date> {
    value.trim().get(..10)?.parse().ok()
}

/// The article's `<time datetime>`, else the page's first.
fn first_time(doc: &Document) -> Option<Date> {
    ["article time[datetime]", "time[datetime]"]
        .iter()
        .find_map(|sel| {
            doc.select(sel)
                .nodes()
                .iter()
                .find_map(|t| date_of(&t.attr("datetime")?))
        })
}

/// One line, its whitespace runs made single spaces, without control characters.
fn clean_line(s: &str) -> String {
    s.split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Formatted text with each paragraph on one line and no empty runs.
fn tidy(text: &str) -> String {
    text.split("\n\n")
        .flat_map(|p| p.lines())
        .map(clean_line)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// A JSON-LD `LiveBlogPosting`'s `liveBlogUpdate`s (schema.org), if the page has one.
fn json_ld_entries(doc: &Document) -> Vec<Entry> {
    let mut entries = Vec::new();
    for script in doc.select("script[type='application/ld+json']").nodes() {
        let Ok(value) = serde_json::from_str::<Value>(&script.text()) else {
            continue;
        };
        let mut stack = vec![&value];
        while let Some(v) = stack.pop() {
            match v {
                Value::Array(items) => stack.extend(items),
                Value::Object(map) => {
                    if let Some(graph) = map.get("@graph") {
                        stack.push(graph);
                    }
                    if is_type(v, "LiveBlogPosting") {
                        let updates = map.get("liveBlogUpdate").and_then(Value::as_array);
                        entries.extend(updates.into_iter().flatten().filter_map(update_entry));
                    }
                }
                _ => {}
            }
        }
    }
    entries
}

fn is_type(v: &Value, name: &str) -> bool {
    match &v["@type"] {
        Value::String(t) => t == name,
        Value::Array(ts) => ts.iter().any(|t| t == name),
        _ => false,
    }
}

fn update_entry(update: &Value) -> Option<Entry> {
    let published = date_of(update["datePublished"].as_str()?)?;
    let lines: Vec<String> = ["headline", "articleBody"]
        .iter()
        .filter_map(|k| update[*k].as_str())
        .map(tidy)
        .filter(|l| !l.is_empty())
        .collect();
    let text = lines.join("\n");
    (text.chars().count() >= MIN_ENTRY_CHARS).then_some(Entry { published, text })
}

/// Entries told by the markup: sibling blocks that each carry a `<time datetime>`, with text
/// of their own (not a list of links, not comments). The parent holding the most such blocks
/// is the blog; two are needed.
fn dom_entries(doc: &Document) -> Vec<Entry> {
    // For each element, its children that hold a dated time, with the first such date.
    let mut dated: HashMap<NodeId, Vec<(NodeId, Date)>> = HashMap::new();
    for time in doc.select("time[datetime]").nodes() {
        let Some(day) = time.attr("datetime").as_deref().and_then(date_of) else {
            continue;
        };
        let mut child = *time;
        while let Some(parent) = child.parent() {
            let children = dated.entry(parent.id).or_default();
            if !children.iter().any(|(id, _)| *id == child.id) {
                children.push((child.id, day));
            }
            child = parent;
        }
    }
    let best = dated
        .iter()
        .map(|(parent, children)| {
            let entries: Vec<Entry> = children
                .iter()
                .filter_map(|(id, day)| entry_of(&NodeRef::new(*id, &doc.tree), *day))
                .collect();
            (*parent, entries)
        })
        .filter(|(parent, entries)| {
            entries.len() >= 2 && !in_furniture(&NodeRef::new(*parent, &doc.tree))
        })
        .max_by_key(|(parent, entries)| (entries.len(), std::cmp::Reverse(*parent)));
    best.map(|(_, entries)| entries).unwrap_or_default()
}

/// An entry's text without its time stamp, if it is an entry.
fn entry_of(node: &NodeRef<'_>, published: Date) -> Option<Entry> {
    if !node.is_element() || is_furniture(node) {
        return None;
    }
    let stamps: Vec<String> = node
        .descendants_it()
        .filter(|d| d.node_name().is_some_and(|n| &*n == "time"))
        .map(|t| clean_line(&t.text()))
        .collect();
    let text: Vec<String> = tidy(&node.formatted_text())
        .lines()
        .filter(|l| !stamps.iter().any(|s| s == l))
        .map(str::to_string)
        .collect();
    let text = text.join("\n");
    let long_enough = text.chars().count() >= MIN_ENTRY_CHARS;
    (long_enough && link_share(node) <= MAX_LINK_SHARE).then_some(Entry { published, text })
}

/// Takes out what is never the article: navigation, asides, forms, footers, comments, shares,
/// and blocks whose text is mostly links (related stories), which readability may keep when
/// they sit inside the article's element.
fn strip_furniture(doc: &Document) {
    for node in doc.select("body *").nodes() {
        if !node.is_element() || node.parent().is_none() {
            continue;
        }
        let blocky = node
            .node_name()
            .is_some_and(|n| matches!(&*n, "section" | "div" | "ul" | "ol"));
        if is_furniture(node) || (blocky && link_share(node) > MAX_LINK_SHARE) {
            node.remove_from_parent();
        }
    }
}

/// The share of a block's text that is link text (1 for a block with no text).
fn link_share(node: &NodeRef<'_>) -> f64 {
    let chars = clean_line(&node.text()).chars().count();
    let links: usize = node
        .descendants_it()
        .filter(|d| d.node_name().is_some_and(|n| &*n == "a"))
        .map(|a| clean_line(&a.text()).chars().count())
        .sum();
    if chars == 0 {
        1.0
    } else {
        links as f64 / chars as f64
    }
}

/// Comments, navigation, asides and footers: never a blog's entries.
fn is_furniture(node: &NodeRef<'_>) -> bool {
    let name = node.node_name().map(|n| n.to_string()).unwrap_or_default();
    let marks = format!(
        "{} {}",
        node.class().map(|c| c.to_string()).unwrap_or_default(),
        node.id_attr().map(|c| c.to_string()).unwrap_or_default()
    )
    .to_ascii_lowercase();
    matches!(name.as_str(), "nav" | "footer" | "aside" | "form")
        || ["comment", "related", "footer", "sidebar", "share", "cookie"]
            .iter()
            .any(|m| marks.contains(m))
}

fn in_furniture(node: &NodeRef<'_>) -> bool {
    is_furniture(node) || node.ancestors_it(None).any(|a| is_furniture(&a))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_dates_as_written() {
        assert_eq!(
            date_of("2022-01-05T23:30:00+06:00"),
            Some(jiff::civil::date(2022, 1, 5))
        );
        assert_eq!(date_of("2022-01-05"), Some(jiff::civil::date(2022, 1, 5)));
        assert_eq!(date_of("January 5"), None);
    }

    #[test]
    fn date_headers_in_the_page_language() {
        let d = jiff::civil::date(2022, 1, 5);
        assert_eq!(date_header(d, Lang::Fr), "5 janvier 2022");
        assert_eq!(date_header(d, Lang::En), "January 5, 2022");
    }

    #[test]
    fn reads_a_json_ld_live_blog() {
        let html = r#"<html lang="en"><head><title>Live: unrest in Kazakhstan</title>
<script type="application/ld+json">{"@context":"https://schema.org","@graph":[{"@type":"LiveBlogPosting",
"headline":"Live: unrest in Kazakhstan","datePublished":"2022-01-05T08:00:00+06:00",
"liveBlogUpdate":[
 {"@type":"BlogPosting","headline":"Airport seized","datePublished":"2022-01-05T21:10:00+06:00",
  "articleBody":"Protesters took control of Almaty airport on Wednesday evening."},
 {"@type":"BlogPosting","headline":"Curfew","datePublished":"2022-01-06T07:30:00+06:00",
  "articleBody":"A curfew was imposed in Almaty overnight and the internet stayed down."}]}]}
</script></head><body><h1>Live: unrest in Kazakhstan</h1><p>Updates.</p></body></html>"#;
        let page = read(html, "https://example.org/live").unwrap();
        assert_eq!(page.entries.len(), 2);
        assert_eq!(page.entries[0].published, jiff::civil::date(2022, 1, 5));
        assert_eq!(page.published, Some(jiff::civil::date(2022, 1, 6)));
        assert_eq!(page.lang, Some(Lang::En));
        assert!(
            page.text
                .contains("January 6, 2022\nCurfew\nA curfew was imposed"),
            "{}",
            page.text
        );
    }
}
