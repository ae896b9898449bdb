//! `hearth bench timeline`: how fast the timeline reads on a big business, and how that
//! compares with the very same SQL run by the `sqlite3` command-line shell on the same file.
//! `hearth bench analysis`: a full rescoring of the same business (every interaction's
//! sentiment, then every contact's lead score, journey, next action and lifetime value),
//! and an incremental pass after 1,000 contacts change.
//!
//! Figures are printed, never asserted: timings on shared machines are for reading.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::Context;
use clap::Subcommand;
use hearth_core::demo::{self, DemoOptions};
use hearth_core::{Registry, Store};
use hearth_types::{Channel, TimelineRequest};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::{output, Ctx};

#[derive(Debug, Subcommand)]
pub enum BenchCmd {
    /// Timeline pages and full-text search on a seeded business, against raw sqlite3.
    Timeline {
        #[arg(long, default_value_t = 100_000)]
        contacts: u32,
        #[arg(long, default_value_t = 1_000_000)]
        interactions: u32,
        /// Timed queries per kind.
        #[arg(long, default_value_t = 200)]
        runs: usize,
        /// The benchmark database; reused when it exists. Defaults to
        /// `<data dir>/bench/timeline-<contacts>-<interactions>.sqlite`.
        #[arg(long)]
        file: Option<PathBuf>,
    },
    /// Full rescoring of a seeded business: sentiment, lead scores, journey, LTV.
    Analysis {
        #[arg(long, default_value_t = 100_000)]
        contacts: u32,
        #[arg(long, default_value_t = 1_000_000)]
        interactions: u32,
        /// The benchmark database (shared with `bench timeline`); reused when it exists.
        #[arg(long)]
        file: Option<PathBuf>,
    },
    /// Campaigns: select and queue the recipients of a campaign on a seeded business, and
    /// the engine's own cost per send against the loopback provider stand-in.
    Campaign {
        #[arg(long, default_value_t = 100_000)]
        contacts: u32,
        #[arg(long, default_value_t = 1_000_000)]
        interactions: u32,
        /// Recipients wanted (the audience takes the first this many who match).
        #[arg(long, default_value_t = 10_000)]
        recipients: u32,
        /// Texts sent through the engine for the per-send figure.
        #[arg(long, default_value_t = 2_000)]
        sends: u32,
        /// The benchmark database (shared with `bench timeline`); copied, never changed.
        #[arg(long)]
        file: Option<PathBuf>,
    },
}

/// The seeded history ends here (2025-11-21): the analysis runs an hour later.
const BENCH_AS_OF: i64 = 1_763_683_200_000;

fn bench_file(file: Option<PathBuf>, contacts: u32, interactions: u32) -> anyhow::Result<PathBuf> {
    Ok(match file {
        Some(path) => path,
        None => Registry::from_env()?
            .data_dir()
            .join("bench")
            .join(format!("timeline-{contacts}-{interactions}.sqlite")),
    })
}

async fn analysis(
    ctx: &Ctx,
    contacts: u32,
    interactions: u32,
    file: Option<PathBuf>,
) -> anyhow::Result<()> {
    use hearth_core::analytics::intel::{analyze, Scope};
    use hearth_core::analytics::rescore::rescore_sentiment;
    use hearth_core::events::NoEvents;

    let path = bench_file(file, contacts, interactions)?;
    if !path.exists() {
        seed(&path, contacts, interactions).await?;
    }
    let store = Store::open(&path).await?;
    let now = BENCH_AS_OF + 3_600_000;
    let started = Instant::now();
    let sentiment = rescore_sentiment(&store, true, &|_| {}).await?;
    let sentiment_s = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let full = analyze(&store, &NoEvents, Scope::All, now).await?;
    let full_s = started.elapsed().as_secs_f64();
    let (hot, warm, cold, attention) = store.intel_counts().await?;
    // 1,000 contacts change (as a sync would mark them); then the pass the app makes.
    let ids: Vec<i64> = (1..=1_000)
        .map(|i| i * i64::from(contacts.max(1000)) / 1_000)
        .collect();
    store.mark_for_analysis(&ids).await?;
    let started = Instant::now();
    let incremental = analyze(&store, &NoEvents, Scope::Changed, now).await?;
    let incremental_s = started.elapsed().as_secs_f64();
    store.close().await;
    if ctx.json {
        return output::json(&serde_json::json!({
            "file": path,
            "contacts": contacts,
            "interactions": interactions,
            "sentiment": { "scanned": sentiment.scanned, "changed": sentiment.changed, "seconds": sentiment_s },
            "analysis": { "contacts": full.contacts, "seconds": full_s, "refitted": full.refitted,
                          "hot": hot, "warm": warm, "cold": cold, "needs_attention": attention },
            "incremental": { "contacts": incremental.contacts, "seconds": incremental_s },
            "total_seconds": sentiment_s + full_s,
        }));
    }
    outln!(
        "{} ({contacts} contacts, {interactions} interactions)",
        path.display()
    );
    outln!(
        "sentiment rescoring   {:>9} interactions scanned, {:>9} changed  {:>7.2} s",
        sentiment.scanned,
        sentiment.changed,
        sentiment_s
    );
    outln!(
        "lead/journey/LTV      {:>9} contacts ({} customers refitted)          {:>7.2} s  ({:.0} contacts/s)",
        full.contacts,
        full.refitted.unwrap_or(0),
        full_s,
        full.contacts as f64 / full_s.max(1e-9)
    );
    outln!(
        "full rescoring total                                                {:>7.2} s",
        sentiment_s + full_s
    );
    outln!(
        "incremental pass      {:>9} changed contacts                          {:>7.2} s",
        incremental.contacts,
        incremental_s
    );
    outln!("tiers: {hot} hot, {warm} warm, {cold} cold; {attention} need attention");
    if let Some(note) = &full.ltv_note {
        outln!("lifetime value: {note}");
    }
    Ok(())
}

async fn campaign(
    ctx: &Ctx,
    contacts: u32,
    interactions: u32,
    recipients: u32,
    sends: u32,
    file: Option<PathBuf>,
) -> anyhow::Result<()> {
    use hearth_core::campaigns::{self, engine::Engine, Sender};
    use hearth_core::events::NoEvents;
    use hearth_core::secrets::MemorySecrets;
    use hearth_types::{Audience, CampaignKind, CampaignSpec, Pace, Schedule, SmsContent, Step};

    let path = bench_file(file, contacts, interactions)?;
    if !path.exists() {
        seed(&path, contacts, interactions).await?;
    }
    // A copy: the benchmark file stays as seeded.
    let copy = path.with_extension("campaign.sqlite");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", copy.display()));
    }
    {
        let store = Store::open(&path).await?;
        store.backup_to(&copy).await?;
        store.close().await;
    }
    let store = Store::open(&copy).await?;
    let now = BENCH_AS_OF + 3_600_000;
    let sim = hearth_provider_sim::Sim::start(hearth_provider_sim::SimConfig {
        vapi_calls: 0,
        telnyx_messages: 0,
        telnyx_calls: 0,
        optouts: 0,
        ..Default::default()
    })
    .await?;
    store
        .set_provider_account(
            "telnyx",
            &sim.telnyx_base(),
            &serde_json::json!({ "from_number": sim.our_telnyx_number() }),
        )
        .await?;
    let secrets = MemorySecrets::default();
    let key = hearth_core::secrets::provider_key_key(&store.business_uid().await?, "telnyx");
    hearth_core::secrets::SecretStore::set(&secrets, &key, "sim-telnyx-key").await?;
    // Everyone with a phone who has been quiet for 30 days: the first `recipients` ids.
    let all = store
        .audience_candidates(
            &Audience {
                days_since_contact_min: Some(30),
                has_phone: Some(true),
                ..Default::default()
            },
            now,
            Some(recipients),
        )
        .await?;
    let fast = Pace {
        per_minute: 1_000_000,
        burst: 1_000_000,
        daily_cap: 0,
    };
    let spec = CampaignSpec {
        name: "Bench".into(),
        description: String::new(),
        kind: CampaignKind::Winback,
        audience: Audience {
            days_since_contact_min: Some(30),
            has_phone: Some(true),
            exclude: vec![],
            include: vec![],
            ..Default::default()
        },
        steps: vec![Step {
            channel: hearth_types::StepChannel::Sms,
            delay_hours: 0,
            email: None,
            sms: Some(SmsContent {
                text: "Hi {first_name}, 20% off this week".into(),
            }),
            call: None,
        }],
        schedule: Schedule {
            window: None,
            sms: fast,
            ..Schedule::default()
        },
        variables: Default::default(),
    };
    let sender = Sender {
        business_name: "Bench".into(),
    };
    // Select (rules, exclusions with reasons) and queue: the launch.
    let id = campaigns::create(&store, &spec, now).await?;
    let started = Instant::now();
    let (preview, included) = campaigns::preview_audience(&store, &spec, now, 10).await?;
    let select_s = started.elapsed().as_secs_f64();
    let ids: Vec<i64> = included
        .iter()
        .take(recipients as usize)
        .map(|c| c.contact_id)
        .collect();
    let started = Instant::now();
    store.launch_campaign(id, &ids, now, now).await?;
    let queue_s = started.elapsed().as_secs_f64();
    // The engine's own work (render, ledger and outbox rows, pacing), nothing sent.
    let mut engine = Engine::new(sender);
    let started = Instant::now();
    let mut queued = 0u64;
    while queued < u64::from(sends) {
        let r = engine.tick(&store, &secrets, &NoEvents, now, false).await?;
        queued += r.queued;
        if r.queued == 0 {
            break;
        }
    }
    let queue_sends_s = started.elapsed().as_secs_f64();
    // Then delivered to the stand-in, which answers at once, and settled.
    let started = Instant::now();
    let mut sent = 0u64;
    for _ in 0..u64::from(sends) {
        let r = engine.tick(&store, &secrets, &NoEvents, now, true).await?;
        sent += r.sent;
        if sent >= queued || (r.sent == 0 && !r.busy) {
            break;
        }
    }
    let deliver_s = started.elapsed().as_secs_f64();
    let at_sim = sim.sent_messages().len();
    sim.stop().await;
    store.close().await;
    let _ = std::fs::remove_file(&copy);
    let queue_ms = queue_sends_s * 1000.0 / queued.max(1) as f64;
    let deliver_ms = deliver_s * 1000.0 / sent.max(1) as f64;
    if ctx.json {
        return output::json(&serde_json::json!({
            "audience": { "matched": all.len(), "included": preview.count, "excluded": preview.excluded_count, "select_seconds": select_s },
            "queued": { "recipients": ids.len(), "seconds": queue_s },
            "engine": { "queued": queued, "queue_ms_per_send": queue_ms, "sent": sent, "at_stand_in": at_sim, "deliver_ms_per_send": deliver_ms },
        }));
    }
    outln!(
        "{} ({contacts} contacts, {interactions} interactions)",
        path.display()
    );
    outln!(
        "select audience       {:>7} included, {:>6} excluded            {:>7.3} s",
        preview.count,
        preview.excluded_count,
        select_s
    );
    outln!(
        "queue recipients      {:>7} recipients                          {:>7.3} s",
        ids.len(),
        queue_s
    );
    outln!(
        "select + queue                                                {:>7.3} s",
        select_s + queue_s
    );
    outln!(
        "engine: queue         {:>7} texts (render, ledger, outbox)     {:>7.3} s  ({queue_ms:.3} ms per send)",
        queued, queue_sends_s
    );
    outln!(
        "engine: send          {:>7} sent ({at_sim} at the stand-in)        {:>7.3} s  ({deliver_ms:.3} ms per send: queue, POST to the stand-in, settle)",
        sent, deliver_s
    );
    Ok(())
}

/// Draws one benchmark request.
type MakeRequest = Box<dyn Fn(&mut ChaCha8Rng) -> TimelineRequest>;

const SEARCHES: &[&str] = &[
    "water heater",
    "refund",
    "panel upgrade",
    "leak",
    "thermostatic",
    "newborn",
    "invoice",
    "EV charger",
];
const CHANNELS: &[Channel] = &[
    Channel::Sms,
    Channel::Email,
    Channel::VoiceAi,
    Channel::Call,
    Channel::Order,
    Channel::Note,
];

pub async fn run(ctx: &Ctx, cmd: BenchCmd) -> anyhow::Result<()> {
    let (contacts, interactions, runs, file) = match cmd {
        BenchCmd::Timeline {
            contacts,
            interactions,
            runs,
            file,
        } => (contacts, interactions, runs, file),
        BenchCmd::Analysis {
            contacts,
            interactions,
            file,
        } => return analysis(ctx, contacts, interactions, file).await,
        BenchCmd::Campaign {
            contacts,
            interactions,
            recipients,
            sends,
            file,
        } => {
            return campaign(ctx, contacts, interactions, recipients, sends, file).await;
        }
    };
    let path = bench_file(file, contacts, interactions)?;
    let seed_seconds = if path.exists() {
        None
    } else {
        Some(seed(&path, contacts, interactions).await?)
    };
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    let store = Store::open(&path).await?;
    let mut rng = ChaCha8Rng::seed_from_u64(0x5eed);
    let kinds: [(&str, MakeRequest); 3] = [
        (
            "contact first page (50)",
            Box::new(move |rng: &mut ChaCha8Rng| TimelineRequest {
                // Demo contact ids are 1..=contacts.
                contact_id: Some(rng.random_range(1..=i64::from(contacts))),
                ..Default::default()
            }),
        ),
        (
            "business page, channel filter",
            Box::new(|rng: &mut ChaCha8Rng| TimelineRequest {
                channels: vec![CHANNELS[rng.random_range(0..CHANNELS.len())]],
                ..Default::default()
            }),
        ),
        (
            "full-text search first page",
            Box::new(|rng: &mut ChaCha8Rng| TimelineRequest {
                search: Some(SEARCHES[rng.random_range(0..SEARCHES.len())].to_owned()),
                ..Default::default()
            }),
        ),
    ];
    let mut rows = Vec::new();
    for (name, make) in &kinds {
        let requests: Vec<TimelineRequest> = (0..runs).map(|_| make(&mut rng)).collect();
        // Both sides run every request once untimed first, so both are measured warm
        // (the same pages in the OS cache) rather than one warming the disk for the other.
        for request in &requests {
            store.timeline(request).await?;
        }
        let mut hearth = Vec::with_capacity(runs);
        for request in &requests {
            let started = Instant::now();
            let page = store.timeline(request).await?;
            hearth.push(started.elapsed().as_secs_f64() * 1e3);
            std::hint::black_box(page);
        }
        let raw = sqlite3_times(&path, &requests)?;
        rows.push(Row {
            name,
            hearth: Stats::of(hearth),
            sqlite3: Stats::of(raw),
        });
    }
    store.close().await;

    if ctx.json {
        return output::json(&serde_json::json!({
            "file": path,
            "contacts": contacts,
            "interactions": interactions,
            "seed_seconds": seed_seconds,
            "size_bytes": size,
            "runs": runs,
            "results": rows.iter().map(|r| serde_json::json!({
                "query": r.name,
                "hearth_ms": {"p50": r.hearth.p50, "p95": r.hearth.p95},
                "sqlite3_ms": {"p50": r.sqlite3.p50, "p95": r.sqlite3.p95},
            })).collect::<Vec<_>>(),
        }));
    }
    outln!(
        "business: {} ({contacts} contacts, {interactions} interactions)",
        path.display()
    );
    match seed_seconds {
        Some(s) => outln!("seed time: {s:.1} s"),
        None => outln!("seed time: (reused an existing file)"),
    }
    outln!("database size: {:.1} MiB", size as f64 / 1048576.0);
    outln!(
        "{runs} runs each, after one untimed pass over the same requests; sqlite3 = the same SQL \
         in the sqlite3 shell (.timer, user+sys CPU)"
    );
    outln!();
    outln!(
        "| query | hearth p50 | hearth p95 | sqlite3 p50 | sqlite3 p95 | ratio p50 | ratio p95 |"
    );
    outln!("|---|---|---|---|---|---|---|");
    for r in &rows {
        outln!(
            "| {} | {:.3} ms | {:.3} ms | {:.3} ms | {:.3} ms | {:.2}x | {:.2}x |",
            r.name,
            r.hearth.p50,
            r.hearth.p95,
            r.sqlite3.p50,
            r.sqlite3.p95,
            r.hearth.p50 / r.sqlite3.p50.max(1e-3),
            r.hearth.p95 / r.sqlite3.p95.max(1e-3)
        );
    }
    Ok(())
}

struct Row<'a> {
    name: &'a str,
    hearth: Stats,
    sqlite3: Stats,
}

struct Stats {
    p50: f64,
    p95: f64,
}

impl Stats {
    fn of(mut samples: Vec<f64>) -> Stats {
        samples.sort_by(f64::total_cmp);
        let at = |q: f64| {
            samples
                .get(((samples.len() as f64 - 1.0) * q).round() as usize)
                .copied()
                .unwrap_or(f64::NAN)
        };
        Stats {
            p50: at(0.5),
            p95: at(0.95),
        }
    }
}

async fn seed(path: &Path, contacts: u32, interactions: u32) -> anyhow::Result<f64> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let partial = path.with_extension("partial");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", partial.display()));
    }
    eprintln!(
        "seeding {contacts} contacts / {interactions} interactions into {}",
        path.display()
    );
    let started = Instant::now();
    let store = Store::create(&partial).await?;
    let options = DemoOptions {
        contacts,
        interactions,
        seed: 1,
        as_of: BENCH_AS_OF,
    };
    let mut last = Instant::now();
    demo::seed(&store, &options, |done, total| {
        if last.elapsed().as_secs() >= 2 {
            eprintln!(
                "  {done}/{total} interactions, {:.0} s",
                started.elapsed().as_secs_f64()
            );
            last = Instant::now();
        }
    })
    .await?;
    store.close().await;
    let seconds = started.elapsed().as_secs_f64();
    std::fs::rename(&partial, path)
        .with_context(|| format!("cannot move into {}", path.display()))?;
    Ok(seconds)
}

/// Runs each request's SQL through `sqlite3` and reads its `.timer` lines.
fn sqlite3_times(path: &Path, requests: &[TimelineRequest]) -> anyhow::Result<Vec<f64>> {
    let mut script = String::from(".mode list\n");
    for request in requests {
        script.push_str(&Store::timeline_sql_literal(request)?);
        script.push_str(";\n");
    }
    script.push_str(".timer on\n");
    for request in requests {
        script.push_str(&Store::timeline_sql_literal(request)?);
        script.push_str(";\n");
    }
    let script_path = std::env::temp_dir().join(format!("hearth-bench-{}.sql", std::process::id()));
    std::fs::write(&script_path, script)?;
    let out = Command::new("sqlite3")
        .arg("-batch")
        .arg("-readonly")
        .arg(path)
        .arg(format!(".read {}", script_path.display()))
        .output()
        .context("cannot run sqlite3 (apt-get install sqlite3)")?;
    let _ = std::fs::remove_file(&script_path);
    anyhow::ensure!(
        out.status.success(),
        "sqlite3 failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let times: Vec<f64> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|line| line.strip_prefix("Run Time: "))
        .filter_map(|rest| {
            let mut fields = rest.split_whitespace();
            let mut cpu = 0.0;
            while let Some(key) = fields.next() {
                let value: f64 = fields.next()?.parse().ok()?;
                if key == "user" || key == "sys" {
                    cpu += value;
                }
            }
            Some(cpu * 1e3)
        })
        .collect();
    anyhow::ensure!(
        times.len() == requests.len(),
        "sqlite3 printed {} timings for {} queries",
        times.len(),
        requests.len()
    );
    Ok(times)
}
