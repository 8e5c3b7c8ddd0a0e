//! The SQLite engine: the store in one SQLite database (WAL, one transaction per write) under
//! the data directory, the default.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use super::{
    Article, Commit, Correction, NewArticle, Reading, StoreError, article_source, now, stamp,
};
use super::{feeds, members};
use crate::extract;
use crate::gazetteer::Gazetteer;
use crate::model::Event;

const DB_FILE: &str = "eventmap.sqlite";
/// 2: article ids are `AUTOINCREMENT`, never given again after a delete (1 reused the highest).
/// 3: event features have flat properties (qualifier and actor columns, not an object and an
/// array), so tools reading the table directly see the API's shape.
/// 4: the feeds watched and their items read ([`feeds`]), articles found by URL.
const SCHEMA_VERSION: i64 = 4;

/// The database. One connection behind a mutex: SQLite serialises writers anyway, and the
/// server's readers use the in-memory index, not this.
pub struct Sqlite {
    conn: Mutex<Connection>,
    path: PathBuf,
}

impl Sqlite {
    /// Opens (creating if needed) the store in `dir`; true when it was created, to be seeded.
    pub fn open(dir: &Path) -> Result<(Sqlite, bool), StoreError> {
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
        let store = Sqlite {
            conn: Mutex::new(conn),
            path,
        };
        if version == 0 {
            store.create_schema()?;
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
        Ok((store, version == 0))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub(super) fn conn(&self) -> std::sync::MutexGuard<'_, Connection> {
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
        let id = Self::next_article_id_in(&tx)?;
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
        Ok(Commit::stored(article, events, extraction.warnings))
    }

    /// The id AUTOINCREMENT would give the next article (the highest ever used, plus one),
    /// taken explicitly because the events' ids and source need it; inserting it advances the
    /// sequence.
    pub fn next_article_id(&self) -> Result<i64, StoreError> {
        Self::next_article_id_in(&self.conn())
    }

    fn next_article_id_in(conn: &Connection) -> Result<i64, StoreError> {
        Ok(conn.query_row(
            "SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'articles'), 0),
                        COALESCE(MAX(id), 0)) + 1
             FROM articles",
            [],
            |r| r.get(0),
        )?)
    }

    pub fn article_by_hash(&self, hash: &str) -> Result<Option<Article>, StoreError> {
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

    /// Deletes an article with its events and corrections, saying which events went (their days and types are the groups of
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

    /// Replaces an article's events with `events` (re-extracted), its corrections re-applied,
    /// in one transaction; returns how many corrections found their event gone.
    pub fn replace_events(
        &self,
        article_id: i64,
        mut events: Vec<Event>,
        gazetteer: &Gazetteer,
    ) -> Result<(usize, usize), StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let corrections: Vec<(String, String)> = {
            let mut stmt =
                tx.prepare("SELECT event_id, correction FROM corrections WHERE article_id = ?1")?;
            let rows = stmt.query_map([article_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<Result<_, _>>()?
        };
        let orphans = super::apply_corrections(&mut events, corrections, gazetteer)?;
        tx.execute("DELETE FROM events WHERE article_id = ?1", [article_id])?;
        insert_events(&tx, article_id, &events)?;
        tx.commit()?;
        Ok((events.len(), orphans))
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
