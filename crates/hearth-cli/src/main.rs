//! `hearth`: the headless face of Hearth. Every command is one call into `hearth-core`;
//! this binary parses arguments, prints results (tables for people, `--json` for scripts)
//! and turns errors into messages and exit codes:
//!
//! | code | meaning |
//! |---|---|
//! | 0 | success |
//! | 1 | something failed while running (I/O, database) |
//! | 2 | bad input: arguments, dates, channels, emails, phone numbers, a refused import |
//! | 3 | not found: business, contact, a file to import |
//! | 4 | the database file is locked, corrupt, or from a newer Hearth |
//! | 5 | a mail server, VAPI, Telnyx or the OS keyring failed (unreachable, TLS, login, refused) |

/// `print!` to stdout, ending quietly when the reader has gone (see `output::write_stdout`).
macro_rules! out {
    ($($arg:tt)*) => { $crate::output::write_stdout(format_args!($($arg)*)) };
}

/// `println!` to stdout, ending quietly when the reader has gone.
macro_rules! outln {
    () => { $crate::output::write_stdout(format_args!("\n")) };
    ($($arg:tt)*) => { $crate::output::write_stdout(format_args!("{}\n", format_args!($($arg)*))) };
}

mod bench;
mod commands;
mod dates;
mod exit;
mod notify;
mod output;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use commands::{business::BusinessCmd, contact::ContactCmd, demo::DemoCmd, timeline::TimelineArgs};

#[derive(Debug, Parser)]
#[command(
    name = "hearth",
    version,
    about = "Hearth, the local-first CRM, from the command line"
)]
pub struct Cli {
    /// The business to work on (name or id); defaults to the current one.
    #[arg(long, short = 'b', global = true, env = "HEARTH_BUSINESS")]
    business: Option<String>,
    /// Print machine-readable JSON instead of tables.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Create, list, switch, rename, delete, back up and restore businesses.
    #[command(subcommand)]
    Business(BusinessCmd),
    /// Add, list and show contacts.
    #[command(subcommand)]
    Contact(ContactCmd),
    /// Show the unified timeline, newest first.
    Timeline(TimelineArgs),
    /// Who is waiting for an answer, oldest first.
    Inbox(commands::inbox::InboxArgs),
    /// Import orders from CSV or JSON, all or nothing, with a report of every bad row.
    #[command(subcommand)]
    Import(commands::import::ImportCmd),
    /// Mail accounts: add, test, sync (IMAP) and send (SMTP).
    #[command(subcommand)]
    Mail(commands::mail::MailCmd),
    /// Set up VAPI (voice-AI calls) and Telnyx (texts, call records).
    #[command(subcommand)]
    Provider(commands::providers::ProviderCmd),
    /// Poll a provider now: VAPI calls, or Telnyx texts, call records and opt-outs.
    Sync(commands::providers::SyncArgs),
    /// Send texts through Telnyx.
    #[command(subcommand)]
    Sms(commands::providers::SmsCmd),
    /// Start AI calls through VAPI.
    #[command(subcommand)]
    Call(commands::providers::CallCmd),
    /// Who opted out of texts or calls (campaigns and sends honour it).
    Optouts(commands::providers::OptOutArgs),
    /// Campaigns: create from a spec, review, launch, pause, resume, stop, run, results.
    #[command(subcommand)]
    Campaign(commands::campaign::CampaignCmd),
    /// Build the demo business.
    #[command(subcommand)]
    Demo(DemoCmd),
    /// VADER sentiment of each line on stdin, one compound score per line.
    Sentiment,
    /// Score every interaction's sentiment that has none (or all, with --all).
    Rescore(commands::analytics::RescoreArgs),
    /// Score leads, place contacts in their journey, pick next actions (changed contacts,
    /// or all with --all); --notify shows hot leads on the desktop.
    Analyze(commands::intel::AnalyzeArgs),
    /// Contacts by lead score, or those who need attention.
    Leads(commands::intel::LeadsArgs),
    /// Everything about a caller in one call: `hearth context +14155550123`.
    Context(commands::intel::ContextArgs),
    /// Show or change the lead-score weights (FACTOR=POINTS ...).
    Weights(commands::intel::WeightsArgs),
    /// Show or change a business setting (time-zone, quiet-hours, discount-rate).
    Setting(commands::intel::SettingArgs),
    /// Lifetime value: fit BG/NBD + Gamma-Gamma on the orders, predict per contact.
    #[command(subcommand)]
    Ltv(commands::analytics::LtvCmd),
    /// Developer tools: the provider stand-in.
    #[command(subcommand)]
    Dev(commands::dev::DevCmd),
    /// Measure Hearth against raw SQLite.
    #[command(subcommand)]
    Bench(bench::BenchCmd),
}

/// What every command gets: the global options.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub business: Option<String>,
    pub json: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("HEARTH_LOG")
                // sqlx's slow-statement warnings would repeat what the error already says
                // (e.g. a 5 s wait on a locked file): keep stderr to one clear message.
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn,sqlx::query=error")),
        )
        .with_writer(std::io::stderr)
        .init();
    let ctx = Ctx {
        business: cli.business,
        json: cli.json,
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(1);
        }
    };
    let result = runtime.block_on(async {
        match cli.command {
            Command::Business(cmd) => commands::business::run(&ctx, cmd).await,
            Command::Contact(cmd) => commands::contact::run(&ctx, cmd).await,
            Command::Timeline(args) => commands::timeline::run(&ctx, args).await,
            Command::Demo(cmd) => commands::demo::run(&ctx, cmd).await,
            Command::Campaign(cmd) => commands::campaign::run(&ctx, cmd).await,
            Command::Inbox(args) => commands::inbox::run(&ctx, args).await,
            Command::Import(cmd) => commands::import::run(&ctx, cmd).await,
            Command::Mail(cmd) => commands::mail::run(&ctx, cmd).await,
            Command::Bench(cmd) => bench::run(&ctx, cmd).await,
            Command::Dev(cmd) => commands::dev::run(&ctx, cmd).await,
            Command::Sentiment => commands::analytics::sentiment(),
            Command::Rescore(args) => commands::analytics::rescore(&ctx, args).await,
            Command::Ltv(cmd) => commands::analytics::ltv(&ctx, cmd).await,
            Command::Analyze(args) => commands::intel::analyze(&ctx, args).await,
            Command::Leads(args) => commands::intel::leads(&ctx, args).await,
            Command::Context(args) => commands::intel::context(&ctx, args).await,
            Command::Weights(args) => commands::intel::weights(&ctx, args).await,
            Command::Setting(args) => commands::intel::setting(&ctx, args).await,
            Command::Provider(cmd) => commands::providers::provider_cmd(&ctx, cmd).await,
            Command::Sync(args) => commands::providers::sync(&ctx, args).await,
            Command::Sms(cmd) => commands::providers::sms(&ctx, cmd).await,
            Command::Call(cmd) => commands::providers::call(&ctx, cmd).await,
            Command::Optouts(args) => commands::providers::optouts(&ctx, args).await,
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => exit::report(&err),
    }
}
