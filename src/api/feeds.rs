//! The feeds a server watches: listed by anyone, added and removed with the write token. The
//! polling itself is [`crate::watch`]'s, in the background; `/status` shows how it goes.

use axum::Extension;
use axum::body::Body;
use axum::extract::{Path, RawQuery, State};
use axum::http::header::LOCATION;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

use super::articles::{read_body, require_json};
use super::ogc::json_response;
use super::params::Params;
use super::{ApiError, AppState, Deadline};
use crate::store::MAX_URL_CHARS;

/// The JSON form of `POST /feeds`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FeedBody {
    url: String,
}

fn feed_id(raw: &str) -> Result<i64, ApiError> {
    super::params::positive_id(raw, "a feed")
}

pub async fn list(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    Params::json_only(raw.as_deref())?;
    let feeds = state.read_store(|store| store.feeds()).await?;
    Ok(json_response(
        &json!({ "feeds": feeds }),
        "application/json",
    ))
}

pub async fn show(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    Params::json_only(raw.as_deref())?;
    let id = feed_id(&id)?;
    let feed = state
        .read_store(move |store| store.feed(id))
        .await?
        .ok_or_else(|| ApiError::not_found(format!("no feed {id}")))?;
    Ok(json_response(&json!(feed), "application/json"))
}

/// `POST /feeds {"url": …}`: watches the feed from now on (polled within seconds); the same URL
/// twice is one feed (200).
pub async fn create(
    State(state): State<AppState>,
    Extension(deadline): Extension<Deadline>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let store = state.authorize(&headers)?;
    require_json(&headers, "the feed")?;
    let bytes = deadline
        .bound(
            "the body was not received; nothing was stored",
            read_body(body),
        )
        .await?;
    let body: FeedBody = serde_json::from_slice(&bytes).map_err(|e| {
        ApiError::invalid(format!(
            "malformed feed at line {}, column {}: {e}; send {{\"url\": \"https://…\"}}",
            e.line(),
            e.column()
        ))
    })?;
    if body.url.chars().count() > MAX_URL_CHARS {
        return Err(ApiError::invalid(format!(
            "url must be at most {MAX_URL_CHARS} characters"
        )));
    }
    let url = crate::fetch::parse_url(&body.url)?.to_string();
    let (feed, created) = tokio::task::spawn_blocking(move || store.add_feed(&url))
        .await
        .map_err(ApiError::internal)??;
    if created {
        tracing::info!(feed = %feed.url, id = feed.id, "feed added");
    }
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((
        status,
        [(LOCATION, format!("/feeds/{}", feed.id))],
        json_response(
            &json!({ "feed": feed, "created": created }),
            "application/json",
        ),
    )
        .into_response())
}

pub async fn delete(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let store = state.authorize(&headers)?;
    let id = feed_id(&id)?;
    let deleted = tokio::task::spawn_blocking(move || store.delete_feed(id))
        .await
        .map_err(ApiError::internal)??;
    if deleted {
        tracing::info!(feed = id, "feed deleted");
        Ok(StatusCode::NO_CONTENT.into_response())
    } else {
        Err(ApiError::not_found(format!("no feed {id}")))
    }
}
