//! `hearth timeline`: the unified timeline, filtered, newest first.

use clap::Args;
use hearth_types::{Channel, TimelineCursor, TimelineRequest};

use super::open_store;
use crate::exit::BadInput;
use crate::{dates, output, Ctx};

#[derive(Debug, Args)]
pub struct TimelineArgs {
    /// Only this contact: id, email or phone.
    #[arg(long)]
    contact: Option<String>,
    /// Only these channels (repeat or separate with commas).
    #[arg(long = "channel", value_delimiter = ',')]
    channels: Vec<Channel>,
    /// From this date (YYYY-MM-DD or RFC 3339), inclusive.
    #[arg(long)]
    since: Option<String>,
    /// Up to this date, exclusive.
    #[arg(long)]
    until: Option<String>,
    /// Full-text search in subjects, bodies and summaries.
    #[arg(long, short)]
    search: Option<String>,
    /// Items per page (1-500).
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..=500))]
    limit: u32,
    /// Continue after this cursor (printed as `next` by the previous page).
    #[arg(long)]
    after: Option<String>,
}

pub async fn run(ctx: &Ctx, args: TimelineArgs) -> anyhow::Result<()> {
    let since = args.since.as_deref().map(dates::parse).transpose()?;
    let until = args.until.as_deref().map(dates::parse).transpose()?;
    let after = args.after.as_deref().map(parse_cursor).transpose()?;
    let store = open_store(ctx).await?;
    let contact_id = match &args.contact {
        Some(key) => Some(store.find_contact(key).await?.id),
        None => None,
    };
    let request = TimelineRequest {
        contact_id,
        channels: args.channels,
        since,
        until,
        search: args.search,
        after,
        limit: Some(args.limit),
    };
    let page = store.timeline(&request).await;
    store.close().await;
    let page = page?;
    if ctx.json {
        return output::json(&page);
    }
    if page.items.is_empty() {
        outln!("nothing on the timeline matches");
    }
    for item in &page.items {
        let text = item.headline();
        outln!(
            "{}  {}  {}  {}  {}",
            dates::show(item.occurred_at),
            output::cell(item.channel.as_str(), 8),
            output::cell(item.direction.as_str(), 8),
            output::cell(item.contact_name.as_deref().unwrap_or("-"), 20),
            output::one_line(text, 70)
        );
    }
    if let Some(next) = page.next {
        outln!("more: --after {}", next.key);
    }
    Ok(())
}

fn parse_cursor(s: &str) -> Result<TimelineCursor, BadInput> {
    s.trim()
        .parse()
        .map(|key| TimelineCursor { key })
        .map_err(|_| {
            BadInput(format!(
                "invalid cursor {s:?}: pass the number printed after `more: --after`"
            ))
        })
}
