//! Everything a running sim holds, shared by the HTTP handlers and the `Sim` handle.
//!
//! One `std::sync::Mutex` guards the records: handlers never await while holding it, and a
//! single lock keeps cross-provider effects (a STOP text adding an opt-out, a send creating
//! an MDR) atomic. Fixed facts (keys, accounts, the customer pool) live outside it.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};

use chrono::{DateTime, Utc};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde_json::Value;
use tokio::sync::watch;

use crate::config::SimConfig;
use crate::fault::{Fault, FaultQueue, Route};
use crate::pool::{self, Accounts, Customer};
use crate::telnyx::store::TelnyxStore;
use crate::time::{now_ms, Ms, MINUTE};
use crate::vapi::store::VapiStore;

/// One request as the sim saw it, for "no hot loop" and retry tests.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestLog {
    /// `GET`, `POST`, …
    pub method: String,
    /// Path and query as sent, e.g. `/vapi/call?limit=1000`.
    pub path: String,
    /// The status sent; `0` when no response was sent (`AcceptThenDrop`, `AcceptThenHang`).
    pub status: u16,
    /// The route it matched; `None` for paths the sim does not serve.
    pub route: Option<Route>,
    /// The injected fault it consumed, if any.
    pub fault: Option<Fault>,
    /// When it arrived.
    pub at: DateTime<Utc>,
}

/// The mutable records.
#[derive(Debug)]
pub(crate) struct State {
    pub rng: ChaCha8Rng,
    pub vapi: VapiStore,
    pub telnyx: TelnyxStore,
    /// Bodies of accepted `POST /v2/messages`.
    pub sent_messages: Vec<Value>,
    /// Bodies of accepted `POST /call`.
    pub created_calls: Vec<Value>,
}

/// What handlers and the `Sim` handle share.
#[derive(Debug)]
pub(crate) struct Shared {
    pub vapi_key: String,
    pub telnyx_key: String,
    pub concurrency_limit: usize,
    pub accounts: Accounts,
    pub pool: Vec<Customer>,
    /// Becomes `true` when the sim stops; hung and slow requests give up on it.
    pub shutdown: watch::Receiver<bool>,
    state: Mutex<State>,
    faults: Mutex<FaultQueue>,
    log: Mutex<Vec<RequestLog>>,
    nonce: AtomicU64,
}

/// Locks a mutex; a panic elsewhere while holding it leaves data that is still usable
/// for a test double, so poisoning is ignored rather than propagated.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Shared {
    /// Generates every record from the config, against the real clock.
    pub(crate) fn new(cfg: &SimConfig, shutdown: watch::Receiver<bool>) -> Self {
        let started = std::time::Instant::now();
        let now = now_ms();
        let span: Ms = cfg.span.num_milliseconds().max(2 * MINUTE);
        let mut rng = ChaCha8Rng::seed_from_u64(cfg.seed);
        let pool = pool::customers(&mut rng, cfg.customers);
        let accounts = Accounts::new(&mut rng, now - span - MINUTE);
        let vapi = VapiStore::generate(&mut rng, cfg.vapi_calls, now, span, pool.len());
        let telnyx = TelnyxStore::generate(&mut rng, cfg, &pool, now, span);
        tracing::debug!(
            calls = vapi.calls.len(),
            messages = telnyx.mdrs.len(),
            voice = telnyx.cdrs.len(),
            optouts = telnyx.optouts.len(),
            elapsed_ms = started.elapsed().as_millis() as u64,
            "provider sim: records generated"
        );
        Self {
            vapi_key: cfg.vapi_key.clone(),
            telnyx_key: cfg.telnyx_key.clone(),
            concurrency_limit: cfg.vapi_concurrency_limit,
            accounts,
            pool,
            shutdown,
            state: Mutex::new(State {
                rng,
                vapi,
                telnyx,
                sent_messages: Vec::new(),
                created_calls: Vec::new(),
            }),
            faults: Mutex::new(FaultQueue::default()),
            log: Mutex::new(Vec::new()),
            nonce: AtomicU64::new(1),
        }
    }

    pub(crate) fn state(&self) -> MutexGuard<'_, State> {
        lock(&self.state)
    }

    pub(crate) fn faults(&self) -> MutexGuard<'_, FaultQueue> {
        lock(&self.faults)
    }

    pub(crate) fn log(&self) -> MutexGuard<'_, Vec<RequestLog>> {
        lock(&self.log)
    }

    /// A fresh value per response (presigned URL signatures).
    pub(crate) fn nonce(&self) -> u64 {
        self.nonce.fetch_add(1, Ordering::Relaxed)
    }

    /// Resolves once the sim is stopping.
    pub(crate) async fn stopped(&self) {
        let mut rx = self.shutdown.clone();
        // An Err means the sender is gone, which also means the sim is stopping.
        let _ = rx.wait_for(|stop| *stop).await;
    }
}
