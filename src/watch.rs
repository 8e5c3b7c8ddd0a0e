//! Watching feeds: each poll asks whether the feed changed (ETag, Last-Modified: a 304 is a
//! success with nothing new), reads its items, fetches each new item's page once and hands it
//! to an [`Ingest`] (the store itself for `eventmap watch`, the server's write path for
//! `serve`, so its index is swapped in). A feed that fails is retried later, each failure in a
//! row doubling the wait up to [`MAX_BACKOFF`]; nothing a feed does stops the others.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;
use reqwest::StatusCode;

use crate::fetch::{FeedItem, FetchError, Fetcher, Validators, parse_url};
use crate::gazetteer::Gazetteer;
use crate::store::{Feed, Ingested, NewArticle, Polled, Store, StoreError};

/// The longest a failing feed waits for its next poll.
pub const MAX_BACKOFF: Duration = Duration::from_secs(6 * 3600);
/// How often the watcher looks for feeds due (new ones are polled within it).
const TICK: Duration = Duration::from_secs(5);

/// Where a page read from a feed goes.
pub trait Ingest: Send + Sync {
    fn ingest(&self, new: NewArticle) -> impl Future<Output = Result<Ingested, String>> + Send;
}

/// Straight into the store (no server to tell: one that serves it follows its writes).
pub struct StoreIngest(pub Arc<Store>);

impl Ingest for StoreIngest {
    async fn ingest(&self, new: NewArticle) -> Result<Ingested, String> {
        let store = Arc::clone(&self.0);
        tokio::task::spawn_blocking(move || store.add(&new, Gazetteer::embedded()))
            .await
            .map_err(|e| e.to_string())?
            .map_err(|e| e.to_string())
    }
}

/// What one poll of a feed did.
#[derive(Debug, Clone, PartialEq)]
pub enum PollOutcome {
    /// 304: the feed has not changed.
    NotModified,
    Read {
        /// Articles added from new items: (URL, article id, events).
        added: Vec<(String, i64, usize)>,
        /// New items whose page was stored already (from another feed, or ingested by URL).
        known: usize,
        /// New items whose page could not be had: (URL, why).
        failed: Vec<(String, String)>,
    },
    /// The feed itself could not be had or read.
    Failed(String),
}

impl std::fmt::Display for PollOutcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PollOutcome::NotModified => write!(f, "not modified"),
            PollOutcome::Read {
                added,
                known,
                failed,
            } => write!(
                f,
                "ok: {} new, {known} already stored, {} failed",
                added.len(),
                failed.len()
            ),
            PollOutcome::Failed(why) => write!(f, "error: {why}"),
        }
    }
}

/// Polls feeds with one fetcher into one [`Ingest`].
pub struct Watcher<I> {
    store: Arc<Store>,
    fetcher: Fetcher,
    ingest: I,
    every: Duration,
}

/// The wait before the next poll after `failures` failures in a row.
pub fn backoff(every: Duration, failures: u32) -> Duration {
    let factor = 2u32.saturating_pow(failures.min(16));
    every.saturating_mul(factor).min(MAX_BACKOFF.max(every))
}

/// Runs a store call off the async threads.
async fn blocking<T: Send + 'static>(
    store: &Arc<Store>,
    f: impl FnOnce(&Store) -> Result<T, StoreError> + Send + 'static,
) -> Result<T, String> {
    let store = Arc::clone(store);
    tokio::task::spawn_blocking(move || f(&store))
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| e.to_string())
}

/// Whether a page may be had on a later try: the network or the site failed for now.
fn transient(e: &FetchError) -> bool {
    match e {
        FetchError::Network { .. } | FetchError::Timeout { .. } => true,
        FetchError::Status { status, .. } => {
            status.is_server_error() || *status == StatusCode::TOO_MANY_REQUESTS
        }
        _ => false,
    }
}

impl<I: Ingest> Watcher<I> {
    pub fn new(store: Arc<Store>, fetcher: Fetcher, ingest: I, every: Duration) -> Watcher<I> {
        Watcher {
            store,
            fetcher,
            ingest,
            every,
        }
    }

    /// Watches `url` from now on (polled at once); the feed as stored.
    pub async fn add(&self, url: &str) -> Result<Feed, String> {
        let url = parse_url(url).map_err(|e| e.to_string())?.to_string();
        Ok(blocking(&self.store, move |s| s.add_feed(&url)).await?.0)
    }

    /// Polls every stored feed whose time has come, one after another.
    pub async fn poll_due(&self) -> Result<Vec<(Feed, PollOutcome)>, String> {
        let now = Timestamp::now();
        let feeds = blocking(&self.store, |s| s.feeds()).await?;
        let mut polled = Vec::new();
        for feed in feeds {
            let due = feed
                .next_poll_at
                .as_deref()
                .and_then(|t| t.parse::<Timestamp>().ok())
                .is_none_or(|t| t <= now);
            if due {
                let outcome = self.poll(&feed).await;
                polled.push((feed, outcome));
            }
        }
        Ok(polled)
    }

    /// Polls the feeds that are due, for ever, logging what each poll did.
    pub async fn run(&self) {
        loop {
            match self.poll_due().await {
                Ok(polled) => {
                    for (feed, outcome) in polled {
                        match &outcome {
                            PollOutcome::Failed(_) => {
                                tracing::warn!(feed = %feed.url, %outcome, "feed poll failed")
                            }
                            _ => tracing::info!(feed = %feed.url, %outcome, "feed polled"),
                        }
                    }
                }
                Err(e) => tracing::error!(error = %e, "cannot read the feeds"),
            }
            tokio::time::sleep(TICK).await;
        }
    }

    /// Polls one feed now, reads its new items, and records the outcome for the next poll.
    pub async fn poll(&self, feed: &Feed) -> PollOutcome {
        let validators = Validators {
            etag: feed.etag.clone(),
            last_modified: feed.last_modified.clone(),
        };
        let (outcome, title, validators) = match self.fetcher.feed(&feed.url, &validators).await {
            Ok(None) => (PollOutcome::NotModified, None, validators),
            Ok(Some((items, fresh))) => {
                let outcome = self.read_items(feed.id, &items.items).await;
                (outcome, items.title, fresh)
            }
            Err(e) => (PollOutcome::Failed(e.to_string()), None, validators),
        };
        let failures = match outcome {
            PollOutcome::Failed(_) => feed.failures.saturating_add(1),
            _ => 0,
        };
        let next = Timestamp::now()
            .checked_add(backoff(self.every, failures))
            .unwrap_or(Timestamp::MAX);
        let polled = Polled {
            title,
            result: outcome.to_string(),
            error: match &outcome {
                PollOutcome::Failed(e) => Some(e.clone()),
                _ => None,
            },
            failures,
            next_poll_at: next.round(jiff::Unit::Second).unwrap_or(next).to_string(),
            etag: validators.etag,
            last_modified: validators.last_modified,
        };
        let id = feed.id;
        if let Err(e) = blocking(&self.store, move |s| s.record_poll(id, &polled)).await {
            tracing::error!(feed = %feed.url, error = %e, "cannot record the poll");
        }
        outcome
    }

    /// Fetches and ingests the items not read before; an item whose page failed for good is
    /// marked read with why, one that failed for now is tried again next poll.
    async fn read_items(&self, feed_id: i64, items: &[FeedItem]) -> PollOutcome {
        let (mut added, mut known, mut failed) = (Vec::new(), 0, Vec::new());
        for item in items {
            let Some(link) = item.link.as_deref().and_then(|l| parse_url(l).ok()) else {
                continue;
            };
            let link = link.to_string();
            let seen = link.clone();
            match blocking(&self.store, move |s| s.feed_item_seen(feed_id, &seen)).await {
                Ok(false) => {}
                Ok(true) => continue,
                Err(e) => {
                    failed.push((link, e));
                    continue;
                }
            }
            let read = ingest_url(&self.store, &self.fetcher, &self.ingest, &link).await;
            let (article, result) = match read {
                Ok(ingested) if ingested.created => {
                    added.push((link.clone(), ingested.article.id, ingested.events.len()));
                    (Some(ingested.article.id), "added".to_string())
                }
                Ok(ingested) => {
                    known += 1;
                    (Some(ingested.article.id), "already stored".to_string())
                }
                Err((why, retry)) => {
                    tracing::warn!(item = %link, error = %why, "feed item not read");
                    failed.push((link.clone(), why.clone()));
                    if retry {
                        continue;
                    }
                    (None, why)
                }
            };
            let id = item.id.clone();
            let mark = move |s: &Store| s.mark_feed_item(feed_id, &link, &id, article, &result);
            if let Err(e) = blocking(&self.store, mark).await {
                tracing::error!(error = %e, "cannot mark a feed item read");
            }
        }
        PollOutcome::Read {
            added,
            known,
            failed,
        }
    }
}

/// The article of the page at `url` (http(s)): the one already stored from that URL, else the
/// page fetched, read and ingested. The error says why, and whether a later try may do.
pub async fn ingest_url(
    store: &Arc<Store>,
    fetcher: &Fetcher,
    ingest: &impl Ingest,
    url: &str,
) -> Result<Ingested, (String, bool)> {
    let url = parse_url(url)
        .map_err(|e| (e.to_string(), false))?
        .to_string();
    let asked = url.clone();
    if let Some(known) = blocking(store, move |s| s.article_by_url(&asked))
        .await
        .map_err(|e| (e, true))?
    {
        return Ok(known);
    }
    let page = fetcher
        .page(&url)
        .await
        .map_err(|e| (e.to_string(), transient(&e)))?;
    ingest.ingest(page.article()).await.map_err(|e| (e, true))
}

/// An interval as `30s`, `5m`, `1h` (or plain seconds), at least ten seconds.
pub fn parse_interval(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let duration = match text.parse::<u64>() {
        Ok(seconds) => Duration::from_secs(seconds),
        Err(_) => text
            .parse::<jiff::SignedDuration>()
            .ok()
            .and_then(|d| Duration::try_from(d).ok())
            .ok_or_else(|| format!("{text:?} is not an interval such as 30s, 5m or 1h"))?,
    };
    if duration < Duration::from_secs(10) {
        return Err(format!("{text:?} is shorter than ten seconds"));
    }
    Ok(duration)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_a_cap() {
        let every = Duration::from_secs(300);
        assert_eq!(backoff(every, 0), every);
        assert_eq!(backoff(every, 1), Duration::from_secs(600));
        assert_eq!(backoff(every, 3), Duration::from_secs(2400));
        assert_eq!(backoff(every, 30), MAX_BACKOFF);
        // An interval longer than the cap is never shortened by it.
        let daily = Duration::from_secs(86_400);
        assert_eq!(backoff(daily, 2), daily);
    }

    #[test]
    fn reads_intervals() {
        assert_eq!(parse_interval("5m"), Ok(Duration::from_secs(300)));
        assert_eq!(parse_interval("1h"), Ok(Duration::from_secs(3600)));
        assert_eq!(parse_interval("90"), Ok(Duration::from_secs(90)));
        assert!(parse_interval("2s").is_err());
        assert!(parse_interval("often").is_err());
    }
}
