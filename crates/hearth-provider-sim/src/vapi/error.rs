//! Vapi's error bodies: NestJS `{"message", "error", "statusCode"}`.
//!
//! `message` is an array of strings for validation failures (class-validator) and a plain
//! string for everything else; the sim uses both shapes so clients handle both.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

/// A failed Vapi request.
#[derive(Debug)]
pub(crate) enum VapiError {
    /// 400 from validation: `message` is an array.
    Invalid(Vec<String>),
    /// 400 from a business rule: `message` is a string.
    BadRequest(String),
    NotFound(String),
    Unauthorized,
}

impl VapiError {
    pub(crate) fn status(&self) -> StatusCode {
        match self {
            VapiError::Invalid(_) | VapiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            VapiError::NotFound(_) => StatusCode::NOT_FOUND,
            VapiError::Unauthorized => StatusCode::UNAUTHORIZED,
        }
    }
}

/// The NestJS body for a status with a given `message`.
pub(crate) fn body(status: StatusCode, message: Value) -> Value {
    json!({
        "message": message,
        "error": status.canonical_reason().unwrap_or("Error"),
        "statusCode": status.as_u16(),
    })
}

impl IntoResponse for VapiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let message = match self {
            VapiError::Invalid(msgs) => Value::from(msgs),
            VapiError::BadRequest(m) | VapiError::NotFound(m) => Value::from(m),
            VapiError::Unauthorized => Value::from(
                "Invalid Key. Hot tip, you may be using the private key instead of the public key, or vice versa.",
            ),
        };
        (status, Json(body(status, message))).into_response()
    }
}
