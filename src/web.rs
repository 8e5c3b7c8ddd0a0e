//! The page's static files (`web/`), embedded in the binary so `eventmap serve` needs no files at
//! run time, served with their type, an ETag and cache headers.

use axum::extract::Path;
use axum::http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE, ETAG, IF_NONE_MATCH, X_FRAME_OPTIONS,
};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use rust_embed::RustEmbed;

use crate::api::ApiError;

/// What the page may load and run: only its own files (ES modules, MapLibre's module worker,
/// the basemap and the API), images also as `data:` (the empty favicon) and `blob:` (MapLibre
/// decodes images through blobs); no inline script or style, no plugins, and no framing.
const CONTENT_SECURITY_POLICY_VALUE: &str = "default-src 'self'; script-src 'self'; \
    style-src 'self'; img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; \
    worker-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; \
    frame-ancestors 'none'";

#[derive(RustEmbed)]
#[folder = "$CARGO_MANIFEST_DIR/web/"]
struct Assets;

/// `GET /assets/{path}`.
pub async fn asset(Path(path): Path<String>, headers: HeaderMap) -> Result<Response, ApiError> {
    serve(&path, &headers).ok_or_else(|| ApiError::not_found(format!("no asset {path:?}")))
}

/// The map page, for `GET /` from a browser.
pub fn index_page(headers: &HeaderMap) -> Response {
    serve("index.html", headers).unwrap_or_else(|| {
        ApiError::not_found("this build has no map page (web/index.html)").into_response()
    })
}

fn serve(path: &str, headers: &HeaderMap) -> Option<Response> {
    let file = Assets::get(path)?;
    let etag = format!(
        "\"{}\"",
        file.metadata.sha256_hash()[..12]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    );
    // Vendored files change only with their pinned version: cache them for long.
    let cache = if path.starts_with("vendor/") {
        "public, max-age=604800, immutable"
    } else {
        "public, max-age=60, must-revalidate"
    };
    let etag_value = HeaderValue::from_str(&etag).ok()?;
    let fresh = headers
        .get(IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag));
    if fresh {
        return Some(
            (
                StatusCode::NOT_MODIFIED,
                [
                    (ETAG, etag_value),
                    (CACHE_CONTROL, HeaderValue::from_static(cache)),
                ],
            )
                .into_response(),
        );
    }
    Some(
        (
            [
                (CONTENT_TYPE, HeaderValue::from_static(content_type(path))),
                (ETAG, etag_value),
                (CACHE_CONTROL, HeaderValue::from_static(cache)),
                (
                    CONTENT_SECURITY_POLICY,
                    HeaderValue::from_static(CONTENT_SECURITY_POLICY_VALUE),
                ),
                (X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
            ],
            file.data.into_owned(),
        )
            .into_response(),
    )
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" => "application/json",
        "geojson" => "application/geo+json",
        "png" => "image/png",
        "svg" => "image/svg+xml",
        "woff2" => "font/woff2",
        "txt" | "md" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}
