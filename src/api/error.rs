//! The API's one error type, mapped to an HTTP status and an OGC exception body in one place.

use axum::Json;
use axum::http::header::ALLOW;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::extract::ExtractError;
use crate::store::StoreError;

/// A request the API refuses, with what a client needs to fix it.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    pub status: StatusCode,
    /// OGC exception code, e.g. `InvalidParameterValue`, `NotFound`.
    pub code: &'static str,
    pub description: String,
    /// The methods a 405 names in its `Allow` header.
    allow: Option<&'static str>,
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
            allow: None,
        }
    }

    /// A 405 for a method this resource does not have; `allow` lists those it has.
    pub fn method_not_allowed(description: impl Into<String>, allow: &'static str) -> ApiError {
        ApiError {
            allow: Some(allow),
            ..ApiError::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "MethodNotAllowed",
                description,
            )
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
            StoreError::Extract(ExtractError::Empty) => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "EmptyText",
                "the article's text is empty",
            ),
            other => ApiError::internal(other),
        }
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

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = Json(json!({ "code": self.code, "description": self.description }));
        let mut response = (self.status, body).into_response();
        if let Some(allow) = self.allow {
            response
                .headers_mut()
                .insert(ALLOW, HeaderValue::from_static(allow));
        }
        response
    }
}
