//! The HTTP API: OGC API – Features (Core, GeoJSON, OpenAPI 3.0) over the event layers, the
//! timeline and downloads, and the page's assets. State is a swappable [`EventIndex`] snapshot.

mod articles;
mod download;
mod error;
mod features;
mod feeds;
mod html;
mod listener;
mod ogc;
mod params;
mod revisions;
mod schema;
mod shape;
mod sort;
mod tiles;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::header::{ACCEPT_RANGES, AUTHORIZATION};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::routing::get;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::{DefaultPredicate, NotForContentType, Predicate};
use tower_http::cors::{Any, CorsLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};
use tracing::Level;

pub use error::ApiError;
pub use listener::{Limits, serve};
pub use params::{parse_bbox, parse_datetime};

use revisions::{Revision, RevisionError, Revisions};

use crate::fetch::{FetchError, FetchOptions, Fetcher};
use crate::gazetteer::Gazetteer;
use crate::index::{EventIndex, IndexBuilder, IndexChanges};
use crate::model::{Event, EventType};
use crate::store::{Store, StoreError};

/// Largest request body accepted (articles are posted as bodies).
pub const BODY_LIMIT: usize = 1024 * 1024;
/// Longest a request may take to produce its response head, unless told otherwise.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// What every handler shares: the current event snapshot, its revision, and (when writes are
/// enabled) the store and the token that guards it.
#[derive(Clone)]
pub struct AppState {
    shared: Arc<Shared>,
    request_timeout: Duration,
    /// What links start with: the public URL or the listening address, never the request's
    /// Host header (a client could make links point anywhere).
    base_url: Arc<str>,
    /// Fetches the pages posted by URL and the watched feeds; `None` when this server fetches
    /// nothing.
    fetcher: Option<Fetcher>,
}

struct Shared {
    revisions: Revisions,
    store: Option<Arc<Store>>,
    /// SHA-256 of the write token, so comparing it takes the same time whatever its length.
    token_hash: Option<[u8; 32]>,
    /// Serialises "write, then update the index" so a slower update never replaces a newer one,
    /// and keeps the writes a background compaction must replay.
    writer: Mutex<Writer>,
    /// Compactions started, and whether one is running (for `/status`, which must not wait on
    /// the writer lock).
    compactions: AtomicU64,
    compacting: AtomicBool,
    /// Vector tiles already made, for every revision and filter asked, bounded in bytes.
    tiles: tiles::TileCache,
}

/// What the writer lock guards besides the order of writes.
#[derive(Default)]
struct Writer {
    /// The compaction running in the background, if any.
    compaction: Option<Compaction>,
}

/// A compaction under way: it rebuilds the index as it was when it started, then replays the
/// writes made since, logged here.
struct Compaction {
    ticket: u64,
    since: Vec<IndexChanges>,
}

/// `url` as links start with it: `http://` or `https://`, a host, perhaps a path, no query; the
/// trailing slash taken off.
pub fn check_base_url(url: &str) -> Result<&str, String> {
    let uri: axum::http::Uri = url
        .parse()
        .map_err(|e| format!("{url:?} is not a URL: {e}"))?;
    let scheme_ok = matches!(uri.scheme_str(), Some("http" | "https"));
    if !scheme_ok || uri.host().is_none_or(str::is_empty) || uri.query().is_some() {
        return Err(format!(
            "{url:?} must be an http(s) URL with a host and no query, e.g. https://maps.example.org/eventmap"
        ));
    }
    Ok(url.trim_end_matches('/'))
}

/// The index of every stored event, merged (one event per happening, see [`crate::merge`]).
fn index_of(store: &Store) -> Result<EventIndex, StoreError> {
    let mut builder = IndexBuilder::default();
    for e in store.merged_events()? {
        builder.push(e);
    }
    Ok(builder.finish())
}

fn token_hash(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

impl AppState {
    /// Serves a fixed set of events, read-only.
    pub fn new(events: Vec<Event>) -> AppState {
        AppState::from_index(EventIndex::new(events))
    }

    /// Serves a ready index, read-only.
    pub fn from_index(index: EventIndex) -> AppState {
        AppState::build(index, None, None)
    }

    /// Serves a store's events; writes are allowed with `token` (none: read-only).
    pub fn with_store(store: Arc<Store>, token: Option<String>) -> Result<AppState, StoreError> {
        let index = index_of(&store)?;
        Ok(AppState::build(
            index,
            Some(store),
            token.filter(|t| !t.is_empty()),
        ))
    }

    fn build(index: EventIndex, store: Option<Arc<Store>>, token: Option<String>) -> AppState {
        AppState {
            shared: Arc::new(Shared {
                revisions: Revisions::new(index),
                store,
                token_hash: token.as_deref().map(token_hash),
                writer: Mutex::new(Writer::default()),
                compactions: AtomicU64::new(0),
                compacting: AtomicBool::new(false),
                tiles: tiles::TileCache::default(),
            }),
            request_timeout: REQUEST_TIMEOUT,
            base_url: Arc::from("http://localhost"),
            fetcher: Fetcher::new(FetchOptions::default())
                .inspect_err(|e| tracing::error!(error = %e, "pages will not be fetched"))
                .ok(),
        }
    }

    /// Fetches pages and feeds within `options` (by default [`FetchOptions::default`]), or,
    /// with `None`, never: URLs posted are refused and no feed is polled.
    pub fn with_fetch_options(self, options: Option<FetchOptions>) -> Result<AppState, FetchError> {
        Ok(AppState {
            fetcher: options.map(Fetcher::new).transpose()?,
            ..self
        })
    }

    /// The fetcher, if this server fetches.
    pub fn fetcher(&self) -> Option<&Fetcher> {
        self.fetcher.as_ref()
    }

    /// Links start with `url` (see [`check_base_url`]): the server's public URL, or the address
    /// it listens on.
    pub fn with_base_url(self, url: &str) -> Result<AppState, String> {
        Ok(AppState {
            base_url: Arc::from(check_base_url(url)?),
            ..self
        })
    }

    /// What links start with, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Answers 408 to a request not answered within `timeout` (30 s by default).
    pub fn with_request_timeout(self, timeout: Duration) -> AppState {
        AppState {
            request_timeout: timeout,
            ..self
        }
    }

    /// The current snapshot; it stays valid however long the caller keeps it.
    pub fn snapshot(&self) -> Arc<EventIndex> {
        self.shared.revisions.current().index
    }

    /// The snapshot a page asks for: `revision` if given (the one its walk started on, kept
    /// [`revisions::KEEP_REPLACED_FOR`] after a write replaced it), else the current one.
    fn revision_at(&self, revision: Option<u64>) -> Result<Revision, ApiError> {
        let Some(number) = revision else {
            return Ok(self.shared.revisions.current());
        };
        self.shared.revisions.at(number).map_err(|e| match e {
            RevisionError::NoLongerKept { asked, current } => ApiError::new(
                StatusCode::CONFLICT,
                "DataChanged",
                format!(
                    "the events changed since this walk began (revision {asked}, now {current}) \
                     and revision {asked} is no longer kept: start again from the first page, \
                     without the revision parameter"
                ),
            ),
            RevisionError::Unknown { asked, current } => ApiError::not_found(format!(
                "revision {asked} was never served: the current revision is {current}"
            )),
        })
    }

    /// Keeps replaced revisions for paging `keep_for`, at most `keep_at_most` of them (by
    /// default [`revisions::KEEP_REPLACED_FOR`], [`revisions::KEEP_REPLACED_AT_MOST`]).
    pub fn keep_revisions(&self, keep_for: Duration, keep_at_most: usize) {
        self.shared.revisions.keep(keep_for, keep_at_most);
    }

    /// Rebuilds `index` into one base on a thread of its own, then, under the writer lock,
    /// replays the writes made meanwhile and serves the result: writers and readers go on
    /// with the growing delta in the meantime instead of waiting seconds.
    fn compact_in_background(&self, index: Arc<EventIndex>, ticket: u64) {
        let state = self.clone();
        tokio::task::spawn_blocking(move || {
            let started = std::time::Instant::now();
            let mut compacted = index.compacted();
            drop(index);
            let mut writer = state
                .shared
                .writer
                .lock()
                .unwrap_or_else(|p| p.into_inner());
            let Some(compaction) = writer.compaction.take_if(|c| c.ticket == ticket) else {
                return;
            };
            let replayed = compaction.since.len();
            for changes in compaction.since {
                compacted = compacted.with_delta(changes);
            }
            let events = compacted.len();
            // The same events as the index it replaces: no new revision for clients to fetch.
            state.shared.revisions.rebuild(Arc::new(compacted));
            state.shared.compacting.store(false, Ordering::SeqCst);
            tracing::info!(
                events,
                replayed,
                ms = started.elapsed().as_millis() as u64,
                "index compacted"
            );
        });
    }

    /// Serves `index`, a new revision, from now on; readers holding the old snapshot keep it
    /// until they finish.
    fn swap(&self, index: Arc<EventIndex>) {
        self.shared.revisions.advance(index);
    }

    /// Background compactions started so far, and whether one is running.
    pub fn compactions(&self) -> (u64, bool) {
        (
            self.shared.compactions.load(Ordering::SeqCst),
            self.shared.compacting.load(Ordering::SeqCst),
        )
    }

    /// Serves what another process wrote (`changes`, from [`Store::changes_since_followed`]):
    /// the groups it touched merged again from the store, as after a write of this server's.
    pub async fn follow(&self, changes: crate::store::Changes) -> Result<(), ApiError> {
        let store = self.store()?;
        self.write(move |s| {
            let regrouped = articles::regroup(&store, &s.snapshot(), changes.keys, changes.gone)?;
            Ok(((), regrouped))
        })
        .await
    }

    /// Rebuilds the index from the store (after a write, or another process's).
    pub fn reload(&self) -> Result<(), StoreError> {
        if let Some(store) = &self.shared.store {
            let mut writer = self.shared.writer.lock().unwrap_or_else(|p| p.into_inner());
            self.swap(Arc::new(index_of(store)?));
            // The store's events are all there: a compaction under way would bring back an
            // older index.
            writer.compaction = None;
            self.shared.compacting.store(false, Ordering::SeqCst);
        }
        Ok(())
    }

    pub fn revision(&self) -> u64 {
        self.shared.revisions.current().number
    }

    pub fn read_only(&self) -> bool {
        self.shared.store.is_none() || self.shared.token_hash.is_none()
    }

    fn tile_cache(&self) -> &tiles::TileCache {
        &self.shared.tiles
    }

    pub fn gazetteer(&self) -> &'static Gazetteer {
        Gazetteer::embedded()
    }

    /// Runs `read` on the store off the async threads (SQLite blocks).
    async fn read_store<T: Send + 'static>(
        &self,
        read: impl FnOnce(&Store) -> Result<T, crate::store::StoreError> + Send + 'static,
    ) -> Result<T, ApiError> {
        let store = self.store()?;
        Ok(tokio::task::spawn_blocking(move || read(&store))
            .await
            .map_err(ApiError::internal)??)
    }

    fn store(&self) -> Result<Arc<Store>, ApiError> {
        self.shared.store.clone().ok_or_else(|| {
            ApiError::not_found("this server has no article store (it serves a fixed events file)")
        })
    }

    /// The store, if the request carries the write token.
    fn authorize(&self, headers: &HeaderMap) -> Result<Arc<Store>, ApiError> {
        let store = self.store()?;
        let Some(expected) = &self.shared.token_hash else {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "ReadOnly",
                "this server is read-only: start it with EVENTMAP_TOKEN (or --token-file) to allow writes",
            ));
        };
        let given = headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim_start().split_once(' '))
            // RFC 9110: the scheme is case-insensitive; the token is compared as given.
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, t)| token_hash(t.trim()));
        match given {
            Some(given) if bool::from(given.ct_eq(expected)) => Ok(store),
            _ => Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "Unauthorized",
                "writes need the header Authorization: Bearer <token>",
            )),
        }
    }

    /// Runs a store write off the async threads, then swaps in an index with the changes it
    /// reports (built from the current one: a write does not read the whole store back).
    async fn write<T: Send + 'static>(
        &self,
        op: impl FnOnce(&AppState) -> Result<(T, IndexChanges), StoreError> + Send + 'static,
    ) -> Result<T, ApiError> {
        let state = self.clone();
        let result = tokio::task::spawn_blocking(move || {
            let mut writer = state
                .shared
                .writer
                .lock()
                .unwrap_or_else(|p| p.into_inner());
            let (out, changes) = op(&state)?;
            if !changes.is_empty() {
                let started = std::time::Instant::now();
                let (removed, added) = (changes.removed.len(), changes.added.len());
                if let Some(compaction) = &mut writer.compaction {
                    compaction.since.push(changes.clone());
                }
                let index = Arc::new(state.snapshot().with_delta(changes));
                let events = index.len();
                state.swap(Arc::clone(&index));
                tracing::info!(
                    removed,
                    added,
                    events,
                    ms = started.elapsed().as_millis() as u64,
                    "index updated"
                );
                if writer.compaction.is_none() && index.needs_compaction() {
                    let ticket = state.shared.compactions.fetch_add(1, Ordering::SeqCst) + 1;
                    state.shared.compacting.store(true, Ordering::SeqCst);
                    writer.compaction = Some(Compaction {
                        ticket,
                        since: Vec::new(),
                    });
                    state.compact_in_background(index, ticket);
                }
            }
            Ok::<T, StoreError>(out)
        })
        .await
        .map_err(ApiError::internal)?;
        Ok(result?)
    }
}

/// A collection id resolved: all events, one ACLED type's events, or the per-place totals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layer {
    Events(Option<EventType>),
    Places,
}

impl Layer {
    pub fn from_id(id: &str) -> Result<Layer, ApiError> {
        match id {
            "events" => Ok(Layer::Events(None)),
            "places" => Ok(Layer::Places),
            slug => EventType::from_slug(slug)
                .map(|t| Layer::Events(Some(t)))
                .ok_or_else(|| {
                    ApiError::not_found(format!("no collection {slug:?}; see /collections"))
                }),
        }
    }

    pub fn id(self) -> &'static str {
        match self {
            Layer::Events(None) => "events",
            Layer::Events(Some(t)) => t.slug(),
            Layer::Places => "places",
        }
    }
}

/// When a request must be answered by: its start plus the request timeout. Writes read it
/// from their extensions.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Deadline {
    at: tokio::time::Instant,
    timeout: Duration,
}

impl Deadline {
    /// A deadline `timeout` from now, for work no request waits on (the feed watcher's).
    pub(crate) fn after(timeout: Duration) -> Deadline {
        Deadline {
            at: tokio::time::Instant::now() + timeout,
            timeout,
        }
    }

    /// `work` if it ends before the deadline; else a 408 saying that `what` did not happen.
    /// Writes bound only their reading with it, never their commit: a write answered 408 was
    /// not made, and one that began to commit is answered when it ends.
    pub(crate) async fn bound<T>(
        self,
        what: &str,
        work: impl std::future::Future<Output = Result<T, ApiError>>,
    ) -> Result<T, ApiError> {
        tokio::time::timeout_at(self.at, work)
            .await
            .unwrap_or_else(|_| {
                Err(ApiError::new(
                    StatusCode::REQUEST_TIMEOUT,
                    "RequestTimeout",
                    format!(
                        "the request was not answered within {} s: {what}",
                        self.timeout.as_secs_f32()
                    ),
                ))
            })
    }
}

/// Middleware: a read not answered within the timeout gets a 408 (its work is dropped); a
/// write gets its [`Deadline`] and answers for itself, so a 408 never hides a stored write.
async fn request_deadline(
    axum::extract::State(timeout): axum::extract::State<Duration>,
    mut request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let deadline = Deadline {
        at: tokio::time::Instant::now() + timeout,
        timeout,
    };
    let writes = !matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if writes {
        request.extensions_mut().insert(deadline);
        return next.run(request).await;
    }
    let answer = async { Ok(next.run(request).await) };
    match deadline.bound("try again, or narrow it", answer).await {
        Ok(response) => response,
        Err(e) => e.into_response(),
    }
}

/// The whole service: API routes, assets, and the layers every request passes through,
/// outermost first. They are one stack, applied to the routes once: each `Router::layer` boxes
/// every route again, and a request cloned every box (two dozen allocations an answer by id).
pub fn router(state: AppState) -> Router {
    let request_timeout = state.request_timeout;
    // Reads are open to any page; writes carry a token and are not meant for cross-site use.
    let cors = CorsLayer::new().allow_origin(Any).allow_methods([
        Method::GET,
        Method::HEAD,
        Method::OPTIONS,
    ]);
    let layers = tower::ServiceBuilder::new()
        // A request's log lines at debug (`RUST_LOG=info,tower_http=debug` shows them): at
        // info, formatting and writing a line an answer cost more than a small answer itself.
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(DefaultMakeSpan::new().level(Level::DEBUG))
                .on_response(
                    DefaultOnResponse::new()
                        .level(Level::DEBUG)
                        .latency_unit(tower_http::LatencyUnit::Micros),
                ),
        )
        // Every answer is of the type it says: a browser never guesses one (a JSON error as HTML).
        .layer(SetResponseHeaderLayer::if_not_present(
            axum::http::header::X_CONTENT_TYPE_OPTIONS,
            axum::http::HeaderValue::from_static("nosniff"),
        ))
        // woff2 is already compressed: compressing it again only costs time.
        .layer(
            CompressionLayer::new().compress_when(
                DefaultPredicate::new()
                    .and(NotForContentType::new("font/woff2"))
                    // A download's byte ranges and length are those of its plain bytes.
                    .and(|_, _, headers: &HeaderMap, _: &_| !headers.contains_key(ACCEPT_RANGES)),
            ),
        )
        // Under compression (it reads plain bodies).
        .layer(axum::middleware::map_response(error::fill_error_body))
        .layer(axum::middleware::from_fn_with_state(
            request_timeout,
            request_deadline,
        ))
        .layer(cors)
        .layer(DefaultBodyLimit::max(BODY_LIMIT));
    routes().with_state(state).layer(layers)
}

/// The API's resources and the page's assets.
fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(ogc::landing))
        .route("/conformance", get(ogc::conformance))
        .route("/api", get(ogc::openapi))
        .route("/collections", get(ogc::collections))
        .route("/collections/{collection}", get(ogc::collection))
        .route(
            "/collections/{collection}/queryables",
            get(schema::queryables),
        )
        .route("/collections/{collection}/schema", get(schema::schema))
        .route(
            "/collections/{collection}/schema/feature",
            get(schema::feature_schema),
        )
        .route("/collections/{collection}/items", get(features::items))
        .route(
            "/collections/{collection}/items/{feature}",
            get(features::item).patch(articles::correct),
        )
        // Places are totals, not events: no PATCH, so a route of its own whose 405s and Allow
        // header name only GET and HEAD, before any token is looked at.
        .route("/collections/places/items/{feature}", get(place_item))
        .route("/articles", get(articles::list).post(articles::create))
        .route(
            "/articles/{id}",
            get(articles::show).delete(articles::delete),
        )
        .route("/feeds", get(feeds::list).post(feeds::create))
        .route("/feeds/{id}", get(feeds::show).delete(feeds::delete))
        .route("/tileMatrixSets", get(tiles::matrix_sets))
        .route("/tileMatrixSets/{matrix_set}", get(tiles::matrix_set))
        .route("/collections/{collection}/tiles", get(tiles::tilesets))
        .route(
            "/collections/{collection}/tiles/{matrix_set}",
            get(tiles::tileset),
        )
        .route(
            "/collections/{collection}/tiles/{matrix_set}/{z}/{y}/{x}",
            get(tiles::tile),
        )
        .route("/timeline", get(features::timeline))
        .route("/status", get(ogc::status))
        .route("/assets/{*path}", get(crate::web::asset))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
}

async fn place_item(
    state: axum::extract::State<AppState>,
    axum::extract::Path(feature): axum::extract::Path<String>,
    headers: HeaderMap,
    raw: axum::extract::RawQuery,
) -> Result<axum::response::Response, ApiError> {
    let path = axum::extract::Path((Layer::Places.id().to_string(), feature));
    features::item(state, path, headers, raw).await
}

async fn not_found(uri: axum::http::Uri) -> ApiError {
    ApiError::not_found(format!("no resource at {}; start at /", uri.path()))
}

async fn method_not_allowed(method: Method) -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "MethodNotAllowed",
        format!("{method} is not allowed here"),
    )
}
