//! `hearth demo seed`: the demo business, for trying Hearth and for benchmarks.

use std::io::Write;

use clap::Subcommand;
use hearth_core::demo::{self, DemoOptions};
use hearth_core::{BusinessError, Registry};

use crate::{dates, output, Ctx};

/// The name a demo business gets when none is named.
pub const DEMO_NAME: &str = "Brightside Home Services (demo)";

#[derive(Debug, Subcommand)]
pub enum DemoCmd {
    /// Build the demo business: into `--business` (which must be empty), or into a new
    /// business named "Brightside Home Services (demo)".
    Seed {
        #[arg(long, default_value_t = 150)]
        contacts: u32,
        #[arg(long, default_value_t = 4_000)]
        interactions: u32,
        /// Random seed: the same seed builds the same business.
        #[arg(long, default_value_t = 7)]
        seed: u64,
        /// The demo's "today" (YYYY-MM-DD); defaults to today.
        #[arg(long)]
        as_of: Option<String>,
    },
}

pub async fn run(ctx: &Ctx, cmd: DemoCmd) -> anyhow::Result<()> {
    let DemoCmd::Seed {
        contacts,
        interactions,
        seed,
        as_of,
    } = cmd;
    let mut options = DemoOptions {
        contacts,
        interactions,
        seed,
        ..DemoOptions::default()
    };
    if let Some(day) = as_of {
        options.as_of = dates::parse(&day)?;
    }
    let registry = Registry::from_env()?;
    let (business, store) = match ctx.business.as_deref() {
        Some(key) => registry.open(Some(key)).await?,
        None => match registry.find(DEMO_NAME) {
            Ok(_) => return Err(BusinessError::NameTaken(DEMO_NAME.to_owned()).into()),
            Err(_) => {
                let (business, store) = registry.create(DEMO_NAME).await?;
                (registry.set_current(&business.id)?, store)
            }
        },
    };
    let started = std::time::Instant::now();
    let mut last_print = std::time::Instant::now();
    let report = demo::seed(&store, &options, |done, total| {
        if last_print.elapsed().as_millis() > 500 || done == total {
            eprint!("\rseeding: {done}/{total} interactions");
            let _ = std::io::stderr().flush();
            last_print = std::time::Instant::now();
        }
    })
    .await?;
    eprintln!();
    store.close().await;
    let seconds = started.elapsed().as_secs_f64();
    if ctx.json {
        return output::json(&serde_json::json!({
            "business": business,
            "contacts": report.contacts,
            "interactions": report.interactions,
            "orders": report.orders,
            "seconds": seconds,
        }));
    }
    outln!(
        "seeded {} ({}): {} contacts, {} interactions, {} orders in {seconds:.1} s",
        business.name,
        business.id,
        report.contacts,
        report.interactions,
        report.orders
    );
    Ok(())
}
