//! `hearth analyze`, `hearth leads`, `hearth context`, `hearth weights`: the lead score,
//! journey, next best action and customer context from the command line. Every reading
//! command first brings changed contacts up to date (a quick pass), so what it prints is
//! current.

use clap::Args;
use hearth_core::analytics::intel::{self, AnalysisReport, Scope};
use hearth_core::events::{HotLeadAlert, HotLeadKind, NoEvents};
use hearth_core::store::ContactFilter;
use hearth_core::Store;
use hearth_types::{ContactSort, CustomerContext, LeadWeights, Tier};

use super::open_store;
use crate::exit::BadInput;
use crate::{output, Ctx};

#[derive(Debug, Args)]
pub struct AnalyzeArgs {
    /// Look at every contact, not only changed ones (and refit the lifetime-value model).
    #[arg(long)]
    all: bool,
    /// Show a desktop notification for new hot leads (as the app does), respecting the
    /// business's quiet hours.
    #[arg(long)]
    notify: bool,
}

#[derive(Debug, Args)]
pub struct LeadsArgs {
    /// Only this tier: hot, warm or cold.
    #[arg(long, value_parser = parse_tier)]
    tier: Option<Tier>,
    /// Only those who need attention, most urgent first.
    #[arg(long)]
    attention: bool,
    #[arg(long, default_value_t = 20)]
    limit: u32,
}

#[derive(Debug, Args)]
pub struct ContextArgs {
    /// A phone number, email address or contact id.
    key: String,
}

#[derive(Debug, Args)]
pub struct WeightsArgs {
    /// Changes, as FACTOR=POINTS (e.g. budget=25 gone_quiet=40).
    changes: Vec<String>,
    /// Back to the defaults.
    #[arg(long, conflicts_with = "changes")]
    reset: bool,
}

fn parse_tier(s: &str) -> Result<Tier, String> {
    Tier::parse(&s.to_ascii_lowercase())
        .ok_or_else(|| format!("unknown tier {s:?} (expected hot, warm or cold)"))
}

/// Brings changed contacts up to date before a reading command.
pub async fn refresh(store: &Store) -> anyhow::Result<AnalysisReport> {
    Ok(intel::analyze_due(store, &NoEvents, hearth_core::now_ms()).await?)
}

pub async fn analyze(ctx: &Ctx, args: AnalyzeArgs) -> anyhow::Result<()> {
    let store = open_store(ctx).await?;
    let scope = if args.all { Scope::All } else { Scope::Changed };
    let result = intel::analyze(&store, &NoEvents, scope, hearth_core::now_ms()).await;
    let counts = store.intel_counts().await;
    let quiet = crate::notify::quiet_hours(&store).await;
    store.close().await;
    let report = result?;
    let (hot, warm, cold, attention) = counts?;
    if args.notify {
        crate::notify::announce(&report.alerts, quiet?)?;
    }
    if ctx.json {
        return output::json(&serde_json::json!({
            "contacts": report.contacts,
            "elapsed_ms": report.elapsed_ms,
            "refitted_customers": report.refitted,
            "currency": report.currency,
            "ltv_note": report.ltv_note,
            "tiers": { "hot": hot, "warm": warm, "cold": cold },
            "needs_attention": attention,
            "alerts": report.alerts,
        }));
    }
    outln!(
        "analysed {} contacts in {:.2} s: {hot} hot, {warm} warm, {cold} cold; {attention} need attention",
        report.contacts,
        report.elapsed_ms as f64 / 1000.0
    );
    if let (Some(n), Some(c)) = (report.refitted, &report.currency) {
        outln!("lifetime value: model refitted on {n} customers ({c})");
    }
    if let Some(note) = &report.ltv_note {
        outln!("lifetime value: {note}");
    }
    const SHOWN: usize = 10;
    for a in report.alerts.iter().take(SHOWN) {
        outln!("{}", alert_line(a));
    }
    if report.alerts.len() > SHOWN {
        outln!(
            "... and {} more hot-lead alerts (hearth leads --tier hot lists them all)",
            report.alerts.len() - SHOWN
        );
    }
    Ok(())
}

pub fn alert_line(a: &HotLeadAlert) -> String {
    let what = match a.kind {
        HotLeadKind::BecameHot => "new hot lead",
        HotLeadKind::WroteAgain => "hot lead wrote again",
    };
    format!(
        "{what}: #{} {} (score {}): {}",
        a.contact_id, a.name, a.score, a.reason
    )
}

pub async fn leads(ctx: &Ctx, args: LeadsArgs) -> anyhow::Result<()> {
    let store = open_store(ctx).await?;
    let result = async {
        refresh(&store).await?;
        let sort = if args.attention {
            ContactSort::NeedsAttention
        } else {
            ContactSort::TopScore
        };
        // The tier filter is applied here; ask for enough rows to fill the page.
        let mut out = Vec::new();
        let mut offset = 0;
        loop {
            let page = store
                .list_contacts(&ContactFilter {
                    sort,
                    limit: Some(500),
                    offset: Some(offset),
                    ..ContactFilter::default()
                })
                .await?;
            let n = page.len() as u32;
            out.extend(
                page.into_iter()
                    .filter(|c| args.tier.is_none_or(|t| c.tier == Some(t))),
            );
            if n < 500 || out.len() >= args.limit as usize {
                break;
            }
            // Lists are by score: once past the tier, nothing more matches.
            if let (Some(t), Some(last)) = (args.tier, out.last()) {
                if last.tier.is_some_and(|lt| lt < t) {
                    break;
                }
            }
            offset += n;
        }
        out.truncate(args.limit as usize);
        Ok::<_, anyhow::Error>(out)
    }
    .await;
    store.close().await;
    let list = result?;
    if ctx.json {
        return output::json(&list);
    }
    if list.is_empty() {
        outln!("no contacts match");
    }
    for c in &list {
        outln!(
            "{:>7}  {:>3} {:<4}  {}  {}",
            c.id,
            c.score.map_or("-".into(), |s| s.to_string()),
            c.tier.map_or("", Tier::as_str),
            output::cell(&c.name, 24),
            c.attention.as_deref().unwrap_or("")
        );
    }
    Ok(())
}

pub async fn context(ctx: &Ctx, args: ContextArgs) -> anyhow::Result<()> {
    let store = open_store(ctx).await?;
    let result = async {
        refresh(&store).await?;
        Ok::<_, anyhow::Error>(store.customer_context(&args.key).await?)
    }
    .await;
    store.close().await;
    let c = result?;
    if ctx.json {
        return output::json(&c);
    }
    print_context(&c);
    Ok(())
}

fn print_context(c: &CustomerContext) {
    outln!("{}", c.summary);
    outln!();
    outln!("  contact:  #{} {}", c.contact_id, c.name);
    if let Some(co) = &c.company {
        outln!("  company:  {co}");
    }
    outln!("  status:   {}", c.status);
    for e in &c.emails {
        outln!("  email:    {e}");
    }
    for p in &c.phones {
        outln!("  phone:    {p}");
    }
    if let (Some(score), Some(tier)) = (c.score, c.tier) {
        outln!("  score:    {score} ({})", tier.as_str());
    }
    if let Some(stage) = c.stage {
        outln!("  stage:    {}", stage.label());
    }
    if let Some(next) = &c.next_action {
        outln!("  next:     {next}");
    }
    for d in &c.open_deals {
        outln!(
            "  deal:     {} — {} {} ({}%)",
            d.title,
            super::analytics::money(d.value_minor as f64, &d.currency),
            d.stage,
            d.probability
        );
    }
    for t in &c.pending_tasks {
        let due = t
            .due_at
            .and_then(chrono::DateTime::from_timestamp_millis)
            .map(|d| format!(" (due {})", d.format("%Y-%m-%d")))
            .unwrap_or_default();
        outln!("  task:     {}{due}", t.title);
    }
    if !c.notes.is_empty() {
        outln!("  notes:    {}", output::one_line(&c.notes, 100));
    }
}

pub async fn weights(ctx: &Ctx, args: WeightsArgs) -> anyhow::Result<()> {
    let store = open_store(ctx).await?;
    let result = async {
        let mut w = if args.reset {
            LeadWeights::default()
        } else {
            store.lead_weights().await?
        };
        for change in &args.changes {
            let (key, points) = change
                .split_once('=')
                .ok_or_else(|| BadInput(format!("{change:?}: use FACTOR=POINTS")))?;
            let points: i64 = points
                .trim()
                .parse()
                .map_err(|_| BadInput(format!("{change:?}: points must be a whole number")))?;
            w.set(key.trim(), points).map_err(BadInput)?;
        }
        if args.reset || !args.changes.is_empty() {
            store.set_lead_weights(&w).await?;
        }
        Ok::<_, anyhow::Error>(w)
    }
    .await;
    store.close().await;
    let w = result?;
    if ctx.json {
        return output::json(&w);
    }
    for (key, points) in w.entries() {
        outln!("{key:<20} {points:>4}");
    }
    Ok(())
}

#[derive(Debug, Args)]
pub struct SettingArgs {
    /// time-zone (IANA name, for best contact hours), quiet-hours ("22:00-07:00", or
    /// "off"), discount-rate (monthly, for 12-month CLV), evidence-wait (minutes before a
    /// campaign send with no record at the provider or in the mailbox counts as never
    /// sent after a crash: "email=10,sms=240,call=2", or one number), phone-region (for
    /// numbers without +country code: US, GB, ...), mail-interval (seconds between mail
    /// checks when the server sends no IDLE news, 30 to 86400). All are shown without a
    /// name.
    name: Option<String>,
    /// The new value; the current one is shown without it.
    value: Option<String>,
}

pub async fn setting(ctx: &Ctx, args: SettingArgs) -> anyhow::Result<()> {
    let store = open_store(ctx).await?;
    let result = setting_on(&store, args).await;
    store.close().await;
    let shown = result?;
    if ctx.json {
        return output::json(
            &shown
                .iter()
                .cloned()
                .collect::<std::collections::BTreeMap<_, _>>(),
        );
    }
    for (k, v) in shown {
        outln!("{k:<14} {v}");
    }
    Ok(())
}

async fn setting_on(store: &Store, args: SettingArgs) -> anyhow::Result<Vec<(String, String)>> {
    const NAMES: &str =
        "time-zone, quiet-hours, discount-rate, evidence-wait, phone-region or mail-interval";
    if let (Some(name), Some(value)) = (&args.name, &args.value) {
        match name.as_str() {
            "time-zone" => store.set_business_time_zone(value).await?,
            "quiet-hours" => {
                let v = value.trim();
                let stored = if v.eq_ignore_ascii_case("off") || v.is_empty() {
                    String::new()
                } else {
                    v.parse::<hearth_notify::QuietHours>()
                        .map_err(|e| BadInput(e.to_string()))?
                        .to_string()
                };
                store
                    .set_setting(crate::notify::QUIET_HOURS, &stored)
                    .await?;
            }
            "discount-rate" => {
                let rate: f64 = value
                    .trim()
                    .parse()
                    .ok()
                    .filter(|r: &f64| r.is_finite() && *r > -1.0 && *r < 1.0)
                    .ok_or_else(|| {
                        BadInput(format!(
                            "discount-rate {value:?}: a monthly rate such as 0.01"
                        ))
                    })?;
                store
                    .set_setting("ltv_discount_rate", &rate.to_string())
                    .await?;
                // The model's values change: refit on the next pass.
                store.set_setting("ltv_model_day", "").await?;
            }
            "evidence-wait" => {
                use hearth_core::campaigns::evidence::{apply_waits, WAIT_SETTING};
                let mut probe = std::collections::HashMap::new();
                probe.insert(hearth_types::StepChannel::Email, -1);
                probe.insert(hearth_types::StepChannel::Sms, -1);
                probe.insert(hearth_types::StepChannel::Call, -1);
                apply_waits(&mut probe, value);
                if probe.values().all(|v| *v < 0) {
                    return Err(BadInput(format!(
                        "evidence-wait {value:?}: minutes, e.g. 10 or email=10,sms=240,call=2"
                    ))
                    .into());
                }
                store.set_setting(WAIT_SETTING, value.trim()).await?;
            }
            "phone-region" => {
                store.set_default_region(value.trim()).await?;
            }
            "mail-interval" => {
                let secs: u64 = value.trim().parse().map_err(|_| {
                    BadInput(format!(
                        "mail-interval {value:?}: a whole number of seconds"
                    ))
                })?;
                store.set_mail_poll_secs(secs).await?;
            }
            other => return Err(BadInput(format!("unknown setting {other:?}: use {NAMES}")).into()),
        }
    }
    let all = vec![
        (
            "time-zone".to_owned(),
            store.business_time_zone().await?.name().to_owned(),
        ),
        (
            "quiet-hours".to_owned(),
            crate::notify::quiet_hours(store)
                .await?
                .map_or("off".into(), |q| q.to_string()),
        ),
        (
            "discount-rate".to_owned(),
            store.ltv_discount_rate().await?.to_string(),
        ),
        ("evidence-wait".to_owned(), {
            let waits = hearth_core::campaigns::evidence::waits(store).await?;
            hearth_types::StepChannel::ALL
                .iter()
                .map(|c| format!("{c}={}", waits.get(c).copied().unwrap_or_default()))
                .collect::<Vec<_>>()
                .join(",")
        }),
        ("phone-region".to_owned(), store.region().code().to_owned()),
        (
            "mail-interval".to_owned(),
            store.mail_poll_secs().await?.to_string(),
        ),
    ];
    Ok(match &args.name {
        Some(name) => {
            let one: Vec<_> = all.into_iter().filter(|(k, _)| k == name).collect();
            if one.is_empty() {
                return Err(BadInput(format!("unknown setting {name:?}: use {NAMES}")).into());
            }
            one
        }
        None => all,
    })
}
