//! What a simulator starts with.
//!
//! Everything generated follows from `seed` and the counts, placed against the real clock
//! (`[now - span, now - 1 min]`), so a test can size the data to the behaviour it checks and
//! a benchmark can ask for 100k records of each kind.

/// Sizes, credentials and seed of a simulator.
///
/// Build it with struct-update syntax so new knobs do not break callers:
/// `SimConfig { vapi_calls: 2_000, ..SimConfig::default() }`.
#[derive(Clone, Debug)]
pub struct SimConfig {
    /// Seeds every random choice (ids, data, which subset `GET /call` returns).
    pub seed: u64,
    /// Generated Vapi calls.
    pub vapi_calls: usize,
    /// Generated messaging detail records, about half inbound. Includes the inbound `STOP`
    /// texts that go with some of the generated opt-outs.
    pub telnyx_messages: usize,
    /// Generated call-control detail records.
    pub telnyx_calls: usize,
    /// Generated `messaging_optouts` rows (at most one per customer).
    pub optouts: usize,
    /// Records are spread over `[now - span, now - 1 min]`.
    pub span: chrono::Duration,
    /// Bearer token the Vapi side accepts.
    pub vapi_key: String,
    /// Bearer token the Telnyx side accepts.
    pub telnyx_key: String,
    /// Size of the customer pool shared by both providers.
    pub customers: usize,
    /// Vapi's per-org concurrency cap (10 by default, per V-DOC call-concurrency). A
    /// `POST /call` over it still gets a 201, for a call already ended with
    /// `call.start.error-subscription-concurrency-limit-reached`.
    pub vapi_concurrency_limit: usize,
}

impl Default for SimConfig {
    fn default() -> Self {
        Self {
            seed: 42,
            vapi_calls: 300,
            telnyx_messages: 500,
            telnyx_calls: 100,
            optouts: 6,
            span: chrono::Duration::days(30),
            vapi_key: "sim-vapi-key".to_owned(),
            telnyx_key: "sim-telnyx-key".to_owned(),
            customers: 200,
            vapi_concurrency_limit: 10,
        }
    }
}
