//! A feed's items (RSS 2.0, Atom, JSON Feed, via feed-rs): the pages to fetch.

use jiff::Timestamp;

use super::FetchError;

/// What a feed lists.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedItems {
    pub title: Option<String>,
    pub items: Vec<FeedItem>,
}

/// One item: its id (the feed's, else its link) and the page it links to, made absolute.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedItem {
    pub id: String,
    pub link: Option<String>,
    pub title: Option<String>,
    pub published: Option<Timestamp>,
}

/// Reads `body`, fetched from `url`; relative links are resolved against it.
pub fn read(body: &str, url: &str) -> Result<FeedItems, FetchError> {
    let feed = feed_rs::parser::Builder::new()
        .base_uri(Some(url))
        .build()
        .parse(body.as_bytes())
        .map_err(|e| FetchError::NotFeed {
            url: url.into(),
            reason: e.to_string(),
        })?;
    let base = url::Url::parse(url).ok();
    let items = feed
        .entries
        .into_iter()
        .map(|entry| {
            // The page an item is about: its alternate link, else its first.
            let link = entry
                .links
                .iter()
                .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
                .or(entry.links.first())
                .and_then(|l| absolute(base.as_ref(), &l.href));
            let published = entry
                .published
                .or(entry.updated)
                .and_then(|t| Timestamp::from_second(t.timestamp()).ok());
            FeedItem {
                id: entry.id,
                link,
                title: entry.title.map(|t| t.content),
                published,
            }
        })
        .collect();
    Ok(FeedItems {
        title: feed.title.map(|t| t.content),
        items,
    })
}

fn absolute(base: Option<&url::Url>, href: &str) -> Option<String> {
    let href = href.trim();
    match base {
        Some(b) => b.join(href).ok().map(String::from),
        None => url::Url::parse(href).ok().map(String::from),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_json_feed_with_relative_links() {
        let body = r#"{"version":"https://jsonfeed.org/version/1.1","title":"Wire",
            "items":[{"id":"1","url":"/news/one.html","title":"One","date_published":"2022-01-05T10:00:00Z"},
                     {"id":"2","url":"https://other.example/two","title":"Two"}]}"#;
        let feed = read(body, "https://example.org/feed.json").unwrap();
        assert_eq!(feed.title.as_deref(), Some("Wire"));
        let links: Vec<_> = feed.items.iter().map(|i| i.link.as_deref()).collect();
        assert_eq!(
            links,
            [
                Some("https://example.org/news/one.html"),
                Some("https://other.example/two")
            ]
        );
        assert_eq!(feed.items[0].id, "1");
    }

    #[test]
    fn refuses_what_is_no_feed() {
        let err = read("<html><body>hello</body></html>", "https://example.org/").unwrap_err();
        assert!(matches!(err, FetchError::NotFeed { .. }), "{err}");
    }
}
