//! The durable store: articles and the events extracted from them, plus analysts' corrections,
//! the feeds watched and a revision that changes with every write — in one of two engines:
//! SQLite in the data directory (the default, [`sqlite`]), or a PostgreSQL/PostGIS database
//! that any number of servers and ingest workers share ([`postgres`]). [`Store`] is the one
//! interface; what both engines share (reading an article, reindexing) is written here once.
//!
//! Events are derived data: [`Store::reindex`] re-extracts every article and re-applies the
//! corrections, which are kept apart from the events they amend.

use std::path::{Path, PathBuf};

use jiff::civil::{Date, date};
use serde::{Deserialize, Deserializer, Serialize};
use sha2::{Digest, Sha256};

use crate::extract::{self, ArticleText, ExtractError, Lang};
use crate::gazetteer::{Gazetteer, PlaceKind};
use crate::merge::Member;
use crate::model::{Event, EventType, GeoPrecision};

mod feeds;
mod members;
mod postgres;
mod sqlite;
pub use feeds::{Feed, Polled};
pub use members::{GroupKey, group_key};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("cannot use the data directory {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Extract(#[from] ExtractError),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    InvalidCorrection(String),
    #[error("{0}")]
    InvalidArticle(String),
    #[error("stored data is damaged: {0}")]
    Corrupt(String),
    #[error("database error: {0}")]
    Postgres(#[from] ::postgres::Error),
    /// The database cannot be reached now (down, restarting, network): worth retrying.
    #[error("the database is unreachable: {0}")]
    Unavailable(String),
    #[error("{0}")]
    BadLocation(String),
}

/// An article to add.
#[derive(Debug, Clone, Default)]
pub struct NewArticle {
    pub text: String,
    pub title: Option<String>,
    pub source_url: Option<String>,
    pub published: Option<Date>,
    pub lang: Option<Lang>,
}

/// Longest title and source URL kept: longer ones are pasted text, not metadata.
pub const MAX_TITLE_CHARS: usize = 500;
pub const MAX_URL_CHARS: usize = 2048;
/// Earliest publication or event date accepted: anything older is a typo in a news archive.
const EARLIEST: Date = date(1900, 1, 1);

/// Checks a publication or event date: from 1900 to tomorrow (UTC, for time zones ahead), as
/// news reports what has happened.
fn check_date(what: &str, d: Date) -> Result<(), String> {
    let days_since_epoch = jiff::Timestamp::now().as_second().div_euclid(86_400) + 1;
    let tomorrow = date(1970, 1, 1)
        .checked_add(jiff::Span::new().days(days_since_epoch))
        .unwrap_or(Date::MAX);
    if (EARLIEST..=tomorrow).contains(&d) {
        Ok(())
    } else {
        Err(format!(
            "{what} {d} is not a plausible date: give one from {EARLIEST} to {tomorrow}"
        ))
    }
}

impl NewArticle {
    /// Refuses metadata that cannot be right, before anything is stored.
    pub fn validate(&self) -> Result<(), StoreError> {
        let bad = |m: String| StoreError::InvalidArticle(m);
        if let Some(d) = self.published {
            check_date("published", d).map_err(bad)?;
        }
        if let Some(title) = &self.title {
            if title.chars().count() > MAX_TITLE_CHARS {
                return Err(bad(format!(
                    "title is longer than {MAX_TITLE_CHARS} characters"
                )));
            }
            if title.chars().any(char::is_control) {
                return Err(bad("title contains control characters".into()));
            }
        }
        // The source is a URL, or a name such as the file an article was read from.
        if let Some(source) = &self.source_url {
            if source.chars().count() > MAX_URL_CHARS || source.chars().any(char::is_control) {
                return Err(bad(format!(
                    "source_url must be at most {MAX_URL_CHARS} characters, without control characters"
                )));
            }
            let scheme = source
                .split_once("://")
                .map(|(s, _)| s.to_ascii_lowercase());
            let is_url = scheme.is_some();
            if scheme.is_some_and(|s| !matches!(s.as_str(), "http" | "https"))
                || (is_url && source.chars().any(char::is_whitespace))
            {
                return Err(bad(format!(
                    "source_url must be an http(s) URL without spaces (or a plain name), got {:?}",
                    source.chars().take(80).collect::<String>()
                )));
            }
        }
        Ok(())
    }
}

/// A stored article, without its text unless asked for.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Article {
    pub id: i64,
    pub title: Option<String>,
    pub source_url: Option<String>,
    pub published: Option<Date>,
    pub lang: String,
    pub content_hash: String,
    pub ingested_at: String,
    pub events: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

/// What adding an article did.
#[derive(Debug, Clone)]
pub struct Ingested {
    pub article: Article,
    pub events: Vec<Event>,
    /// False when the same text was already stored: nothing was added.
    pub created: bool,
    pub warnings: Vec<String>,
}

/// What [`Store::read`] found: the text already stored, or its events ready to commit.
#[derive(Debug)]
pub enum Read {
    Known(Ingested),
    Ready(Reading),
}

/// An article's events, read under a guessed article id, ready for [`Store::commit`].
#[derive(Debug)]
pub struct Reading {
    hash: String,
    id: i64,
    source: String,
    extraction: extract::Extraction,
}

/// What [`Store::commit`] did: stored the article, or found the guess outdated (the id it
/// should be read under now).
#[derive(Debug)]
pub enum Commit {
    Done(Box<Ingested>),
    ReadAgain(i64),
}

impl Commit {
    /// A new article stored with `events`, the extraction's `warnings` and, when it found no
    /// event, a warning that says so.
    fn stored(article: Article, events: Vec<Event>, mut warnings: Vec<String>) -> Commit {
        if events.is_empty() {
            warnings.push("no events were found in this text".into());
        }
        Commit::Done(Box::new(Ingested {
            article,
            events,
            created: true,
            warnings,
        }))
    }
}

/// An analyst's correction of one event. Absent fields are left alone; `null` clears a count.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Correction {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub geonameid: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_date: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_type: Option<EventType>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_event_type: Option<String>,
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub fatalities: Option<Option<u32>>,
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub injuries: Option<Option<u32>>,
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub arrests: Option<Option<u32>>,
}

/// Tells a field given as `null` (Some(None)) from a field not given (None).
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}

impl Correction {
    pub fn is_empty(&self) -> bool {
        *self == Correction::default()
    }

    /// Merges a later correction into this one (later fields win).
    pub(crate) fn merge(&mut self, later: &Correction) {
        macro_rules! take {
            ($($f:ident),*) => { $( if later.$f.is_some() { self.$f = later.$f.clone(); } )* };
        }
        take!(
            geonameid,
            event_date,
            event_type,
            sub_event_type,
            fatalities,
            injuries,
            arrests
        );
    }

    /// Applies the correction, checking it against the gazetteer and ACLED's types.
    pub fn apply(&self, event: &mut Event, gazetteer: &Gazetteer) -> Result<(), StoreError> {
        let bad = |m: String| Err(StoreError::InvalidCorrection(m));
        if let Some(id) = self.geonameid {
            let Some(place) = gazetteer.place(id) else {
                return bad(format!("geonameid {id} is not in the gazetteer"));
            };
            event.place = place.name.clone();
            event.geonameid = Some(place.geonameid);
            event.lon = place.lon;
            event.lat = place.lat;
            event.country_code = place.country_code.clone();
            event.admin1 = place.admin1.clone();
            event.geo_precision = match place.kind {
                PlaceKind::City => GeoPrecision::City,
                PlaceKind::Region => GeoPrecision::Region,
                PlaceKind::Country => GeoPrecision::Country,
            };
            // The analyst chose the place: as sure as it gets.
            event.geo_confidence = Some(1.0);
            event.geo_reason = Some("analyst".into());
        }
        if let Some(d) = self.event_date {
            check_date("event_date", d).or_else(bad)?;
            event.event_date = d;
        }
        if let Some(t) = self.event_type {
            event.event_type = t;
        }
        if let Some(s) = &self.sub_event_type {
            event.sub_event_type = s.clone();
        }
        match event
            .event_type
            .canonical_sub_event_type(&event.sub_event_type)
        {
            Some(s) => event.sub_event_type = s.to_string(),
            None => {
                return bad(format!(
                    "sub_event_type {:?} is not one of {}'s: {}",
                    event.sub_event_type,
                    event.event_type.label(),
                    event.event_type.sub_event_types().join(", ")
                ));
            }
        }
        if let Some(n) = self.fatalities {
            event.fatalities = n;
            event
                .count_qualifiers
                .remove(&crate::model::CountKind::Fatalities);
        }
        if let Some(n) = self.injuries {
            event.injuries = n;
            event
                .count_qualifiers
                .remove(&crate::model::CountKind::Injuries);
        }
        if let Some(n) = self.arrests {
            event.arrests = n;
            event
                .count_qualifiers
                .remove(&crate::model::CountKind::Arrests);
        }
        event.corrected = true;
        Ok(())
    }
}

/// Id of a stored event: the article it came from and the extractor's stable hash.
fn stored_event_id(article_id: i64, extracted_id: &str) -> String {
    format!("a{article_id}-{}", extracted_id.trim_start_matches("ev-"))
}

/// Now, to the second, as the store writes times.
fn now() -> String {
    jiff::Timestamp::now()
        .round(jiff::Unit::Second)
        .unwrap_or(jiff::Timestamp::UNIX_EPOCH)
        .to_string()
}

fn content_hash(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn article_source(id: i64, url: Option<&str>, title: Option<&str>) -> String {
    url.or(title)
        .map_or_else(|| format!("article {id}"), str::to_string)
}

/// Gives extracted events their stored ids and article id.
fn stamp(article_id: i64, events: Vec<Event>) -> Vec<Event> {
    events
        .into_iter()
        .map(|mut e| {
            e.id = stored_event_id(article_id, &e.id);
            e.article_id = Some(article_id);
            e
        })
        .collect()
}

/// Re-applies an article's kept corrections (`(event_id, correction JSON)`) to its events as
/// just re-extracted; returns how many corrections found their event gone.
fn apply_corrections(
    events: &mut [Event],
    corrections: Vec<(String, String)>,
    gazetteer: &Gazetteer,
) -> Result<usize, StoreError> {
    let mut orphans = 0;
    for (event_id, correction) in corrections {
        let correction: Correction =
            serde_json::from_str(&correction).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        match events.iter_mut().find(|e| e.id == event_id) {
            Some(e) => correction.apply(e, gazetteer)?,
            None => orphans += 1,
        }
    }
    Ok(orphans)
}

/// What writes changed: the groups of merged events (day, type) they touched, and the stored
/// events they removed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Changes {
    pub keys: Vec<GroupKey>,
    pub gone: Vec<String>,
}

/// Where a store is: `sqlite:DIR` (or a bare directory) or `postgres://user@host:port/db`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    Sqlite(PathBuf),
    Postgres(String),
}

impl std::str::FromStr for Location {
    type Err = StoreError;

    fn from_str(s: &str) -> Result<Location, StoreError> {
        if s.starts_with("postgres://") || s.starts_with("postgresql://") {
            return Ok(Location::Postgres(s.to_string()));
        }
        let dir = s.strip_prefix("sqlite:").unwrap_or(s);
        if dir.is_empty() || dir.contains("://") {
            return Err(StoreError::BadLocation(format!(
                "{s:?} is not a store: give sqlite:DIR or postgres://user@host:port/db"
            )));
        }
        Ok(Location::Sqlite(PathBuf::from(dir)))
    }
}

/// The store, in whichever engine it lives.
pub struct Store {
    engine: Engine,
}

enum Engine {
    Sqlite(sqlite::Sqlite),
    // Boxed: its connection state is large, and a store is made once.
    Postgres(Box<postgres::Postgres>),
}

/// Runs the same call on whichever engine the store has.
macro_rules! on_engine {
    ($store:expr, $e:ident => $call:expr) => {
        match &$store.engine {
            Engine::Sqlite($e) => $call,
            Engine::Postgres($e) => $call,
        }
    };
}

impl Store {
    /// Opens (creating if needed) the SQLite store in `dir`. A new store starts with the seed
    /// article.
    pub fn open(dir: &Path, gazetteer: &Gazetteer) -> Result<Store, StoreError> {
        let (engine, created) = sqlite::Sqlite::open(dir)?;
        Store::seeded(Engine::Sqlite(engine), created, gazetteer)
    }

    /// Opens (creating or migrating if needed) the store at `location`.
    pub fn open_at(location: &Location, gazetteer: &Gazetteer) -> Result<Store, StoreError> {
        match location {
            Location::Sqlite(dir) => Store::open(dir, gazetteer),
            Location::Postgres(url) => {
                let (engine, created) = postgres::Postgres::open(url)?;
                Store::seeded(Engine::Postgres(Box::new(engine)), created, gazetteer)
            }
        }
    }

    fn seeded(engine: Engine, created: bool, gazetteer: &Gazetteer) -> Result<Store, StoreError> {
        let store = Store { engine };
        if created {
            let seed = extract::seed_article();
            store.add(
                &NewArticle {
                    text: seed.text.to_string(),
                    title: Some("Kazakhstan, janvier 2022 (live-blog)".into()),
                    source_url: Some(seed.source.to_string()),
                    published: seed.published,
                    lang: seed.lang,
                },
                gazetteer,
            )?;
        }
        Ok(store)
    }

    /// The SQLite database file; empty for a PostgreSQL store, which has no file of its own
    /// ([`Store::describe`] says where it is).
    pub fn path(&self) -> &Path {
        match &self.engine {
            Engine::Sqlite(e) => e.path(),
            Engine::Postgres(_) => Path::new(""),
        }
    }

    /// Where the store is, for logs: the SQLite file, or the database URL without a password.
    pub fn describe(&self) -> String {
        match &self.engine {
            Engine::Sqlite(e) => e.path().display().to_string(),
            Engine::Postgres(e) => e.describe(),
        }
    }

    /// Adds an article and its events in one transaction. The same text twice is one article.
    pub fn add(&self, new: &NewArticle, gazetteer: &Gazetteer) -> Result<Ingested, StoreError> {
        let mut guess = None;
        loop {
            let reading = match self.read(new, gazetteer, guess)? {
                Read::Known(known) => return Ok(known),
                Read::Ready(reading) => reading,
            };
            match self.commit(new, reading)? {
                Commit::Done(ingested) => return Ok(*ingested),
                Commit::ReadAgain(id) => guess = Some(id),
            }
        }
    }

    /// The first half of [`Store::add`]: extracts the article's events without locking the
    /// store, so that a long article keeps no reader or writer waiting. Its events' ids name
    /// the article's id when it has no URL or title: the id is guessed (`guess`, else the next
    /// one now) and checked by [`Store::commit`].
    pub fn read(
        &self,
        new: &NewArticle,
        gazetteer: &Gazetteer,
        guess: Option<i64>,
    ) -> Result<Read, StoreError> {
        new.validate()?;
        let hash = content_hash(&new.text);
        if let Some(known) = self.known(&hash)? {
            return Ok(Read::Known(known));
        }
        let id = match guess {
            Some(id) => id,
            None => on_engine!(self, e => e.next_article_id())?,
        };
        let source = article_source(id, new.source_url.as_deref(), new.title.as_deref());
        let extraction = extract::extract(
            gazetteer,
            &ArticleText {
                text: &new.text,
                source: &source,
                published: new.published,
                lang: new.lang,
            },
        )?;
        Ok(Read::Ready(Reading {
            hash,
            id,
            source,
            extraction,
        }))
    }

    /// The second half of [`Store::add`]: stores what [`Store::read`] read, in one short
    /// transaction — or says to read again, when another writer took the guessed id (or stored
    /// the same text) meanwhile.
    pub fn commit(&self, new: &NewArticle, reading: Reading) -> Result<Commit, StoreError> {
        on_engine!(self, e => e.commit(new, reading))
    }

    /// The article with this text, if stored, as adding it again reports it.
    fn known(&self, hash: &str) -> Result<Option<Ingested>, StoreError> {
        on_engine!(self, e => e.article_by_hash(hash))?
            .map(|article| self.again(article))
            .transpose()
    }

    /// A stored article and its events, as adding it again reports it (nothing created).
    fn again(&self, article: Article) -> Result<Ingested, StoreError> {
        let events = self.article_events(article.id)?;
        Ok(Ingested {
            article,
            events,
            created: false,
            warnings: vec![],
        })
    }

    /// The article stored from `url`, as adding it again reports it.
    pub fn article_by_url(&self, url: &str) -> Result<Option<Ingested>, StoreError> {
        on_engine!(self, e => e.article_id_by_url(url))?
            .map(|id| self.article(id, false))
            .transpose()?
            .flatten()
            .map(|article| self.again(article))
            .transpose()
    }

    pub fn article(&self, id: i64, with_text: bool) -> Result<Option<Article>, StoreError> {
        on_engine!(self, e => e.article(id, with_text))
    }

    pub fn articles(&self) -> Result<Vec<Article>, StoreError> {
        on_engine!(self, e => e.articles())
    }

    /// Deletes an article with its events and corrections, and says which events went; `None`
    /// when there was no such article.
    pub fn delete(&self, id: i64) -> Result<Option<Vec<String>>, StoreError> {
        let events = self.delete_article(id)?;
        Ok(events.map(|events| events.into_iter().map(|e| e.id).collect()))
    }

    /// [`Store::delete`], saying which events went (their days and types are the groups of
    /// merged events the deletion changes).
    pub fn delete_article(&self, id: i64) -> Result<Option<Vec<Event>>, StoreError> {
        on_engine!(self, e => e.delete_article(id))
    }

    pub fn article_events(&self, article_id: i64) -> Result<Vec<Event>, StoreError> {
        on_engine!(self, e => e.article_events(article_id))
    }

    /// Every stored event (corrections applied).
    pub fn events(&self) -> Result<Vec<Event>, StoreError> {
        let mut events = Vec::new();
        self.each_event(|e| events.push(e))?;
        Ok(events)
    }

    /// Every stored event, handed to `each` one at a time, so a large store is never in memory
    /// twice (as stored events and as what is built from them). Returns how many there were.
    pub fn each_event(&self, mut each: impl FnMut(Event)) -> Result<usize, StoreError> {
        on_engine!(self, e => e.each_event(&mut each))
    }

    /// The stored event with this id (a member's, as extracted and corrected).
    pub fn event(&self, id: &str) -> Result<Option<Event>, StoreError> {
        on_engine!(self, e => e.event(id))
    }

    /// Every stored event, merged: what the server serves.
    pub fn merged_events(&self) -> Result<Vec<Event>, StoreError> {
        on_engine!(self, e => e.merged_events())
    }

    /// The stored events of these days and types, with their articles' dates and names.
    pub fn members_of(&self, keys: &[GroupKey]) -> Result<Vec<Member>, StoreError> {
        let mut keys = keys.to_vec();
        keys.sort();
        keys.dedup();
        on_engine!(self, e => e.members_of(&keys))
    }

    /// Corrects one event; the correction is kept and survives reindexing.
    pub fn correct(
        &self,
        event_id: &str,
        correction: &Correction,
        gazetteer: &Gazetteer,
    ) -> Result<Event, StoreError> {
        on_engine!(self, e => e.correct(event_id, correction, gazetteer))
    }

    /// Re-extracts every article with the current extractor and re-applies the corrections,
    /// one transaction per article. `progress` sees (done, total). Returns (articles, events,
    /// corrections whose event is gone).
    pub fn reindex(
        &self,
        gazetteer: &Gazetteer,
        mut progress: impl FnMut(usize, usize),
    ) -> Result<(usize, usize, usize), StoreError> {
        let articles = self.articles()?;
        let (mut n_events, mut orphans) = (0, 0);
        for (done, article) in articles.iter().enumerate() {
            let full = self
                .article(article.id, true)?
                .ok_or_else(|| StoreError::NotFound(format!("article {}", article.id)))?;
            let text = full.text.unwrap_or_default();
            let source = article_source(
                article.id,
                article.source_url.as_deref(),
                article.title.as_deref(),
            );
            let extraction = extract::extract(
                gazetteer,
                &ArticleText {
                    text: &text,
                    source: &source,
                    published: article.published,
                    lang: article.lang.parse().ok(),
                },
            )?;
            let events = stamp(article.id, extraction.events);
            let (kept, gone) =
                on_engine!(self, e => e.replace_events(article.id, events, gazetteer))?;
            n_events += kept;
            orphans += gone;
            progress(done + 1, articles.len());
        }
        Ok((articles.len(), n_events, orphans))
    }

    /// Changes whenever another process commits to the store (this process's own writes
    /// leave it alone: the server has applied them already).
    pub fn data_version(&self) -> Result<i64, StoreError> {
        on_engine!(self, e => e.data_version())
    }

    /// [`Store::data_version`] as it was when the store was opened, when the engine keeps it
    /// (PostgreSQL counts other processes' writes from the opening: 0); SQLite does not, and
    /// its version is read when following starts.
    pub fn data_version_at_open(&self) -> Option<i64> {
        match &self.engine {
            Engine::Sqlite(_) => None,
            Engine::Postgres(_) => Some(0),
        }
    }

    /// What was written since the last call, for a server to follow other processes' writes
    /// without reading every event: `None` when the engine cannot tell (SQLite) or no longer
    /// knows (a server too far behind), and everything must be read again.
    pub fn changes_since_followed(&self) -> Result<Option<Changes>, StoreError> {
        match &self.engine {
            Engine::Sqlite(_) => Ok(None),
            Engine::Postgres(e) => e.changes_since_followed(),
        }
    }

    /// Calls `changed` whenever another process may have written, as soon as the database
    /// says so (PostgreSQL's `LISTEN`), from a thread of its own that reconnects after a
    /// fault. SQLite cannot tell: nothing is called, and [`Store::data_version`] is polled.
    pub fn listen(&self, changed: impl Fn() + Send + 'static) {
        if let Engine::Postgres(e) = &self.engine {
            e.listen(Box::new(changed));
        }
    }
}

/// The feeds watched ([`feeds`]), in either engine.
impl Store {
    /// Watches `url` (already checked to be an http(s) URL); false when it was watched already.
    pub fn add_feed(&self, url: &str) -> Result<(Feed, bool), StoreError> {
        on_engine!(self, e => e.add_feed(url))
    }

    pub fn feeds(&self) -> Result<Vec<Feed>, StoreError> {
        on_engine!(self, e => e.feeds())
    }

    pub fn feed(&self, id: i64) -> Result<Option<Feed>, StoreError> {
        on_engine!(self, e => e.feed(id))
    }

    /// Stops watching a feed (its articles stay); false when there was no such feed.
    pub fn delete_feed(&self, id: i64) -> Result<bool, StoreError> {
        on_engine!(self, e => e.delete_feed(id))
    }

    /// Keeps what a poll found, for `/status` and the next poll.
    pub fn record_poll(&self, id: i64, polled: &Polled) -> Result<(), StoreError> {
        on_engine!(self, e => e.record_poll(id, polled))
    }

    /// Whether a feed's item linking to `link` was read already.
    pub fn feed_item_seen(&self, feed_id: i64, link: &str) -> Result<bool, StoreError> {
        on_engine!(self, e => e.feed_item_seen(feed_id, link))
    }

    /// Marks an item read: the article it gave, or why it gave none.
    pub fn mark_feed_item(
        &self,
        feed_id: i64,
        link: &str,
        item_id: &str,
        article_id: Option<i64>,
        result: &str,
    ) -> Result<(), StoreError> {
        on_engine!(self, e => e.mark_feed_item(feed_id, link, item_id, article_id, result))
    }
}
