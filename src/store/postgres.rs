//! The PostgreSQL/PostGIS engine: the store in a database that many servers and ingest workers
//! share. Its tables ([`schema`], docs/store-postgres.md) carry the same features as SQLite's
//! plus plain columns (a PostGIS point, the event's date and type) for other tools to read.
//!
//! It uses the synchronous `postgres` client (tokio-postgres underneath) rather than an async
//! pool: the store's interface is synchronous and called off the async threads, as SQLite is,
//! so one connection behind a mutex keeps both engines behind one interface without an async
//! rewrite of every caller; the server reads its in-memory index, not the database.
//!
//! Every write transaction first bumps the one-row `eventmap_revision`: that row's lock orders
//! the writers of every process (as SQLite's write lock does), and the bump notifies the
//! listeners (`NOTIFY eventmap_revision`) when it commits.

use std::collections::BTreeSet;
use std::str::FromStr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use postgres::fallible_iterator::FallibleIterator;
use postgres::types::ToSql;
use postgres::{Client, Config, GenericClient, NoTls, Row, Transaction};

use super::{
    Article, Changes, Commit, Correction, Feed, GroupKey, NewArticle, Polled, Reading, StoreError,
    article_source, group_key, now, stamp,
};
use crate::gazetteer::Gazetteer;
use crate::merge::{self, Member};
use crate::model::Event;

mod schema;

/// The channel every write notifies, its payload the new revision.
const CHANNEL: &str = "eventmap_revision";
/// The revisions whose changes are kept: a server further behind reloads everything.
const KEEP_CHANGES: i64 = 10_000;
/// How long a connection attempt may take before the database counts as unreachable.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
/// A connection idle this long is checked before use: the database may have restarted
/// meanwhile, and the first request after that should not fail for it.
const CHECK_IDLE_AFTER: Duration = Duration::from_secs(5);

/// A time column as the store's times read: RFC 3339 in UTC, to the second.
fn ts(column: &str) -> String {
    format!("to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')")
}

/// The revisions this process wrote, to tell them from other processes' writes.
struct Seen {
    last: i64,
    foreign: i64,
    own: BTreeSet<i64>,
}

/// The connection and when it last answered.
struct Connection {
    client: Client,
    used: Instant,
}

pub struct Postgres {
    config: Config,
    client: Mutex<Option<Connection>>,
    seen: Mutex<Seen>,
    /// The revision up to which [`Postgres::changes_since_followed`] has told the changes.
    followed: Mutex<i64>,
    /// Listener threads stop when the store is gone (they hold only a weak reference).
    alive: Arc<()>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding the lock leaves at worst a transaction that rolls back.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// A failure the database's absence explains becomes [`StoreError::Unavailable`].
fn unavailable(e: postgres::Error) -> StoreError {
    StoreError::Unavailable(e.to_string())
}

impl Postgres {
    /// Connects to `url`, creating or migrating the schema; true when the store is new.
    pub fn open(url: &str) -> Result<(Postgres, bool), StoreError> {
        let mut config = Config::from_str(url).map_err(|e| {
            StoreError::BadLocation(format!("{url:?} is not a PostgreSQL URL: {e}"))
        })?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(CONNECT_TIMEOUT);
        }
        config.application_name("eventmap");
        let mut client = config.connect(NoTls).map_err(unavailable)?;
        let created = schema::migrate(&mut client)?;
        let revision = current_revision(&mut client)?;
        let store = Postgres {
            config,
            client: Mutex::new(Some(Connection {
                client,
                used: Instant::now(),
            })),
            seen: Mutex::new(Seen {
                last: revision,
                foreign: 0,
                own: BTreeSet::new(),
            }),
            followed: Mutex::new(revision),
            alive: Arc::new(()),
        };
        Ok((store, created))
    }

    /// The database's URL, without a password.
    pub fn describe(&self) -> String {
        let host = match self.config.get_hosts().first() {
            Some(postgres::config::Host::Tcp(h)) => h.clone(),
            Some(postgres::config::Host::Unix(p)) => p.display().to_string(),
            None => "localhost".into(),
        };
        let port = self.config.get_ports().first().copied().unwrap_or(5432);
        format!(
            "postgres://{}@{host}:{port}/{}",
            self.config.get_user().unwrap_or(""),
            self.config.get_dbname().unwrap_or("")
        )
    }

    /// Runs `f` on the connection, connecting first if there is none (the database was down):
    /// a connection that failed is dropped, and the error says the database is unreachable.
    fn with<T>(
        &self,
        f: impl FnOnce(&mut Client) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut slot = lock(&self.client);
        let usable = slot.as_mut().is_some_and(|c| {
            !c.client.is_closed()
                && (c.used.elapsed() < CHECK_IDLE_AFTER
                    || c.client.is_valid(Duration::from_secs(1)).is_ok())
        });
        if !usable {
            *slot = None;
            let client = self.config.connect(NoTls).map_err(unavailable)?;
            *slot = Some(Connection {
                client,
                used: Instant::now(),
            });
        }
        let Some(connection) = slot.as_mut() else {
            return Err(StoreError::Unavailable("no connection".into()));
        };
        let result = f(&mut connection.client);
        if connection.client.is_closed() {
            *slot = None;
            return result.map_err(|e| match e {
                StoreError::Postgres(e) => unavailable(e),
                other => other,
            });
        }
        connection.used = Instant::now();
        result
    }

    /// Runs a write transaction: bumps the revision first (ordering the writers of every
    /// process), then `f`; commits when `f` says to (`Ok(Some)`), else rolls back.
    fn write<T>(
        &self,
        f: impl FnOnce(&mut Transaction<'_>) -> Result<Option<T>, StoreError>,
    ) -> Result<Option<T>, StoreError> {
        let done = self.with(|client| {
            let mut tx = client.transaction()?;
            let revision: i64 = tx
                .query_one(
                    "UPDATE eventmap_revision SET revision = revision + 1 RETURNING revision",
                    &[],
                )?
                .get(0);
            let Some(out) = f(&mut tx)? else {
                return Ok(None);
            };
            tx.execute(
                "DELETE FROM eventmap_changes WHERE revision <= $1",
                &[&(revision - KEEP_CHANGES)],
            )?;
            tx.execute(
                "SELECT pg_notify($1, $2)",
                &[&CHANNEL, &revision.to_string()],
            )?;
            tx.commit()?;
            Ok(Some((out, revision)))
        })?;
        Ok(done.map(|(out, revision)| {
            lock(&self.seen).own.insert(revision);
            out
        }))
    }

    /// The revision now, and how many of the revisions since the last call other processes
    /// made, counted up: it changes only when someone else wrote.
    pub fn data_version(&self) -> Result<i64, StoreError> {
        let revision = self.with(current_revision)?;
        let mut seen = lock(&self.seen);
        if revision < seen.last {
            // The database was replaced or restored: everything may have changed.
            seen.foreign += 1;
        } else if revision > seen.last {
            let from = seen.last + 1;
            let own = seen.own.range(from..=revision).count() as i64;
            seen.foreign += revision - seen.last - own;
        }
        seen.last = revision;
        seen.own.retain(|&r| r > revision);
        Ok(seen.foreign)
    }

    /// What was written since the last call (by any process, this one included): the groups
    /// touched and the events removed; `None` when that is no longer known (too far behind,
    /// or the database was replaced), and everything must be read again.
    pub fn changes_since_followed(&self) -> Result<Option<Changes>, StoreError> {
        let mut followed = lock(&self.followed);
        let since = *followed;
        let (current, rows) = self.with(|c| {
            let current = current_revision(c)?;
            let rows = c.query(
                "SELECT event_date::text, event_type, gone FROM eventmap_changes
                 WHERE revision > $1 AND revision <= $2",
                &[&since, &current],
            )?;
            Ok((current, rows))
        })?;
        *followed = current;
        if current < since || current - since > KEEP_CHANGES {
            return Ok(None);
        }
        let mut changes = Changes::default();
        for row in rows {
            let day: String = row.try_get(0)?;
            let kind: String = row.try_get(1)?;
            let day = day.parse().map_err(corrupt)?;
            let kind = kind.parse().map_err(StoreError::Corrupt)?;
            changes.keys.push((day, kind));
            changes.gone.extend(row.try_get::<_, Vec<String>>(2)?);
        }
        changes.keys.sort();
        changes.keys.dedup();
        Ok(Some(changes))
    }

    /// Starts a thread that calls `changed` on each notification of a write (and after each
    /// reconnection, as writes may have gone unheard meanwhile), until the store is dropped.
    pub fn listen(&self, changed: Box<dyn Fn() + Send>) {
        let config = self.config.clone();
        let alive = Arc::downgrade(&self.alive);
        std::thread::spawn(move || {
            while alive.strong_count() > 0 {
                match config.connect(NoTls) {
                    Ok(mut client) => {
                        if client.batch_execute(&format!("LISTEN {CHANNEL}")).is_ok() {
                            changed();
                            follow(&mut client, &*changed, &alive);
                        }
                    }
                    Err(e) => tracing::debug!(error = %e, "cannot listen to the database yet"),
                }
                std::thread::sleep(Duration::from_millis(500));
            }
        });
    }
}

impl Drop for Postgres {
    /// The client closes its connection on a runtime of its own, which cannot be done on an
    /// async thread (the last handle on a store may go there): it is closed on a thread then.
    fn drop(&mut self) {
        let client = self
            .client
            .get_mut()
            .map(Option::take)
            .unwrap_or_else(|p| p.into_inner().take());
        if let Some(client) = client
            && tokio::runtime::Handle::try_current().is_ok()
        {
            std::thread::spawn(move || drop(client));
        }
    }
}

/// Passes on the notifications of `client` until its connection fails or the store is gone.
fn follow(client: &mut Client, changed: &dyn Fn(), alive: &std::sync::Weak<()>) {
    while alive.strong_count() > 0 {
        let next = client
            .notifications()
            .timeout_iter(Duration::from_secs(1))
            .next();
        match next {
            Ok(Some(_)) => changed(),
            Ok(None) if !client.is_closed() => {}
            _ => return,
        }
    }
}

fn current_revision(client: &mut Client) -> Result<i64, StoreError> {
    Ok(client
        .query_one("SELECT revision FROM eventmap_revision", &[])?
        .get(0))
}

fn corrupt(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

const ARTICLE_COLUMNS: &str = "a.id, a.title, a.source_url, a.published::text, a.lang, \
    a.content_hash, to_char(a.ingested_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), \
    (SELECT count(*) FROM events e WHERE e.article_id = a.id)";

fn article_row(r: &Row, with_text: bool) -> Result<Article, StoreError> {
    let published: Option<String> = r.try_get(3)?;
    Ok(Article {
        id: r.try_get(0)?,
        title: r.try_get(1)?,
        source_url: r.try_get(2)?,
        published: published.and_then(|p| p.parse().ok()),
        lang: r.try_get(4)?,
        content_hash: r.try_get(5)?,
        ingested_at: r.try_get(6)?,
        events: r.try_get::<_, i64>(7)? as usize,
        text: if with_text { r.try_get(8)? } else { None },
    })
}

/// Stores `event` (new, or replacing the one with its id), its plain columns beside the feature.
fn upsert_event(c: &mut impl GenericClient, article_id: i64, e: &Event) -> Result<(), StoreError> {
    let count = |n: Option<u32>| n.map(i64::from);
    c.execute(
        "INSERT INTO events (id, article_id, event_date, event_type, sub_event_type, place,
             country_code, fatalities, injuries, arrests, corrected, geom, feature)
         VALUES ($1, $2, $3::text::date, $4, $5, $6, $7, $8, $9, $10, $11,
             ST_SetSRID(ST_MakePoint($12, $13), 4326), $14::text::jsonb)
         ON CONFLICT (id) DO UPDATE SET article_id = excluded.article_id,
             event_date = excluded.event_date, event_type = excluded.event_type,
             sub_event_type = excluded.sub_event_type, place = excluded.place,
             country_code = excluded.country_code, fatalities = excluded.fatalities,
             injuries = excluded.injuries, arrests = excluded.arrests,
             corrected = excluded.corrected, geom = excluded.geom, feature = excluded.feature",
        &[
            &e.id,
            &article_id,
            &e.event_date.to_string(),
            &e.event_type.label(),
            &e.sub_event_type,
            &e.place,
            &e.country_code,
            &count(e.fatalities),
            &count(e.injuries),
            &count(e.arrests),
            &e.corrected,
            &e.lon,
            &e.lat,
            &e.to_feature().to_string(),
        ],
    )?;
    Ok(())
}

/// The events `sql` selects (its one column the feature as text), handed to `each` as the
/// rows arrive: a large store is streamed, not read whole first.
fn visit_events(
    c: &mut impl GenericClient,
    sql: &str,
    params: &[&(dyn ToSql + Sync)],
    each: &mut dyn FnMut(Event),
) -> Result<usize, StoreError> {
    let mut rows = c.query_raw(sql, params.iter().copied())?;
    let mut count = 0;
    while let Some(row) = rows.next()? {
        let text: &str = row.try_get(0)?;
        each(Event::from_feature_json(text).map_err(StoreError::Corrupt)?);
        count += 1;
    }
    Ok(count)
}

/// Members as the merge reads them: the feature and its article's date and names.
const MEMBERS: &str = "SELECT e.feature::text, a.published::text, a.source_url, a.title
    FROM events e JOIN articles a ON a.id = e.article_id";

fn members_in(
    c: &mut impl GenericClient,
    sql: &str,
    params: &[&(dyn ToSql + Sync)],
) -> Result<Vec<Member>, StoreError> {
    let mut rows = c.query_raw(sql, params.iter().copied())?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        let text: &str = row.try_get(0)?;
        let published: Option<String> = row.try_get(1)?;
        out.push(Member {
            event: Event::from_feature_json(text).map_err(StoreError::Corrupt)?,
            published: published.and_then(|p| p.parse().ok()),
            source_url: row.try_get(2)?,
            title: row.try_get(3)?,
        });
    }
    Ok(out)
}

/// The members of one [`GroupKey`]: the events of its type dated in its week (Monday to Sunday).
fn members_of_key(c: &mut impl GenericClient, key: GroupKey) -> Result<Vec<Member>, StoreError> {
    let (monday, kind) = key;
    members_in(
        c,
        &format!(
            "{MEMBERS} WHERE e.event_date BETWEEN $1::text::date AND $1::text::date + 6
                AND e.event_type = $2"
        ),
        &[&monday.to_string(), &kind.label()],
    )
}

fn correction_of(
    c: &mut impl GenericClient,
    event_id: &str,
) -> Result<Option<Correction>, StoreError> {
    c.query_opt(
        "SELECT correction::text FROM corrections WHERE event_id = $1",
        &[&event_id],
    )?
    .map(|r| serde_json::from_str(r.get(0)).map_err(corrupt))
    .transpose()
}

fn keep_correction(
    c: &mut impl GenericClient,
    event: &Event,
    correction: &Correction,
    stamp_time: bool,
) -> Result<(), StoreError> {
    let text = serde_json::to_string(correction).map_err(corrupt)?;
    let on_conflict = if stamp_time {
        "correction = excluded.correction, corrected_at = excluded.corrected_at"
    } else {
        "correction = excluded.correction"
    };
    c.execute(
        &format!(
            "INSERT INTO corrections (event_id, article_id, correction, corrected_at)
             VALUES ($1, $2, $3::text::jsonb, $4::text::timestamptz)
             ON CONFLICT (event_id) DO UPDATE SET {on_conflict}"
        ),
        &[&event.id, &event.article_id, &text, &now()],
    )?;
    Ok(())
}

/// Before article `article` and its events `gone` are deleted, each correction of one of them
/// moves to the report of another article that takes its merged event over (as in SQLite's
/// [`super::members`]).
fn hand_over_corrections(
    tx: &mut Transaction<'_>,
    article: i64,
    gone: &[Event],
) -> Result<(), StoreError> {
    let corrections: Vec<(String, String)> = tx
        .query(
            "SELECT event_id, correction::text FROM corrections WHERE article_id = $1",
            &[&article],
        )?
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    for (event_id, correction) in corrections {
        let Some(event) = gone.iter().find(|e| e.id == event_id) else {
            continue;
        };
        let group = merge::groups(members_of_key(tx, group_key(event))?)
            .into_iter()
            .find(|g| g.iter().any(|m| m.event.id == event_id));
        let heir = group.and_then(|g| g.into_iter().find(|m| m.event.article_id != Some(article)));
        let Some(heir) = heir else { continue };
        let mut handed: Correction = serde_json::from_str(&correction).map_err(corrupt)?;
        let mut heir = heir.event;
        if let Some(own) = correction_of(tx, &heir.id)? {
            handed.merge(&own);
        }
        handed.apply(&mut heir, Gazetteer::embedded())?;
        keep_correction(tx, &heir, &handed, false)?;
        let heir_article = heir.article_id.unwrap_or(article);
        upsert_event(tx, heir_article, &heir)?;
    }
    Ok(())
}

impl Postgres {
    /// The id the next article gets: the highest ever given plus one (never one deleted).
    pub fn next_article_id(&self) -> Result<i64, StoreError> {
        self.with(next_article_id_in)
    }

    /// Stores what [`super::Store::read`] read, or says to read again (see the SQLite engine).
    pub fn commit(&self, new: &NewArticle, reading: Reading) -> Result<Commit, StoreError> {
        let Reading {
            hash,
            id: guessed,
            source: read_as,
            extraction,
        } = reading;
        let lang = extraction.lang;
        let mut again = None;
        let stored = self.write(|tx| {
            let id = next_article_id_in(tx)?;
            let source = article_source(id, new.source_url.as_deref(), new.title.as_deref());
            if id != guessed && source != read_as {
                again = Some(id);
                return Ok(None);
            }
            // Two processes storing one text: the unique hash lets one in, the other reads
            // the stored article when it reads again.
            let inserted = tx.query_opt(
                "INSERT INTO articles (id, content_hash, title, source_url, published, lang, text,
                     ingested_at)
                 VALUES ($1, $2, $3, $4, $5::text::date, $6, $7, $8::text::timestamptz)
                 ON CONFLICT (content_hash) DO NOTHING RETURNING id",
                &[
                    &id,
                    &hash,
                    &new.title,
                    &new.source_url,
                    &new.published.map(|d| d.to_string()),
                    &lang.as_str(),
                    &new.text,
                    &now(),
                ],
            )?;
            if inserted.is_none() {
                again = Some(id);
                return Ok(None);
            }
            tx.execute(
                "UPDATE eventmap_revision SET next_article = $1",
                &[&(id + 1)],
            )?;
            let events = stamp(id, extraction.events);
            for e in &events {
                upsert_event(tx, id, e)?;
            }
            touched(tx, events.iter().map(group_key), &[])?;
            Ok(Some((id, events)))
        })?;
        let Some((id, events)) = stored else {
            return Ok(Commit::ReadAgain(again.unwrap_or(guessed)));
        };
        let article = self
            .article(id, false)?
            .ok_or_else(|| StoreError::Corrupt(format!("article {id} vanished after insert")))?;
        Ok(Commit::stored(article, events, extraction.warnings))
    }

    pub fn article_by_hash(&self, hash: &str) -> Result<Option<Article>, StoreError> {
        self.with(|c| {
            c.query_opt(
                &format!("SELECT {ARTICLE_COLUMNS} FROM articles a WHERE a.content_hash = $1"),
                &[&hash],
            )?
            .map(|r| article_row(&r, false))
            .transpose()
        })
    }

    pub fn article(&self, id: i64, with_text: bool) -> Result<Option<Article>, StoreError> {
        self.with(|c| {
            c.query_opt(
                &format!("SELECT {ARTICLE_COLUMNS}, a.text FROM articles a WHERE a.id = $1"),
                &[&id],
            )?
            .map(|r| article_row(&r, with_text))
            .transpose()
        })
    }

    pub fn articles(&self) -> Result<Vec<Article>, StoreError> {
        self.with(|c| {
            c.query(
                &format!("SELECT {ARTICLE_COLUMNS} FROM articles a ORDER BY a.id"),
                &[],
            )?
            .iter()
            .map(|r| article_row(r, false))
            .collect()
        })
    }

    pub fn article_id_by_url(&self, url: &str) -> Result<Option<i64>, StoreError> {
        self.with(|c| {
            Ok(c.query_opt(
                "SELECT id FROM articles WHERE source_url = $1 ORDER BY id LIMIT 1",
                &[&url],
            )?
            .map(|r| r.get(0)))
        })
    }

    /// Deletes an article with its events and corrections, saying which events went.
    pub fn delete_article(&self, id: i64) -> Result<Option<Vec<Event>>, StoreError> {
        self.write(|tx| {
            let mut events = Vec::new();
            visit_events(
                tx,
                "SELECT feature::text FROM events WHERE article_id = $1",
                &[&id],
                &mut |e| events.push(e),
            )?;
            hand_over_corrections(tx, id, &events)?;
            let deleted = tx.execute("DELETE FROM articles WHERE id = $1", &[&id])? > 0;
            let gone: Vec<String> = events.iter().map(|e| e.id.clone()).collect();
            touched(tx, events.iter().map(group_key), &gone)?;
            // Nothing deleted: nothing changed, no revision to tell the other servers of.
            Ok(deleted.then_some(events))
        })
    }

    pub fn article_events(&self, article_id: i64) -> Result<Vec<Event>, StoreError> {
        let mut events = Vec::new();
        self.with(|c| {
            visit_events(
                c,
                "SELECT feature::text FROM events WHERE article_id = $1 ORDER BY id",
                &[&article_id],
                &mut |e| events.push(e),
            )
        })?;
        Ok(events)
    }

    pub fn each_event(&self, each: &mut dyn FnMut(Event)) -> Result<usize, StoreError> {
        self.with(|c| visit_events(c, "SELECT feature::text FROM events ORDER BY id", &[], each))
    }

    pub fn event(&self, id: &str) -> Result<Option<Event>, StoreError> {
        let mut found = None;
        self.with(|c| {
            visit_events(
                c,
                "SELECT feature::text FROM events WHERE id = $1",
                &[&id],
                &mut |e| found = Some(e),
            )
        })?;
        Ok(found)
    }

    pub fn merged_events(&self) -> Result<Vec<Event>, StoreError> {
        let members =
            self.with(|c| members_in(c, &format!("{MEMBERS} ORDER BY e.article_id, e.id"), &[]))?;
        Ok(merge::merge(members))
    }

    pub fn members_of(&self, keys: &[GroupKey]) -> Result<Vec<Member>, StoreError> {
        self.with(|c| {
            let mut all = Vec::new();
            for &key in keys {
                all.extend(members_of_key(c, key)?);
            }
            Ok(all)
        })
    }

    /// Corrects one event; the correction is kept and survives reindexing.
    pub fn correct(
        &self,
        event_id: &str,
        correction: &Correction,
        gazetteer: &Gazetteer,
    ) -> Result<Event, StoreError> {
        let corrected = self.write(|tx| {
            let row = tx.query_opt(
                "SELECT article_id, feature::text FROM events WHERE id = $1 FOR UPDATE",
                &[&event_id],
            )?;
            let Some(row) = row else {
                return Err(StoreError::NotFound(format!(
                    "no stored event {event_id:?}"
                )));
            };
            let article_id: i64 = row.try_get(0)?;
            let mut event =
                Event::from_feature_json(row.try_get(1)?).map_err(StoreError::Corrupt)?;
            let before = group_key(&event);
            correction.apply(&mut event, gazetteer)?;
            let mut kept = correction_of(tx, event_id)?.unwrap_or_default();
            kept.merge(correction);
            keep_correction(tx, &event, &kept, true)?;
            upsert_event(tx, article_id, &event)?;
            touched(tx, [before, group_key(&event)], &[])?;
            Ok(Some(event))
        })?;
        corrected.ok_or_else(|| StoreError::NotFound(format!("no stored event {event_id:?}")))
    }

    /// Replaces an article's events with `events`, its corrections re-applied, in one
    /// transaction; returns (events kept, corrections whose event is gone).
    pub fn replace_events(
        &self,
        article_id: i64,
        mut events: Vec<Event>,
        gazetteer: &Gazetteer,
    ) -> Result<(usize, usize), StoreError> {
        let done = self.write(|tx| {
            let corrections: Vec<(String, String)> = tx
                .query(
                    "SELECT event_id, correction::text FROM corrections WHERE article_id = $1",
                    &[&article_id],
                )?
                .iter()
                .map(|r| (r.get(0), r.get(1)))
                .collect();
            let orphans = super::apply_corrections(&mut events, corrections, gazetteer)?;
            let mut old = Vec::new();
            visit_events(
                tx,
                "SELECT feature::text FROM events WHERE article_id = $1",
                &[&article_id],
                &mut |e| old.push(e),
            )?;
            tx.execute("DELETE FROM events WHERE article_id = $1", &[&article_id])?;
            for e in &events {
                upsert_event(tx, article_id, e)?;
            }
            let gone: Vec<String> = old
                .iter()
                .filter(|o| events.iter().all(|e| e.id != o.id))
                .map(|o| o.id.clone())
                .collect();
            touched(tx, old.iter().chain(&events).map(group_key), &gone)?;
            Ok(Some((events.len(), orphans)))
        })?;
        Ok(done.unwrap_or_default())
    }
}

/// Records what the write under way changed, under its revision: the groups (day, type) it
/// touched, and the events it removed (with the first group).
fn touched(
    tx: &mut Transaction<'_>,
    keys: impl IntoIterator<Item = GroupKey>,
    gone: &[String],
) -> Result<(), StoreError> {
    let mut keys: Vec<GroupKey> = keys.into_iter().collect();
    keys.sort();
    keys.dedup();
    for (i, (day, kind)) in keys.into_iter().enumerate() {
        let gone: &[String] = if i == 0 { gone } else { &[] };
        tx.execute(
            "INSERT INTO eventmap_changes (revision, event_date, event_type, gone)
             SELECT revision, $1::text::date, $2, $3 FROM eventmap_revision",
            &[&day.to_string(), &kind.label(), &gone],
        )?;
    }
    Ok(())
}

fn next_article_id_in(c: &mut impl GenericClient) -> Result<i64, StoreError> {
    Ok(c.query_one(
        "SELECT greatest(next_article, (SELECT coalesce(max(id), 0) + 1 FROM articles))
         FROM eventmap_revision",
        &[],
    )?
    .get(0))
}

fn feed_columns() -> String {
    format!(
        "id, url, title, {}, {}, last_result, last_error, failures, {}, etag, last_modified",
        ts("added_at"),
        ts("last_fetch_at"),
        ts("next_poll_at")
    )
}

fn feed_row(r: &Row) -> Result<Feed, StoreError> {
    let failures: i32 = r.try_get(7)?;
    Ok(Feed {
        id: r.try_get(0)?,
        url: r.try_get(1)?,
        title: r.try_get(2)?,
        added_at: r.try_get(3)?,
        last_fetch_at: r.try_get(4)?,
        last_result: r.try_get(5)?,
        last_error: r.try_get(6)?,
        failures: u32::try_from(failures).map_err(corrupt)?,
        next_poll_at: r.try_get(8)?,
        etag: r.try_get(9)?,
        last_modified: r.try_get(10)?,
    })
}

/// The feeds (see [`super::feeds`]): they change nothing served, so no revision is bumped.
impl Postgres {
    pub fn add_feed(&self, url: &str) -> Result<(Feed, bool), StoreError> {
        self.with(|c| {
            let added = c.execute(
                "INSERT INTO feeds (url, added_at) VALUES ($1, $2::text::timestamptz)
                 ON CONFLICT (url) DO NOTHING",
                &[&url, &now()],
            )? > 0;
            let row = c.query_one(
                &format!("SELECT {} FROM feeds WHERE url = $1", feed_columns()),
                &[&url],
            )?;
            Ok((feed_row(&row)?, added))
        })
    }

    pub fn feeds(&self) -> Result<Vec<Feed>, StoreError> {
        self.with(|c| {
            c.query(
                &format!("SELECT {} FROM feeds ORDER BY id", feed_columns()),
                &[],
            )?
            .iter()
            .map(feed_row)
            .collect()
        })
    }

    pub fn feed(&self, id: i64) -> Result<Option<Feed>, StoreError> {
        self.with(|c| {
            c.query_opt(
                &format!("SELECT {} FROM feeds WHERE id = $1", feed_columns()),
                &[&id],
            )?
            .map(|r| feed_row(&r))
            .transpose()
        })
    }

    pub fn delete_feed(&self, id: i64) -> Result<bool, StoreError> {
        self.with(|c| Ok(c.execute("DELETE FROM feeds WHERE id = $1", &[&id])? > 0))
    }

    pub fn record_poll(&self, id: i64, polled: &Polled) -> Result<(), StoreError> {
        let failures = i32::try_from(polled.failures).unwrap_or(i32::MAX);
        self.with(|c| {
            c.execute(
                "UPDATE feeds SET title = coalesce($2, title),
                     last_fetch_at = $3::text::timestamptz, last_result = $4, last_error = $5,
                     failures = $6, next_poll_at = $7::text::timestamptz, etag = $8,
                     last_modified = $9
                 WHERE id = $1",
                &[
                    &id,
                    &polled.title,
                    &now(),
                    &polled.result,
                    &polled.error,
                    &failures,
                    &polled.next_poll_at,
                    &polled.etag,
                    &polled.last_modified,
                ],
            )?;
            Ok(())
        })
    }

    pub fn feed_item_seen(&self, feed_id: i64, link: &str) -> Result<bool, StoreError> {
        self.with(|c| {
            Ok(c.query_opt(
                "SELECT 1 FROM feed_items WHERE feed_id = $1 AND link = $2",
                &[&feed_id, &link],
            )?
            .is_some())
        })
    }

    pub fn mark_feed_item(
        &self,
        feed_id: i64,
        link: &str,
        item_id: &str,
        article_id: Option<i64>,
        result: &str,
    ) -> Result<(), StoreError> {
        self.with(|c| {
            c.execute(
                "INSERT INTO feed_items (feed_id, link, item_id, article_id, result, seen_at)
                 VALUES ($1, $2, $3, $4, $5, $6::text::timestamptz)
                 ON CONFLICT (feed_id, link) DO UPDATE SET article_id = excluded.article_id,
                     result = excluded.result, seen_at = excluded.seen_at",
                &[&feed_id, &link, &item_id, &article_id, &result, &now()],
            )?;
            Ok(())
        })
    }
}
