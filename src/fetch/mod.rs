//! Fetching web pages and feeds over HTTP(S), and reading them: [`page`] takes an HTML page's
//! article (or a live blog's entries), [`feed`] an RSS, Atom or JSON feed's items.
//!
//! What a fetch may reach is guarded here, in one place: http(s) only, no private, loopback or
//! link-local address (every address a host resolves to is checked, by the resolver that the
//! connection itself uses, so a second lookup cannot answer differently), redirects followed
//! one by one (each checked again, at most [`FetchOptions::max_redirects`], a loop refused),
//! a cap on the body, timeouts, and no proxy from the environment (it would reach past the
//! guard).

pub mod feed;
mod guard;
pub mod page;

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{
    CONTENT_TYPE, ETAG, HeaderMap, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED, LOCATION,
};
use reqwest::{StatusCode, Url};

pub use feed::{FeedItem, FeedItems};
pub use guard::is_public;
pub use page::{Entry, Page};

/// What eventmap says it is to the sites it reads.
pub const USER_AGENT: &str = concat!(
    "eventmap/",
    env!("CARGO_PKG_VERSION"),
    " (+https://github.com/eventmap/eventmap)"
);

/// How a fetch is bounded.
#[derive(Debug, Clone)]
pub struct FetchOptions {
    /// Allow hosts that resolve to private, loopback or link-local addresses (a test site, an
    /// intranet): off by default, as a server fetching what clients name must not reach them.
    pub allow_private: bool,
    /// Largest body read, after decompression.
    pub max_bytes: u64,
    /// Each request of a fetch, its body included.
    pub timeout: Duration,
    /// Resolving a host and connecting to it.
    pub connect_timeout: Duration,
    pub max_redirects: usize,
}

/// What a page fetch asks for.
const PAGE_ACCEPT: &str = "text/html,application/xhtml+xml;q=0.9,text/plain;q=0.5";
/// What a feed fetch asks for.
const FEED_ACCEPT: &str = "application/rss+xml,application/atom+xml,application/feed+json,application/xml;q=0.9,text/xml;q=0.9,application/json;q=0.8,*/*;q=0.1";

/// Default body cap: a news page is well under it; more is a file, not an article.
pub const DEFAULT_MAX_BYTES: u64 = 5 * 1024 * 1024;

impl Default for FetchOptions {
    fn default() -> FetchOptions {
        FetchOptions {
            allow_private: false,
            max_bytes: DEFAULT_MAX_BYTES,
            timeout: Duration::from_secs(20),
            connect_timeout: Duration::from_secs(5),
            max_redirects: 5,
        }
    }
}

/// Why a page or a feed could not be had. The API maps each to a status: the request's fault
/// (400), what was fetched cannot be used (422), the site failed (502, 504).
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("{0}")]
    BadUrl(String),
    #[error(
        "{url} is not fetched: {host} resolves to {addr}, a private, loopback or link-local address (allow it with --allow-private-urls)"
    )]
    Private {
        url: String,
        host: String,
        addr: std::net::IpAddr,
    },
    #[error("{url} answered {status}")]
    Status { url: String, status: StatusCode },
    #[error("{url} redirects in a loop (back to {again})")]
    RedirectLoop { url: String, again: String },
    #[error("{url} redirects more than {max} times")]
    TooManyRedirects { url: String, max: usize },
    #[error("{url} is larger than the limit of {limit} bytes")]
    TooLarge { url: String, limit: u64 },
    #[error("{url} is {content_type:?}, not an HTML page or a text")]
    NotPage { url: String, content_type: String },
    #[error("{url} has no article text")]
    NoArticle { url: String },
    #[error("{url} is not an RSS, Atom or JSON feed: {reason}")]
    NotFeed { url: String, reason: String },
    #[error("{url} did not answer within {seconds} s")]
    Timeout { url: String, seconds: u64 },
    #[error("cannot fetch {url}: {reason}")]
    Network { url: String, reason: String },
}

/// What a site said of a resource last time, to ask whether it changed (RFC 9110 §13).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// A body fetched, with where it ended up (after redirects) and its validators.
#[derive(Debug, Clone)]
pub struct Fetched {
    pub url: Url,
    /// Media type, lower case, without parameters.
    pub media_type: String,
    pub text: String,
    pub validators: Validators,
}

/// The answer to a conditional fetch.
#[derive(Debug, Clone)]
pub enum Fetch {
    Fetched(Fetched),
    /// 304: nothing changed since the validators given.
    NotModified,
}

/// An HTTP client with the guard and the bounds of [`FetchOptions`]; cheap to clone.
#[derive(Clone)]
pub struct Fetcher {
    client: reqwest::Client,
    options: Arc<FetchOptions>,
}

/// A URL given by a user or a feed, parsed and refused unless it is http(s) with a host.
pub fn parse_url(url: &str) -> Result<Url, FetchError> {
    let parsed = Url::parse(url.trim())
        .map_err(|e| FetchError::BadUrl(format!("{url:?} is not a URL: {e}")))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none_or(str::is_empty) {
        return Err(FetchError::BadUrl(format!(
            "{url:?} is not an http(s) URL: only http:// and https:// pages are fetched"
        )));
    }
    Ok(parsed)
}

impl Fetcher {
    pub fn new(options: FetchOptions) -> Result<Fetcher, FetchError> {
        // reqwest takes rustls's process-wide provider; ring is ours (no aws-lc build). Another
        // part of the process may have installed one already, which is as good.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .timeout(options.timeout)
            .connect_timeout(options.connect_timeout)
            .dns_resolver(Arc::new(guard::GuardedResolver {
                allow_private: options.allow_private,
                timeout: options.connect_timeout,
            }))
            .build()
            .map_err(|e| FetchError::Network {
                url: String::new(),
                reason: format!("cannot set up the HTTP client: {e}"),
            })?;
        Ok(Fetcher {
            client,
            options: Arc::new(options),
        })
    }

    pub fn options(&self) -> &FetchOptions {
        &self.options
    }

    /// GETs `url`, following redirects under the guard, asking `accept`, and reads the body as
    /// text (its charset, else UTF-8). With `validators`, a 304 is [`Fetch::NotModified`].
    pub async fn get(
        &self,
        url: &str,
        accept: &str,
        validators: Option<&Validators>,
    ) -> Result<Fetch, FetchError> {
        let asked = parse_url(url)?;
        let mut current = asked.clone();
        let mut seen = HashSet::from([current.to_string()]);
        for _ in 0..=self.options.max_redirects {
            let response = self.send(&current, accept, validators).await?;
            let status = response.status();
            if status == StatusCode::NOT_MODIFIED && validators.is_some() {
                return Ok(Fetch::NotModified);
            }
            if status.is_redirection() {
                let next = redirect_target(&current, response.headers())?;
                if !seen.insert(next.to_string()) {
                    return Err(FetchError::RedirectLoop {
                        url: asked.to_string(),
                        again: next.to_string(),
                    });
                }
                current = next;
                continue;
            }
            if !status.is_success() {
                return Err(FetchError::Status {
                    url: current.to_string(),
                    status,
                });
            }
            return self.read(current, response).await.map(Fetch::Fetched);
        }
        Err(FetchError::TooManyRedirects {
            url: asked.to_string(),
            max: self.options.max_redirects,
        })
    }

    /// The page at `url`, read: an HTML page's article or live blog, or a plain text as it is.
    /// The page's URL is `url` as asked (normalised), which identifies it in the store.
    pub async fn page(&self, url: &str) -> Result<Page, FetchError> {
        let asked = parse_url(url)?.to_string();
        let Fetch::Fetched(fetched) = self.get(&asked, PAGE_ACCEPT, None).await? else {
            return Err(FetchError::Network {
                url: asked,
                reason: "a 304 to an unconditional request".into(),
            });
        };
        match fetched.media_type.as_str() {
            "text/html" | "application/xhtml+xml" => page::read(&fetched.text, &asked),
            "text/plain" => page::plain(&fetched.text, &asked),
            other => Err(FetchError::NotPage {
                url: asked,
                content_type: other.to_string(),
            }),
        }
    }

    /// The items of the feed at `url`, unless it is unchanged since `validators` (then
    /// `None`); with the validators to send next time.
    pub async fn feed(
        &self,
        url: &str,
        validators: &Validators,
    ) -> Result<Option<(FeedItems, Validators)>, FetchError> {
        match self.get(url, FEED_ACCEPT, Some(validators)).await? {
            Fetch::NotModified => Ok(None),
            Fetch::Fetched(fetched) => {
                let items = feed::read(&fetched.text, fetched.url.as_str())?;
                Ok(Some((items, fetched.validators)))
            }
        }
    }

    /// One request, its URL checked first (a literal address never reaches the resolver).
    async fn send(
        &self,
        url: &Url,
        accept: &str,
        validators: Option<&Validators>,
    ) -> Result<reqwest::Response, FetchError> {
        guard::check_literal(url, self.options.allow_private)?;
        let mut request = self
            .client
            .get(url.clone())
            .header(reqwest::header::ACCEPT, accept);
        if let Some(v) = validators {
            if let Some(etag) = &v.etag {
                request = request.header(IF_NONE_MATCH, etag);
            }
            if let Some(date) = &v.last_modified {
                request = request.header(IF_MODIFIED_SINCE, date);
            }
        }
        request.send().await.map_err(|e| self.failure(url, &e))
    }

    /// The body, up to the cap, as text.
    async fn read(&self, url: Url, mut response: reqwest::Response) -> Result<Fetched, FetchError> {
        let limit = self.options.max_bytes;
        let too_large = || FetchError::TooLarge {
            url: url.to_string(),
            limit,
        };
        if response.content_length().is_some_and(|n| n > limit) {
            return Err(too_large());
        }
        let headers = response.headers().clone();
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| self.failure(&url, &e))? {
            if body.len() as u64 + chunk.len() as u64 > limit {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        let content_type = header_text(&headers, &CONTENT_TYPE).unwrap_or_default();
        let media_type = content_type
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        Ok(Fetched {
            text: decode(&body, &content_type),
            media_type,
            validators: Validators {
                etag: header_text(&headers, &ETAG),
                last_modified: header_text(&headers, &LAST_MODIFIED),
            },
            url,
        })
    }

    /// A client error as ours: the guard's refusal, a timeout, or what the network said.
    fn failure(&self, url: &Url, e: &reqwest::Error) -> FetchError {
        if let Some(refused) = guard::refusal(e) {
            return FetchError::Private {
                url: url.to_string(),
                host: refused.host.clone(),
                addr: refused.addr,
            };
        }
        if e.is_timeout() {
            return FetchError::Timeout {
                url: url.to_string(),
                seconds: self.options.timeout.as_secs(),
            };
        }
        let mut reason = e.to_string();
        let mut source = std::error::Error::source(e);
        while let Some(s) = source {
            reason = format!("{reason}: {s}");
            source = s.source();
        }
        FetchError::Network {
            url: url.to_string(),
            reason,
        }
    }
}

/// Where a 3xx points, resolved against the URL that answered it.
fn redirect_target(from: &Url, headers: &HeaderMap) -> Result<Url, FetchError> {
    let location = header_text(headers, &LOCATION).ok_or_else(|| FetchError::Network {
        url: from.to_string(),
        reason: "a redirect without a Location".into(),
    })?;
    let next = from.join(&location).map_err(|e| FetchError::Network {
        url: from.to_string(),
        reason: format!("a redirect to {location:?}, not a URL: {e}"),
    })?;
    parse_url(next.as_str())
}

fn header_text(headers: &HeaderMap, name: &reqwest::header::HeaderName) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

/// The body as text: in the charset its Content-Type names, else the one an HTML `<meta>`
/// names near the start, else UTF-8 (bad bytes replaced).
fn decode(body: &[u8], content_type: &str) -> String {
    let label = charset_of(content_type).or_else(|| {
        let head = String::from_utf8_lossy(&body[..body.len().min(2048)]).to_ascii_lowercase();
        let at = head.find("charset=")? + "charset=".len();
        let value: String = head[at..]
            .trim_start_matches(['"', '\''])
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
            .collect();
        Some(value)
    });
    let encoding = label
        .and_then(|l| encoding_rs::Encoding::for_label(l.as_bytes()))
        .unwrap_or(encoding_rs::UTF_8);
    encoding.decode(body).0.into_owned()
}

fn charset_of(content_type: &str) -> Option<String> {
    content_type.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| v.trim().trim_matches('"').to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_what_is_not_http() {
        for url in [
            "ftp://example.org/a",
            "file:///etc/passwd",
            "example.org",
            "http://",
        ] {
            assert!(
                matches!(parse_url(url), Err(FetchError::BadUrl(_))),
                "{url}"
            );
        }
        assert!(parse_url("https://example.org/a?b=c").is_ok());
    }

    #[test]
    fn decodes_the_charset_named() {
        let latin1 = b"caf\xe9";
        assert_eq!(decode(latin1, "text/html; charset=ISO-8859-1"), "café");
        let meta = b"<meta charset=\"windows-1252\"><p>caf\xe9";
        assert!(decode(meta, "text/html").ends_with("café"));
        assert_eq!(decode("café".as_bytes(), "text/html"), "café");
    }
}
