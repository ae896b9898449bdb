//! Hot-lead notifications end to end: `notify-probe` (one `hearth_notify::Notifier`
//! delivery in a process of its own) talking to a stand-in notification daemon on a
//! private session bus ([`NotificationServer`]). Asserts what actually went over D-Bus,
//! that quiet hours keep the bus untouched, that the user's click reaches the callback,
//! and that a desktop without a notification daemon is a clear error.
//!
//! Needs `dbus` (dbus-daemon).

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::time::Duration;

use anyhow::{Context, Result};
use hearth_e2e::{NotificationServer, Recorded};

const PROBE: &str = env!("CARGO_BIN_EXE_notify-probe");
const WAIT: Duration = Duration::from_secs(10);

fn probe(address: &str, extra: &[&str]) -> Command {
    let mut command = Command::new(PROBE);
    command
        .args(["--contact", "42", "--summary", "Hot lead: Dana Reyes"])
        .args(["--body", "Asked for a quote twice today & wants a call"])
        .args(extra)
        .env("DBUS_SESSION_BUS_ADDRESS", address)
        .stdin(Stdio::null());
    command
}

fn run(command: &mut Command) -> Result<(Output, String, String)> {
    let output = command.output().context("cannot run notify-probe")?;
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    Ok((output, stdout, stderr))
}

fn only_one(server: &NotificationServer) -> Recorded {
    let all = server.notifications();
    assert_eq!(all.len(), 1, "expected exactly one Notify call: {all:#?}");
    all.into_iter().next().expect("one notification")
}

#[test]
fn alert_is_one_notify_call_with_an_open_action() -> Result<()> {
    let server = NotificationServer::start()?;
    let (output, stdout, stderr) = run(&mut probe(server.address(), &[]))?;
    assert!(output.status.success(), "{}: {stderr}", output.status);
    assert_eq!(stdout.trim(), "shown 1");

    // The probe has its reply, so the call has been recorded: no waiting needed.
    let n = only_one(&server);
    assert_eq!(n.id, 1);
    assert_eq!(n.app_name, "Hearth");
    assert_eq!(n.summary, "Hot lead: Dana Reyes");
    assert_eq!(n.body, "Asked for a quote twice today & wants a call");
    assert_eq!(n.replaces_id, 0);
    assert_eq!(n.expire_timeout, -1, "the server decides how long it stays");
    assert_eq!(n.action_keys(), ["default", "open"]);
    assert_eq!(n.action_label("open"), Some("Open contact"));
    assert_eq!(n.hint_keys, ["category", "urgency"]);
    Ok(())
}

#[test]
fn quiet_hours_keep_the_bus_untouched() -> Result<()> {
    let server = NotificationServer::start()?;
    let quiet = ["--quiet-hours", "22:00-07:00"];

    for now in ["23:30", "06:59", "22:00"] {
        let (output, stdout, stderr) = run(probe(server.address(), &quiet).args(["--now", now]))?;
        assert!(
            output.status.success(),
            "{now}: {}: {stderr}",
            output.status
        );
        assert_eq!(stdout.trim(), "quiet", "at {now}");
    }
    // Each probe exited after deciding, so anything it sent would be recorded by now.
    assert_eq!(server.notifications(), []);

    // Outside the window the same setting lets the alert through.
    let (output, stdout, stderr) = run(probe(server.address(), &quiet).args(["--now", "07:00"]))?;
    assert!(output.status.success(), "{}: {stderr}", output.status);
    assert_eq!(stdout.trim(), "shown 1");
    assert_eq!(only_one(&server).summary, "Hot lead: Dana Reyes");
    Ok(())
}

/// A probe still running when a test fails is killed, not left waiting for its
/// `--wait-open` time.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        if let Ok(None) = self.0.try_wait() {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

/// Starts a probe that waits for the user, plays the user choosing `action` on the server,
/// and returns the probe's exit status and what it printed after `shown 1`.
fn choose(action: &str) -> Result<(ExitStatus, String, String)> {
    let server = NotificationServer::start()?;
    let mut probe = Running(
        probe(server.address(), &["--wait-open", "20"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .context("cannot start notify-probe")?,
    );
    let mut stdout = BufReader::new(probe.0.stdout.take().context("no stdout")?);
    let mut stderr = probe.0.stderr.take().context("no stderr")?;
    // Read "shown 1" before acting, so a probe that failed shows its error instead of
    // a timeout.
    let mut first = String::new();
    stdout.read_line(&mut first)?;
    if first.trim() != "shown 1" {
        let mut err = String::new();
        stderr.read_to_string(&mut err)?;
        panic!("probe said {first:?}: {err}");
    }
    let n = server.wait_for(1, WAIT);
    assert_eq!(n.len(), 1, "{n:#?}");

    server.invoke_action(n[0].id, action)?;
    // The probe's own --wait-open bounds these reads.
    let (mut rest, mut err) = (String::new(), String::new());
    stdout.read_to_string(&mut rest)?;
    stderr.read_to_string(&mut err)?;
    let status = probe.0.wait()?;
    Ok((status, rest, err))
}

#[test]
fn choosing_open_contact_calls_back_with_the_contact() -> Result<()> {
    let (status, stdout, stderr) = choose("open")?;
    assert_eq!(stdout.trim(), "opened 42", "{stderr}");
    assert!(status.success(), "{status}: {stderr}");
    Ok(())
}

#[test]
fn clicking_the_body_opens_the_contact_too() -> Result<()> {
    let (status, stdout, stderr) = choose("default")?;
    assert_eq!(stdout.trim(), "opened 42", "{stderr}");
    assert!(status.success(), "{status}: {stderr}");
    Ok(())
}

#[test]
fn no_notification_daemon_is_a_clear_error() -> Result<()> {
    let bus = NotificationServer::bus_only()?;
    let (output, stdout, stderr) = run(&mut probe(bus.address(), &[]))?;
    assert_eq!(output.status.code(), Some(1), "{stdout}{stderr}");
    assert_eq!(stdout, "");
    assert!(
        stderr.contains("no notification server on the D-Bus session bus"),
        "{stderr}"
    );
    assert!(stderr.contains("contact 42"), "{stderr}");
    Ok(())
}

#[test]
fn no_session_bus_is_a_clear_error() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let nowhere = format!("unix:path={}", dir.path().join("no-bus").display());
    let (output, stdout, stderr) = run(&mut probe(&nowhere, &[]))?;
    assert_eq!(output.status.code(), Some(1), "{stdout}{stderr}");
    assert!(
        stderr.contains("cannot connect to the D-Bus session bus"),
        "{stderr}"
    );
    Ok(())
}

#[test]
fn a_dismissed_notification_never_opens() -> Result<()> {
    let server = NotificationServer::start()?;
    let mut probe = Running(
        probe(server.address(), &["--wait-open", "20"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .context("cannot start notify-probe")?,
    );
    let n = server.wait_for(1, WAIT);
    assert_eq!(n.len(), 1, "{n:#?}");
    server.close(n[0].id, 2)?;
    // The waiting thread ends on NotificationClosed and drops the callback unused, which
    // the probe sees at once (not after its 20 s).
    let status = probe.0.wait()?;
    let (mut stdout, mut stderr) = (String::new(), String::new());
    probe
        .0
        .stdout
        .take()
        .context("no stdout")?
        .read_to_string(&mut stdout)?;
    probe
        .0
        .stderr
        .take()
        .context("no stderr")?
        .read_to_string(&mut stderr)?;
    assert_eq!(stdout.trim(), "shown 1");
    assert_eq!(stderr.trim(), "closed without being opened");
    assert_eq!(status.code(), Some(3), "{status}");
    Ok(())
}
