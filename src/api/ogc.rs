//! The OGC API – Features metadata resources: landing page, conformance, the OpenAPI document,
//! collections with their extents, and queryables.

use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::params::{FILTER_PARAMS, Format, MAX_LIMIT, Params, QUERYABLES};
use super::{ApiError, AppState, Layer};
use crate::index::EventIndex;
use crate::model::EventType;

const GEOJSON: &str = "application/geo+json";
const OPENAPI: &str = "application/vnd.oai.openapi+json;version=3.0";
const CRS84: &str = "http://www.opengis.net/def/crs/OGC/1.3/CRS84";

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
    let params = Params::parse(raw.as_deref(), &[&["f"]])?;
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
        ],
    });
    Ok(json_response(&body, "application/json"))
}

pub async fn conformance(RawQuery(raw): RawQuery) -> Result<Response, ApiError> {
    Params::json_only(raw.as_deref())?;
    let body = json!({ "conformsTo": [
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    ]});
    Ok(json_response(&body, "application/json"))
}

pub async fn status(State(state): State<AppState>) -> Response {
    let (compactions, compacting) = state.compactions();
    let body = json!({
        "revision": state.revision(),
        "events": state.snapshot().len(),
        "read_only": state.read_only(),
        "compactions": compactions,
        "compacting": compacting,
    });
    json_response(&body, "application/json")
}

fn title(layer: Layer) -> String {
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
    json!({
        "id": id,
        "title": title(layer),
        "description": description,
        "itemType": "feature",
        "crs": [CRS84],
        "storageCrs": CRS84,
        "extent": {
            "spatial": { "bbox": bbox, "crs": CRS84 },
            "temporal": { "interval": interval, "trs": "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian" },
        },
        "links": [
            link(format!("{base}/collections/{id}"), "self", "application/json", "This collection"),
            link(format!("{base}/collections/{id}/items"), "items", GEOJSON, "Features"),
            link(format!("{base}/collections/{id}/items?f=csv"), "items", "text/csv", "Features as CSV"),
            link(format!("{base}/collections/{id}/queryables"), "http://www.opengis.net/def/rel/ogc/1.0/queryables", "application/schema+json", "Queryables"),
        ],
    })
}

/// Layers listed: all events, each type present, places.
fn listed_layers(index: &EventIndex) -> Vec<Layer> {
    std::iter::once(Layer::Events(None))
        .chain(index.types().into_iter().map(|t| Layer::Events(Some(t))))
        .chain(std::iter::once(Layer::Places))
        .collect()
}

pub async fn collections(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    Params::json_only(raw.as_deref())?;
    let index = state.snapshot();
    let base = state.base_url();
    let body = json!({
        "links": [link(format!("{base}/collections"), "self", "application/json", "The layers")],
        "collections": listed_layers(&index).into_iter().map(|l| collection_json(&index, l, base)).collect::<Vec<_>>(),
    });
    Ok(json_response(&body, "application/json"))
}

pub async fn collection(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    Params::json_only(raw.as_deref())?;
    let layer = Layer::from_id(&id)?;
    let body = collection_json(&state.snapshot(), layer, state.base_url());
    Ok(json_response(&body, "application/json"))
}

pub async fn queryables(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    Params::json_only(raw.as_deref())?;
    let layer = Layer::from_id(&id)?;
    let mut properties = serde_json::Map::new();
    for (name, kind, description) in QUERYABLES {
        let mut schema = json!({ "title": name, "type": kind, "description": description });
        if *name == "event_type" {
            schema["enum"] = json!(EventType::ALL.map(|t| t.label()));
        }
        properties.insert(name.to_string(), schema);
    }
    properties.insert("event_date".into(), json!({ "title": "event_date", "type": "string", "format": "date", "description": "Filter with the datetime parameter" }));
    properties.insert("geometry".into(), json!({ "title": "geometry", "type": "object", "format": "geometry-point", "description": "Filter with the bbox parameter" }));
    let body = json!({
        "$schema": "https://json-schema.org/draft/2019-09/schema",
        "$id": format!("{}/collections/{}/queryables", state.base_url(), layer.id()),
        "type": "object",
        "title": title(layer),
        "properties": properties,
        "additionalProperties": false,
    });
    Ok(json_response(&body, "application/schema+json"))
}

/// The OpenAPI 3.0 document, self-contained (no remote `$ref`), one items path per collection so
/// clients that read it per layer (GDAL) see every filter parameter.
pub async fn openapi(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    Params::json_only(raw.as_deref())?;
    let index = state.snapshot();
    let base = state.base_url();
    let error = json!({ "description": "Bad request", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/exception" } } } });
    let not_found = json!({ "description": "Not found", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/exception" } } } });
    let json_ok = |what: &str| json!({ "description": what, "content": { "application/json": { "schema": { "type": "object" } } } });
    let f_param = json!({ "$ref": "#/components/parameters/f" });
    let exception = |what: &str| json!({ "description": what, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/exception" } } } });
    let bearer = json!([{ "bearer": [] }]);
    let write_errors = |mut responses: Value| {
        for (code, what) in [
            ("401", "Missing or wrong token"),
            ("403", "The server is read-only"),
        ] {
            responses[code] = exception(what);
        }
        responses
    };
    let mut paths = serde_json::Map::new();
    paths.insert("/".into(), json!({ "get": { "operationId": "getLandingPage", "summary": "Landing page (JSON) or the map (HTML)", "parameters": [{ "$ref": "#/components/parameters/fLanding" }], "responses": { "200": { "description": "Links to the API, or the map page", "content": { "application/json": { "schema": { "type": "object" } }, "text/html": { "schema": { "type": "string" } } } }, "400": error } } }));
    paths.insert("/conformance".into(), json!({ "get": { "operationId": "getConformance", "summary": "Conformance classes", "parameters": [f_param], "responses": { "200": json_ok("Conformance classes"), "400": error } } }));
    paths.insert("/api".into(), json!({ "get": { "operationId": "getApi", "summary": "This document", "parameters": [f_param], "responses": { "200": json_ok("The OpenAPI document"), "400": error } } }));
    paths.insert("/collections".into(), json!({ "get": { "operationId": "getCollections", "summary": "The layers", "parameters": [f_param], "responses": { "200": json_ok("Collections"), "400": error } } }));
    paths.insert("/timeline".into(), json!({ "get": { "operationId": "getTimeline", "summary": "Events per day and layer", "parameters": filter_param_refs().into_iter().chain([f_param.clone()]).collect::<Vec<_>>(), "responses": { "200": json_ok("Counts per day"), "400": error } } }));
    let article_id = json!({ "name": "articleId", "in": "path", "required": true, "schema": { "type": "integer", "format": "int64", "minimum": 1, "maximum": i64::MAX } });
    paths.insert("/articles".into(), json!({
        "get": { "operationId": "getArticles", "summary": "Stored articles", "parameters": [f_param], "responses": { "200": json_ok("The articles"), "400": error, "404": exception("No article store") } },
        "post": {
            "operationId": "postArticle", "summary": "Add an article and extract its events", "security": bearer,
            "parameters": [
                { "name": "title", "in": "query", "required": false, "schema": { "type": "string", "maxLength": 500 }, "description": "For text/plain bodies" },
                { "name": "source_url", "in": "query", "required": false, "schema": { "type": "string", "maxLength": 2048 }, "description": "For text/plain bodies: an http(s) URL or a name" },
                { "name": "published", "in": "query", "required": false, "schema": { "type": "string", "format": "date" }, "description": "For text/plain bodies; from 1900-01-01 to tomorrow" },
                { "name": "lang", "in": "query", "required": false, "schema": { "type": "string", "enum": ["fr", "en", "auto"] }, "description": "For text/plain bodies" },
            ],
            "requestBody": { "required": true, "content": {
                "application/json": { "schema": { "type": "object", "required": ["text"], "additionalProperties": false, "properties": {
                    "text": { "type": "string", "minLength": 1 }, "title": { "type": "string", "maxLength": 500 },
                    "source_url": { "type": "string", "maxLength": 2048, "description": "An http(s) URL or a name" },
                    "published": { "type": "string", "format": "date", "description": "From 1900-01-01 to tomorrow" }, "lang": { "type": "string", "enum": ["fr", "en", "auto"] } } } },
                "text/plain": { "schema": { "type": "string", "minLength": 1 } },
            } },
            "responses": write_errors(json!({
                "200": json_ok("The same text was already stored: its article and events"),
                "201": json_ok("The article and its events"),
                "400": error, "404": exception("No article store"), "413": exception("Body over the size limit"),
                "415": exception("Not JSON or UTF-8 text"), "422": exception("Empty text"),
            })),
        },
    }));
    paths.insert("/articles/{articleId}".into(), json!({
        "get": { "operationId": "getArticle", "summary": "One article with its text and events", "parameters": [article_id, f_param], "responses": { "200": json_ok("The article"), "400": error, "404": not_found } },
        "delete": { "operationId": "deleteArticle", "summary": "Delete an article and its events", "security": bearer, "parameters": [article_id],
            "responses": write_errors(json!({ "204": { "description": "Deleted" }, "400": error, "404": not_found })) },
    }));
    paths.insert("/status".into(), json!({ "get": { "operationId": "getStatus", "summary": "Revision and size of the data", "responses": { "200": json_ok("Status") } } }));
    for layer in listed_layers(&index) {
        let id = layer.id();
        let op = id.replace('-', "_");
        let mut item_params = filter_param_refs();
        item_params.extend([
            json!({ "$ref": "#/components/parameters/limit" }),
            json!({ "$ref": "#/components/parameters/offset" }),
            json!({ "$ref": "#/components/parameters/fItems" }),
            json!({ "$ref": "#/components/parameters/download" }),
        ]);
        paths.insert(format!("/collections/{id}"), json!({ "get": { "operationId": format!("describe_{op}"), "summary": format!("Describe {}", title(layer)), "parameters": [f_param], "responses": { "200": json_ok("The collection"), "400": error } } }));
        paths.insert(format!("/collections/{id}/queryables"), json!({ "get": { "operationId": format!("queryables_{op}"), "summary": "Queryables", "parameters": [f_param], "responses": { "200": { "description": "JSON Schema of the queryables", "content": { "application/schema+json": { "schema": { "type": "object" } } } }, "400": error } } }));
        paths.insert(format!("/collections/{id}/items"), json!({ "get": {
            "operationId": format!("getFeatures_{op}"),
            "summary": format!("Features of {}", title(layer)),
            "parameters": item_params,
            "responses": {
                "200": { "description": "The features", "content": { GEOJSON: { "schema": { "$ref": "#/components/schemas/featureCollection" } }, "application/json": { "schema": { "$ref": "#/components/schemas/featureCollection" } }, "text/csv": { "schema": { "type": "string" } } } },
                "400": error, "404": not_found,
            } } }));
        let feature_id = json!({ "name": "featureId", "in": "path", "required": true, "schema": { "type": "string", "pattern": "^[A-Za-z0-9._-]{1,128}$" } });
        let mut item = json!({ "get": {
            "operationId": format!("getFeature_{op}"),
            "summary": "One feature",
            "parameters": [feature_id, { "$ref": "#/components/parameters/fFeature" }],
            "responses": { "200": { "description": "The feature", "content": { GEOJSON: { "schema": { "type": "object" } }, "application/json": { "schema": { "type": "object" } } } }, "400": error, "404": not_found },
        } });
        if let Layer::Events(_) = layer {
            item["patch"] = json!({
                "operationId": format!("correctFeature_{op}"),
                "summary": "Correct an event (kept across reindexing)",
                "security": bearer,
                "parameters": [feature_id],
                "requestBody": { "required": true, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/correction" } } } },
                "responses": write_errors(json!({ "200": { "description": "The corrected feature", "content": { GEOJSON: { "schema": { "type": "object" } } } }, "400": error, "404": not_found, "413": exception("Body over the size limit"), "415": exception("Not JSON") })),
            });
        }
        paths.insert(format!("/collections/{id}/items/{{featureId}}"), item);
    }
    let mut parameters = serde_json::Map::new();
    parameters.insert("f".into(), json!({ "name": "f", "in": "query", "required": false, "schema": { "type": "string", "enum": ["json"] } }));
    parameters.insert("fLanding".into(), json!({ "name": "f", "in": "query", "required": false, "schema": { "type": "string", "enum": ["json", "html"] } }));
    parameters.insert("fFeature".into(), json!({ "name": "f", "in": "query", "required": false, "schema": { "type": "string", "enum": ["geojson", "json"] } }));
    parameters.insert("fItems".into(), json!({ "name": "f", "in": "query", "required": false, "schema": { "type": "string", "enum": ["geojson", "json", "csv"] } }));
    parameters.insert("limit".into(), json!({ "name": "limit", "in": "query", "required": false, "style": "form", "explode": false, "schema": { "type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": super::params::DEFAULT_LIMIT }, "description": "Features per page; larger values are served as the maximum, as OGC API – Features requires" }));
    parameters.insert("offset".into(), json!({ "name": "offset", "in": "query", "required": false, "schema": { "type": "integer", "minimum": 0, "default": 0 } }));
    parameters.insert("download".into(), json!({ "name": "download", "in": "query", "required": false, "description": "Return every matching feature as an attachment", "schema": { "type": "boolean" } }));
    parameters.insert("bbox".into(), json!({ "name": "bbox", "in": "query", "required": false, "style": "form", "explode": false, "schema": { "type": "array", "minItems": 4, "maxItems": 6, "items": { "type": "number" } } }));
    parameters.insert("bbox-crs".into(), json!({ "name": "bbox-crs", "in": "query", "required": false, "schema": { "type": "string", "enum": [CRS84] } }));
    parameters.insert("datetime".into(), json!({ "name": "datetime", "in": "query", "required": false, "style": "form", "explode": false, "schema": { "type": "string" }, "description": "A date, an RFC 3339 instant, or an interval a/b with .. for an open end" }));
    for (name, kind, description) in QUERYABLES {
        parameters.insert((*name).into(), json!({ "name": name, "in": "query", "required": false, "description": description, "schema": { "type": kind } }));
    }
    let body = json!({
        "openapi": "3.0.3",
        "info": {
            "title": "eventmap",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "OGC API - Features over events extracted from news reports. Places from GeoNames (CC BY 4.0).",
            "license": { "name": "MIT" },
        },
        "servers": [{ "url": base }],
        "paths": paths,
        "components": {
            "parameters": parameters,
            "securitySchemes": { "bearer": { "type": "http", "scheme": "bearer", "description": "The server's EVENTMAP_TOKEN" } },
            "schemas": {
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
            },
        },
    });
    Ok(json_response(&body, OPENAPI))
}

fn filter_param_refs() -> Vec<Value> {
    FILTER_PARAMS
        .iter()
        .map(|p| json!({ "$ref": format!("#/components/parameters/{p}") }))
        .collect()
}
