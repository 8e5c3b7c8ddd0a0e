//! The durable store: articles and the events extracted from them, plus analysts' corrections,
//! in one SQLite database (WAL, one transaction per write) under the data directory.
//!
//! Events are derived data: [`Store::reindex`] re-extracts every article and re-applies the
//! corrections, which are kept apart from the events they amend.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use jiff::civil::{Date, date};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use serde::{Deserialize, Deserializer, Serialize};
use sha2::{Digest, Sha256};

use crate::extract::{self, ArticleText, ExtractError, Lang};
use crate::gazetteer::{Gazetteer, PlaceKind};
use crate::model::{Event, EventType, GeoPrecision};

mod feeds;
mod members;
pub use feeds::{Feed, Polled};
pub use members::{GroupKey, group_key};

const DB_FILE: &str = "eventmap.sqlite";
/// 2: article ids are `AUTOINCREMENT`, never given again after a delete (1 reused the highest).
/// 3: event features have flat properties (qualifier and actor columns, not an object and an
/// array), so tools reading the table directly see the API's shape.
/// 4: the feeds watched and their items read ([`feeds`]), articles found by URL.
const SCHEMA_VERSION: i64 = 4;

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

/// The database. One connection behind a mutex: SQLite serialises writers anyway, and the
/// server's readers use the in-memory index, not this.
pub struct Store {
    conn: Mutex<Connection>,
    path: PathBuf,
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

impl Store {
    /// Opens (creating if needed) the store in `dir`. A new store starts with the seed article.
    pub fn open(dir: &Path, gazetteer: &Gazetteer) -> Result<Store, StoreError> {
        std::fs::create_dir_all(dir).map_err(|source| StoreError::Io {
            path: dir.into(),
            source,
        })?;
        let path = dir.join(DB_FILE);
        let conn = Connection::open(&path)?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        // WAL: readers never block the writer, and a killed process leaves a database that
        // recovers to its last committed transaction.
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        let store = Store {
            conn: Mutex::new(conn),
            path,
        };
        if version == 0 {
            store.create_schema()?;
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
        } else if version < SCHEMA_VERSION {
            if version == 1 {
                store.migrate_to_2()?;
            }
            store.migrate_to_3()?;
            store.migrate_to_4()?;
        } else if version != SCHEMA_VERSION {
            return Err(StoreError::Corrupt(format!(
                "schema version {version}, this eventmap reads {SCHEMA_VERSION}"
            )));
        }
        store.conn().execute_batch(members::MEMBERS_INDEX)?;
        Ok(store)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn conn(&self) -> std::sync::MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave SQLite half-written (transactions roll
        // back on drop), so the connection is still usable.
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn create_schema(&self) -> Result<(), StoreError> {
        self.conn().execute_batch(&format!(
            "BEGIN;
             CREATE TABLE IF NOT EXISTS articles (
                 id INTEGER PRIMARY KEY AUTOINCREMENT,
                 content_hash TEXT NOT NULL UNIQUE,
                 title TEXT, source_url TEXT, published TEXT, lang TEXT NOT NULL,
                 text TEXT NOT NULL, ingested_at TEXT NOT NULL);
             CREATE TABLE IF NOT EXISTS events (
                 id TEXT PRIMARY KEY,
                 article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
                 feature TEXT NOT NULL);
             CREATE INDEX IF NOT EXISTS events_by_article ON events(article_id);
             CREATE TABLE IF NOT EXISTS corrections (
                 event_id TEXT PRIMARY KEY,
                 article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
                 correction TEXT NOT NULL, corrected_at TEXT NOT NULL);
             {}
             PRAGMA user_version = 4;
             COMMIT;",
            feeds::FEEDS_SCHEMA
        ))?;
        Ok(())
    }

    /// Schema 3 to 4: adds the feed tables and the index of articles by URL.
    fn migrate_to_4(&self) -> Result<(), StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        // Another process may have migrated between our reading the version and the lock.
        let version: i64 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
        if version != 3 {
            return Ok(());
        }
        tx.execute_batch(feeds::FEEDS_SCHEMA)?;
        tx.pragma_update(None, "user_version", 4)?;
        tx.commit()?;
        Ok(())
    }

    /// Schema 1 to 2: rebuilds `articles` with `AUTOINCREMENT`, keeping every row. SQLite then
    /// remembers the highest id so far; an id deleted before the migration above the highest
    /// kept one left no trace and can be given once more.
    fn migrate_to_2(&self) -> Result<(), StoreError> {
        let mut conn = self.conn();
        // Dropping the old table with foreign keys on would cascade to every event and
        // correction; the pragma cannot change inside a transaction.
        conn.pragma_update(None, "foreign_keys", "OFF")?;
        let migrated = migrate_articles(&mut conn);
        conn.pragma_update(None, "foreign_keys", "ON")?;
        migrated
    }

    /// Schema 2 to 3: rewrites every stored feature in the flat shape, in one transaction.
    fn migrate_to_3(&self) -> Result<(), StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        // Another process may have migrated between our reading the version and the lock.
        let version: i64 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
        if version != 2 {
            return Ok(());
        }
        let rows: Vec<(String, String)> = tx
            .prepare("SELECT id, feature FROM events")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        {
            let mut update = tx.prepare("UPDATE events SET feature = ?2 WHERE id = ?1")?;
            for (id, feature) in rows {
                let event = Event::from_feature_json(&feature)
                    .map_err(|e| StoreError::Corrupt(format!("event {id}: {e}")))?;
                update.execute(params![id, event.to_feature_json()])?;
            }
        }
        tx.pragma_update(None, "user_version", 3)?;
        tx.commit()?;
        Ok(())
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
            None => Self::next_article_id(&self.conn())?,
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
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let existing: Option<i64> = tx
            .query_row(
                "SELECT id FROM articles WHERE content_hash = ?1",
                [&reading.hash],
                |r| r.get(0),
            )
            .optional()?;
        let id = Self::next_article_id(&tx)?;
        let source = article_source(id, new.source_url.as_deref(), new.title.as_deref());
        if existing.is_some() || (id != reading.id && source != reading.source) {
            return Ok(Commit::ReadAgain(id));
        }
        let Reading {
            hash, extraction, ..
        } = reading;
        let events = insert_article(tx, id, &hash, new, extraction.lang, extraction.events)?;
        drop(conn);
        let article = self
            .article(id, false)?
            .ok_or_else(|| StoreError::Corrupt(format!("article {id} vanished after insert")))?;
        let mut warnings = extraction.warnings;
        if events.is_empty() {
            warnings.push("no events were found in this text".into());
        }
        Ok(Commit::Done(Box::new(Ingested {
            article,
            events,
            created: true,
            warnings,
        })))
    }

    /// The article with this text, if stored, as adding it again reports it.
    fn known(&self, hash: &str) -> Result<Option<Ingested>, StoreError> {
        self.article_by_hash(hash)?
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

    /// The id AUTOINCREMENT would give the next article (the highest ever used, plus one),
    /// taken explicitly because the events' ids and source need it; inserting it advances the
    /// sequence.
    fn next_article_id(conn: &Connection) -> Result<i64, StoreError> {
        Ok(conn.query_row(
            "SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'articles'), 0),
                        COALESCE(MAX(id), 0)) + 1
             FROM articles",
            [],
            |r| r.get(0),
        )?)
    }

    fn article_by_hash(&self, hash: &str) -> Result<Option<Article>, StoreError> {
        let id: Option<i64> = self
            .conn()
            .query_row(
                "SELECT id FROM articles WHERE content_hash = ?1",
                [hash],
                |r| r.get(0),
            )
            .optional()?;
        match id {
            Some(id) => self.article(id, false),
            None => Ok(None),
        }
    }

    pub fn article(&self, id: i64, with_text: bool) -> Result<Option<Article>, StoreError> {
        Ok(self
            .conn()
            .query_row(
                "SELECT a.id, a.title, a.source_url, a.published, a.lang, a.content_hash, a.ingested_at,
                        (SELECT COUNT(*) FROM events e WHERE e.article_id = a.id), a.text
                 FROM articles a WHERE a.id = ?1",
                [id],
                |r| article_row(r, with_text),
            )
            .optional()?)
    }

    pub fn articles(&self) -> Result<Vec<Article>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT a.id, a.title, a.source_url, a.published, a.lang, a.content_hash, a.ingested_at,
                    (SELECT COUNT(*) FROM events e WHERE e.article_id = a.id), NULL
             FROM articles a ORDER BY a.id",
        )?;
        let rows = stmt.query_map([], |r| article_row(r, false))?;
        Ok(rows.collect::<Result<_, _>>()?)
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
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let features = tx
            .prepare("SELECT feature FROM events WHERE article_id = ?1")?
            .query_map([id], |r| r.get(0))?
            .collect::<Result<Vec<String>, _>>()?;
        let events = features
            .iter()
            .map(|f| Event::from_feature_json(f).map_err(StoreError::Corrupt))
            .collect::<Result<Vec<Event>, _>>()?;
        members::hand_over_corrections(&tx, id, &events)?;
        let deleted = tx.execute("DELETE FROM articles WHERE id = ?1", [id])? > 0;
        tx.commit()?;
        Ok(deleted.then_some(events))
    }

    pub fn article_events(&self, article_id: i64) -> Result<Vec<Event>, StoreError> {
        self.read_events(
            "SELECT feature FROM events WHERE article_id = ?1 ORDER BY id",
            [article_id],
        )
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
        self.visit_events("SELECT feature FROM events ORDER BY id", [], &mut each)
    }

    fn read_events<P: rusqlite::Params>(&self, sql: &str, p: P) -> Result<Vec<Event>, StoreError> {
        let mut events = Vec::new();
        self.visit_events(sql, p, &mut |e| events.push(e))?;
        Ok(events)
    }

    fn visit_events<P: rusqlite::Params>(
        &self,
        sql: &str,
        p: P,
        each: &mut dyn FnMut(Event),
    ) -> Result<usize, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(sql)?;
        let mut rows = stmt.query(p)?;
        let mut count = 0;
        while let Some(row) = rows.next()? {
            let text = row
                .get_ref(0)?
                .as_str()
                .map_err(|e| StoreError::Corrupt(e.to_string()))?;
            each(Event::from_feature_json(text).map_err(StoreError::Corrupt)?);
            count += 1;
        }
        Ok(count)
    }

    /// Corrects one event; the correction is kept and survives reindexing.
    pub fn correct(
        &self,
        event_id: &str,
        correction: &Correction,
        gazetteer: &Gazetteer,
    ) -> Result<Event, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let row: Option<(i64, String)> = tx
            .query_row(
                "SELECT article_id, feature FROM events WHERE id = ?1",
                [event_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let Some((article_id, feature)) = row else {
            return Err(StoreError::NotFound(format!(
                "no stored event {event_id:?}"
            )));
        };
        let mut event = Event::from_feature_json(&feature).map_err(StoreError::Corrupt)?;
        correction.apply(&mut event, gazetteer)?;
        let mut kept: Correction = tx
            .query_row(
                "SELECT correction FROM corrections WHERE event_id = ?1",
                [event_id],
                |r| r.get::<_, String>(0),
            )
            .optional()?
            .map(|c| serde_json::from_str(&c).map_err(|e| StoreError::Corrupt(e.to_string())))
            .transpose()?
            .unwrap_or_default();
        kept.merge(correction);
        let now = now();
        let kept_json =
            serde_json::to_string(&kept).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        tx.execute(
            "INSERT INTO corrections (event_id, article_id, correction, corrected_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT(event_id) DO UPDATE SET correction = excluded.correction, corrected_at = excluded.corrected_at",
            params![event_id, article_id, kept_json, now],
        )?;
        tx.execute(
            "UPDATE events SET feature = ?2 WHERE id = ?1",
            params![event_id, event.to_feature().to_string()],
        )?;
        tx.commit()?;
        Ok(event)
    }

    /// Re-extracts every article with the current extractor and re-applies the corrections.
    /// `progress` sees (done, total). Returns (articles, events, corrections whose event is gone).
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
            let mut events = stamp(article.id, extraction.events);
            let mut conn = self.conn();
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let corrections: Vec<(String, String)> = {
                let mut stmt = tx.prepare(
                    "SELECT event_id, correction FROM corrections WHERE article_id = ?1",
                )?;
                let rows = stmt.query_map([article.id], |r| Ok((r.get(0)?, r.get(1)?)))?;
                rows.collect::<Result<_, _>>()?
            };
            for (event_id, correction) in corrections {
                let correction: Correction = serde_json::from_str(&correction)
                    .map_err(|e| StoreError::Corrupt(e.to_string()))?;
                match events.iter_mut().find(|e| e.id == event_id) {
                    Some(e) => correction.apply(e, gazetteer)?,
                    None => orphans += 1,
                }
            }
            tx.execute("DELETE FROM events WHERE article_id = ?1", [article.id])?;
            insert_events(&tx, article.id, &events)?;
            tx.commit()?;
            n_events += events.len();
            progress(done + 1, articles.len());
        }
        Ok((articles.len(), n_events, orphans))
    }

    /// Changes whenever another connection (another process) commits to the database.
    pub fn data_version(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn()
            .pragma_query_value(None, "data_version", |r| r.get(0))?)
    }
}

/// The body of [`Store::migrate_to_2`], in one transaction (foreign keys off).
fn migrate_articles(conn: &mut Connection) -> Result<(), StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    // Another process may have migrated between our reading the version and the lock.
    let version: i64 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if version != 1 {
        return Ok(());
    }
    tx.execute_batch(
        "CREATE TABLE articles_v2 (
             id INTEGER PRIMARY KEY AUTOINCREMENT,
             content_hash TEXT NOT NULL UNIQUE,
             title TEXT, source_url TEXT, published TEXT, lang TEXT NOT NULL,
             text TEXT NOT NULL, ingested_at TEXT NOT NULL);
         INSERT INTO articles_v2 (id, content_hash, title, source_url, published, lang, text, ingested_at)
             SELECT id, content_hash, title, source_url, published, lang, text, ingested_at FROM articles;
         DROP TABLE articles;
         ALTER TABLE articles_v2 RENAME TO articles;
         PRAGMA user_version = 2;",
    )?;
    let dangling: i64 = tx.query_row("SELECT COUNT(*) FROM pragma_foreign_key_check", [], |r| {
        r.get(0)
    })?;
    if dangling > 0 {
        return Err(StoreError::Corrupt(format!(
            "{dangling} rows refer to no article; the store was left as it was"
        )));
    }
    tx.commit()?;
    Ok(())
}

/// What events of an article cite as their source: its URL, else its title, else its number.
/// Stores a new article and its events in `tx`, commits, and gives the events as stored.
fn insert_article(
    tx: rusqlite::Transaction<'_>,
    id: i64,
    hash: &str,
    new: &NewArticle,
    lang: extract::Lang,
    events: Vec<Event>,
) -> Result<Vec<Event>, StoreError> {
    let now = now();
    tx.execute(
        "INSERT INTO articles (id, content_hash, title, source_url, published, lang, text, ingested_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            id,
            hash,
            new.title,
            new.source_url,
            new.published.map(|d| d.to_string()),
            lang.as_str(),
            new.text,
            now
        ],
    )?;
    let events = stamp(id, events);
    insert_events(&tx, id, &events)?;
    tx.commit()?;
    Ok(events)
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

fn insert_events(
    tx: &rusqlite::Transaction<'_>,
    article_id: i64,
    events: &[Event],
) -> Result<(), StoreError> {
    let mut stmt =
        tx.prepare("INSERT OR REPLACE INTO events (id, article_id, feature) VALUES (?1, ?2, ?3)")?;
    for e in events {
        stmt.execute(params![e.id, article_id, e.to_feature().to_string()])?;
    }
    Ok(())
}

fn article_row(r: &rusqlite::Row<'_>, with_text: bool) -> rusqlite::Result<Article> {
    let published: Option<String> = r.get(3)?;
    Ok(Article {
        id: r.get(0)?,
        title: r.get(1)?,
        source_url: r.get(2)?,
        published: published.and_then(|p| p.parse().ok()),
        lang: r.get(4)?,
        content_hash: r.get(5)?,
        ingested_at: r.get(6)?,
        events: r.get::<_, i64>(7)? as usize,
        text: if with_text { r.get(8)? } else { None },
    })
}
