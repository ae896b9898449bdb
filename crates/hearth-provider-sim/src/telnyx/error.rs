//! Telnyx's error bodies: `{"errors": [{"code", "title", "detail", "source"?}]}`, `code`
//! a string (2.7).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

/// A failed Telnyx request.
#[derive(Debug)]
pub(crate) struct TelnyxError {
    pub status: StatusCode,
    pub code: &'static str,
    pub title: &'static str,
    pub detail: String,
    /// `source.parameter` (query) or `source.pointer` (body, starting with `/`).
    pub source: Option<String>,
}

impl TelnyxError {
    /// 400 for a bad query parameter. Code 10015 ("Bad Request") is the sim's choice: the
    /// contract documents the body shape but no code for query validation.
    pub(crate) fn bad_param(param: &str, detail: impl Into<String>) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            code: "10015",
            title: "Bad Request",
            detail: detail.into(),
            source: Some(param.to_owned()),
        }
    }

    pub(crate) fn not_found() -> Self {
        Self {
            status: StatusCode::NOT_FOUND,
            code: "10005",
            title: "Resource not found",
            detail: "The requested resource or URL could not be found.".into(),
            source: None,
        }
    }

    pub(crate) fn unauthorized() -> Self {
        Self {
            status: StatusCode::UNAUTHORIZED,
            code: "10009",
            title: "Authentication failed",
            detail: "The API key looks malformed. Check that you copied it correctly.".into(),
            source: None,
        }
    }

    /// 400 for a body field: `missing` gives 10004, otherwise 10002 (invalid number).
    pub(crate) fn body_field(field: &str, missing: bool) -> Self {
        let (code, title, detail) = if missing {
            (
                "10004",
                "Missing required parameter",
                format!("The '{field}' parameter is required."),
            )
        } else {
            (
                "10002",
                "Invalid phone number",
                format!("The '{field}' parameter is not a valid phone number."),
            )
        };
        Self {
            status: StatusCode::BAD_REQUEST,
            code,
            title,
            detail,
            source: Some(format!("/{field}")),
        }
    }
}

/// The `{"errors": [...]}` body.
pub(crate) fn body(code: &str, title: &str, detail: &str) -> Value {
    json!({ "errors": [{ "code": code, "title": title, "detail": detail }] })
}

impl IntoResponse for TelnyxError {
    fn into_response(self) -> Response {
        let mut v = body(self.code, self.title, &self.detail);
        if let Some(src) = &self.source {
            let key = if src.starts_with('/') {
                "pointer"
            } else {
                "parameter"
            };
            v["errors"][0]["source"] = json!({ key: src });
        }
        (self.status, Json(v)).into_response()
    }
}
