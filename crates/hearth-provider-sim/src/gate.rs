//! The middleware every request passes: injected fault, then auth, then the handler, then
//! the request log.
//!
//! Faults come before auth on purpose: a rate limiter or Cloudflare answers before the
//! application looks at the key. Faults that "process then mangle" (`Truncated`,
//! `Malformed`, `AcceptThenDrop`, `AcceptThenHang`) run the real handler first, so a send
//! really happened even though the client cannot tell.

use std::sync::Arc;

use axum::body::{to_bytes, Body};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::header::{AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE, RETRY_AFTER};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::Utc;
use serde_json::json;

use crate::conn::Conn;
use crate::fault::{Fault, Route};
use crate::state::{RequestLog, Shared};
use crate::{telnyx, vapi};

/// Which provider a path belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Side {
    Vapi,
    Telnyx,
    Other,
}

impl Side {
    fn of(path: &str) -> Side {
        if path == "/vapi" || path.starts_with("/vapi/") {
            Side::Vapi
        } else if path == "/telnyx/v2" || path.starts_with("/telnyx/v2/") {
            Side::Telnyx
        } else {
            Side::Other
        }
    }
}

pub(crate) async fn gate(
    State(sh): State<Arc<Shared>>,
    ConnectInfo(conn): ConnectInfo<Conn>,
    req: Request,
    next: Next,
) -> Response {
    let method = req.method().to_string();
    let path = req
        .uri()
        .path_and_query()
        .map_or_else(|| req.uri().path().to_owned(), |p| p.as_str().to_owned());
    let side = Side::of(req.uri().path());
    let route = Route::classify(req.method(), req.uri().path());
    let fault = sh.faults().take(route);
    let at = Utc::now();
    let resp = match &fault {
        None => Some(pass(&sh, side, req, next).await),
        Some(Fault::TooManyRequests {
            ratelimit_reset_secs,
            retry_after_secs,
        }) => Some(too_many(side, *ratelimit_reset_secs, *retry_after_secs)),
        Some(Fault::ServerError(code)) => Some(server_error(side, *code)),
        Some(Fault::HtmlErrorPage(code)) => Some(html_page(side, *code)),
        Some(Fault::Slow(d)) => {
            tokio::select! {
                () = tokio::time::sleep(*d) => Some(pass(&sh, side, req, next).await),
                () = sh.stopped() => Some(StatusCode::SERVICE_UNAVAILABLE.into_response()),
            }
        }
        Some(Fault::Truncated) => Some(truncate(pass(&sh, side, req, next).await).await),
        Some(Fault::Malformed) => {
            let _ = pass(&sh, side, req, next).await;
            Some(malformed(side))
        }
        Some(Fault::AcceptThenDrop) => {
            let _ = pass(&sh, side, req, next).await;
            conn.kill();
            None
        }
        Some(Fault::AcceptThenHang) => {
            let _ = pass(&sh, side, req, next).await;
            None
        }
    };
    let status = resp.as_ref().map_or(0, |r| r.status().as_u16());
    tracing::debug!(%method, %path, status, peer = %conn.peer, fault = ?fault, "provider sim: request");
    let hang = fault == Some(Fault::AcceptThenHang);
    sh.log().push(RequestLog {
        method,
        path,
        status,
        route,
        fault,
        at,
    });
    match resp {
        Some(r) => r,
        None if hang => {
            sh.stopped().await;
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
        // The connection is dead: hyper fails to write this and closes the socket.
        None => StatusCode::NO_CONTENT.into_response(),
    }
}

/// Auth, then the handler.
async fn pass(sh: &Shared, side: Side, req: Request, next: Next) -> Response {
    let key = match side {
        Side::Vapi => &sh.vapi_key,
        Side::Telnyx => &sh.telnyx_key,
        Side::Other => return next.run(req).await,
    };
    let ok = req
        .headers()
        .get(AUTHORIZATION)
        .and_then(|h| h.to_str().ok())
        .and_then(|h| {
            h.get(..7)
                .filter(|p| p.eq_ignore_ascii_case("bearer "))
                .map(|_| &h[7..])
        })
        .is_some_and(|token| token.trim() == key);
    if ok {
        next.run(req).await
    } else if side == Side::Vapi {
        vapi::error::VapiError::Unauthorized.into_response()
    } else {
        telnyx::error::TelnyxError::unauthorized().into_response()
    }
}

fn status_or_500(code: u16) -> StatusCode {
    StatusCode::from_u16(code).unwrap_or_else(|_| {
        tracing::warn!(code, "provider sim: invalid injected status, using 500");
        StatusCode::INTERNAL_SERVER_ERROR
    })
}

fn too_many(side: Side, reset: Option<u64>, retry_after: Option<u64>) -> Response {
    let status = StatusCode::TOO_MANY_REQUESTS;
    let mut resp = if side == Side::Telnyx {
        Json(telnyx::error::body(
            "10011",
            "Too many requests",
            "You have exceeded the maximum number of allowed requests.",
        ))
        .into_response()
    } else {
        Json(json!({"message": "Rate limit exceeded", "statusCode": 429, "error": "Too Many Requests"}))
            .into_response()
    };
    *resp.status_mut() = status;
    let h = resp.headers_mut();
    if let Some(secs) = reset {
        h.insert("x-ratelimit-limit", HeaderValue::from_static("100"));
        h.insert("x-ratelimit-remaining", HeaderValue::from_static("0"));
        h.insert("x-ratelimit-reset", HeaderValue::from(secs));
    }
    if let Some(secs) = retry_after {
        h.insert(RETRY_AFTER, HeaderValue::from(secs));
    }
    resp
}

fn server_error(side: Side, code: u16) -> Response {
    let status = status_or_500(code);
    let reason = status.canonical_reason().unwrap_or("Server Error");
    let body = if side == Side::Telnyx {
        telnyx::error::body("10007", "Unexpected error", "An unexpected error occurred.")
    } else if status == StatusCode::INTERNAL_SERVER_ERROR {
        json!({"statusCode": 500, "message": "Internal server error"})
    } else {
        vapi::error::body(status, reason.into())
    };
    (status, Json(body)).into_response()
}

fn html_page(side: Side, code: u16) -> Response {
    let status = status_or_500(code);
    let host = if side == Side::Telnyx {
        "api.telnyx.com"
    } else {
        "api.vapi.ai"
    };
    let reason = status.canonical_reason().unwrap_or("Error");
    let title = if status == StatusCode::FORBIDDEN {
        "Attention Required! | Cloudflare".to_owned()
    } else {
        format!("{host} | {code}: {reason}")
    };
    let html = format!(
        "<!DOCTYPE html>\n<!--[if lt IE 7]> <html class=\"no-js ie6 oldie\" lang=\"en-US\"> <![endif]-->\n\
<html lang=\"en-US\">\n<head>\n<title>{title}</title>\n<meta charset=\"UTF-8\" />\n\
<link rel=\"stylesheet\" id=\"cf_styles-css\" href=\"/cdn-cgi/styles/cf.errors.css\" />\n</head>\n\
<body>\n<div id=\"cf-wrapper\">\n<div id=\"cf-error-details\" class=\"cf-error-details-wrapper\">\n\
<h1><span class=\"cf-error-type\">Error</span> <span class=\"cf-error-code\">{code}</span></h1>\n\
<h2 class=\"cf-subheadline\">{reason}</h2>\n<p>The web server reported an error for {host}.</p>\n\
<span class=\"cf-footer-item\">Cloudflare Ray ID: <strong>8f1c2b3a4d5e6f70</strong></span>\n\
</div>\n</div>\n</body>\n</html>\n"
    );
    let mut resp = (status, html).into_response();
    let h = resp.headers_mut();
    h.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=UTF-8"),
    );
    h.insert("server", HeaderValue::from_static("cloudflare"));
    h.insert("cf-ray", HeaderValue::from_static("8f1c2b3a4d5e6f70-SJC"));
    resp
}

fn malformed(side: Side) -> Response {
    let body = if side == Side::Telnyx {
        "{\"data\": [ {\"uuid\": "
    } else {
        "[{\"id\":}"
    };
    let mut resp = (StatusCode::OK, body).into_response();
    resp.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    resp
}

/// The same status and headers, the first half of the body.
async fn truncate(resp: Response) -> Response {
    let (mut parts, body) = resp.into_parts();
    let bytes = to_bytes(body, usize::MAX).await.unwrap_or_default();
    let cut = bytes.slice(..bytes.len() / 2);
    parts
        .headers
        .insert(CONTENT_LENGTH, HeaderValue::from(cut.len()));
    Response::from_parts(parts, Body::from(cut))
}
