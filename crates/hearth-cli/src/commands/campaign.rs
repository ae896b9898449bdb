//! `hearth campaign`: build a campaign from a spec (JSON, as the wizard saves it), see who
//! it reaches and what they will read, launch it, pause/resume/stop it, run the engine and
//! read the results.

use std::io::Read;
use std::time::Duration;

use clap::{Args, Subcommand};
use hearth_core::campaigns::engine::Engine;
use hearth_core::campaigns::{self, Control, Sender};
use hearth_core::events::NoEvents;
use hearth_core::secrets::KeyringSecrets;
use hearth_core::{now_ms, Registry, Store};
use hearth_types::{CampaignSpec, CampaignStatus};

use crate::exit::BadInput;
use crate::{output, Ctx};

#[derive(Debug, Subcommand)]
pub enum CampaignCmd {
    /// Print an example spec to start from (win-back: email, then a text, then a call).
    Example,
    /// Create a draft from a spec file ("-" reads stdin) and print its review.
    Create(SpecArgs),
    /// Replace a draft's spec.
    Edit {
        campaign: String,
        #[command(flatten)]
        spec: SpecArgs,
    },
    /// Who a spec's audience reaches: count, a sample and who is left out and why.
    Audience(SpecArgs),
    /// The review of a campaign: previews, missing variables, SMS parts, cost, warnings.
    Review {
        campaign: String,
    },
    /// Every step rendered for one contact (id, email or phone).
    Preview {
        campaign: String,
        contact: String,
    },
    /// Fix the recipients and start (or schedule) the campaign.
    Launch {
        campaign: String,
    },
    Pause {
        campaign: String,
    },
    Resume {
        campaign: String,
    },
    /// Stop for good: nobody else is contacted.
    Stop {
        campaign: String,
    },
    /// Campaigns with their status, or one campaign's progress and results.
    Status {
        campaign: Option<String>,
    },
    /// Per-recipient outcomes; --csv writes them to a file ("-" for stdout).
    Results {
        campaign: String,
        #[arg(long)]
        csv: Option<String>,
    },
    /// Run the engine: send what is due, settle, reconcile after a crash, attribute replies.
    Run(RunArgs),
}

#[derive(Debug, Args)]
pub struct SpecArgs {
    /// The spec as JSON (see `hearth campaign example`); "-" reads stdin.
    #[arg(long)]
    spec: String,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// One pass, then exit.
    #[arg(long)]
    once: bool,
    /// Keep running until no campaign is active (default: until interrupted).
    #[arg(long)]
    until_done: bool,
    /// Check for due work this often when idle (milliseconds).
    #[arg(long, default_value_t = 500)]
    idle_ms: u64,
}

fn read_spec(args: &SpecArgs) -> anyhow::Result<CampaignSpec> {
    let text = if args.spec == "-" {
        let mut s = String::new();
        std::io::stdin().read_to_string(&mut s)?;
        s
    } else {
        std::fs::read_to_string(&args.spec)
            .map_err(|e| BadInput(format!("cannot read {}: {e}", args.spec)))?
    };
    serde_json::from_str(&text)
        .map_err(|e| BadInput(format!("the spec is not a campaign: {e}")).into())
}

async fn open(ctx: &Ctx) -> anyhow::Result<(Store, Sender)> {
    let registry = Registry::from_env()?;
    let (business, store) = registry.open(ctx.business.as_deref()).await?;
    Ok((
        store,
        Sender {
            business_name: business.name,
        },
    ))
}

fn time(ms: Option<i64>) -> String {
    ms.and_then(chrono::DateTime::from_timestamp_millis)
        .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_else(|| "-".into())
}

fn money(minor: i64, currency: &str) -> String {
    format!("{:.2} {currency}", minor as f64 / 100.0)
}

pub async fn run(ctx: &Ctx, cmd: CampaignCmd) -> anyhow::Result<()> {
    if let CampaignCmd::Example = cmd {
        return output::json(&example());
    }
    let (store, sender) = open(ctx).await?;
    let result = dispatch(ctx, &store, &sender, cmd).await;
    store.close().await;
    result
}

async fn dispatch(
    ctx: &Ctx,
    store: &Store,
    sender: &Sender,
    cmd: CampaignCmd,
) -> anyhow::Result<()> {
    let now = now_ms();
    match cmd {
        CampaignCmd::Example => Ok(()),
        CampaignCmd::Create(args) => {
            let spec = read_spec(&args)?;
            let id = campaigns::create(store, &spec, now).await?;
            if ctx.json {
                return output::json(&serde_json::json!({ "id": id }));
            }
            outln!("created campaign {id} ({}), a draft", spec.name);
            print_review(store, &spec, sender, now).await?;
            outln!("launch it with: hearth campaign launch {id}");
            Ok(())
        }
        CampaignCmd::Edit { campaign, spec } => {
            let row = store.find_campaign(&campaign).await?;
            let spec = read_spec(&spec)?;
            campaigns::update(store, row.id, &spec, now).await?;
            outln!("campaign {} updated", row.id);
            print_review(store, &spec, sender, now).await
        }
        CampaignCmd::Audience(args) => {
            let spec = read_spec(&args)?;
            let (preview, _) = campaigns::preview_audience(store, &spec, now, 10).await?;
            if ctx.json {
                return output::json(&preview);
            }
            outln!(
                "{} recipients, {} excluded",
                preview.count,
                preview.excluded_count
            );
            for m in &preview.sample {
                outln!(
                    "  {} ({})",
                    m.name,
                    [m.email.as_deref(), m.phone.as_deref()]
                        .into_iter()
                        .flatten()
                        .collect::<Vec<_>>()
                        .join(", ")
                );
            }
            for e in preview.excluded.iter().take(10) {
                outln!("  left out: {} — {}", e.name, e.reason);
            }
            Ok(())
        }
        CampaignCmd::Review { campaign } => {
            let spec = campaigns::spec_of(&store.find_campaign(&campaign).await?)?;
            if ctx.json {
                return output::json(&campaigns::review(store, &spec, sender, now).await?);
            }
            print_review(store, &spec, sender, now).await
        }
        CampaignCmd::Preview { campaign, contact } => {
            let spec = campaigns::spec_of(&store.find_campaign(&campaign).await?)?;
            let id = store.find_contact(&contact).await?.id;
            let previews = campaigns::preview_for(store, &spec, sender, id).await?;
            let c = store.campaign_candidate(id).await?;
            if ctx.json {
                return output::json(&previews);
            }
            if let Some(why) = campaigns::exclusion(&spec, &c) {
                outln!("note: {} would be left out: {why}", c.name);
            }
            for (i, p) in previews.iter().enumerate() {
                outln!(
                    "step {} · {} to {}",
                    i + 1,
                    p.channel,
                    p.to.as_deref().unwrap_or("(no address: skipped)")
                );
                if let Some(s) = &p.subject {
                    outln!("subject: {s}");
                }
                outln!("{}", p.text);
                if let (Some(enc), Some(chars), Some(parts)) = (&p.encoding, p.chars, p.segments) {
                    outln!("({enc}, {chars} characters, {parts} part(s))");
                }
                if !p.missing.is_empty() {
                    outln!("missing: {}", p.missing.join(", "));
                }
                outln!();
            }
            Ok(())
        }
        CampaignCmd::Launch { campaign } => {
            let row = store.find_campaign(&campaign).await?;
            let launched = campaigns::launch(store, row.id, sender, now).await?;
            if ctx.json {
                return output::json(&launched);
            }
            outln!(
                "{} is {}: {} recipients ({} left out), in {} ms",
                row.name,
                launched.status,
                launched.recipients,
                launched.excluded,
                launched.elapsed_ms
            );
            outln!("the app sends it; or run: hearth campaign run --until-done");
            Ok(())
        }
        CampaignCmd::Pause { campaign } => control(store, &campaign, Control::Pause).await,
        CampaignCmd::Resume { campaign } => control(store, &campaign, Control::Resume).await,
        CampaignCmd::Stop { campaign } => control(store, &campaign, Control::Stop).await,
        CampaignCmd::Status { campaign: None } => {
            let list = store.campaigns().await?;
            if ctx.json {
                return output::json(&list);
            }
            if list.is_empty() {
                outln!("no campaigns yet; start from: hearth campaign example > spec.json");
            }
            for c in list {
                outln!(
                    "{:>4}  {:<10} {:<28} {:<6} {:>5} recipients, {:>5} contacted, {:>4} replied",
                    c.id,
                    c.status,
                    c.name,
                    c.channel,
                    c.recipients,
                    c.contacted,
                    c.replied
                );
            }
            Ok(())
        }
        CampaignCmd::Status {
            campaign: Some(key),
        } => {
            let row = store.find_campaign(&key).await?;
            let d = campaigns::detail(store, row.id).await?;
            if ctx.json {
                return output::json(&d);
            }
            let s = &d.summary;
            outln!(
                "{} · {} · {} · {}",
                s.name,
                s.kind.label(),
                s.channel,
                s.status
            );
            outln!(
                "launched {}, completed {}",
                time(s.launched_at),
                time(s.completed_at)
            );
            let r = &d.results;
            let counts: Vec<String> = r
                .by_status
                .iter()
                .map(|(k, v)| format!("{k} {v}"))
                .collect();
            outln!("{} recipients: {}", r.recipients, counts.join(", "));
            for (step, channel, n) in &r.sent_by_step {
                outln!("  step {} ({channel}): {n} sent", step + 1);
            }
            outln!(
                "contacted {}, replied {}, inbound calls {}, conversions {} ({}), provider cost ${:.2}",
                r.contacted,
                r.replied,
                r.inbound_calls,
                r.conversions,
                money(r.revenue_minor, &r.currency),
                r.cost_micros as f64 / 1e6
            );
            if let Some(w) = &d.waiting {
                outln!("waiting: {w}");
            }
            if let Some(e) = &d.last_error {
                outln!("last error: {e}");
            }
            Ok(())
        }
        CampaignCmd::Results { campaign, csv } => {
            let row = store.find_campaign(&campaign).await?;
            let rows = campaigns::recipients(store, row.id).await?;
            match csv.as_deref() {
                Some("-") => out!("{}", campaigns::recipients_csv(&rows)?),
                Some(path) => {
                    std::fs::write(path, campaigns::recipients_csv(&rows)?)
                        .map_err(|e| BadInput(format!("cannot write {path}: {e}")))?;
                    outln!("{} recipients written to {path}", rows.len());
                }
                None if ctx.json => return output::json(&rows),
                None => {
                    for r in rows {
                        outln!(
                            "{:<24} {:<10} step {} {:<6} {:<28} {}",
                            r.name,
                            r.status,
                            r.step + 1,
                            r.channel.map(|c| c.as_str()).unwrap_or("-"),
                            r.address.as_deref().unwrap_or("-"),
                            r.error.as_deref().unwrap_or("")
                        );
                    }
                }
            }
            Ok(())
        }
        CampaignCmd::Run(args) => engine(store, sender, args).await,
    }
}

async fn control(store: &Store, key: &str, action: Control) -> anyhow::Result<()> {
    let row = store.find_campaign(key).await?;
    let status = campaigns::control(store, row.id, action, now_ms()).await?;
    outln!("{} is {status}", row.name);
    Ok(())
}

async fn print_review(
    store: &Store,
    spec: &CampaignSpec,
    sender: &Sender,
    now: i64,
) -> anyhow::Result<()> {
    let r = campaigns::review(store, spec, sender, now).await?;
    outln!(
        "audience: {} recipients, {} excluded",
        r.audience.count,
        r.audience.excluded_count
    );
    for (i, p) in r.previews.iter().enumerate() {
        let to = p.to.as_deref().unwrap_or("-");
        outln!("step {} ({}) to {to}:", i + 1, p.channel);
        if let Some(s) = &p.subject {
            outln!("  subject: {s}");
        }
        for line in p.text.lines() {
            outln!("  | {line}");
        }
        if let (Some(enc), Some(parts)) = (&p.encoding, p.segments) {
            outln!("  ({enc}, {parts} part(s))");
        }
    }
    for m in r.missing.iter().take(5) {
        outln!("missing for {}: {}", m.name, m.variables.join(", "));
    }
    outln!(
        "estimated provider cost: ${:.2} ({})",
        r.cost_estimate_micros as f64 / 1e6,
        r.cost_note
    );
    for w in &r.warnings {
        outln!("warning: {w}");
    }
    for e in &r.errors {
        outln!("cannot launch: {e}");
    }
    Ok(())
}

async fn engine(store: &Store, sender: &Sender, args: RunArgs) -> anyhow::Result<()> {
    let secrets = KeyringSecrets;
    let recovered = store.recover_outbox().await?;
    if recovered > 0 {
        eprintln!("{recovered} send(s) were in flight when Hearth stopped: checking with the servers before anything is sent again");
    }
    let mut engine = Engine::new(sender.clone());
    let mut totals = hearth_core::campaigns::engine::TickReport::default();
    loop {
        let r = engine
            .tick(store, &secrets, &NoEvents, now_ms(), true)
            .await?;
        totals.queued += r.queued;
        totals.sent += r.sent;
        totals.failed += r.failed;
        totals.confirmed += r.confirmed;
        totals.requeued += r.requeued;
        totals.replied += r.replied;
        totals.opted_out += r.opted_out;
        for id in &r.completed {
            eprintln!("campaign {id} completed");
        }
        if r.sent + r.failed + r.confirmed + r.requeued > 0 {
            eprintln!(
                "sent {}, failed {}, confirmed after a crash {}, sent again after a crash {}",
                r.sent, r.failed, r.confirmed, r.requeued
            );
        }
        if args.once {
            break;
        }
        let active = store
            .campaigns()
            .await?
            .iter()
            .any(|c| matches!(c.status, CampaignStatus::Active | CampaignStatus::Scheduled));
        if args.until_done && !active {
            break;
        }
        if !r.busy {
            tokio::time::sleep(Duration::from_millis(args.idle_ms.max(50))).await;
        }
    }
    outln!(
        "queued {}, sent {}, failed {}, confirmed after a crash {}, sent again (never arrived) {}, replied {}, opted out {}",
        totals.queued,
        totals.sent,
        totals.failed,
        totals.confirmed,
        totals.requeued,
        totals.replied,
        totals.opted_out
    );
    Ok(())
}

fn example() -> CampaignSpec {
    use hearth_types::*;
    CampaignSpec {
        name: "Win back quiet customers".into(),
        description: "Customers who have not heard from us in 90 days".into(),
        kind: CampaignKind::Winback,
        audience: Audience {
            days_since_contact_min: Some(90),
            statuses: vec![ContactStatus::Customer, ContactStatus::Vip],
            ..Default::default()
        },
        steps: vec![
            Step {
                channel: StepChannel::Email,
                delay_hours: 0,
                email: Some(EmailContent {
                    account: String::new(),
                    subject: "We miss you, {first_name}".into(),
                    text: "Hi {first_name},\n\nIt has been a while. {promotion} — just reply to this email.\n\n{agent_name}, {business_name}".into(),
                    html: None,
                }),
                sms: None,
                call: None,
            },
            Step {
                channel: StepChannel::Sms,
                delay_hours: 48,
                email: None,
                sms: Some(SmsContent {
                    text: "Hi {first_name}, {agent_name} from {business_name} here: {promotion}".into(),
                }),
                call: None,
            },
            Step {
                channel: StepChannel::Call,
                delay_hours: 72,
                email: None,
                sms: None,
                call: Some(CallContent {
                    assistant_id: None,
                    phone_number_id: None,
                    variables: [
                        ("customerName".to_owned(), "{first_name}".to_owned()),
                        ("offer".to_owned(), "{promotion}".to_owned()),
                    ]
                    .into(),
                }),
            },
        ],
        schedule: Schedule::default(),
        variables: [
            ("promotion".to_owned(), "20% off your next order this month".to_owned()),
            ("agent_name".to_owned(), "Sam".to_owned()),
        ]
        .into(),
    }
}
