//! `notify-probe`: delivers one alert through `hearth-notify` on the session bus it is
//! given, for the tests in tests/tests/notify.rs.
//!
//! ```text
//! notify-probe --contact ID --summary S --body B
//!              [--quiet-hours 22:00-07:00 --now HH:MM] [--wait-open SECS]
//! ```
//!
//! Prints `shown ID` (the server's notification id) or `quiet`. With `--wait-open`, then
//! waits up to SECS seconds for the user to open it: prints `opened CONTACT` and exits 0,
//! or exits 3 if it was not opened in time or was closed first (that is known at once). Without it, exits 0 right after delivering.
//! Any error: the message on stderr, exit code 1. `--now` defaults to the local time.

use std::process::ExitCode;
use std::sync::mpsc;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use chrono::NaiveTime;
use hearth_notify::{Alert, Delivery, Notifier, QuietHours};

struct Args {
    alert: Alert,
    quiet_hours: Option<QuietHours>,
    now: Option<NaiveTime>,
    wait_open: Option<Duration>,
}

fn parse_args() -> Result<Args> {
    let mut contact = None;
    let mut summary = None;
    let mut body = None;
    let mut quiet_hours = None;
    let mut now = None;
    let mut wait_open = None;
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next().with_context(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--contact" => contact = Some(value()?.parse::<i64>().context("--contact")?),
            "--summary" => summary = Some(value()?),
            "--body" => body = Some(value()?),
            "--quiet-hours" => quiet_hours = Some(value()?.parse::<QuietHours>()?),
            "--now" => {
                now = Some(
                    NaiveTime::parse_from_str(&value()?, "%H:%M").context("--now wants HH:MM")?,
                )
            }
            "--wait-open" => {
                wait_open = Some(Duration::from_secs(
                    value()?.parse().context("--wait-open wants seconds")?,
                ))
            }
            other => bail!("unknown argument {other:?}"),
        }
    }
    Ok(Args {
        alert: Alert {
            contact_id: contact.context("--contact is required")?,
            summary: summary.context("--summary is required")?,
            body: body.context("--body is required")?,
        },
        quiet_hours,
        now,
        wait_open,
    })
}

fn run() -> Result<ExitCode> {
    let args = parse_args()?;
    let notifier = Notifier::new("Hearth").with_quiet_hours(args.quiet_hours);
    let now = args.now.unwrap_or_else(|| chrono::Local::now().time());
    let (opened_tx, opened_rx) = mpsc::channel();
    let on_open: Box<dyn FnOnce(i64) + Send> = Box::new(move |contact_id| {
        let _ = opened_tx.send(contact_id);
    });
    match notifier.deliver(&args.alert, now, Some(on_open))? {
        Delivery::Quiet => {
            println!("quiet");
            return Ok(ExitCode::SUCCESS);
        }
        Delivery::Shown { id } => println!("shown {id}"),
    }
    let Some(wait) = args.wait_open else {
        return Ok(ExitCode::SUCCESS);
    };
    match opened_rx.recv_timeout(wait) {
        Ok(contact_id) => {
            println!("opened {contact_id}");
            Ok(ExitCode::SUCCESS)
        }
        Err(mpsc::RecvTimeoutError::Timeout) => {
            eprintln!("not opened within {wait:?}");
            Ok(ExitCode::from(3))
        }
        // The waiting thread dropped the callback unused: closed, or the bus went away.
        Err(mpsc::RecvTimeoutError::Disconnected) => {
            eprintln!("closed without being opened");
            Ok(ExitCode::from(3))
        }
    }
}

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(e) => {
            eprintln!("notify-probe: {e:#}");
            ExitCode::FAILURE
        }
    }
}
