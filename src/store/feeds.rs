//! The feeds a store watches, what each poll of them said, and the items already read, so
//! that each item's page is fetched once: the types, and the SQLite engine's tables.

use rusqlite::{OptionalExtension, params};
use serde::Serialize;

use super::sqlite::Sqlite;
use super::{StoreError, now};

/// A watched feed and how its polls went.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Feed {
    pub id: i64,
    pub url: String,
    pub title: Option<String>,
    pub added_at: String,
    pub last_fetch_at: Option<String>,
    /// `ok: 3 new, 1 failed`, `not modified` or `error`.
    pub last_result: Option<String>,
    pub last_error: Option<String>,
    /// Polls failed in a row (the backoff grows with it).
    pub failures: u32,
    pub next_poll_at: Option<String>,
    #[serde(skip)]
    pub etag: Option<String>,
    #[serde(skip)]
    pub last_modified: Option<String>,
}

/// What a poll of a feed leaves for the next one.
#[derive(Debug, Clone, Default)]
pub struct Polled {
    pub title: Option<String>,
    pub result: String,
    pub error: Option<String>,
    pub failures: u32,
    pub next_poll_at: String,
    /// The validators to send next time (kept as they were when the poll failed).
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// The tables of schema 4, created new or added to a store of schema 3.
pub(super) const FEEDS_SCHEMA: &str = "
    CREATE TABLE IF NOT EXISTS feeds (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        url TEXT NOT NULL UNIQUE,
        title TEXT, added_at TEXT NOT NULL,
        etag TEXT, last_modified TEXT,
        last_fetch_at TEXT, last_result TEXT, last_error TEXT,
        failures INTEGER NOT NULL DEFAULT 0, next_poll_at TEXT);
    CREATE TABLE IF NOT EXISTS feed_items (
        feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
        link TEXT NOT NULL, item_id TEXT, article_id INTEGER, result TEXT NOT NULL,
        seen_at TEXT NOT NULL,
        PRIMARY KEY (feed_id, link));
    CREATE INDEX IF NOT EXISTS articles_by_url ON articles(source_url);";

const FEED_COLUMNS: &str = "id, url, title, added_at, last_fetch_at, last_result, last_error,
    failures, next_poll_at, etag, last_modified";

fn feed_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Feed> {
    Ok(Feed {
        id: r.get(0)?,
        url: r.get(1)?,
        title: r.get(2)?,
        added_at: r.get(3)?,
        last_fetch_at: r.get(4)?,
        last_result: r.get(5)?,
        last_error: r.get(6)?,
        failures: r.get(7)?,
        next_poll_at: r.get(8)?,
        etag: r.get(9)?,
        last_modified: r.get(10)?,
    })
}

impl Sqlite {
    /// Watches `url` (already checked to be an http(s) URL); false when it was watched already.
    pub fn add_feed(&self, url: &str) -> Result<(Feed, bool), StoreError> {
        let conn = self.conn();
        let added = conn.execute(
            "INSERT INTO feeds (url, added_at) VALUES (?1, ?2) ON CONFLICT(url) DO NOTHING",
            params![url, now()],
        )? > 0;
        let feed = conn.query_row(
            &format!("SELECT {FEED_COLUMNS} FROM feeds WHERE url = ?1"),
            [url],
            feed_row,
        )?;
        Ok((feed, added))
    }

    pub fn feeds(&self) -> Result<Vec<Feed>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(&format!("SELECT {FEED_COLUMNS} FROM feeds ORDER BY id"))?;
        let rows = stmt.query_map([], feed_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn feed(&self, id: i64) -> Result<Option<Feed>, StoreError> {
        Ok(self
            .conn()
            .query_row(
                &format!("SELECT {FEED_COLUMNS} FROM feeds WHERE id = ?1"),
                [id],
                feed_row,
            )
            .optional()?)
    }

    /// Stops watching a feed (its articles stay); false when there was no such feed.
    pub fn delete_feed(&self, id: i64) -> Result<bool, StoreError> {
        Ok(self
            .conn()
            .execute("DELETE FROM feeds WHERE id = ?1", [id])?
            > 0)
    }

    /// Keeps what a poll found, for `/status` and the next poll.
    pub fn record_poll(&self, id: i64, polled: &Polled) -> Result<(), StoreError> {
        self.conn().execute(
            "UPDATE feeds SET title = COALESCE(?2, title), last_fetch_at = ?3, last_result = ?4,
                 last_error = ?5, failures = ?6, next_poll_at = ?7, etag = ?8, last_modified = ?9
             WHERE id = ?1",
            params![
                id,
                polled.title,
                now(),
                polled.result,
                polled.error,
                polled.failures,
                polled.next_poll_at,
                polled.etag,
                polled.last_modified
            ],
        )?;
        Ok(())
    }

    /// Whether a feed's item linking to `link` was read already.
    pub fn feed_item_seen(&self, feed_id: i64, link: &str) -> Result<bool, StoreError> {
        Ok(self
            .conn()
            .query_row(
                "SELECT 1 FROM feed_items WHERE feed_id = ?1 AND link = ?2",
                params![feed_id, link],
                |_| Ok(()),
            )
            .optional()?
            .is_some())
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
        self.conn().execute(
            "INSERT INTO feed_items (feed_id, link, item_id, article_id, result, seen_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT(feed_id, link) DO UPDATE SET article_id = excluded.article_id,
                 result = excluded.result, seen_at = excluded.seen_at",
            params![feed_id, link, item_id, article_id, result, now()],
        )?;
        Ok(())
    }

    /// The first article stored from `url`.
    pub fn article_id_by_url(&self, url: &str) -> Result<Option<i64>, StoreError> {
        Ok(self
            .conn()
            .query_row(
                "SELECT id FROM articles WHERE source_url = ?1 ORDER BY id LIMIT 1",
                [url],
                |r| r.get(0),
            )
            .optional()?)
    }
}
