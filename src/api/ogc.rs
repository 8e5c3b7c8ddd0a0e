//! The OGC API – Features metadata resources: landing page, conformance, the OpenAPI document,
//! collections with their extents, and queryables.

use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::params::{
    ALL, ARTICLE, CRS84, EPSG_4326, FEATURE, FILTERS, Format, ITEM_SHAPE, JSON_ONLY, LANDING, META,
    PAGE, Params, SHAPE, Set,
};
use super::schema::SCHEMA_JSON;
use super::{ApiError, AppState, Layer};
use crate::index::EventIndex;
use crate::model::EventType;
use crate::store::StoreError;

const GEOJSON: &str = "application/geo+json";
const OPENAPI: &str = "application/vnd.oai.openapi+json;version=3.0";

/// A JSON body with the content type the negotiation chose.
pub fn json_response(value: &Value, content_type: &'static str) -> Response {
    ([(CONTENT_TYPE, content_type)], value.to_string()).into_response()
}

fn link(href: String, rel: &str, kind: &str, title: &str) -> Value {
    json!({ "href": href, "rel": rel, "type": kind, "title": title })
}

/// `/`: the map page for browsers, the OGC landing page for everyone else.
pub async fn landing(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let params = Params::parse(raw.as_deref(), &[LANDING])?;
    match Format::negotiate(&params, &headers, Format::Json)? {
        Format::Html => return Ok(crate::web::index_page(&headers)),
        Format::Json => {}
        _ => {
            return Err(ApiError::invalid(
                "f must be json or html for the landing page",
            ));
        }
    }
    let base = state.base_url();
    let body = json!({
        "title": "eventmap",
        "description": "Dated, geocoded events extracted from news reports, as OGC API - Features layers.",
        "attribution": "Places: GeoNames (CC BY 4.0), Natural Earth admin-1, ISO 3166-2 subdivisions (iso3166-2, MIT). Basemap: Natural Earth. Events: eventmap extraction of the cited articles.",
        "links": [
            link(format!("{base}/?f=json"), "self", "application/json", "This document"),
            link(format!("{base}/?f=html"), "alternate", "text/html", "The map"),
            link(format!("{base}/api"), "service-desc", OPENAPI, "The API definition"),
            link(format!("{base}/conformance"), "conformance", "application/json", "Conformance classes"),
            link(format!("{base}/collections"), "data", "application/json", "The layers"),
            link(format!("{base}/tileMatrixSets"), "http://www.opengis.net/def/rel/ogc/1.0/tiling-schemes", "application/json", "Tile matrix sets"),
        ],
    });
    Ok(json_response(&body, "application/json"))
}

/// The conformance classes implemented, and only those: Features Part 1 (with HTML), Part 2
/// (EPSG:4326 besides CRS84), Part 3 (queryables and CQL2 filters), Part 5's schemas, and the
/// CQL2 classes the filter language implements (every spatial function but on point
/// geometries, every temporal one).
const CONFORMANCE: &[&str] = &[
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
    "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter",
    "http://www.opengis.net/spec/ogcapi-features-5/1.0/conf/schemas",
    "http://www.opengis.net/spec/ogcapi-features-5/1.0/conf/core-roles-features",
    "http://www.opengis.net/spec/cql2/1.0/conf/cql2-text",
    "http://www.opengis.net/spec/cql2/1.0/conf/cql2-json",
    "http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2",
    "http://www.opengis.net/spec/cql2/1.0/conf/advanced-comparison-operators",
    "http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions",
    "http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions-plus",
    "http://www.opengis.net/spec/cql2/1.0/conf/spatial-functions",
    "http://www.opengis.net/spec/cql2/1.0/conf/temporal-functions",
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/tileset",
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/tilesets-list",
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/geodata-tilesets",
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/mvt",
];

pub async fn conformance(RawQuery(raw): RawQuery) -> Result<Response, ApiError> {
    Params::json_only(raw.as_deref())?;
    let body = json!({ "conformsTo": CONFORMANCE });
    Ok(json_response(&body, "application/json"))
}

pub async fn status(State(state): State<AppState>) -> Result<Response, ApiError> {
    let (compactions, compacting) = state.compactions();
    let mut body = json!({
        "revision": state.revision(),
        "events": state.snapshot().len(),
        "read_only": state.read_only(),
        "compactions": compactions,
        "compacting": compacting,
    });
    // Each watched feed: when it was fetched, what that gave, when it is polled next.
    if let Ok(store) = state.store() {
        let feeds = tokio::task::spawn_blocking(move || store.feeds())
            .await
            .map_err(ApiError::internal)?;
        // An unreachable database is news for /status, not its failure: reads go on.
        match feeds {
            Err(StoreError::Unavailable(why)) => {
                body["store"] = json!({ "reachable": false, "error": why });
            }
            feeds => {
                body["store"] = json!({ "reachable": true });
                body["feeds"] = json!(feeds?);
            }
        }
        body["fetching"] = json!(state.fetcher().is_some());
    }
    Ok(json_response(&body, "application/json"))
}

pub(super) fn title(layer: Layer) -> String {
    match layer {
        Layer::Events(None) => "All events".into(),
        Layer::Events(Some(t)) => t.label().into(),
        Layer::Places => "Places (totals per place)".into(),
    }
}

fn collection_json(index: &EventIndex, layer: Layer, base: &str) -> Value {
    let id = layer.id();
    let extent = match layer {
        Layer::Events(t) => index.extent(t),
        Layer::Places => index.extent(None),
    };
    let (bbox, interval) = match extent {
        Some((b, first, last)) => (
            json!([b]),
            json!([[format!("{first}T00:00:00Z"), format!("{last}T23:59:59Z")]]),
        ),
        None => (json!([[-180.0, -90.0, 180.0, 90.0]]), json!([[null, null]])),
    };
    let description = match layer {
        Layer::Events(None) => "Every event, of every ACLED event type.".to_string(),
        Layer::Events(Some(t)) => format!("Events of ACLED type \"{}\".", t.label()),
        Layer::Places => "One feature per place with its event, fatality, injury and arrest totals for the same filters.".to_string(),
    };
    let mut links = vec![
        link(
            format!("{base}/collections/{id}"),
            "self",
            "application/json",
            "This collection",
        ),
        link(
            format!("{base}/collections/{id}?f=html"),
            "alternate",
            "text/html",
            "This collection as HTML",
        ),
        link(
            format!("{base}/collections/{id}/items"),
            "items",
            GEOJSON,
            "Features",
        ),
        link(
            format!("{base}/collections/{id}/items?f=html"),
            "items",
            "text/html",
            "Features as an HTML table",
        ),
        link(
            format!("{base}/collections/{id}/items?f=csv"),
            "items",
            "text/csv",
            "Features as CSV",
        ),
        link(
            format!("{base}/collections/{id}/queryables"),
            "http://www.opengis.net/def/rel/ogc/1.0/queryables",
            SCHEMA_JSON,
            "Queryables",
        ),
        link(
            format!("{base}/collections/{id}/schema"),
            "http://www.opengis.net/def/rel/ogc/1.0/schema",
            SCHEMA_JSON,
            "Schema of the features' properties",
        ),
        link(
            format!("{base}/collections/{id}/schema/feature"),
            "describedby",
            SCHEMA_JSON,
            "Schema of a whole feature",
        ),
        // GDAL 3.6 matches the relation case-sensitively in this spelling (RFC 8288 makes
        // relations case-insensitive; both are given so every client finds its own).
        link(
            format!("{base}/collections/{id}/schema/feature"),
            "describedBy",
            SCHEMA_JSON,
            "Schema of a whole feature",
        ),
    ];
    if layer != Layer::Places {
        links.push(link(
            format!("{base}/collections/{id}/tiles"),
            "http://www.opengis.net/def/rel/ogc/1.0/tilesets-vector",
            "application/json",
            "Vector tiles",
        ));
    }
    json!({
        "id": id,
        "title": title(layer),
        "description": description,
        "itemType": "feature",
        "crs": [CRS84, EPSG_4326],
        "storageCrs": CRS84,
        "extent": {
            "spatial": { "bbox": bbox, "crs": CRS84 },
            "temporal": { "interval": interval, "trs": "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian" },
        },
        "links": links,
    })
}

/// Layers listed: all events, each type present, places.
fn listed_layers(index: &EventIndex) -> Vec<Layer> {
    std::iter::once(Layer::Events(None))
        .chain(index.types().into_iter().map(|t| Layer::Events(Some(t))))
        .chain(std::iter::once(Layer::Places))
        .collect()
}

/// JSON, or its HTML view when the client asks for it (`f=html`, a browser's `Accept`).
fn json_or_html(
    params: &Params,
    headers: &HeaderMap,
    body: &Value,
    html: impl FnOnce(&Value) -> String,
) -> Result<Response, ApiError> {
    Ok(match Format::negotiate(params, headers, Format::Json)? {
        Format::Html => super::html::response(html(body)),
        _ => json_response(body, "application/json"),
    })
}

pub async fn collections(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let params = Params::parse(raw.as_deref(), &[META])?;
    let index = state.snapshot();
    let base = state.base_url();
    let body = json!({
        "links": [
            link(format!("{base}/collections"), "self", "application/json", "The layers"),
            link(format!("{base}/collections?f=html"), "alternate", "text/html", "The layers as HTML"),
        ],
        "collections": listed_layers(&index).into_iter().map(|l| collection_json(&index, l, base)).collect::<Vec<_>>(),
    });
    json_or_html(&params, &headers, &body, |b| {
        super::html::collections(b, base)
    })
}

pub async fn collection(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let params = Params::parse(raw.as_deref(), &[META])?;
    let layer = Layer::from_id(&id)?;
    let base = state.base_url();
    let body = collection_json(&state.snapshot(), layer, base);
    json_or_html(&params, &headers, &body, |b| {
        super::html::collection(b, base)
    })
}

/// `$ref`s to the parameters of `sets`, as the handler of an operation parses them.
fn param_refs(sets: &[Set]) -> Vec<Value> {
    sets.iter()
        .flat_map(|set| set.iter())
        .map(|p| json!({ "$ref": format!("#/components/parameters/{}", p.id) }))
        .collect()
}

/// The parameters whose values depend on the layer, written out for `layer` in place of their
/// `$ref`: `properties` (the layer's property names) and `sortby` (its sortable properties).
fn for_layer(mut parameters: Vec<Value>, layer: Layer) -> Vec<Value> {
    for p in &mut parameters {
        let name = p["$ref"]
            .as_str()
            .and_then(|r| r.rsplit('/').next())
            .unwrap_or("")
            .to_string();
        let schema = match name.as_str() {
            "properties" => {
                let names: Vec<String> = super::schema::fields(layer)
                    .into_iter()
                    .map(|f| f.name)
                    .collect();
                json!({ "type": "array", "items": { "type": "string", "enum": names } })
            }
            "sortby" => {
                let keys = super::sort::sortables(layer == Layer::Places).join("|");
                let key = format!("[+-]?(?:{keys})");
                json!({ "type": "string", "pattern": format!("^(?:{key}(?:,{key})*)?$") })
            }
            _ => continue,
        };
        let description = ALL
            .iter()
            .flat_map(|set| set.iter())
            .find(|q| q.id == name)
            .map_or("", |q| q.description);
        let explode = name == "properties";
        *p = json!({ "name": name, "in": "query", "required": false, "description": description, "schema": schema });
        if explode {
            p["style"] = json!("form");
            p["explode"] = json!(false);
        }
    }
    parameters
}

fn exception(what: &str) -> Value {
    json!({ "description": what, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/exception" } } } })
}

/// A 200 answered as JSON or, for a browser, as an HTML page.
fn json_or_html_ok(what: &str) -> Value {
    json!({ "description": what, "content": { "application/json": { "schema": { "type": "object" } }, "text/html": { "schema": { "type": "string" } } } })
}

fn json_ok(what: &str) -> Value {
    json!({ "description": what, "content": { "application/json": { "schema": { "type": "object" } } } })
}

/// A GET answered as JSON, taking `sets`.
fn json_get(id: &str, summary: &str, sets: &[Set], ok: Value) -> Value {
    json!({ "get": { "operationId": id, "summary": summary, "parameters": param_refs(sets), "responses": { "200": ok, "400": exception("Bad request") } } })
}

/// The answers of a write besides its own: no or a wrong token, a read-only server.
fn write_errors(mut responses: Value) -> Value {
    responses["401"] = exception("Missing or wrong token");
    responses["403"] = exception("The server is read-only");
    responses
}

/// The article text: not blank, no NUL (the server refuses a text that is, 422 and 415).
const ARTICLE_TEXT_PATTERN: &str = "^[^\\x00]*[^\\s\\x00][^\\x00]*$";

fn article_paths(paths: &mut serde_json::Map<String, Value>) {
    let bearer = json!([{ "bearer": [] }]);
    let article_id = json!({ "name": "articleId", "in": "path", "required": true, "schema": { "type": "integer", "format": "int64", "minimum": 1, "maximum": i64::MAX } });
    let text = json!({ "type": "string", "minLength": 1, "pattern": ARTICLE_TEXT_PATTERN });
    let metadata: serde_json::Map<String, Value> = ARTICLE
        .iter()
        .map(|p| (p.name.to_string(), p.schema()))
        .collect();
    // A text, or the URL of a page to fetch: exactly one (and a page's URL is its source).
    let mut body = json!({ "type": "object", "additionalProperties": false, "properties": metadata,
        "oneOf": [{ "required": ["text"] }, { "required": ["url"], "not": { "required": ["source_url"] } }] });
    body["properties"]["text"] = text.clone();
    body["properties"]["url"] = json!({ "type": "string", "format": "uri", "maxLength": crate::store::MAX_URL_CHARS, "pattern": "^[Hh][Tt][Tt][Pp][Ss]?://[^\\s/?#]+[^\\s]*$",
        "description": "An http(s) page to fetch and read (its article, or a live blog's entries); a private, loopback or link-local address is refused unless the server allows it" });
    let mut articles = json_get(
        "getArticles",
        "Stored articles",
        &[JSON_ONLY],
        json_ok("The articles"),
    );
    articles["get"]["responses"]["404"] = exception("No article store");
    articles["post"] = json!({
        "operationId": "postArticle", "summary": "Add an article and extract its events", "security": bearer,
        "description": "The metadata comes from the JSON body, or from the query parameters for what the body does not give (all of it with a text/plain body). A JSON body with `url` instead of `text` has the page fetched and read (title, date and language from the page unless given); a URL already stored gives its article (200).",
        "parameters": param_refs(&[ARTICLE]),
        "requestBody": { "required": true, "content": { "application/json": { "schema": body }, "text/plain": { "schema": text } } },
        "responses": write_errors(json!({
            "200": json_ok("The same text was already stored: its article and events"),
            "201": json_ok("The article and its events"),
            "400": exception("Bad request"), "404": exception("No article store"), "413": exception("Body over the size limit"),
            "415": exception("Not JSON or UTF-8 text, or a text with NUL"),
            "422": exception("Blank text, or a page that is not HTML or text, over the size limit, missing, or with no article"),
            "502": exception("The page's site failed (an error, a redirect loop, no answer)"),
            "504": exception("The page's site did not answer in time"),
        })),
    });
    paths.insert("/articles".into(), articles);
    feed_paths(paths, &bearer);
    let mut article = json_get(
        "getArticle",
        "One article with its text and events",
        &[JSON_ONLY],
        json_ok("The article"),
    );
    let mut parameters = vec![article_id.clone()];
    parameters.extend(param_refs(&[JSON_ONLY]));
    article["get"]["parameters"] = json!(parameters);
    article["get"]["responses"]["404"] = exception("Not found");
    article["delete"] = json!({ "operationId": "deleteArticle", "summary": "Delete an article and its events", "security": bearer, "parameters": [article_id],
        "responses": write_errors(json!({ "204": { "description": "Deleted" }, "400": exception("Bad request"), "404": exception("Not found") })) });
    paths.insert("/articles/{articleId}".into(), article);
}

/// `/feeds` and `/feeds/{feedId}`: the watched feeds.
fn feed_paths(paths: &mut serde_json::Map<String, Value>, bearer: &Value) {
    let feed_id = json!({ "name": "feedId", "in": "path", "required": true, "schema": { "type": "integer", "format": "int64", "minimum": 1, "maximum": i64::MAX } });
    let url = json!({ "type": "string", "format": "uri", "maxLength": crate::store::MAX_URL_CHARS, "pattern": "^[Hh][Tt][Tt][Pp][Ss]?://[^\\s/?#]+[^\\s]*$" });
    let mut feeds = json_get(
        "getFeeds",
        "The watched feeds and how their polls went",
        &[JSON_ONLY],
        json_ok("The feeds"),
    );
    feeds["get"]["responses"]["404"] = exception("No article store");
    feeds["post"] = json!({
        "operationId": "postFeed", "summary": "Watch an RSS, Atom or JSON feed", "security": bearer,
        "description": "The feed is polled in the background (conditional requests; failures back off); each new item's page is fetched once and stored as an article.",
        "requestBody": { "required": true, "content": { "application/json": { "schema": {
            "type": "object", "required": ["url"], "additionalProperties": false, "properties": { "url": url } } } } },
        "responses": write_errors(json!({
            "200": json_ok("The feed was watched already"), "201": json_ok("The feed, now watched"),
            "400": exception("Bad request"), "404": exception("No article store"), "413": exception("Body over the size limit"),
            "415": exception("Not JSON"),
        })),
    });
    paths.insert("/feeds".into(), feeds);
    let mut feed = json_get(
        "getFeed",
        "One watched feed",
        &[JSON_ONLY],
        json_ok("The feed"),
    );
    let mut parameters = vec![feed_id.clone()];
    parameters.extend(param_refs(&[JSON_ONLY]));
    feed["get"]["parameters"] = json!(parameters);
    feed["get"]["responses"]["404"] = exception("Not found");
    feed["delete"] = json!({ "operationId": "deleteFeed", "summary": "Stop watching a feed (its articles stay)", "security": bearer, "parameters": [feed_id],
        "responses": write_errors(json!({ "204": { "description": "Deleted" }, "400": exception("Bad request"), "404": exception("Not found") })) });
    paths.insert("/feeds/{feedId}".into(), feed);
}

fn matrix_set_param() -> Value {
    json!({ "name": "tileMatrixSetId", "in": "path", "required": true, "schema": { "type": "string", "enum": [crate::tiles::grid::ID] } })
}

/// The OGC API – Tiles paths of an events layer.
fn tile_paths(paths: &mut serde_json::Map<String, Value>, layer: Layer) {
    let id = layer.id();
    let op = id.replace('-', "_");
    paths.insert(
        format!("/collections/{id}/tiles"),
        json_get(
            &format!("tilesets_{op}"),
            "The layer's tilesets",
            &[JSON_ONLY],
            json_ok("Tilesets"),
        ),
    );
    let mut tileset = json_get(
        &format!("tileset_{op}"),
        "The tileset (OGC JSON or TileJSON)",
        &[super::params::TILESET, FILTERS],
        json_ok("The tileset"),
    );
    if let Some(p) = tileset["get"]["parameters"].as_array_mut() {
        p.insert(0, matrix_set_param());
    }
    tileset["get"]["responses"]["404"] = exception("No such tile matrix set");
    paths.insert(
        format!("/collections/{id}/tiles/{{tileMatrixSetId}}"),
        tileset,
    );
    let whole = |name: &str, max: u64| json!({ "name": name, "in": "path", "required": true, "schema": { "type": "integer", "minimum": 0, "maximum": max } });
    let side = (1u64 << crate::tiles::grid::MAX_ZOOM) - 1;
    let mut parameters = vec![
        matrix_set_param(),
        whole("tileMatrix", u64::from(crate::tiles::grid::MAX_ZOOM)),
        whole("tileRow", side),
        whole("tileCol", side),
    ];
    parameters.extend(param_refs(&[FILTERS]));
    let tile = json!({ "get": {
        "operationId": format!("tile_{op}"),
        "summary": "A vector tile of the matching events (events, or clusters where they crowd)",
        "parameters": parameters,
        "responses": {
            "200": { "description": "The tile (empty where no event falls)", "content": { super::tiles::MVT: { "schema": { "type": "string", "format": "binary" } } } },
            "400": exception("Bad request"),
            "404": exception("No such tile: a row or column past the zoom's last"),
        },
    } });
    paths.insert(
        format!(
            "/collections/{id}/tiles/{{tileMatrixSetId}}/{{tileMatrix}}/{{tileRow}}/{{tileCol}}"
        ),
        tile,
    );
}

fn layer_paths(paths: &mut serde_json::Map<String, Value>, layer: Layer) {
    let id = layer.id();
    let op = id.replace('-', "_");
    paths.insert(
        format!("/collections/{id}"),
        json_get(
            &format!("describe_{op}"),
            &format!("Describe {}", title(layer)),
            &[META],
            json_or_html_ok("The collection"),
        ),
    );
    let schemas = [
        ("queryables", "queryables", "Properties a filter may name"),
        ("schema", "schema", "Properties of the features"),
        (
            "schema/feature",
            "featureSchema",
            "Schema of a whole feature",
        ),
    ];
    for (path, name, summary) in schemas {
        let schema = json!({ "description": summary, "content": { SCHEMA_JSON: { "schema": { "type": "object" } } } });
        paths.insert(
            format!("/collections/{id}/{path}"),
            json_get(&format!("{name}_{op}"), summary, &[JSON_ONLY], schema),
        );
    }
    let features = json!({ "$ref": "#/components/schemas/featureCollection" });
    let mut items = json_get(
        &format!("getFeatures_{op}"),
        &format!("Features of {}", title(layer)),
        &[FILTERS, PAGE, SHAPE],
        json!({ "description": "The features", "content": { GEOJSON: { "schema": features }, "application/json": { "schema": features }, "text/csv": { "schema": { "type": "string" } }, "text/html": { "schema": { "type": "string" } } } }),
    );
    items["get"]["parameters"] = json!(for_layer(param_refs(&[FILTERS, PAGE, SHAPE]), layer));
    items["get"]["responses"]["206"] = json!({ "description": "The byte range a Range header asked of a download (f=csv or download=true)" });
    items["get"]["responses"]["416"] =
        exception("The Range asked for starts past the end of the download");
    items["get"]["responses"]["404"] = exception("No such collection, or a revision never served");
    items["get"]["responses"]["409"] =
        exception("The data changed and the revision asked for is no longer kept: start again");
    paths.insert(format!("/collections/{id}/items"), items);
    let feature_id = json!({ "name": "featureId", "in": "path", "required": true, "schema": { "type": "string", "pattern": "^[A-Za-z0-9._-]{1,128}$" } });
    let mut parameters = vec![feature_id.clone()];
    parameters.extend(for_layer(param_refs(&[FEATURE, ITEM_SHAPE]), layer));
    let mut item = json!({ "get": {
        "operationId": format!("getFeature_{op}"),
        "summary": "One feature",
        "parameters": parameters,
        "responses": { "200": { "description": "The feature", "content": { GEOJSON: { "schema": { "type": "object" } }, "application/json": { "schema": { "type": "object" } }, "text/html": { "schema": { "type": "string" } } } }, "400": exception("Bad request"), "404": exception("Not found") },
    } });
    if let Layer::Events(_) = layer {
        item["patch"] = json!({
            "operationId": format!("correctFeature_{op}"),
            "summary": "Correct an event (kept across reindexing)",
            "security": [{ "bearer": [] }],
            "parameters": [feature_id],
            "requestBody": { "required": true, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/correction" } } } },
            "responses": write_errors(json!({ "200": { "description": "The corrected feature", "content": { GEOJSON: { "schema": { "type": "object" } } } }, "400": exception("Bad request"), "404": exception("Not found"), "413": exception("Body over the size limit"), "415": exception("Not JSON") })),
        });
    }
    paths.insert(format!("/collections/{id}/items/{{featureId}}"), item);
}

fn schemas() -> Value {
    json!({
        "correction": { "type": "object", "additionalProperties": false, "minProperties": 1, "properties": {
            "geonameid": { "type": "integer", "minimum": 1, "maximum": u32::MAX },
            "event_date": { "type": "string", "format": "date", "description": "From 1900-01-01 to tomorrow" },
            "event_type": { "type": "string", "enum": EventType::ALL.map(|t| t.label()) },
            "sub_event_type": { "type": "string" },
            "fatalities": { "type": "integer", "minimum": 0, "maximum": u32::MAX, "nullable": true },
            "injuries": { "type": "integer", "minimum": 0, "maximum": u32::MAX, "nullable": true },
            "arrests": { "type": "integer", "minimum": 0, "maximum": u32::MAX, "nullable": true },
        } },
        "exception": { "type": "object", "required": ["code"], "properties": { "code": { "type": "string" }, "description": { "type": "string" } } },
        "featureCollection": { "type": "object", "required": ["type", "features"], "properties": {
            "type": { "type": "string", "enum": ["FeatureCollection"] },
            "features": { "type": "array", "items": { "type": "object" } },
            "numberMatched": { "type": "integer", "minimum": 0 },
            "numberReturned": { "type": "integer", "minimum": 0 },
            "timeStamp": { "type": "string", "format": "date-time" },
            "links": { "type": "array", "items": { "type": "object" } },
        } },
    })
}

/// The OpenAPI 3.0 document, self-contained (no remote `$ref`), one items path per collection so
/// clients that read it per layer (GDAL) see every filter parameter. Every query parameter comes
/// from the table [`Params::parse`] checks requests against.
pub async fn openapi(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    Params::json_only(raw.as_deref())?;
    let index = state.snapshot();
    let mut paths = serde_json::Map::new();
    let mut landing = json_get(
        "getLandingPage",
        "Landing page (JSON) or the map (HTML)",
        &[LANDING],
        json!({}),
    );
    landing["get"]["responses"]["200"] = json!({ "description": "Links to the API, or the map page", "content": { "application/json": { "schema": { "type": "object" } }, "text/html": { "schema": { "type": "string" } } } });
    paths.insert("/".into(), landing);
    paths.insert(
        "/conformance".into(),
        json_get(
            "getConformance",
            "Conformance classes",
            &[JSON_ONLY],
            json_ok("Conformance classes"),
        ),
    );
    paths.insert(
        "/api".into(),
        json_get(
            "getApi",
            "This document",
            &[JSON_ONLY],
            json_ok("The OpenAPI document"),
        ),
    );
    paths.insert(
        "/collections".into(),
        json_get(
            "getCollections",
            "The layers",
            &[META],
            json_or_html_ok("Collections"),
        ),
    );
    paths.insert(
        "/timeline".into(),
        json_get(
            "getTimeline",
            "Events per day and layer",
            &[FILTERS, JSON_ONLY],
            json_ok("Counts per day"),
        ),
    );
    paths.insert("/status".into(), json!({ "get": { "operationId": "getStatus", "summary": "Revision and size of the data", "responses": { "200": json_ok("Status") } } }));
    article_paths(&mut paths);
    for layer in listed_layers(&index) {
        layer_paths(&mut paths, layer);
        if layer != Layer::Places {
            tile_paths(&mut paths, layer);
        }
    }
    paths.insert(
        "/tileMatrixSets".into(),
        json_get(
            "getTileMatrixSets",
            "Tile matrix sets",
            &[JSON_ONLY],
            json_ok("The tile matrix sets"),
        ),
    );
    let mut set = json_get(
        "getTileMatrixSet",
        "A tile matrix set's definition",
        &[JSON_ONLY],
        json_ok("The definition"),
    );
    if let Some(p) = set["get"]["parameters"].as_array_mut() {
        p.insert(0, matrix_set_param());
    }
    set["get"]["responses"]["404"] = exception("No such tile matrix set");
    paths.insert("/tileMatrixSets/{tileMatrixSetId}".into(), set);
    let parameters: serde_json::Map<String, Value> = ALL
        .iter()
        .flat_map(|set| set.iter())
        .map(|p| (p.id.to_string(), p.openapi()))
        .collect();
    let body = json!({
        "openapi": "3.0.3",
        "info": {
            "title": "eventmap",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "OGC API - Features over events extracted from news reports. Places from GeoNames (CC BY 4.0).",
            "license": { "name": "MIT" },
        },
        "servers": [{ "url": state.base_url() }],
        "paths": paths,
        "components": {
            "parameters": parameters,
            "securitySchemes": { "bearer": { "type": "http", "scheme": "bearer", "description": "The server's EVENTMAP_TOKEN" } },
            "schemas": schemas(),
        },
    });
    Ok(json_response(&body, OPENAPI))
}
