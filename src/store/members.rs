//! The stored events as members of merged events (see [`crate::merge`]): read with what the
//! merge needs of their articles, all of them for the index, or those of some weeks and types
//! for a write that changes their groups: the grouping key, and the SQLite engine's queries.

use jiff::civil::Date;

use rusqlite::{Connection, OptionalExtension, params};

use super::sqlite::Sqlite;
use super::{Correction, StoreError};
use crate::gazetteer::Gazetteer;
use crate::merge::{self, Member};
use crate::model::{Event, EventType};

/// Finds a day's events of one type without reading every event: a write regroups only those.
pub(super) const MEMBERS_INDEX: &str = "CREATE INDEX IF NOT EXISTS events_by_day_type ON events(
    json_extract(feature, '$.properties.event_date'),
    json_extract(feature, '$.properties.event_type'))";

const MEMBERS: &str = "SELECT e.feature, a.published, a.source_url, a.title
    FROM events e JOIN articles a ON a.id = e.article_id";

/// The (week, type) of an event: the groups it may belong to are among the events of that type
/// dated in that week (see [`merge::week_of`]).
pub type GroupKey = (Date, EventType);

pub fn group_key(e: &Event) -> GroupKey {
    (merge::week_of(e.event_date), e.event_type)
}

/// Selects the members of one [`GroupKey`]: ?1 its Monday, ?2 its Sunday, ?3 its type.
const IN_WEEK: &str = "json_extract(e.feature, '$.properties.event_date') BETWEEN ?1 AND ?2
    AND json_extract(e.feature, '$.properties.event_type') = ?3";

/// The parameters of [`IN_WEEK`] for `key`.
fn week_params((monday, kind): GroupKey) -> [String; 3] {
    let sunday = monday
        .checked_add(jiff::Span::new().days(6))
        .unwrap_or(monday);
    [
        monday.to_string(),
        sunday.to_string(),
        kind.label().to_string(),
    ]
}

impl Sqlite {
    /// Every stored event, merged: what the server serves.
    pub fn merged_events(&self) -> Result<Vec<Event>, StoreError> {
        let sql = format!("{MEMBERS} ORDER BY e.article_id, e.id");
        Ok(merge::merge(self.members(&sql, [])?))
    }

    /// The stored events of these weeks and types, with their articles' dates and names.
    pub fn members_of(&self, keys: &[GroupKey]) -> Result<Vec<Member>, StoreError> {
        let sql = format!("{MEMBERS} WHERE {IN_WEEK}");
        let mut keys = keys.to_vec();
        keys.sort();
        keys.dedup();
        let mut all = Vec::new();
        for key in keys {
            all.extend(self.members(&sql, week_params(key))?);
        }
        Ok(all)
    }

    fn members<P: rusqlite::Params>(&self, sql: &str, p: P) -> Result<Vec<Member>, StoreError> {
        members_in(&self.conn(), sql, p)
    }
}

/// The members `sql` selects (its columns: feature, published, source_url, title).
fn members_in<P: rusqlite::Params>(
    conn: &Connection,
    sql: &str,
    p: P,
) -> Result<Vec<Member>, StoreError> {
    let mut stmt = conn.prepare(sql)?;
    let mut rows = stmt.query(p)?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        let text = row
            .get_ref(0)?
            .as_str()
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let event = Event::from_feature_json(text).map_err(StoreError::Corrupt)?;
        let published: Option<String> = row.get(1)?;
        out.push(Member {
            event,
            published: published.and_then(|p| p.parse().ok()),
            source_url: row.get(2)?,
            title: row.get(3)?,
        });
    }
    Ok(out)
}

impl Sqlite {
    /// The stored event with this id (a member's, as extracted and corrected).
    pub fn event(&self, id: &str) -> Result<Option<Event>, StoreError> {
        let feature: Option<String> = rusqlite::OptionalExtension::optional(
            self.conn()
                .query_row("SELECT feature FROM events WHERE id = ?1", [id], |r| {
                    r.get(0)
                }),
        )?;
        feature
            .map(|f| Event::from_feature_json(&f).map_err(StoreError::Corrupt))
            .transpose()
    }
}

/// Before article `article` and its events `gone` are deleted: each correction of one of them
/// that stands for a merged event other articles still tell moves to the report that takes the
/// event over (the earliest of another article), merged under that report's own correction, so
/// an analyst's word outlives the report it was made on.
pub(super) fn hand_over_corrections(
    conn: &Connection,
    article: i64,
    gone: &[Event],
) -> Result<(), StoreError> {
    let corrections: Vec<(String, String)> = conn
        .prepare("SELECT event_id, correction FROM corrections WHERE article_id = ?1")?
        .query_map([article], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let sql = format!("{MEMBERS} WHERE {IN_WEEK}");
    for (event_id, correction) in corrections {
        let Some(event) = gone.iter().find(|e| e.id == event_id) else {
            continue;
        };
        let members = members_in(conn, &sql, week_params(group_key(event)))?;
        let group = merge::groups(members)
            .into_iter()
            .find(|g| g.iter().any(|m| m.event.id == event_id));
        let heir = group.and_then(|g| g.into_iter().find(|m| m.event.article_id != Some(article)));
        if let Some(heir) = heir {
            let handed: Correction = serde_json::from_str(&correction)
                .map_err(|e| StoreError::Corrupt(e.to_string()))?;
            take_over(conn, heir.event, handed)?;
        }
    }
    Ok(())
}

/// Gives `heir` the correction `handed`, under its own (its own fields win).
fn take_over(conn: &Connection, mut heir: Event, mut handed: Correction) -> Result<(), StoreError> {
    let own: Option<String> = conn
        .query_row(
            "SELECT correction FROM corrections WHERE event_id = ?1",
            [&heir.id],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(own) = own {
        let own: Correction =
            serde_json::from_str(&own).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        handed.merge(&own);
    }
    handed.apply(&mut heir, Gazetteer::embedded())?;
    let text = serde_json::to_string(&handed).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    conn.execute(
        "INSERT INTO corrections (event_id, article_id, correction, corrected_at)
         VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT(event_id) DO UPDATE SET correction = excluded.correction",
        params![heir.id, heir.article_id, text, super::now()],
    )?;
    conn.execute(
        "UPDATE events SET feature = ?2 WHERE id = ?1",
        params![heir.id, heir.to_feature().to_string()],
    )?;
    Ok(())
}
