//! `hearth dev provider-sim`: the loopback VAPI and Telnyx stand-in the tests use, kept
//! running with new calls and texts every few seconds, so a developer can point the app
//! (or `hearth sync`) at it and watch data flow in. `--connect` sets up the current
//! business against it.

use std::net::SocketAddr;

use clap::{Args, Subcommand};
use hearth_core::providers::{self, Provider, ProviderSettings};
use hearth_core::secrets::KeyringSecrets;
use hearth_provider_sim::{Sim, SimConfig, DEV_TICK};

use super::open_store;
use crate::exit::BadInput;
use crate::Ctx;

#[derive(Debug, Subcommand)]
pub enum DevCmd {
    /// Serve the VAPI + Telnyx stand-in on 127.0.0.1 until Ctrl-C.
    ProviderSim(SimArgs),
}

#[derive(Debug, Args)]
pub struct SimArgs {
    /// Port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 8790)]
    port: u16,
    #[arg(long, default_value_t = 300)]
    calls: usize,
    #[arg(long, default_value_t = 500)]
    texts: usize,
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Also set up the current business to poll it (keys to the OS keyring).
    #[arg(long)]
    connect: bool,
}

pub async fn run(ctx: &Ctx, cmd: DevCmd) -> anyhow::Result<()> {
    let DevCmd::ProviderSim(a) = cmd;
    let addr = SocketAddr::from(([127, 0, 0, 1], a.port));
    let cfg = SimConfig {
        seed: a.seed,
        vapi_calls: a.calls,
        telnyx_messages: a.texts,
        ..SimConfig::default()
    };
    let (vapi_key, telnyx_key) = (cfg.vapi_key.clone(), cfg.telnyx_key.clone());
    let sim = Sim::start_on(addr, cfg)
        .await
        .map_err(|e| BadInput(format!("cannot serve on {addr}: {e}")))?;
    outln!("VAPI stand-in:   {}  key {vapi_key}", sim.vapi_base());
    outln!(
        "  assistant id {}  phone number id {}",
        sim.our_vapi_assistant_id(),
        sim.our_vapi_phone_number_id()
    );
    outln!("Telnyx stand-in: {}  key {telnyx_key}", sim.telnyx_base());
    outln!("  our number {}", sim.our_telnyx_number());
    if a.connect {
        let store = open_store(ctx).await?;
        let vapi = ProviderSettings {
            assistant_id: Some(sim.our_vapi_assistant_id()),
            phone_number_id: Some(sim.our_vapi_phone_number_id()),
            poll_secs: 10,
            ..ProviderSettings::default()
        };
        providers::configure(
            &store,
            &KeyringSecrets,
            Provider::Vapi,
            Some(&sim.vapi_base()),
            vapi,
            Some(&vapi_key),
        )
        .await?;
        let telnyx = ProviderSettings {
            from_number: Some(sim.our_telnyx_number()),
            poll_secs: 10,
            ..ProviderSettings::default()
        };
        providers::configure(
            &store,
            &KeyringSecrets,
            Provider::Telnyx,
            Some(&sim.telnyx_base()),
            telnyx,
            Some(&telnyx_key),
        )
        .await?;
        store.close().await;
        outln!(
            "The current business now polls it every 10 s (run the app, or `hearth sync vapi`)."
        );
    } else {
        outln!("Point a business at it: hearth dev provider-sim --connect, or Settings → Calls and texts.");
    }
    outln!(
        "New calls and texts arrive every {} s. Ctrl-C stops.",
        DEV_TICK.as_secs()
    );
    sim.dev_ticker(DEV_TICK, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await;
    sim.stop().await;
    Ok(())
}
