//! Writes: adding, listing and deleting articles, and correcting events. Every write needs the
//! bearer token, runs off the async threads, and swaps in a new index when it commits.

use axum::body::{Body, to_bytes};
use std::sync::Arc;

use axum::Extension;
use axum::extract::{Path, RawQuery, State};
use axum::http::header::{CONTENT_TYPE, LOCATION};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use jiff::civil::Date;
use serde::Deserialize;
use serde_json::json;

use super::ogc::json_response;
use super::params::{ARTICLE, LANG, PUBLISHED, Param, Params};
use super::{ApiError, AppState, BODY_LIMIT, Deadline, Layer};
use crate::extract::Lang;
use std::collections::HashSet;

use crate::index::{EventIndex, IndexChanges};
use crate::model::Event;
use crate::store::{
    Commit, Correction, GroupKey, Ingested, NewArticle, Read, Store, StoreError, group_key,
};

/// The JSON form of `POST /articles`: a `text`, or the `url` of a page to fetch.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ArticleBody {
    text: Option<String>,
    url: Option<String>,
    title: Option<String>,
    source_url: Option<String>,
    /// Read as text so a bad date is reported by name, not as a JSON position.
    published: Option<String>,
    lang: Option<String>,
}

/// A JSON body's field, checked as the query parameter of the same name is.
fn checked(param: &Param, value: Option<String>) -> Result<Option<String>, ApiError> {
    if let Some(v) = &value {
        param.check(v)?;
    }
    Ok(value)
}

fn parse_published(p: Option<&str>) -> Result<Option<Date>, ApiError> {
    p.map(|p| {
        p.parse::<Date>().map_err(|e| {
            ApiError::invalid(format!(
                "published must be a date YYYY-MM-DD, got {p:?}: {e}"
            ))
        })
    })
    .transpose()
}

/// An optional text field: empty or blank is the same as not given.
fn given(field: Option<String>) -> Option<String> {
    field.filter(|f| !f.trim().is_empty())
}

/// `lang`, already one of `fr`, `en`, `auto`.
fn parse_lang(lang: Option<&str>) -> Result<Option<Lang>, ApiError> {
    match lang {
        None | Some("auto") => Ok(None),
        Some(l) => l
            .parse::<Lang>()
            .map(Some)
            .map_err(|_| ApiError::invalid(format!("lang must be fr, en or auto, got {l:?}"))),
    }
}

/// Reads the whole body, refusing more than [`BODY_LIMIT`] bytes with a 413.
pub(super) async fn read_body(body: Body) -> Result<axum::body::Bytes, ApiError> {
    to_bytes(body, BODY_LIMIT).await.map_err(|_| {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "PayloadTooLarge",
            format!("the body is larger than the limit of {BODY_LIMIT} bytes"),
        )
    })
}

/// The body's media type, lower case, without parameters ("" when not given).
fn media_type(headers: &HeaderMap) -> String {
    headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// `POST /articles`: JSON `{text, title, source_url, published, lang}` or `{url, title,
/// published, lang}` (a page fetched and read), or `text/plain` with the metadata (but text) as
/// query parameters.
pub async fn create(
    State(state): State<AppState>,
    Extension(deadline): Extension<Deadline>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
    body: Body,
) -> Result<Response, ApiError> {
    let store = state.authorize(&headers)?;
    let posted = deadline
        .bound("the body was not received; nothing was stored", async {
            new_article(&headers, raw, body).await
        })
        .await?;
    let ingested = match posted {
        Posted::Text(new) => ingest(&state, store, deadline, Arc::new(new)).await?,
        Posted::Url(url, overrides) => {
            match fetch_article(&state, &store, deadline, &url, overrides).await? {
                Fetched::Known(known) => known,
                Fetched::Page(new) => ingest(&state, store, deadline, Arc::new(new)).await?,
            }
        }
    };
    tracing::info!(
        article = ingested.article.id,
        events = ingested.events.len(),
        created = ingested.created,
        "article stored"
    );
    let status = if ingested.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    let id = ingested.article.id;
    let body = json!({
        "article": ingested.article,
        "created": ingested.created,
        "warnings": ingested.warnings,
        "events": Event::feature_collection(&ingested.events),
    });
    Ok((
        status,
        [(LOCATION, format!("/articles/{id}"))],
        json_response(&body, "application/json"),
    )
        .into_response())
}

/// What a `POST /articles` gives: the article, or a page's URL and the metadata to put
/// before the page's own.
enum Posted {
    Text(NewArticle),
    Url(String, NewArticle),
}

/// A posted URL's article: the one stored from it already, or the page read.
enum Fetched {
    Known(Ingested),
    Page(NewArticle),
}

/// Fetches and reads the page at `url` before `deadline`, unless an article was stored from
/// that URL already (the same page is one article, however often it is posted).
async fn fetch_article(
    state: &AppState,
    store: &Arc<Store>,
    deadline: Deadline,
    url: &str,
    overrides: NewArticle,
) -> Result<Fetched, ApiError> {
    let fetcher = state.fetcher().cloned().ok_or_else(|| {
        ApiError::new(
            StatusCode::FORBIDDEN,
            "FetchDisabled",
            "this server fetches no pages (it was started with --no-fetch): post the text",
        )
    })?;
    let url = crate::fetch::parse_url(url)?.to_string();
    let (finder, asked) = (Arc::clone(store), url.clone());
    let known = tokio::task::spawn_blocking(move || finder.article_by_url(&asked))
        .await
        .map_err(ApiError::internal)??;
    if let Some(known) = known {
        return Ok(Fetched::Known(known));
    }
    let page = deadline
        .bound("the page was not fetched; nothing was stored", async {
            fetcher.page(&url).await.map_err(ApiError::from)
        })
        .await?;
    let read = page.article();
    Ok(Fetched::Page(NewArticle {
        title: overrides.title.or(read.title),
        published: overrides.published.or(read.published),
        lang: overrides.lang.or(read.lang),
        ..read
    }))
}

/// Where the server's feed watcher puts the pages it reads: the same path as a posted
/// article, so the index is swapped in. It has the time a fetch has, not a request's.
impl crate::watch::Ingest for AppState {
    async fn ingest(&self, new: NewArticle) -> Result<Ingested, String> {
        let store = self.store().map_err(|e| e.description.clone())?;
        let deadline = Deadline::after(std::time::Duration::from_secs(600));
        ingest(self, store, deadline, Arc::new(new))
            .await
            .map_err(|e| e.description)
    }
}

/// Reads the article and its events before `deadline` (a 408 then, nothing stored), then
/// commits it, however long the commit waits for other writers: answered is stored.
async fn ingest(
    state: &AppState,
    store: Arc<Store>,
    deadline: Deadline,
    new: Arc<NewArticle>,
) -> Result<Ingested, ApiError> {
    let gazetteer = state.gazetteer();
    let mut guess = None;
    loop {
        let (reader, article) = (Arc::clone(&store), Arc::clone(&new));
        let reading = deadline
            .bound("the article was not read; nothing was stored", async move {
                tokio::task::spawn_blocking(move || reader.read(&article, gazetteer, guess))
                    .await
                    .map_err(ApiError::internal)?
                    .map_err(ApiError::from)
            })
            .await?;
        let reading = match reading {
            Read::Known(known) => return Ok(known),
            Read::Ready(reading) => reading,
        };
        let (committer, article) = (Arc::clone(&store), Arc::clone(&new));
        let commit = state
            .write(move |s| {
                let commit = committer.commit(&article, reading)?;
                // A text already stored, or a guess outdated, adds nothing to the index; new
                // events regroup the merged events of their weeks and types.
                let changes = match &commit {
                    Commit::Done(ingested) => regroup(
                        &committer,
                        &s.snapshot(),
                        ingested.events.iter().map(group_key),
                        vec![],
                    )?,
                    Commit::ReadAgain(_) => IndexChanges::default(),
                };
                Ok((commit, changes))
            })
            .await?;
        match commit {
            Commit::Done(ingested) => return Ok(*ingested),
            Commit::ReadAgain(id) => guess = Some(id),
        }
    }
}

/// The article a `POST /articles` sends, checked.
async fn new_article(
    headers: &HeaderMap,
    raw: Option<String>,
    body: Body,
) -> Result<Posted, ApiError> {
    let kind = media_type(headers);
    // The metadata may come as query parameters whatever the body; a JSON body's own fields
    // come first (the document cannot tie parameters to a media type, so both are accepted).
    let params = Params::parse(raw.as_deref(), &[ARTICLE])?;
    let bytes = read_body(body).await?;
    let new = match kind.as_str() {
        "application/json" => match json_article(&bytes, &params)? {
            Posted::Text(new) => new,
            url => return Ok(url),
        },
        "text/plain" => {
            let text = String::from_utf8(bytes.to_vec()).map_err(|e| {
                ApiError::new(
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    "UnsupportedMediaType",
                    format!(
                        "the body is not UTF-8 text (invalid byte at offset {})",
                        e.utf8_error().valid_up_to()
                    ),
                )
            })?;
            let query = |name: &str| params.get(name).map(str::to_string);
            NewArticle {
                text,
                title: given(query("title")),
                source_url: given(query("source_url")),
                published: parse_published(params.get("published"))?,
                lang: parse_lang(params.get("lang"))?,
            }
        }
        other => {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "UnsupportedMediaType",
                format!("send the article as application/json or text/plain, not {other:?}"),
            ));
        }
    };
    if new.text.trim().is_empty() {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "EmptyText",
            "the article's text is empty",
        ));
    }
    if new.text.contains('\0') {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "UnsupportedMediaType",
            "the text contains NUL bytes: it looks binary",
        ));
    }
    Ok(Posted::Text(new))
}

/// A JSON body: a text, or a page's URL (exactly one of them), with the metadata.
fn json_article(bytes: &[u8], params: &Params) -> Result<Posted, ApiError> {
    let query = |name: &str| params.get(name).map(str::to_string);
    let b: ArticleBody = serde_json::from_slice(bytes).map_err(|e| {
        ApiError::invalid(format!(
            "malformed JSON body at line {}, column {}: {e}",
            e.line(),
            e.column()
        ))
    })?;
    let published = checked(&PUBLISHED, b.published)?.or_else(|| query("published"));
    let lang = checked(&LANG, b.lang)?.or_else(|| query("lang"));
    let mut new = NewArticle {
        published: parse_published(published.as_deref())?,
        lang: parse_lang(lang.as_deref())?,
        text: String::new(),
        title: given(b.title).or_else(|| query("title")),
        source_url: given(b.source_url).or_else(|| query("source_url")),
    };
    match (b.text, b.url) {
        (Some(text), None) => {
            new.text = text;
            Ok(Posted::Text(new))
        }
        (None, Some(url)) if new.source_url.is_none() => Ok(Posted::Url(url, new)),
        (None, Some(_)) => Err(ApiError::invalid(
            "a page posted by url has that url as its source: leave source_url out",
        )),
        (Some(_), Some(_)) => Err(ApiError::invalid(
            "give either text (the article) or url (a page to fetch), not both",
        )),
        (None, None) => Err(ApiError::invalid(
            "the body needs text (the article) or url (a page to fetch)",
        )),
    }
}

/// Refuses a body that is not `application/json` with a 415 naming `what` it should be.
pub(super) fn require_json(headers: &HeaderMap, what: &str) -> Result<(), ApiError> {
    let kind = media_type(headers);
    if kind == "application/json" {
        return Ok(());
    }
    Err(ApiError::new(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "UnsupportedMediaType",
        format!("send {what} as application/json, not {kind:?}"),
    ))
}

fn article_id(raw: &str) -> Result<i64, ApiError> {
    super::params::positive_id(raw, "an article")
}

pub async fn list(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    Params::json_only(raw.as_deref())?;
    let articles = state.read_store(|store| store.articles()).await?;
    Ok(json_response(
        &json!({ "articles": articles }),
        "application/json",
    ))
}

pub async fn show(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    Params::json_only(raw.as_deref())?;
    let id = article_id(&id)?;
    let store = state.store()?;
    let (article, events) = tokio::task::spawn_blocking(move || {
        Ok::<_, crate::store::StoreError>((store.article(id, true)?, store.article_events(id)?))
    })
    .await
    .map_err(ApiError::internal)??;
    let article = article.ok_or_else(|| ApiError::not_found(format!("no article {id}")))?;
    let mut body = serde_json::to_value(&article).map_err(ApiError::internal)?;
    body["events"] = Event::feature_collection(&events);
    Ok(json_response(&body, "application/json"))
}

pub async fn delete(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let store = state.authorize(&headers)?;
    let id = article_id(&id)?;
    let deleted = state
        .write(move |s| {
            let Some(removed) = store.delete_article(id)? else {
                return Ok((false, IndexChanges::default()));
            };
            let keys: Vec<GroupKey> = removed.iter().map(group_key).collect();
            let gone = removed.into_iter().map(|e| e.id).collect();
            Ok((true, regroup(&store, &s.snapshot(), keys, gone)?))
        })
        .await?;
    if deleted {
        tracing::info!(article = id, "article deleted");
        Ok(StatusCode::NO_CONTENT.into_response())
    } else {
        Err(ApiError::not_found(format!("no article {id}")))
    }
}

/// `PATCH /collections/events/items/{id}`: an analyst's correction, kept across reindexing.
/// (The places layer has a route of its own, without PATCH.)
pub async fn correct(
    State(state): State<AppState>,
    Extension(deadline): Extension<Deadline>,
    headers: HeaderMap,
    Path((collection, feature)): Path<(String, String)>,
    body: Body,
) -> Result<Response, ApiError> {
    Layer::from_id(&collection)?;
    let store = state.authorize(&headers)?;
    super::features::check_feature_id(&feature)?;
    require_json(&headers, "the correction")?;
    let bytes = deadline
        .bound(
            "the body was not received; nothing was changed",
            read_body(body),
        )
        .await?;
    let correction: Correction = serde_json::from_slice(&bytes).map_err(|e| {
        ApiError::invalid(format!(
            "malformed correction at line {}, column {}: {e}; fields: geonameid, event_date, event_type, sub_event_type, fatalities, injuries, arrests",
            e.line(),
            e.column()
        ))
    })?;
    if correction.is_empty() {
        return Err(ApiError::invalid("the correction changes nothing"));
    }
    let event = state
        .write(move |s| {
            let before = store.event(&feature)?;
            let event = store.correct(&feature, &correction, s.gazetteer())?;
            let keys = before.iter().chain([&event]).map(group_key);
            let changes = regroup(&store, &s.snapshot(), keys, vec![])?;
            // The answer is the event as served: the merged event holding the corrected one.
            let served = changes
                .added
                .iter()
                .find(|e| e.id == event.id || same_group(e, &event))
                .cloned()
                .unwrap_or(event);
            Ok((served, changes))
        })
        .await?;
    tracing::info!(event = %event.id, "event corrected");
    Ok(json_response(&event.to_feature(), "application/geo+json"))
}

/// What a write changed in the served (merged) events: the groups of the weeks and types it
/// touched, merged again from the store, against what `served` serves now. A merged event's id is
/// one of its members' ids, so every member id of those weeks and types (and those of the events
/// `gone`) that no merged event keeps is removed; only the merged events that changed are added,
/// so the index's delta grows by what the write changed, not by whole days.
pub(super) fn regroup(
    store: &Store,
    served: &EventIndex,
    keys: impl IntoIterator<Item = GroupKey>,
    gone: Vec<String>,
) -> Result<IndexChanges, StoreError> {
    let keys: Vec<GroupKey> = keys.into_iter().collect();
    let members = store.members_of(&keys)?;
    let mut ids: Vec<String> = gone;
    ids.extend(members.iter().map(|m| m.event.id.clone()));
    let merged = crate::merge::merge(members);
    let kept: HashSet<&str> = merged.iter().map(|e| e.id.as_str()).collect();
    let removed = ids
        .into_iter()
        .filter(|id| !kept.contains(id.as_str()) && served.position(id).is_some())
        .collect();
    let added = merged
        .into_iter()
        .filter(|e| served.event(&e.id).as_ref() != Some(e))
        .collect();
    Ok(IndexChanges { removed, added })
}

/// Whether a merged event lists this member's report among its sources.
fn same_group(merged: &Event, member: &Event) -> bool {
    group_key(merged) == group_key(member)
        && merged
            .sources
            .iter()
            .any(|s| s.article_id == member.article_id && s.sentence == member.notes)
}
