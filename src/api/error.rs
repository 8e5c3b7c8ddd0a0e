//! The API's one error type, mapped to an HTTP status and an OGC exception body in one place.

use axum::body::to_bytes;
use axum::http::header::{CONTENT_ENCODING, CONTENT_LENGTH, CONTENT_TYPE, RETRY_AFTER};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::extract::ExtractError;
use crate::fetch::FetchError;
use crate::store::StoreError;

/// What a 503 tells a client to wait, in seconds, before trying again.
const RETRY_AFTER_SECONDS: &str = "5";

/// A request the API refuses, with what a client needs to fix it.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    pub status: StatusCode,
    /// OGC exception code, e.g. `InvalidParameterValue`, `NotFound`.
    pub code: &'static str,
    pub description: String,
}

impl ApiError {
    pub fn invalid(description: impl Into<String>) -> ApiError {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "InvalidParameterValue",
            description,
        )
    }

    pub fn not_found(description: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "NotFound", description)
    }

    pub fn new(status: StatusCode, code: &'static str, description: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            description: description.into(),
        }
    }
}

impl ApiError {
    /// A fault of ours, not the client's: logged in full, answered briefly.
    pub fn internal(e: impl std::fmt::Display) -> ApiError {
        tracing::error!(error = %e, "internal error");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "ServerError",
            "internal error; see the server log",
        )
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> ApiError {
        match e {
            StoreError::NotFound(m) => ApiError::not_found(m),
            StoreError::InvalidCorrection(m) | StoreError::InvalidArticle(m) => {
                ApiError::invalid(m)
            }
            // Reads go on from the index; a write can be tried again once the database is back.
            StoreError::Unavailable(m) => ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "StoreUnavailable",
                format!("the store cannot be written now, try again shortly: {m}"),
            ),
            StoreError::Extract(ExtractError::Empty) => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "EmptyText",
                "the article's text is empty",
            ),
            other => ApiError::internal(other),
        }
    }
}

impl From<FetchError> for ApiError {
    /// The request's fault is a 400; a page or feed that was had but cannot be used (or that
    /// its site says is not there) a 422; a site that failed a 502, or a 504 when it was slow.
    fn from(e: FetchError) -> ApiError {
        let (status, code) = match &e {
            FetchError::BadUrl(_) => (StatusCode::BAD_REQUEST, "InvalidParameterValue"),
            FetchError::Private { .. } => (StatusCode::BAD_REQUEST, "PrivateAddress"),
            FetchError::Status { status, .. } if status.is_client_error() => {
                (StatusCode::UNPROCESSABLE_ENTITY, "PageNotFound")
            }
            FetchError::TooLarge { .. } => (StatusCode::UNPROCESSABLE_ENTITY, "PageTooLarge"),
            FetchError::NotPage { .. } => (StatusCode::UNPROCESSABLE_ENTITY, "NotAPage"),
            FetchError::NoArticle { .. } => (StatusCode::UNPROCESSABLE_ENTITY, "NoArticle"),
            FetchError::NotFeed { .. } => (StatusCode::UNPROCESSABLE_ENTITY, "NotAFeed"),
            FetchError::Timeout { .. } => (StatusCode::GATEWAY_TIMEOUT, "UpstreamTimeout"),
            FetchError::Status { .. }
            | FetchError::RedirectLoop { .. }
            | FetchError::TooManyRedirects { .. }
            | FetchError::Network { .. } => (StatusCode::BAD_GATEWAY, "UpstreamError"),
        };
        ApiError::new(status, code, e.to_string())
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {}: {}",
            self.status.as_u16(),
            self.code,
            self.description
        )
    }
}

impl ApiError {
    /// The exception for an error some other part answered (a timeout, axum's rejection of a
    /// path, hyper refusing a request head), with its words when it gave any.
    pub fn for_status(status: StatusCode, said: Option<String>) -> ApiError {
        let (code, default) = match status.as_u16() {
            400 => ("BadRequest", "the request is malformed"),
            404 => ("NotFound", "no resource here; start at /"),
            405 => ("MethodNotAllowed", "this method is not allowed here"),
            408 => (
                "RequestTimeout",
                "the request was not answered in time and was abandoned",
            ),
            413 => ("PayloadTooLarge", "the body is larger than the limit"),
            414 => (
                "URITooLong",
                "the request target is longer than this server reads (64 KiB)",
            ),
            415 => (
                "UnsupportedMediaType",
                "the body's media type is not accepted",
            ),
            431 => (
                "RequestHeaderFieldsTooLarge",
                "the request's header fields are larger than this server reads",
            ),
            500.. => ("ServerError", "internal error; see the server log"),
            _ => (
                "ClientError",
                status.canonical_reason().unwrap_or("refused"),
            ),
        };
        ApiError::new(status, code, said.unwrap_or_else(|| default.to_string()))
    }

    fn body(&self) -> String {
        json!({ "code": self.code, "description": self.description }).to_string()
    }

    /// The whole HTTP/1.1 response, for the answers hyper writes itself (a request head it
    /// cannot parse never reaches a handler): `headers` are hyper's, one `name: value` each.
    pub(crate) fn http1_response(&self, status_line: &str, headers: &[&str]) -> Vec<u8> {
        let body = self.body();
        let mut out = format!(
            "{status_line}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n",
            body.len()
        );
        for h in headers {
            out.push_str(h);
            out.push_str("\r\n");
        }
        out.push_str("\r\n");
        out.push_str(&body);
        out.into_bytes()
    }
}

/// Marks a response rendered from an [`ApiError`], which [`fill_error_body`] leaves alone.
#[derive(Clone, Copy)]
struct Rendered;

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (
            self.status,
            [(CONTENT_TYPE, HeaderValue::from_static("application/json"))],
            self.body(),
        )
            .into_response();
        if self.status == StatusCode::SERVICE_UNAVAILABLE {
            // The server reconnects by itself within a few seconds.
            response
                .headers_mut()
                .insert(RETRY_AFTER, HeaderValue::from_static(RETRY_AFTER_SECONDS));
        }
        response.extensions_mut().insert(Rendered);
        response
    }
}

/// Middleware: an error answered by something other than an [`ApiError`] (the timeout layer's
/// empty 408, axum's plain-text rejections) gets the same OGC exception body, keeping its
/// headers (`Allow`, CORS) and its words as the description.
pub async fn fill_error_body(response: Response) -> Response {
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error())
        || response.extensions().get::<Rendered>().is_some()
    {
        return response;
    }
    let (parts, body) = response.into_parts();
    let plain = parts
        .headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/plain"));
    // Rejections say a line or two; anything longer is not a message to pass on.
    let said = if plain {
        to_bytes(body, 4096)
            .await
            .ok()
            .and_then(|b| String::from_utf8(b.to_vec()).ok())
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty())
    } else {
        None
    };
    let mut filled = ApiError::for_status(status, said).into_response();
    for name in parts.headers.keys() {
        if [CONTENT_TYPE, CONTENT_LENGTH, CONTENT_ENCODING].contains(name)
            || filled.headers().contains_key(name)
        {
            continue;
        }
        for value in parts.headers.get_all(name) {
            filled.headers_mut().append(name.clone(), value.clone());
        }
    }
    filled
}
