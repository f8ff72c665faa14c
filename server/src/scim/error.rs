//! SCIM error bodies (RFC 7644 §3.12): `urn:ietf:params:scim:api:messages:2.0:Error`
//! with the status as a string and a `scimType` where the RFC defines one.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::error::AppError;

pub const ERROR_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:Error";
pub const CONTENT_TYPE: &str = "application/scim+json";

pub type ScimResult<T> = std::result::Result<T, ScimError>;

#[derive(Debug)]
pub struct ScimError {
    pub status: StatusCode,
    pub scim_type: Option<&'static str>,
    pub detail: String,
}

impl ScimError {
    pub fn new(status: StatusCode, scim_type: Option<&'static str>, detail: impl Into<String>) -> Self {
        ScimError { status, scim_type, detail: detail.into() }
    }
    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, None, "No such resource.")
    }
    pub fn unauthorized() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, None, "A valid SCIM bearer token is required.")
    }
    pub fn invalid_filter(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, Some("invalidFilter"), detail)
    }
    pub fn invalid_syntax(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, Some("invalidSyntax"), detail)
    }
    pub fn invalid_path(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, Some("invalidPath"), detail)
    }
    pub fn invalid_value(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, Some("invalidValue"), detail)
    }
    pub fn mutability(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, Some("mutability"), detail)
    }
    pub fn no_target(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, Some("noTarget"), detail)
    }
    pub fn uniqueness(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, Some("uniqueness"), detail)
    }
    pub fn method_not_allowed() -> Self {
        Self::new(StatusCode::METHOD_NOT_ALLOWED, None, "This endpoint does not support that method.")
    }
}

impl From<AppError> for ScimError {
    fn from(err: AppError) -> Self {
        match err {
            AppError::NotFound => ScimError::not_found(),
            AppError::Conflict(message) => ScimError::uniqueness(message),
            AppError::Unprocessable(message) => ScimError::invalid_value(message),
            AppError::BadRequest(message) => ScimError::invalid_syntax(message),
            AppError::Internal(inner) => {
                tracing::error!(error = ?inner, "internal error in SCIM");
                ScimError::new(StatusCode::INTERNAL_SERVER_ERROR, None, "Something went wrong on Herald's side; the error has been logged.")
            }
            other => ScimError::new(other.status(), None, other.to_string()),
        }
    }
}

impl From<sea_orm::DbErr> for ScimError {
    fn from(err: sea_orm::DbErr) -> Self {
        AppError::from(err).into()
    }
}

impl IntoResponse for ScimError {
    fn into_response(self) -> Response {
        let mut body = json!({ "schemas": [ERROR_SCHEMA], "status": self.status.as_u16().to_string(), "detail": self.detail });
        if let Some(kind) = self.scim_type {
            body["scimType"] = kind.into();
        }
        let mut response = (self.status, body.to_string()).into_response();
        response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE));
        if self.status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer realm=\"SCIM\""));
        }
        response
    }
}
