//! The handle tests hold: start, addresses, mutations, inspection, faults, stop.
//!
//! Mutations are synchronous (a short lock, no await) so a test can change the world
//! between two polls without ceremony; every time they write comes from the real clock.

use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use axum::http::StatusCode;
use axum::routing::any;
use axum::{middleware, Router};
use chrono::{DateTime, Utc};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::config::SimConfig;
use crate::conn::{Conn, KillableListener};
use crate::fault::{Fault, Route};
use crate::gate::gate;
use crate::state::Shared;
use crate::time::{from_datetime, now_ms};
use crate::{telnyx, vapi};

/// How long `stop` waits for in-flight requests before cutting them off.
const STOP_GRACE: Duration = Duration::from_secs(3);

/// A running simulator. Stops when dropped; `stop` also waits for it.
#[derive(Debug)]
pub struct Sim {
    pub(crate) shared: Arc<Shared>,
    addr: SocketAddr,
    stop_tx: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
}

impl Sim {
    /// Generates the records and serves them on `127.0.0.1` at a free port.
    pub async fn start(cfg: SimConfig) -> io::Result<Sim> {
        Self::start_on(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)), cfg).await
    }

    /// Generates the records and serves them on `addr`.
    pub async fn start_on(addr: SocketAddr, cfg: SimConfig) -> io::Result<Sim> {
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let (stop_tx, stop_rx) = watch::channel(false);
        // 100k+100k records take a moment: keep them off the async workers.
        let shared = tokio::task::spawn_blocking(move || Shared::new(&cfg, stop_rx))
            .await
            .map_err(io::Error::other)?;
        let shared = Arc::new(shared);
        let app = Router::new()
            .nest("/vapi", vapi::router())
            .nest("/telnyx/v2", telnyx::router())
            .fallback(any(|| async { StatusCode::NOT_FOUND }))
            .layer(middleware::from_fn_with_state(Arc::clone(&shared), gate))
            .with_state(Arc::clone(&shared));
        let mut signal = stop_tx.subscribe();
        let server = axum::serve(
            KillableListener(listener),
            app.into_make_service_with_connect_info::<Conn>(),
        )
        .with_graceful_shutdown(async move {
            // An Err means the Sim is gone, which is also the signal to stop.
            let _ = signal.wait_for(|stop| *stop).await;
        });
        let task = tokio::spawn(async move {
            if let Err(e) = server.await {
                tracing::error!(error = %e, "provider sim: server failed");
            }
        });
        tracing::info!(%addr, "provider sim: listening");
        Ok(Sim {
            shared,
            addr,
            stop_tx,
            task: Some(task),
        })
    }

    /// Stops accepting, lets in-flight requests finish (hung ones are released), and waits
    /// up to three seconds for the server before aborting it.
    pub async fn stop(mut self) {
        self.stop_tx.send_replace(true);
        if let Some(task) = self.task.take() {
            let abort = task.abort_handle();
            if tokio::time::timeout(STOP_GRACE, task).await.is_err() {
                tracing::warn!("provider sim: server did not stop in time, aborting");
                abort.abort();
            }
        }
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT/vapi`, standing for `https://api.vapi.ai`.
    pub fn vapi_base(&self) -> String {
        format!("http://{}/vapi", self.addr)
    }

    /// `http://127.0.0.1:PORT/telnyx/v2`, standing for `https://api.telnyx.com/v2`.
    pub fn telnyx_base(&self) -> String {
        format!("http://{}/telnyx/v2", self.addr)
    }

    /// The Vapi phone-number resource to use as `phoneNumberId` in `POST /call`.
    pub fn our_vapi_phone_number_id(&self) -> String {
        self.shared.accounts.vapi_numbers[0].id.to_string()
    }

    /// The main Vapi assistant (most generated calls use it).
    pub fn our_vapi_assistant_id(&self) -> String {
        self.shared.accounts.assistants[0].to_string()
    }

    /// Our Telnyx number, the `from` of sends and the `from` of opt-out rows.
    pub fn our_telnyx_number(&self) -> String {
        self.shared.accounts.telnyx_number.to_owned()
    }

    /// Our Telnyx messaging profile id.
    pub fn our_telnyx_profile_id(&self) -> String {
        self.shared.accounts.profile_id.to_string()
    }

    /// The shared customer pool: E.164 number and name (if known).
    pub fn customers(&self) -> Vec<(String, Option<String>)> {
        self.shared
            .pool
            .iter()
            .map(|c| (c.number.clone(), c.name.clone()))
            .collect()
    }

    /// Adds `n` calls that just ended (`updatedAt` ≈ now, `createdAt` a minute or two
    /// earlier); returns their ids.
    pub fn add_vapi_calls(&self, n: usize) -> Vec<String> {
        let mut st = self.shared.state();
        let st = &mut *st;
        let ids = st
            .vapi
            .add(&mut st.rng, n, now_ms(), self.shared.pool.len());
        ids.iter().map(ToString::to_string).collect()
    }

    /// Changes `n` existing calls, `updatedAt` = now: queued and live calls end (with
    /// transcript and analysis), pending analyses arrive, then random ended calls get a late
    /// analysis or a final cost. Returns their ids.
    pub fn touch_vapi_calls(&self, n: usize) -> Vec<String> {
        let mut st = self.shared.state();
        let st = &mut *st;
        let ids = st.vapi.touch(&mut st.rng, n, now_ms());
        ids.iter().map(ToString::to_string).collect()
    }

    /// Adds `n` never-connected campaign calls whose `createdAt`, `endedAt` and
    /// `updatedAt` are all `updated_at` (≥ 1000 of them defeat window bisection).
    pub fn add_vapi_calls_at(&self, n: usize, updated_at: DateTime<Utc>) -> Vec<String> {
        let mut st = self.shared.state();
        let st = &mut *st;
        let t = from_datetime(updated_at);
        let ids = st.vapi.add_at(&mut st.rng, n, t, self.shared.pool.len());
        ids.iter().map(ToString::to_string).collect()
    }

    /// Adds `n` texts (about half inbound) created in the last few seconds; returns uuids.
    pub fn add_telnyx_messages(&self, n: usize) -> Vec<String> {
        let mut st = self.shared.state();
        let st = &mut *st;
        let ids = st
            .telnyx
            .add_messages(&mut st.rng, n, now_ms(), &self.shared.pool);
        ids.iter().map(ToString::to_string).collect()
    }

    /// Changes the status of `n` outbound MDRs (`updated_at` = now, `created_at` kept);
    /// returns their uuids.
    pub fn change_telnyx_statuses(&self, n: usize) -> Vec<String> {
        let mut st = self.shared.state();
        let st = &mut *st;
        let ids = st.telnyx.change_statuses(&mut st.rng, n, now_ms());
        ids.iter().map(ToString::to_string).collect()
    }

    /// `from` texts us `text`. An opt-out keyword (STOP, STOPALL, STOP ALL, UNSUBSCRIBE,
    /// CANCEL, END, QUIT; trimmed, any case) also blocks them; START or UNSTOP unblocks.
    /// Returns the message id (also its MDR uuid).
    pub fn inbound_sms(&self, from: &str, text: &str) -> String {
        let mut st = self.shared.state();
        let st = &mut *st;
        st.telnyx
            .inbound_text(&mut st.rng, from, text, now_ms(), &self.shared.pool)
            .to_string()
    }

    /// Queues `times` copies of `fault` for requests on `route`.
    pub fn inject(&self, route: Route, fault: Fault, times: usize) {
        self.shared.faults().push(route, fault, times);
    }

    /// Drops every queued fault.
    pub fn clear_faults(&self) {
        self.shared.faults().clear();
    }
}

impl Drop for Sim {
    /// Signals the server to stop; it winds down on its own (hung requests are released).
    fn drop(&mut self) {
        self.stop_tx.send_replace(true);
    }
}
