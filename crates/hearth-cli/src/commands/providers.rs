//! `hearth provider`, `hearth sync`, `hearth sms`, `hearth call`, `hearth optouts`:
//! VAPI and Telnyx from the command line. Keys are read from stdin into the OS keyring;
//! syncs print progress on stderr and one summary line per feed on stdout; sends go
//! through the outbox and say how the attempt ended.

use std::io::Read;
use std::time::Instant;

use anyhow::Context;
use clap::{Args, Subcommand};
use hearth_core::events::NoEvents;
use hearth_core::providers::job::sync_provider;
use hearth_core::providers::{self, send, Provider};
use hearth_core::secrets::KeyringSecrets;
use hearth_core::store::OutboxItem;

use super::open_store;
use crate::exit::BadInput;
use crate::{output, Ctx};

#[derive(Debug, Subcommand)]
pub enum ProviderCmd {
    /// Set up VAPI or Telnyx; the API key is read from stdin into the OS keyring.
    Set(SetArgs),
    /// The configured providers and how their last sync went.
    List,
    /// Forget a provider's settings, cursors and key (its records stay).
    Remove { provider: String },
}

#[derive(Debug, Args)]
pub struct SetArgs {
    /// vapi or telnyx.
    provider: String,
    /// The API's base URL (default: the real one); http only to this computer.
    #[arg(long)]
    base_url: Option<String>,
    /// VAPI: the assistant that places outbound calls.
    #[arg(long)]
    assistant_id: Option<String>,
    /// VAPI: the phone-number resource calls go out from.
    #[arg(long)]
    phone_number_id: Option<String>,
    /// Telnyx: our sending number.
    #[arg(long)]
    from_number: Option<String>,
    /// Telnyx: the messaging profile, when sending needs one.
    #[arg(long)]
    messaging_profile_id: Option<String>,
    /// Seconds between polls while the app runs (default 120).
    #[arg(long)]
    poll_secs: Option<u64>,
    /// How far back the first sync reaches (default 365 days).
    #[arg(long)]
    history_days: Option<u32>,
    /// Per-request timeout in seconds (default 60).
    #[arg(long)]
    timeout_secs: Option<u64>,
    /// Read the API key from stdin (needed the first time; it never goes on the command line).
    #[arg(long)]
    key_stdin: bool,
}

#[derive(Debug, Args)]
pub struct SyncArgs {
    /// vapi or telnyx.
    provider: String,
}

#[derive(Debug, Subcommand)]
pub enum SmsCmd {
    /// Send a text through Telnyx (queued in the outbox first).
    Send {
        #[arg(long)]
        to: String,
        #[arg(long)]
        text: String,
        /// Only queue it; the next `hearth sync telnyx` (or the app) sends it.
        #[arg(long)]
        queue_only: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum CallCmd {
    /// Start a VAPI AI call (queued in the outbox first).
    Start {
        #[arg(long)]
        to: String,
        /// The customer's name, for the assistant.
        #[arg(long)]
        name: Option<String>,
        /// A variable for the assistant's prompt, KEY=VALUE; repeat for more.
        #[arg(long = "var")]
        vars: Vec<String>,
        #[arg(long)]
        queue_only: bool,
    },
}

#[derive(Debug, Args)]
pub struct OptOutArgs {
    /// sms, voice_ai or email; every channel unless given.
    #[arg(long)]
    channel: Option<String>,
}

fn provider(name: &str) -> anyhow::Result<Provider> {
    Provider::parse(name)
        .ok_or_else(|| BadInput(format!("unknown provider {name:?}: use vapi or telnyx")).into())
}

pub async fn provider_cmd(ctx: &Ctx, cmd: ProviderCmd) -> anyhow::Result<()> {
    let store = open_store(ctx).await?;
    let secrets = KeyringSecrets;
    let result = async {
        match cmd {
            ProviderCmd::Set(a) => {
                let p = provider(&a.provider)?;
                let existing = store.provider_account(p.as_str()).await?;
                let mut settings = existing
                    .as_ref()
                    .map(providers::settings_of)
                    .unwrap_or_default();
                let keep = |new: Option<String>, old: Option<String>| new.or(old);
                settings.assistant_id = keep(a.assistant_id, settings.assistant_id);
                settings.phone_number_id = keep(a.phone_number_id, settings.phone_number_id);
                settings.from_number = keep(a.from_number, settings.from_number);
                settings.messaging_profile_id =
                    keep(a.messaging_profile_id, settings.messaging_profile_id);
                settings.poll_secs = a.poll_secs.unwrap_or(settings.poll_secs);
                settings.history_days = a.history_days.unwrap_or(settings.history_days);
                settings.timeout_secs = a.timeout_secs.unwrap_or(settings.timeout_secs);
                let key = if a.key_stdin {
                    let mut key = String::new();
                    std::io::stdin()
                        .read_to_string(&mut key)
                        .context("cannot read the API key from stdin")?;
                    Some(key.trim().to_owned())
                } else {
                    None
                };
                let base = a.base_url.or(existing.map(|e| e.base_url));
                let account = providers::configure(
                    &store,
                    &secrets,
                    p,
                    base.as_deref(),
                    settings,
                    key.as_deref(),
                )
                .await?;
                if ctx.json {
                    return output::json(&account);
                }
                outln!(
                    "{} set up at {} (key in the OS keyring)",
                    account.provider,
                    account.base_url
                );
                Ok(())
            }
            ProviderCmd::List => {
                let accounts = store.provider_accounts().await?;
                if ctx.json {
                    return output::json(&accounts);
                }
                if accounts.is_empty() {
                    outln!("no provider yet: hearth provider set --help");
                }
                for a in accounts {
                    let last = a.last_sync_at.map(time).unwrap_or_else(|| "never".into());
                    outln!("{:<7} {}  last sync {last}", a.provider, a.base_url);
                    if let Some(e) = a.last_error {
                        let retry = a
                            .retry_at
                            .map(|t| format!(" (retrying at {})", time(t)))
                            .unwrap_or_default();
                        outln!("        error: {e}{retry}");
                    }
                }
                Ok(())
            }
            ProviderCmd::Remove { provider: name } => {
                providers::remove(&store, &secrets, provider(&name)?).await?;
                outln!("removed {name}");
                Ok(())
            }
        }
    }
    .await;
    store.close().await;
    result
}

fn time(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string())
        .unwrap_or_default()
}

pub async fn sync(ctx: &Ctx, args: SyncArgs) -> anyhow::Result<()> {
    let p = provider(&args.provider)?;
    let store = open_store(ctx).await?;
    let secrets = KeyringSecrets;
    let result = async {
        let recovered = store.recover_outbox().await?;
        if recovered > 0 {
            eprintln!("{recovered} item(s) were being sent when Hearth stopped: marked unknown, see `hearth mail outbox`");
        }
        let sent = send::process_outbox(&store, &secrets, &NoEvents).await?;
        if sent != Default::default() {
            eprintln!("outbox: {} sent, {} retrying, {} failed, {} unknown", sent.sent, sent.retrying, sent.failed, sent.unknown);
        }
        let started = Instant::now();
        let outcome = sync_provider(&store, &secrets, p, &|feed, r| {
            eprintln!("{feed}: {} records", r.received);
        })
        .await;
        let elapsed = started.elapsed().as_secs_f64();
        match &outcome {
            Ok(_) => store.record_provider_sync(p.as_str(), Ok(())).await?,
            Err(e) => store.record_provider_sync(p.as_str(), Err((&e.to_string(), None))).await?,
        }
        let report = outcome?;
        if ctx.json {
            return output::json(&report);
        }
        for (feed, r) in &report.feeds {
            let rejected = match &r.first_rejection {
                Some(first) => format!(", {} unreadable (first: {first})", r.rejected),
                None => String::new(),
            };
            outln!(
                "{feed}: {} received, {} new or changed, {} new contacts, {} opt-outs, {} sends confirmed{rejected}",
                r.received, r.written, r.contacts_created, r.opt_outs, r.reconciled
            );
        }
        eprintln!("{} records in {elapsed:.2} s", report.received());
        Ok(())
    }
    .await;
    store.close().await;
    result
}

async fn deliver(
    ctx: &Ctx,
    store: &hearth_core::Store,
    item: OutboxItem,
    queue_only: bool,
) -> anyhow::Result<()> {
    let item = if queue_only {
        item
    } else {
        send::process_outbox(store, &KeyringSecrets, &NoEvents).await?;
        store.outbox_item(item.id).await?
    };
    if ctx.json {
        return output::json(&item);
    }
    match item.state.as_str() {
        "sent" => outln!("sent (outbox {})", item.id),
        "pending" => outln!(
            "queued (outbox {}){}",
            item.id,
            item.last_error
                .map(|e| format!("; will retry: {e}"))
                .unwrap_or_default()
        ),
        state => {
            outln!(
                "{state} (outbox {}): {}",
                item.id,
                item.last_error.unwrap_or_default()
            );
            if state == "failed" {
                return Err(anyhow::anyhow!("not sent"));
            }
        }
    }
    Ok(())
}

pub async fn sms(ctx: &Ctx, cmd: SmsCmd) -> anyhow::Result<()> {
    let store = open_store(ctx).await?;
    let result = async {
        match cmd {
            SmsCmd::Send {
                to,
                text,
                queue_only,
            } => {
                let item = send::queue_sms(&store, &to, &text).await?;
                deliver(ctx, &store, item, queue_only).await
            }
        }
    }
    .await;
    store.close().await;
    result
}

pub async fn call(ctx: &Ctx, cmd: CallCmd) -> anyhow::Result<()> {
    let store = open_store(ctx).await?;
    let result = async {
        match cmd {
            CallCmd::Start {
                to,
                name,
                vars,
                queue_only,
            } => {
                let mut variables = serde_json::Map::new();
                for v in vars {
                    let (k, val) = v
                        .split_once('=')
                        .ok_or_else(|| BadInput(format!("--var {v:?}: use KEY=VALUE")))?;
                    variables.insert(
                        k.trim().to_owned(),
                        serde_json::Value::String(val.to_owned()),
                    );
                }
                let item = send::queue_call(&store, &to, name.as_deref(), variables).await?;
                deliver(ctx, &store, item, queue_only).await
            }
        }
    }
    .await;
    store.close().await;
    result
}

pub async fn optouts(ctx: &Ctx, args: OptOutArgs) -> anyhow::Result<()> {
    let store = open_store(ctx).await?;
    let result = async {
        let rows = store.opt_outs(args.channel.as_deref()).await?;
        if ctx.json {
            return output::json(&rows);
        }
        if rows.is_empty() {
            outln!("nobody has opted out");
        }
        for o in rows {
            outln!(
                "{:<8} {:<16} {:<12} {:<14} {}",
                o.channel,
                o.address,
                o.keyword.unwrap_or_default(),
                o.source,
                time(o.occurred_at)
            );
        }
        Ok(())
    }
    .await;
    store.close().await;
    result
}
