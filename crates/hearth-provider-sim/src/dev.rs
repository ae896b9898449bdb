//! `hearth dev provider-sim`: a sim that keeps living, so a developer pointing the app at it
//! sees calls and texts flow in.
//!
//! Every tick it adds a call and a couple of texts, ends or re-analyses a call, settles a
//! delivery receipt, and now and then has a customer text in (sometimes `STOP`), logging
//! each step with `tracing`. The CLI owns printing the URLs and keys.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use tokio::time::MissedTickBehavior;

use crate::config::SimConfig;
use crate::sim::Sim;

/// How often the dev ticker changes the world by default.
pub const DEV_TICK: Duration = Duration::from_secs(4);

/// What customers text in during a dev session, in turn.
const DEV_TEXTS: [&str; 6] = [
    "Thursday works great, thank you!",
    "Is the technician still coming today?",
    "This is the third time the leak came back, I'm really frustrated.",
    "STOP",
    "Thanks, all fixed now!",
    "START",
];

impl Sim {
    /// Changes the world every `every` until `shutdown` resolves.
    pub async fn dev_ticker(&self, every: Duration, shutdown: impl Future<Output = ()>) {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(MissedTickBehavior::Skip);
        tick.tick().await;
        tokio::pin!(shutdown);
        let customers = self.customers();
        let mut round = 0usize;
        loop {
            tokio::select! {
                () = &mut shutdown => break,
                _ = tick.tick() => {}
            }
            round += 1;
            let added = self.add_vapi_calls(1);
            let touched = self.touch_vapi_calls(1);
            let texts = self.add_telnyx_messages(2);
            let settled = self.change_telnyx_statuses(1);
            tracing::info!(?added, ?touched, ?texts, ?settled, "provider sim: dev tick");
            if round.is_multiple_of(3) && !customers.is_empty() {
                let (number, _) = &customers[round % customers.len()];
                let text = DEV_TEXTS[(round / 3) % DEV_TEXTS.len()];
                let id = self.inbound_sms(number, text);
                tracing::info!(%id, from = %number, text, "provider sim: customer texted in");
            }
        }
    }
}

/// Serves a sim on `addr`, ticking every [`DEV_TICK`], until ctrl-c.
pub async fn run_dev(addr: SocketAddr, cfg: SimConfig) -> io::Result<()> {
    run_dev_until(addr, cfg, async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "provider sim: cannot listen for ctrl-c, stopping");
        }
    })
    .await
}

/// Like [`run_dev`], until `shutdown` resolves.
pub async fn run_dev_until(
    addr: SocketAddr,
    cfg: SimConfig,
    shutdown: impl Future<Output = ()>,
) -> io::Result<()> {
    let (vapi_key, telnyx_key) = (cfg.vapi_key.clone(), cfg.telnyx_key.clone());
    let sim = Sim::start_on(addr, cfg).await?;
    tracing::info!(
        vapi = %sim.vapi_base(),
        %vapi_key,
        telnyx = %sim.telnyx_base(),
        %telnyx_key,
        vapi_phone_number_id = %sim.our_vapi_phone_number_id(),
        vapi_assistant_id = %sim.our_vapi_assistant_id(),
        telnyx_number = %sim.our_telnyx_number(),
        "provider sim: serving"
    );
    sim.dev_ticker(DEV_TICK, shutdown).await;
    tracing::info!("provider sim: stopping");
    sim.stop().await;
    Ok(())
}
