//! The VAPI endpoints Hearth uses, as typed calls over [`Api`].

use serde_json::value::RawValue;

use super::wire::{Call, PhoneNumber};
use crate::providers::http::{Api, PostFailure};
use crate::providers::source::iso;
use crate::providers::ProviderError;

/// `GET /call?updatedAtGt=…&updatedAtLe=…&limit=…`: the calls updated in `(after, hi]`,
/// as raw JSON items so one unreadable call does not hide the others.
pub async fn list_calls(
    api: &Api,
    after: i64,
    hi: i64,
    limit: usize,
) -> Result<Vec<Box<RawValue>>, ProviderError> {
    api.get(
        "/call",
        &[
            ("updatedAtGt", iso(after)),
            ("updatedAtLe", iso(hi)),
            ("limit", limit.to_string()),
        ],
    )
    .await
}

/// `GET /phone-number/{id}`.
pub async fn phone_number(api: &Api, id: &str) -> Result<PhoneNumber, ProviderError> {
    api.get(&format!("/phone-number/{}", path_segment(id)), &[])
        .await
}

/// `POST /call` with a prepared `CreateCallDTO` body; 201 gives the queued call.
pub async fn create_call(api: &Api, body: &[u8]) -> Result<Call, PostFailure> {
    api.post("/call", body).await
}

/// An id as one path segment: anything but unreserved characters is percent-encoded.
pub(crate) fn path_segment(id: &str) -> String {
    id.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
