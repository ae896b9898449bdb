//! One HTTP client and one retry policy for both providers (providers.md §3).
//!
//! Reads (`get`) are idempotent, so they are retried: on 429 or 5xx after the wait the
//! server asks for (`x-ratelimit-reset`, else `Retry-After`), else exponential backoff with
//! jitter, capped; on timeouts, broken connections and unreadable (truncated, malformed)
//! answers the same way. Other 4xx are not retried. Writes (`post`) are never retried here: neither API has an idempotency key,
//! so the outbox decides, and [`PostFailure`] says whether the request could have arrived.
//!
//! Every body is read whole and parsed afterwards, so an HTML error page or truncated JSON
//! becomes [`ProviderError::BadResponse`] carrying its first bytes, never a panic.

use std::time::Duration;

use reqwest::header::{HeaderMap, AUTHORIZATION, CONTENT_TYPE};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::ProviderError;

/// How reads are retried.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    /// Attempts in all, the first included.
    pub attempts: u32,
    /// First backoff when the server does not say how long to wait.
    pub base: Duration,
    /// Longest backoff, and longest wait a server may ask for.
    pub cap: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            attempts: 5,
            base: Duration::from_millis(500),
            cap: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// Backoff before retry `n` (0-based): base·2ⁿ plus up to 25 % jitter, capped.
    pub fn backoff(&self, n: u32) -> Duration {
        let base = self.base.saturating_mul(1 << n.min(16)).min(self.cap);
        let jitter_ms = base.as_millis() as u64 / 4;
        let jitter = if jitter_ms == 0 {
            0
        } else {
            (uuid::Uuid::new_v4().as_u128() % u128::from(jitter_ms + 1)) as u64
        };
        (base + Duration::from_millis(jitter)).min(self.cap)
    }
}

/// The wait a 429 or 5xx asks for: `x-ratelimit-reset` (seconds until reset, Telnyx),
/// else `Retry-After` (seconds or an HTTP date).
pub fn requested_wait(headers: &HeaderMap) -> Option<Duration> {
    let text = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    if let Some(secs) = text("x-ratelimit-reset").and_then(|v| v.parse::<f64>().ok()) {
        if secs.is_finite() && secs >= 0.0 {
            return Some(Duration::from_secs_f64(secs.min(86_400.0)));
        }
    }
    let after = text("retry-after")?;
    if let Ok(secs) = after.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = chrono::DateTime::parse_from_rfc2822(after).ok()?;
    let wait = at.timestamp_millis() - crate::now_ms();
    Some(Duration::from_millis(wait.max(0) as u64))
}

/// A provider's API at a base URL with a bearer key.
#[derive(Debug, Clone)]
pub struct Api {
    pub provider: &'static str,
    base: String,
    key: String,
    http: reqwest::Client,
    pub policy: RetryPolicy,
}

/// Why a POST did not give a usable answer, and whether it may have been carried out.
#[derive(Debug)]
pub enum PostFailure {
    /// Certainly not carried out (could not connect, or 429): safe to send again later.
    NotSent {
        error: ProviderError,
        wait: Option<Duration>,
    },
    /// A definite answer refusing it (4xx).
    Refused(ProviderError),
    /// The request went out and no clear answer came back (timeout, dropped connection,
    /// 5xx, an unreadable 2xx): it may have been carried out.
    Unknown(ProviderError),
}

impl Api {
    /// A client for `base` (no trailing slash needed), `timeout` per request.
    pub fn new(
        provider: &'static str,
        base: &str,
        key: &str,
        timeout: Duration,
    ) -> Result<Api, ProviderError> {
        let tls =
            crate::mail::tls::client_config(None).map_err(|e| ProviderError::InvalidSettings {
                provider,
                reason: e.to_string(),
            })?;
        let http = reqwest::Client::builder()
            .use_preconfigured_tls((*tls).clone())
            .connect_timeout(Duration::from_secs(10).min(timeout))
            .timeout(timeout)
            .user_agent(concat!("Hearth/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| ProviderError::InvalidSettings {
                provider,
                reason: format!("cannot build an HTTP client: {e}"),
            })?;
        Ok(Api {
            provider,
            base: base.trim_end_matches('/').to_owned(),
            key: key.to_owned(),
            http,
            policy: RetryPolicy::default(),
        })
    }

    fn request(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        self.http
            .request(method, format!("{}{path}", self.base))
            .header(AUTHORIZATION, format!("Bearer {}", self.key))
    }

    /// GET `path` with `query`, retried per the policy, parsed as `T`.
    pub async fn get<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<T, ProviderError> {
        let what = format!("GET {path}");
        let mut attempt = 0;
        loop {
            attempt += 1;
            let last = attempt >= self.policy.attempts;
            // The request and its whole body: a failure of either is a broken connection.
            let received = async {
                let response = self.request(Method::GET, path).query(query).send().await?;
                let status = response.status();
                let wait = requested_wait(response.headers());
                Ok::<_, reqwest::Error>((status, wait, response.bytes().await?))
            }
            .await;
            let (status, wait, body) = match received {
                Ok(r) => r,
                Err(e) if last => {
                    return Err(ProviderError::Network {
                        provider: self.provider,
                        attempts: attempt,
                        detail: describe(&e),
                    })
                }
                Err(e) => {
                    tracing::debug!(provider = self.provider, %what, error = %describe(&e), attempt, "retrying");
                    tokio::time::sleep(self.policy.backoff(attempt - 1)).await;
                    continue;
                }
            };
            if status.is_success() {
                match parse(self.provider, &what, &body) {
                    Err(e) if !last => {
                        // Truncated or garbled on the way: a read can simply be asked again.
                        tracing::info!(provider = self.provider, %what, error = %e, attempt, "unreadable answer; asking again");
                        tokio::time::sleep(self.policy.backoff(attempt - 1)).await;
                        continue;
                    }
                    parsed => return parsed,
                }
            }
            if status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error() {
                if last {
                    return Err(ProviderError::Unavailable {
                        provider: self.provider,
                        status: status.as_u16(),
                        attempts: attempt,
                        message: error_message(&body),
                    });
                }
                let pause = wait
                    .map(|w| w.min(self.policy.cap))
                    .unwrap_or_else(|| self.policy.backoff(attempt - 1));
                tracing::info!(provider = self.provider, %what, status = status.as_u16(), wait_ms = pause.as_millis() as u64, attempt, "provider busy; waiting");
                tokio::time::sleep(pause).await;
                continue;
            }
            return Err(self.refusal(status, &body));
        }
    }

    /// POST a JSON body once; the parsed answer, or how it failed.
    pub async fn post<T: DeserializeOwned>(
        &self,
        path: &str,
        body: &[u8],
    ) -> Result<T, PostFailure> {
        let what = format!("POST {path}");
        let sent = self
            .request(Method::POST, path)
            .header(CONTENT_TYPE, "application/json")
            .body(body.to_vec())
            .send()
            .await;
        let network = |e: reqwest::Error| ProviderError::Network {
            provider: self.provider,
            attempts: 1,
            detail: describe(&e),
        };
        let response = match sent {
            Ok(r) => r,
            Err(e) if e.is_connect() => {
                return Err(PostFailure::NotSent {
                    error: network(e),
                    wait: None,
                })
            }
            Err(e) => return Err(PostFailure::Unknown(network(e))),
        };
        let status = response.status();
        let wait = requested_wait(response.headers());
        let body = response
            .bytes()
            .await
            .map_err(|e| PostFailure::Unknown(network(e)))?;
        if status.is_success() {
            return parse(self.provider, &what, &body).map_err(PostFailure::Unknown);
        }
        if status == StatusCode::TOO_MANY_REQUESTS {
            return Err(PostFailure::NotSent {
                error: ProviderError::Unavailable {
                    provider: self.provider,
                    status: 429,
                    attempts: 1,
                    message: error_message(&body),
                },
                wait,
            });
        }
        if status.is_server_error() {
            return Err(PostFailure::Unknown(ProviderError::Unavailable {
                provider: self.provider,
                status: status.as_u16(),
                attempts: 1,
                message: error_message(&body),
            }));
        }
        Err(PostFailure::Refused(self.refusal(status, &body)))
    }

    fn refusal(&self, status: StatusCode, body: &[u8]) -> ProviderError {
        let message = error_message(body);
        if status == StatusCode::UNAUTHORIZED || status == StatusCode::FORBIDDEN {
            return ProviderError::Unauthorized {
                provider: self.provider,
                status: status.as_u16(),
                message,
            };
        }
        ProviderError::Refused {
            provider: self.provider,
            status: status.as_u16(),
            code: error_code(body),
            message,
        }
    }
}

/// reqwest's error with its causes, which say what actually happened.
fn describe(e: &reqwest::Error) -> String {
    let mut text = if e.is_timeout() {
        "timed out".to_owned()
    } else {
        e.to_string()
    };
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

fn parse<T: DeserializeOwned>(
    provider: &'static str,
    what: &str,
    body: &[u8],
) -> Result<T, ProviderError> {
    serde_json::from_slice(body).map_err(|e| ProviderError::BadResponse {
        provider,
        what: what.to_owned(),
        detail: e.to_string(),
        body_start: body_start(body),
    })
}

/// The first 120 characters of a body, for error messages.
pub fn body_start(body: &[u8]) -> String {
    String::from_utf8_lossy(&body[..body.len().min(480)])
        .chars()
        .take(120)
        .collect()
}

/// The provider's own words: Telnyx `errors[0]` (title: detail), VAPI `message` (a string
/// or a list), else the body's first bytes.
pub fn error_message(body: &[u8]) -> String {
    let Ok(json) = serde_json::from_slice::<Value>(body) else {
        return body_start(body);
    };
    if let Some(first) = json.pointer("/errors/0") {
        let title = first.get("title").and_then(Value::as_str).unwrap_or("");
        let detail = first.get("detail").and_then(Value::as_str).unwrap_or("");
        return match (title, detail) {
            ("", d) => d.to_owned(),
            (t, "") => t.to_owned(),
            (t, d) => format!("{t}: {d}"),
        };
    }
    match json.get("message") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join("; "),
        _ => body_start(body),
    }
}

/// Telnyx's error code (a string, e.g. "40300"), when the body has one.
pub fn error_code(body: &[u8]) -> Option<String> {
    let json: Value = serde_json::from_slice(body).ok()?;
    match json.pointer("/errors/0/code")? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use reqwest::header::HeaderValue;

    use super::*;

    #[test]
    fn waits_come_from_the_headers_first() {
        let mut h = HeaderMap::new();
        assert_eq!(requested_wait(&h), None);
        h.insert("retry-after", HeaderValue::from_static("7"));
        assert_eq!(requested_wait(&h), Some(Duration::from_secs(7)));
        h.insert("x-ratelimit-reset", HeaderValue::from_static("2"));
        assert_eq!(requested_wait(&h), Some(Duration::from_secs(2)));
        let mut d = HeaderMap::new();
        d.insert(
            "retry-after",
            HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"),
        );
        assert_eq!(requested_wait(&d), Some(Duration::ZERO), "a past date");
    }

    #[test]
    fn backoff_doubles_with_jitter_and_is_capped() {
        let p = RetryPolicy {
            attempts: 5,
            base: Duration::from_millis(100),
            cap: Duration::from_secs(1),
        };
        assert!((100..=125).contains(&(p.backoff(0).as_millis() as u64)));
        assert!((400..=500).contains(&(p.backoff(2).as_millis() as u64)));
        assert_eq!(p.backoff(10), Duration::from_secs(1));
    }

    #[test]
    fn provider_words_are_kept() {
        let telnyx =
            br#"{"errors":[{"code":"40300","title":"Blocked due to STOP message","detail":"no"}]}"#;
        assert_eq!(error_message(telnyx), "Blocked due to STOP message: no");
        assert_eq!(error_code(telnyx).as_deref(), Some("40300"));
        let vapi = br#"{"message":["a must be b","c"],"error":"Bad Request","statusCode":400}"#;
        assert_eq!(error_message(vapi), "a must be b; c");
        assert_eq!(error_code(vapi), None);
        let html = b"<html><head><title>502 Bad Gateway</title></head></html>";
        assert!(error_message(html).starts_with("<html><head><title>502"));
    }
}
