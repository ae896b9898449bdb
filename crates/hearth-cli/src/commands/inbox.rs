//! `hearth inbox`: who is waiting for an answer, oldest first.

use clap::Args;

use super::open_store;
use crate::{dates, output, Ctx};

#[derive(Debug, Args)]
pub struct InboxArgs {
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..=1000))]
    limit: u32,
}

pub async fn run(ctx: &Ctx, args: InboxArgs) -> anyhow::Result<()> {
    let store = open_store(ctx).await?;
    let entries = store.inbox(hearth_core::now_ms(), args.limit).await;
    store.close().await;
    let entries = entries?;
    if ctx.json {
        return output::json(&entries);
    }
    if entries.is_empty() {
        outln!("nobody is waiting for an answer");
    }
    for e in &entries {
        // Missed calls have only a summary: headline() shows it.
        let text = e.latest.headline();
        outln!(
            "waiting since {}  {}  {:>2} msg  {}  {}",
            dates::show(e.waiting_since),
            output::cell(&e.contact_name, 20),
            e.waiting_count,
            output::cell(e.latest.channel.as_str(), 8),
            output::one_line(text, 60)
        );
    }
    Ok(())
}
