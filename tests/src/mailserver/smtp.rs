//! The SMTP side of [`super::MailServer`]: `support/smtpd.py` (aiosmtpd) started, stopped
//! and restarted on the same port (the "offline outbox" case), and what it received read
//! back from `smtp-received/N.eml` + `N.json` (the envelope) in the server's folder.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, Result};

use super::{MailServer, START_TIMEOUT};
use crate::process::{log_tail, wait_for_greeting, ChildGuard};

/// One message as the SMTP server accepted it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmtpMessage {
    /// The envelope sender (`MAIL FROM`).
    pub mail_from: String,
    /// The envelope recipients (`RCPT TO`), in order.
    pub rcpt_to: Vec<String>,
    /// The message exactly as received after DATA (dot-unstuffed, CRLFs kept).
    pub data: Vec<u8>,
}

/// `support/smtpd.py` in this crate.
fn smtpd_script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("support/smtpd.py")
}

impl MailServer {
    /// The last lines of the SMTP server's log (Python tracebacks land here).
    pub fn smtp_log_tail(&self) -> String {
        log_tail(&self.dir().join("smtpd.log"), 40)
    }

    /// Starts the SMTP server on `smtp_port` (again, after [`MailServer::stop_smtp`]) and
    /// waits for its `220` greeting.
    pub fn start_smtp(&self) -> Result<()> {
        let mut slot = self.smtp.lock().unwrap_or_else(|e| e.into_inner());
        if slot.is_some() {
            return Ok(());
        }
        let log_path = self.dir().join("smtpd.log");
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log_path)?;
        let python = std::env::var_os("HEARTH_E2E_PYTHON").unwrap_or_else(|| "python3".into());
        let mut command = Command::new(python);
        command
            .arg(smtpd_script())
            .args(["--port", &self.smtp_port.to_string()])
            .args(["--user", &self.user, "--password", &self.password])
            .arg("--maildir")
            .arg(self.maildir())
            .arg("--received")
            .arg(self.received_dir());
        let (uid, gid) = self.mail_owner;
        command
            .args(["--uid", &uid.to_string()])
            .args(["--gid", &gid.to_string()]);
        let mut child = ChildGuard::new(
            command
                .stdin(Stdio::null())
                .stdout(log.try_clone()?)
                .stderr(log)
                .spawn()
                .context("cannot start python3 for the SMTP server")?,
        );
        let tail = || {
            format!(
                "{}\n(the SMTP server needs `pip install aiosmtpd==1.4.6`)",
                log_tail(&log_path, 30)
            )
        };
        wait_for_greeting(
            self.smtp_port,
            Some("220"),
            &mut child,
            START_TIMEOUT,
            "the SMTP server",
            &tail,
        )?;
        *slot = Some(child);
        Ok(())
    }

    /// Stops the SMTP server: connections to `smtp_port` are then refused, as when a
    /// laptop is offline. [`MailServer::start_smtp`] brings it back on the same port.
    pub fn stop_smtp(&self) {
        let mut slot = self.smtp.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(mut child) = slot.take() {
            child.stop();
        }
    }

    fn received_dir(&self) -> PathBuf {
        self.dir().join("smtp-received")
    }

    /// Every message the SMTP server accepted, in arrival order, with its envelope
    /// (files `smtp-received/N.eml` and `N.json` in [`MailServer::dir`]).
    pub fn smtp_messages(&self) -> Result<Vec<SmtpMessage>> {
        let dir = self.received_dir();
        let mut numbers: Vec<u64> = match std::fs::read_dir(&dir) {
            Ok(entries) => entries
                .filter_map(|e| {
                    let name = e.ok()?.file_name().into_string().ok()?;
                    name.strip_suffix(".eml")?.parse().ok()
                })
                .collect(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(e) => return Err(e.into()),
        };
        numbers.sort_unstable();
        numbers
            .into_iter()
            .map(|n| {
                let data = std::fs::read(dir.join(format!("{n}.eml")))?;
                let envelope: serde_json::Value =
                    serde_json::from_slice(&std::fs::read(dir.join(format!("{n}.json")))?)?;
                let mail_from = envelope["mail_from"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned();
                let rcpt_to = envelope["rcpt_to"]
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .filter_map(|r| r.as_str().map(str::to_owned))
                            .collect()
                    })
                    .unwrap_or_default();
                Ok(SmtpMessage {
                    mail_from,
                    rcpt_to,
                    data,
                })
            })
            .collect()
    }

    /// The raw bytes of every message the SMTP server accepted, in arrival order (an
    /// unreadable store reads as empty; use [`MailServer::smtp_messages`] for errors and
    /// envelopes).
    pub fn smtp_received(&self) -> Vec<Vec<u8>> {
        self.smtp_messages()
            .map(|all| all.into_iter().map(|m| m.data).collect())
            .unwrap_or_default()
    }
}
