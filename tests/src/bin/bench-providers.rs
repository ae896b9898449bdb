//! `bench-providers`: end-to-end ingest from the loopback stand-in — HTTP, JSON parsing,
//! contact resolution and the store — of 100,000 VAPI calls and 100,000 Telnyx records
//! (messaging detail records, inbound bodies fetched for texts under 10 days old, call
//! records), into a fresh business file on disk, through the same `sync_provider` the CLI
//! and the app use. Three runs, each from nothing; medians and all runs printed.
//!
//! `./dev bench providers` runs it in release; or
//! `cargo run --release -p hearth-e2e --bin bench-providers -- [calls] [records]`.

use std::sync::Arc;
use std::time::Instant;

use anyhow::Result;
use hearth_core::providers::job::sync_provider;
use hearth_core::providers::{configure, Provider, ProviderSettings};
use hearth_core::secrets::MemorySecrets;
use hearth_core::Store;
use hearth_provider_sim::{Sim, SimConfig};

const RUNS: usize = 3;

fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let calls: usize = args
        .next()
        .map(|n| n.parse())
        .transpose()?
        .unwrap_or(100_000);
    let records: usize = args
        .next()
        .map(|n| n.parse())
        .transpose()?
        .unwrap_or(100_000);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        let generated = Instant::now();
        let sim = Sim::start(SimConfig {
            vapi_calls: calls,
            telnyx_messages: records * 95 / 100,
            telnyx_calls: records * 5 / 100,
            optouts: 50,
            customers: 20_000,
            ..SimConfig::default()
        })
        .await?;
        println!(
            "stand-in: {calls} VAPI calls, {} Telnyx records generated in {:.2} s",
            records,
            generated.elapsed().as_secs_f64()
        );
        // The stand-in's own cost: every VAPI call fetched (windows halved until they fit)
        // and every Telnyx page, read and dropped without parsing or storing.
        {
            let started = Instant::now();
            let api = hearth_core::providers::http::Api::new(
                "vapi",
                &sim.vapi_base(),
                "sim-vapi-key",
                std::time::Duration::from_secs(60),
            )?;
            let now = hearth_core::now_ms();
            let mut lo = now - 61 * 86_400_000;
            let mut width = 86_400_000i64;
            let mut fetched = 0;
            while lo < now {
                let hi = (lo + width).min(now);
                let page = hearth_core::providers::vapi::client::list_calls(&api, lo, hi, 1000).await?;
                if page.len() == 1000 && hi - lo > 1 {
                    width /= 2;
                    continue;
                }
                fetched += page.len();
                lo = hi;
                width = if page.len() < 250 { width * 2 } else { width };
            }
            let secs = started.elapsed().as_secs_f64();
            println!(
                "stand-in alone: {fetched} VAPI calls served in {secs:.2} s = {:.0} calls/s (HTTP, no parsing, no store)",
                fetched as f64 / secs
            );
        }
        let mut vapi = Vec::new();
        let mut telnyx = Vec::new();
        for run in 1..=RUNS {
            let dir = tempfile::tempdir()?;
            let store = Store::create(&dir.path().join("bench.sqlite")).await?;
            let secrets = Arc::new(MemorySecrets::default());
            let settings = ProviderSettings {
                history_days: 60,
                ..ProviderSettings::default()
            };
            configure(
                &store,
                secrets.as_ref(),
                Provider::Vapi,
                Some(&sim.vapi_base()),
                settings.clone(),
                Some("sim-vapi-key"),
            )
            .await?;
            configure(
                &store,
                secrets.as_ref(),
                Provider::Telnyx,
                Some(&sim.telnyx_base()),
                settings,
                Some("sim-telnyx-key"),
            )
            .await?;
            for (provider, times) in [(Provider::Vapi, &mut vapi), (Provider::Telnyx, &mut telnyx)]
            {
                let started = Instant::now();
                let report = sync_provider(&store, secrets.as_ref(), provider, &|_, _| {}).await?;
                let secs = started.elapsed().as_secs_f64();
                let received = report.received();
                println!(
                    "run {run}: {:<6} {received:>7} records in {secs:>6.2} s = {:>8.0} records/s",
                    provider.as_str(),
                    received as f64 / secs
                );
                times.push((received, secs));
            }
            println!(
                "run {run}: stored {} interactions",
                store.count_interactions().await?
            );
            store.close().await;
        }
        for (name, times) in [("vapi", &mut vapi), ("telnyx", &mut telnyx)] {
            times.sort_by(|a, b| a.1.total_cmp(&b.1));
            let (n, secs) = times[times.len() / 2];
            println!(
                "median {name}: {n} records in {secs:.2} s = {:.0} records/s",
                n as f64 / secs
            );
        }
        let total: f64 = vapi
            .iter()
            .chain(&telnyx)
            .map(|(n, _)| *n as f64)
            .sum::<f64>()
            / RUNS as f64;
        let secs: f64 = vapi.iter().chain(&telnyx).map(|(_, s)| *s).sum::<f64>() / RUNS as f64;
        println!(
            "overall: {total:.0} records in {secs:.2} s = {:.0} records/s (target ≥ 20,000)",
            total / secs
        );
        sim.stop().await;
        Ok(())
    })
}
