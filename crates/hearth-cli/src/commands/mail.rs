//! `hearth mail`: add an IMAP/SMTP account (password on stdin, into the OS keyring), test
//! it, sync it (progress on stderr, one summary line per folder on stdout), send and reply
//! through the durable outbox.

use std::io::Read;
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Instant;

use anyhow::Context;
use clap::{Args, Subcommand};
use hearth_core::events::CoreEvent;
use hearth_core::mail::compose::Draft;
use hearth_core::mail::sync::{sync_account, SyncOptions};
use hearth_core::mail::{self, Endpoint, NewMailAccount, Security};
use hearth_core::secrets::KeyringSecrets;

use super::open_store;
use crate::exit::BadInput;
use crate::{output, Ctx};

#[derive(Debug, Subcommand)]
pub enum MailCmd {
    /// Add an IMAP (and SMTP) account; the password is read from stdin into the OS keyring.
    AddAccount(AddAccount),
    /// List the accounts and each folder's sync state.
    Accounts,
    /// Connect and log in to IMAP (and SMTP), saying exactly what failed.
    Test { name: String },
    /// Send what waits in the outbox, then sync every account (or one).
    Sync(SyncArgs),
    /// Write a new message, or reply to a stored one, and send it (queued when offline).
    Send(SendArgs),
    /// What waits in the outbox and how each attempt ended.
    Outbox,
    /// Send an outbox item again after checking it did not go out ("unknown" or "failed").
    Retry { id: i64 },
    /// Remove an account and its password (its mail stays on the timeline).
    RemoveAccount { name: String },
}

#[derive(Debug, Args)]
pub struct AddAccount {
    #[arg(long)]
    name: String,
    #[arg(long)]
    host: String,
    #[arg(long)]
    port: u16,
    /// tls, starttls or plain (plain only to this computer).
    #[arg(long, default_value = "tls")]
    security: String,
    #[arg(long)]
    user: String,
    /// The account's own address(es); repeat for aliases.
    #[arg(long = "address", required = true)]
    addresses: Vec<String>,
    /// An extra CA certificate (PEM) to trust, for self-hosted servers.
    #[arg(long)]
    ca_file: Option<PathBuf>,
    #[arg(long)]
    smtp_host: Option<String>,
    #[arg(long)]
    smtp_port: Option<u16>,
    #[arg(long)]
    smtp_security: Option<String>,
    /// Another folder to sync besides INBOX and Sent; repeat for more.
    #[arg(long = "folder")]
    folders: Vec<String>,
    /// Read the password from stdin (required: it never goes on the command line).
    #[arg(long, required = true)]
    password_stdin: bool,
}

#[derive(Debug, Args)]
pub struct SyncArgs {
    /// Only this account.
    name: Option<String>,
    /// Messages per FETCH (and per stored transaction); 500 unless given.
    #[arg(long)]
    batch: Option<usize>,
}

#[derive(Debug, Args)]
pub struct SendArgs {
    #[arg(long)]
    account: String,
    #[arg(long, conflicts_with = "reply_to")]
    to: Vec<String>,
    #[arg(long, default_value = "")]
    subject: String,
    #[arg(long)]
    body: String,
    /// Reply to this stored email (its interaction id).
    #[arg(long)]
    reply_to: Option<i64>,
    /// Only queue it; the next `hearth mail sync` (or the app) sends it.
    #[arg(long)]
    queue_only: bool,
}

pub async fn run(ctx: &Ctx, cmd: MailCmd) -> anyhow::Result<()> {
    let store = open_store(ctx).await?;
    let result = run_on(ctx, &store, cmd).await;
    store.close().await;
    result
}

fn security(s: &str) -> anyhow::Result<Security> {
    Security::parse(s).map_err(|e| BadInput(e.to_string()).into())
}

async fn run_on(ctx: &Ctx, store: &hearth_core::Store, cmd: MailCmd) -> anyhow::Result<()> {
    let secrets = KeyringSecrets;
    match cmd {
        MailCmd::AddAccount(a) => {
            let ca_pem = match &a.ca_file {
                Some(path) => Some(
                    std::fs::read_to_string(path)
                        .map_err(|e| BadInput(format!("cannot read {}: {e}", path.display())))?,
                ),
                None => None,
            };
            let smtp = match (a.smtp_host, a.smtp_port) {
                (Some(host), Some(port)) => Some(Endpoint {
                    host,
                    port,
                    security: security(a.smtp_security.as_deref().unwrap_or("tls"))?,
                }),
                (None, None) => None,
                _ => return Err(BadInput("give both --smtp-host and --smtp-port".into()).into()),
            };
            let mut password = String::new();
            std::io::stdin()
                .read_to_string(&mut password)
                .context("cannot read the password from stdin")?;
            let password = password.trim_end_matches(['\r', '\n']);
            let new = NewMailAccount {
                name: a.name,
                imap: Endpoint {
                    host: a.host,
                    port: a.port,
                    security: security(&a.security)?,
                },
                username: a.user,
                addresses: a.addresses,
                ca_pem,
                smtp,
                extra_folders: a.folders,
            };
            let account = mail::add_account(store, &secrets, new, password)
                .await
                .map_err(bad_account)?;
            if ctx.json {
                return output::json(&account);
            }
            outln!(
                "added mail account {} ({}:{} {}); password stored in the OS keyring",
                account.name,
                account.imap.host,
                account.imap.port,
                account.imap.security.as_str()
            );
        }
        MailCmd::Accounts => {
            let accounts = store.mail_accounts().await?;
            let folders = store.folder_states(None).await?;
            if ctx.json {
                let folders: Vec<_> = folders
                    .iter()
                    .map(|f| {
                        serde_json::json!({
                            "account_id": f.account_id, "name": f.name, "role": f.role,
                            "state": f.state, "stored": f.stored, "server_total": f.server_total,
                            "last_uid": f.last_uid, "uid_validity": f.uid_validity,
                            "last_error": f.last_error, "last_synced_at": f.last_synced_at,
                        })
                    })
                    .collect();
                return output::json(
                    &serde_json::json!({"accounts": accounts, "folders": folders}),
                );
            }
            if accounts.is_empty() {
                outln!("no mail account yet: hearth mail add-account --help");
            }
            for a in &accounts {
                outln!(
                    "{}  {}@{}:{} ({})  {}",
                    a.name,
                    a.username,
                    a.imap.host,
                    a.imap.port,
                    a.imap.security.as_str(),
                    a.addresses.join(", ")
                );
                for f in folders.iter().filter(|f| f.account_id == a.id) {
                    outln!(
                        "  {:<16} {:<7} {} of {} stored{}",
                        f.name,
                        f.state,
                        f.stored,
                        f.server_total.map_or("?".into(), |t| t.to_string()),
                        f.last_error
                            .as_deref()
                            .map(|e| format!("  error: {e}"))
                            .unwrap_or_default()
                    );
                }
            }
        }
        MailCmd::Test { name } => {
            let account = store.mail_account(&name).await?;
            let report = mail::test_account(store, &secrets, &account).await?;
            if ctx.json {
                return output::json(&report);
            }
            outln!(
                "logged in to {}:{} as {}",
                account.imap.host,
                account.imap.port,
                account.username
            );
            outln!("{report}");
        }
        MailCmd::Sync(args) => {
            let recovered = store.recover_outbox().await?;
            if recovered > 0 {
                eprintln!("{recovered} message(s) were being sent when Hearth stopped: marked unknown, see `hearth mail outbox`");
            }
            let sent =
                mail::send::process_outbox(store, &secrets, &hearth_core::events::NoEvents).await?;
            if sent != Default::default() {
                outln!(
                    "outbox: {} sent, {} waiting to retry, {} failed, {} unknown",
                    sent.sent,
                    sent.retrying,
                    sent.failed,
                    sent.unknown
                );
            }
            let accounts = match &args.name {
                Some(name) => vec![store.mail_account(name).await?],
                None => store.mail_accounts().await?,
            };
            let defaults = SyncOptions::default();
            let options = SyncOptions {
                batch_messages: args.batch.unwrap_or(defaults.batch_messages).max(1),
                ..defaults
            };
            let last = Mutex::new(Instant::now());
            let progress = |event: CoreEvent| {
                if let CoreEvent::MailProgress {
                    account,
                    folder,
                    done,
                    total,
                } = &event
                {
                    let mut last = last.lock().unwrap_or_else(|p| p.into_inner());
                    if done == total || last.elapsed().as_millis() > 500 {
                        eprintln!("{account}/{folder}: {done}/{total}");
                        *last = Instant::now();
                    }
                }
            };
            let mut failed = None;
            for account in accounts {
                let started = Instant::now();
                match sync_account(store, &secrets, &account, &progress, options.clone()).await {
                    Ok(summary) => {
                        let secs = started.elapsed().as_secs_f64();
                        if ctx.json {
                            output::json(&summary)?;
                            continue;
                        }
                        for f in &summary.folders {
                            outln!(
                                "{}/{}: {} fetched, {} new, {} on server{} ({:.2} s)",
                                summary.account,
                                f.folder,
                                f.fetched,
                                f.new,
                                f.server_total,
                                if f.uid_validity_changed {
                                    ", UIDVALIDITY changed: resynced"
                                } else {
                                    ""
                                },
                                secs
                            );
                        }
                    }
                    Err(e) => {
                        eprintln!("error: {}: {e}", account.name);
                        failed.get_or_insert(e);
                    }
                }
            }
            if let Some(e) = failed {
                return Err(e.into());
            }
        }
        MailCmd::Send(args) => {
            let item = match args.reply_to {
                Some(id) => mail::send::queue_reply(store, &args.account, id, &args.body).await?,
                None => {
                    if args.to.is_empty() {
                        return Err(BadInput("give --to (or --reply-to)".into()).into());
                    }
                    let account = store.mail_account(&args.account).await?;
                    let draft = Draft::new(&account, args.to, &args.subject, &args.body);
                    mail::send::queue(store, &args.account, &draft)
                        .await
                        .map_err(bad_account)?
                }
            };
            if !args.queue_only {
                mail::send::process_outbox(store, &secrets, &hearth_core::events::NoEvents).await?;
            }
            let item = store.outbox_item(item.id).await?;
            if ctx.json {
                return output::json(&item);
            }
            match item.state.as_str() {
                "sent" => outln!(
                    "sent (outbox {}, interaction {})",
                    item.id,
                    item.interaction_id.unwrap_or(0)
                ),
                "pending" => outln!(
                    "queued (outbox {}): {}; it goes out with the next sync",
                    item.id,
                    item.last_error.as_deref().unwrap_or("not sent yet")
                ),
                state => {
                    outln!(
                        "{state} (outbox {}): {}",
                        item.id,
                        item.last_error.as_deref().unwrap_or("")
                    );
                }
            }
        }
        MailCmd::Outbox => {
            let items = store.outbox(None).await?;
            if ctx.json {
                return output::json(&items);
            }
            if items.is_empty() {
                outln!("the outbox is empty");
            }
            for i in &items {
                outln!(
                    "{:>5}  {:<8} {:<6} {:<10} attempts {}  {}",
                    i.id,
                    i.state,
                    i.channel,
                    output::cell(&i.account, 10),
                    i.attempts,
                    i.last_error.as_deref().unwrap_or("")
                );
            }
        }
        MailCmd::Retry { id } => {
            store.retry_outbox(id).await?;
            mail::send::process_outbox(store, &secrets, &hearth_core::events::NoEvents).await?;
            let item = store.outbox_item(id).await?;
            outln!("{} (outbox {})", item.state, item.id);
        }
        MailCmd::RemoveAccount { name } => {
            mail::remove_account(store, &secrets, &name).await?;
            outln!("removed mail account {name}");
        }
    }
    Ok(())
}

/// Invalid account settings and addresses are the user's input.
fn bad_account(e: mail::MailError) -> anyhow::Error {
    match e {
        mail::MailError::InvalidAccount(_) | mail::MailError::Compose(_) => {
            BadInput(e.to_string()).into()
        }
        e => e.into(),
    }
}
