//! OGC API – Tiles over the event layers: the tile matrix sets, each layer's tileset (OGC JSON,
//! or TileJSON 3.0 for MapLibre with `f=tilejson`), and its vector tiles, made from the index
//! for the request's filters and kept in a cache bounded in bytes, per data revision.

use std::io::Write;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::header::{ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_ENCODING, CONTENT_TYPE, VARY};
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::ogc::{json_response, title};
use super::params::{FILTERS, Params, TILESET};
use super::{ApiError, AppState, Layer};
use crate::tiles::{self, CLUSTERS_LAYER, EVENTS_LAYER, TileId, grid};

pub(super) const MVT: &str = "application/vnd.mapbox-vector-tile";
/// Bytes of tiles kept: a few thousand typical tiles.
const CACHE_BYTES: u64 = 64 << 20;

/// A tile as kept: its bytes, and gzipped for the clients that take it (MapLibre's do).
struct CachedTile {
    raw: Bytes,
    gzip: Bytes,
}

#[derive(Clone, PartialEq, Eq, Hash)]
struct TileKey {
    revision: u64,
    layer: &'static str,
    tile: TileId,
    /// The request's filters, as written.
    query: String,
}

#[derive(Clone)]
struct TileWeight;

impl quick_cache::Weighter<TileKey, Arc<CachedTile>> for TileWeight {
    fn weight(&self, key: &TileKey, tile: &Arc<CachedTile>) -> u64 {
        (tile.raw.len() + tile.gzip.len() + key.query.len() + 64) as u64
    }
}

/// Tiles already made, LRU-like, at most [`CACHE_BYTES`].
pub struct TileCache(quick_cache::sync::Cache<TileKey, Arc<CachedTile>, TileWeight>);

impl Default for TileCache {
    fn default() -> TileCache {
        TileCache(quick_cache::sync::Cache::with_weighter(
            8192,
            CACHE_BYTES,
            TileWeight,
        ))
    }
}

fn events_layer(collection: &str) -> Result<Layer, ApiError> {
    match Layer::from_id(collection)? {
        Layer::Places => Err(ApiError::not_found(
            "the places layer has no tiles: the events' tiles count them (collections/events/tiles)",
        )),
        layer => Ok(layer),
    }
}

fn check_matrix_set(id: &str) -> Result<(), ApiError> {
    if id == grid::ID {
        Ok(())
    } else {
        Err(ApiError::not_found(format!(
            "no tile matrix set {id:?}; there is one: {}",
            grid::ID
        )))
    }
}

/// `/tileMatrixSets`.
pub async fn matrix_sets(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    Params::json_only(raw.as_deref())?;
    let base = state.base_url();
    let body = json!({ "tileMatrixSets": [{
        "id": grid::ID, "title": "Google Maps Compatible for the World", "uri": grid::URI,
        "links": [{ "href": format!("{base}/tileMatrixSets/{}", grid::ID), "rel": "self", "type": "application/json" }],
    }]});
    Ok(json_response(&body, "application/json"))
}

/// `/tileMatrixSets/WebMercatorQuad`: its definition.
pub async fn matrix_set(
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    Params::json_only(raw.as_deref())?;
    check_matrix_set(&id)?;
    Ok(json_response(&grid::definition(), "application/json"))
}

fn tileset_json(base: &str, layer: Layer, query: &str) -> Value {
    let id = layer.id();
    let tiles = format!("{base}/collections/{id}/tiles/{}", grid::ID);
    json!({
        "title": format!("{} (vector tiles)", title(layer)),
        "dataType": "vector",
        "crs": "http://www.opengis.net/def/crs/EPSG/0/3857",
        "tileMatrixSetURI": grid::URI,
        "links": [
            { "href": format!("{tiles}{query}"), "rel": "self", "type": "application/json" },
            { "href": format!("{tiles}?f=tilejson{}", query.replacen('?', "&", 1)), "rel": "alternate", "type": "application/vnd.mapbox.tile+json", "title": "TileJSON" },
            { "href": format!("{base}/tileMatrixSets/{}", grid::ID), "rel": "http://www.opengis.net/def/rel/ogc/1.0/tiling-scheme", "type": "application/json" },
            { "href": format!("{tiles}/{{tileMatrix}}/{{tileRow}}/{{tileCol}}{query}"), "rel": "item", "type": MVT, "templated": true },
        ],
        "layers": [
            { "id": EVENTS_LAYER, "dataType": "vector", "geometryDimension": 0, "description": "The events, where a tile holds a few thousand or fewer" },
            { "id": CLUSTERS_LAYER, "dataType": "vector", "geometryDimension": 0, "description": "Clusters of events where they would crowd: count, tolls, count per type" },
        ],
    })
}

/// The request's filters as a query string (`?…`, or nothing), for the URLs a tileset gives.
fn filters_query(params: &Params) -> String {
    let pairs: Vec<&(String, String)> = params.pairs().iter().filter(|(n, _)| n != "f").collect();
    if pairs.is_empty() {
        String::new()
    } else {
        format!(
            "?{}",
            serde_urlencoded::to_string(pairs).unwrap_or_default()
        )
    }
}

/// `/collections/{id}/tiles`: the layer's tilesets (one, on WebMercatorQuad).
pub async fn tilesets(
    State(state): State<AppState>,
    Path(collection): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    Params::json_only(raw.as_deref())?;
    let layer = events_layer(&collection)?;
    let body = json!({ "tilesets": [tileset_json(state.base_url(), layer, "")] });
    Ok(json_response(&body, "application/json"))
}

/// `/collections/{id}/tiles/WebMercatorQuad`: the tileset, as OGC JSON or TileJSON.
pub async fn tileset(
    State(state): State<AppState>,
    Path((collection, matrix_set)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let layer = events_layer(&collection)?;
    check_matrix_set(&matrix_set)?;
    let params = Params::parse(raw.as_deref(), &[TILESET, FILTERS])?;
    // The filters are checked now, so a TileJSON never gives tile URLs that all fail.
    params.event_query()?;
    let query = filters_query(&params);
    let base = state.base_url();
    if params.get("f") != Some("tilejson") {
        return Ok(json_response(
            &tileset_json(base, layer, &query),
            "application/json",
        ));
    }
    let index = state.snapshot();
    let bounds = match index.extent(match layer {
        Layer::Events(t) => t,
        Layer::Places => None,
    }) {
        Some((b, _, _)) => json!(b),
        None => json!([-180.0, -85.0511, 180.0, 85.0511]),
    };
    let count_fields = json!({ "count": "Number", "fatalities": "Number", "injuries": "Number", "arrests": "Number", "top_layer": "String" });
    let body = json!({
        "tilejson": "3.0.0",
        "name": title(layer),
        "attribution": "Places: GeoNames (CC BY 4.0). Events: eventmap extraction of the cited articles.",
        "tiles": [format!("{base}/collections/{}/tiles/{}/{{z}}/{{y}}/{{x}}{query}", layer.id(), grid::ID)],
        "minzoom": 0,
        "maxzoom": grid::MAX_ZOOM,
        "bounds": bounds,
        "vector_layers": [
            { "id": EVENTS_LAYER, "fields": { "id": "String", "event_date": "String", "event_type": "String", "layer": "String", "place": "String", "fatalities": "Number", "injuries": "Number", "arrests": "Number" } },
            { "id": CLUSTERS_LAYER, "fields": count_fields },
        ],
    });
    Ok(json_response(&body, "application/json"))
}

/// `/collections/{id}/tiles/WebMercatorQuad/{z}/{y}/{x}`: one vector tile of the matching events.
pub async fn tile(
    State(state): State<AppState>,
    Path((collection, matrix_set, z, y, x)): Path<(String, String, String, String, String)>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let layer = events_layer(&collection)?;
    check_matrix_set(&matrix_set)?;
    let number = |what: &str, v: &str| {
        v.parse::<u32>().map_err(|_| {
            ApiError::invalid(format!("the tile {what} must be a whole number; got {v:?}"))
        })
    };
    // `…/{x}.mvt` or `.pbf` too: tools that read one tile by URL (GDAL's MVT driver) tell a
    // tile from a directory of tiles by that extension.
    let x = x
        .strip_suffix(".mvt")
        .or_else(|| x.strip_suffix(".pbf"))
        .unwrap_or(&x);
    let (z, y, x) = (
        number("matrix (zoom)", &z)?,
        number("row", &y)?,
        number("column", x)?,
    );
    let z = u8::try_from(z).unwrap_or(u8::MAX);
    let tile = TileId::new(z, x, y).map_err(ApiError::not_found)?;
    let params = Params::parse(raw.as_deref(), &[FILTERS])?;
    let query = super::features::layer_query(layer, &params)?;
    let revision = state.revision_at(None)?;
    let key = TileKey {
        revision: revision.number,
        layer: layer.id(),
        tile,
        query: filters_query(&params),
    };
    let cached = match state.tile_cache().0.get(&key) {
        Some(t) => t,
        None => {
            let index = revision.index;
            let made = tokio::task::spawn_blocking(move || tiles::render(&index, &query, tile))
                .await
                .map_err(ApiError::internal)?
                .map_err(ApiError::internal)?;
            let t = Arc::new(CachedTile {
                gzip: gzip(&made).map_err(ApiError::internal)?,
                raw: Bytes::from(made),
            });
            state.tile_cache().0.insert(key, t.clone());
            t
        }
    };
    let takes_gzip = headers
        .get(ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("gzip"));
    let mut response = if takes_gzip && !cached.raw.is_empty() {
        ([(CONTENT_ENCODING, "gzip")], cached.gzip.clone()).into_response()
    } else {
        cached.raw.clone().into_response()
    };
    let h = response.headers_mut();
    h.insert(CONTENT_TYPE, HeaderValue::from_static(MVT));
    h.insert(VARY, HeaderValue::from_static("accept-encoding"));
    // A tile changes with the data: a client may keep it a minute, then asks again.
    h.insert(
        CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=60"),
    );
    Ok(response)
}

fn gzip(bytes: &[u8]) -> std::io::Result<Bytes> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(bytes)?;
    Ok(Bytes::from(e.finish()?))
}
