//! Injected failures: what can go wrong on the wire, queued per route.
//!
//! Tests queue faults with [`crate::Sim::inject`]; each request that matches a queued
//! fault's route consumes the oldest one before normal handling. That makes "the first two
//! list calls get a 429, the third works" a one-liner, and keeps a fault from leaking into
//! an unrelated request.

use std::collections::VecDeque;
use std::time::Duration;

use axum::http::Method;

/// Which requests a fault applies to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Route {
    /// Every request, including unknown paths.
    Any,
    /// `GET /vapi/call`.
    VapiListCalls,
    /// `GET /vapi/call/{id}`.
    VapiGetCall,
    /// `GET /vapi/phone-number` and `GET /vapi/phone-number/{id}`.
    VapiPhoneNumber,
    /// `POST /vapi/call`.
    VapiCreateCall,
    /// `GET /telnyx/v2/detail_records`.
    TelnyxDetailRecords,
    /// `GET /telnyx/v2/messages/{id}`.
    TelnyxGetMessage,
    /// `POST /telnyx/v2/messages`.
    TelnyxSendMessage,
    /// `GET /telnyx/v2/messaging_optouts`.
    TelnyxOptouts,
}

impl Route {
    /// The route a request falls under; `None` for paths the sim does not serve.
    pub(crate) fn classify(method: &Method, path: &str) -> Option<Route> {
        let path = path.trim_end_matches('/');
        let get = *method == Method::GET;
        let post = *method == Method::POST;
        if let Some(rest) = path.strip_prefix("/vapi") {
            let segs: Vec<&str> = rest.split('/').skip(1).collect();
            return match (segs.as_slice(), get, post) {
                (["call"], true, _) => Some(Route::VapiListCalls),
                (["call"], _, true) => Some(Route::VapiCreateCall),
                (["call", _], true, _) => Some(Route::VapiGetCall),
                (["phone-number"] | ["phone-number", _], true, _) => Some(Route::VapiPhoneNumber),
                _ => None,
            };
        }
        if let Some(rest) = path.strip_prefix("/telnyx/v2") {
            let segs: Vec<&str> = rest.split('/').skip(1).collect();
            return match (segs.as_slice(), get, post) {
                (["detail_records"], true, _) => Some(Route::TelnyxDetailRecords),
                (["messages"], _, true) => Some(Route::TelnyxSendMessage),
                (["messages", _], true, _) => Some(Route::TelnyxGetMessage),
                (["messaging_optouts"], true, _) => Some(Route::TelnyxOptouts),
                _ => None,
            };
        }
        None
    }
}

/// A failure to play instead of (or on top of) the normal answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fault {
    /// HTTP 429 in the provider's shape. `ratelimit_reset_secs` sets
    /// `x-ratelimit-reset` (with `x-ratelimit-limit`/`-remaining: 0`), `retry_after_secs`
    /// sets `Retry-After`; either may be absent, as both are UNCONFIRMED for both providers.
    /// The request is not processed.
    TooManyRequests {
        ratelimit_reset_secs: Option<u64>,
        retry_after_secs: Option<u64>,
    },
    /// That status (500/502/503…) with a JSON error body in the provider's shape. Not processed.
    ServerError(u16),
    /// Waits this long, then answers normally (processing happens after the wait).
    Slow(Duration),
    /// Processes the request, then sends its status and the first half of its body, with a
    /// `Content-Length` matching the cut body.
    Truncated,
    /// Processes the request, then answers 200 `application/json` with invalid JSON.
    Malformed,
    /// That status with a Cloudflare-like HTML page (`text/html`). Not processed.
    HtmlErrorPage(u16),
    /// Processes the request (a send is recorded and shows up in later polls), then closes
    /// the connection without writing a byte: "the data went out, the reply was lost".
    AcceptThenDrop,
    /// Processes the request, then never answers (until the sim stops): the same lost reply,
    /// seen through the client's timeout instead of a reset.
    AcceptThenHang,
}

/// Queued faults, consumed oldest-first by matching requests.
#[derive(Debug, Default)]
pub(crate) struct FaultQueue {
    queue: VecDeque<(Route, Fault)>,
}

impl FaultQueue {
    pub(crate) fn push(&mut self, route: Route, fault: Fault, times: usize) {
        self.queue
            .extend(std::iter::repeat_n((route, fault), times));
    }

    pub(crate) fn clear(&mut self) {
        self.queue.clear();
    }

    /// Removes and returns the oldest fault for a request on `route`.
    pub(crate) fn take(&mut self, route: Option<Route>) -> Option<Fault> {
        let pos = self
            .queue
            .iter()
            .position(|(r, _)| *r == Route::Any || Some(*r) == route)?;
        self.queue.remove(pos).map(|(_, f)| f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_paths() {
        let g = Method::GET;
        let p = Method::POST;
        assert_eq!(
            Route::classify(&g, "/vapi/call"),
            Some(Route::VapiListCalls)
        );
        assert_eq!(
            Route::classify(&p, "/vapi/call/"),
            Some(Route::VapiCreateCall)
        );
        assert_eq!(
            Route::classify(&g, "/vapi/call/abc"),
            Some(Route::VapiGetCall)
        );
        assert_eq!(
            Route::classify(&g, "/vapi/phone-number/x"),
            Some(Route::VapiPhoneNumber)
        );
        assert_eq!(
            Route::classify(&g, "/telnyx/v2/detail_records"),
            Some(Route::TelnyxDetailRecords)
        );
        assert_eq!(
            Route::classify(&p, "/telnyx/v2/messages"),
            Some(Route::TelnyxSendMessage)
        );
        assert_eq!(
            Route::classify(&g, "/telnyx/v2/messages/1"),
            Some(Route::TelnyxGetMessage)
        );
        assert_eq!(Route::classify(&g, "/telnyx/v2/nope"), None);
        assert_eq!(Route::classify(&g, "/elsewhere"), None);
    }

    #[test]
    fn faults_are_consumed_in_order_by_matching_routes() {
        let mut q = FaultQueue::default();
        q.push(Route::VapiGetCall, Fault::Truncated, 1);
        q.push(Route::Any, Fault::Malformed, 2);
        assert_eq!(q.take(Some(Route::VapiListCalls)), Some(Fault::Malformed));
        assert_eq!(q.take(Some(Route::VapiGetCall)), Some(Fault::Truncated));
        assert_eq!(q.take(None), Some(Fault::Malformed));
        assert_eq!(q.take(Some(Route::VapiGetCall)), None);
    }
}
