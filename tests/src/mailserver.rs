//! A real mail server for one test: Dovecot 2.3 (IMAP on one port, IMAPS on another, one
//! account in a Maildir) and an aiosmtpd SMTP server (`support/smtpd.py`) that delivers into
//! the same Maildir, so a message sent over SMTP can be read back over IMAP. Both listen on
//! 127.0.0.1 only, on free ports; everything lives in a temp folder (on /dev/shm, else
//! /tmp) and is killed and removed on drop. The system-wide Dovecot is never touched: ours
//! has its own config, base_dir (sockets, pid), state_dir and log file.
//!
//! Why real servers and not mocks: the client under test has to cope with what servers
//! actually send (CRLF, literals, SPECIAL-USE, UIDVALIDITY changes, IDLE, AUTH refusals).
//!
//! Requirements (see [`MailServer::start`]): `dovecot-imapd`, `openssl`, `python3` with
//! `aiosmtpd` 1.4.x; `isync` for [`MailServer::mbsync_config`]. Run as root (CI does): Dovecot
//! will not serve mail as uid 0, so the Maildir belongs to `nobody`, and the files written by
//! [`MailServer::deliver`] and the SMTP server are handed to `nobody` too.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

use anyhow::{bail, Context, Result};

use crate::imap_probe::ImapProbe;
use crate::maildir::Maildir;
use crate::process::{free_port, log_tail, random_hex, wait_for_greeting, ChildGuard};
use crate::testca::TestCa;

mod dovecot;
mod smtp;

pub use smtp::SmtpMessage;

use dovecot::{dovecot_config, mail_user, ConfigInput};

const START_TIMEOUT: Duration = Duration::from_secs(10);

/// Dovecot + SMTP for one test; see the module docs.
pub struct MailServer {
    /// The account's login name (also its address): `owner@example.test`.
    pub user: String,
    /// The account's password, random per server.
    pub password: String,
    /// Always `127.0.0.1`.
    pub host: String,
    /// Plain IMAP (STARTTLS offered, not required; LOGIN allowed without TLS).
    pub imap_port: u16,
    /// IMAP over TLS, certificate for `localhost` and `127.0.0.1` signed by `ca_pem`.
    pub imaps_port: u16,
    /// SMTP with required AUTH PLAIN/LOGIN, no TLS.
    pub smtp_port: u16,
    /// The CA to trust for IMAPS.
    pub ca_pem: PathBuf,
    /// A CA that signed nothing: trusting only it must make the TLS handshake fail.
    pub untrusted_ca_pem: PathBuf,
    /// How long [`MailServer::start`] took (certificates, Dovecot, SMTP).
    pub startup: Duration,
    dir: tempfile::TempDir,
    maildir: Maildir,
    mail_owner: (u32, u32),
    dovecot: ChildGuard,
    smtp: Mutex<Option<ChildGuard>>,
}

impl MailServer {
    /// Starts Dovecot and the SMTP server and waits until both greet (`* OK`, `220`);
    /// takes about half a second. Blocking: from async tests call it directly (it is short)
    /// or through `spawn_blocking`.
    pub fn start() -> Result<MailServer> {
        let started = Instant::now();
        let user = mail_user()?;
        // Mode 0755 under a 1777 parent: Dovecot's unprivileged processes need o+x on every
        // parent (a 0700 parent gives "Temporary authentication failure").
        let base = base_dir();
        let dir = tempfile::Builder::new()
            .prefix("hearth-mail-")
            .tempdir_in(base)
            .with_context(|| format!("cannot create a temp folder in {base}"))?;
        set_mode(dir.path(), 0o755)?;
        let root = dir.path().to_path_buf();

        let ca = TestCa::generate(&root.join("tls"))?;
        let maildir = Maildir::create(root.join("Maildir"), (user.uid, user.gid))?;
        let home = root.join("home");
        std::fs::create_dir(&home)?;
        std::os::unix::fs::chown(&home, Some(user.uid), Some(user.gid))?;

        let name = "owner@example.test".to_owned();
        let password = random_hex(12)?;
        std::fs::write(
            root.join("passwd"),
            format!("{name}:{{PLAIN}}{password}::::::\n"),
        )?;

        let imap_port = free_port()?;
        let imaps_port = free_port()?;
        let smtp_port = free_port()?;
        let config = root.join("dovecot.conf");
        std::fs::write(
            &config,
            dovecot_config(&ConfigInput {
                dir: &root,
                maildir: &maildir.root,
                imap_port,
                imaps_port,
                ca: &ca,
                user: &user,
            }),
        )?;

        let dovecot_out = std::fs::File::create(root.join("dovecot.stderr"))?;
        let mut dovecot = ChildGuard::new(
            // /usr/sbin may not be on a non-login PATH.
            Command::new(if Path::new("/usr/sbin/dovecot").exists() {
                "/usr/sbin/dovecot"
            } else {
                "dovecot"
            })
            .arg("-F")
            .arg("-c")
            .arg(&config)
            .stdin(Stdio::null())
            .stdout(dovecot_out.try_clone()?)
            .stderr(dovecot_out)
            .spawn()
            .context("cannot start dovecot: apt-get install dovecot-imapd")?,
        );
        let logs = {
            let root = root.clone();
            move || {
                format!(
                    "{}\n{}",
                    log_tail(&root.join("dovecot.stderr"), 20),
                    log_tail(&root.join("dovecot.log"), 40)
                )
            }
        };
        wait_for_greeting(
            imap_port,
            Some("* OK"),
            &mut dovecot,
            START_TIMEOUT,
            "dovecot",
            &logs,
        )?;
        wait_for_greeting(
            imaps_port,
            None,
            &mut dovecot,
            START_TIMEOUT,
            "dovecot",
            &logs,
        )?;

        let mut server = MailServer {
            user: name,
            password,
            host: "127.0.0.1".to_owned(),
            imap_port,
            imaps_port,
            smtp_port,
            ca_pem: ca.ca_pem,
            untrusted_ca_pem: ca.untrusted_ca_pem,
            startup: Duration::ZERO,
            dir,
            maildir,
            mail_owner: (user.uid, user.gid),
            dovecot,
            smtp: Mutex::new(None),
        };
        // A port found free can be taken before Python binds it (by another test's
        // outgoing connection): on "address already in use", try another one.
        let mut tries = 0;
        loop {
            match server.start_smtp() {
                Ok(()) => break,
                Err(e) if tries < 5 && format!("{e:#}").contains("address already in use") => {
                    tries += 1;
                    server.smtp_port = free_port()?;
                }
                Err(e) => return Err(e),
            }
        }
        server.startup = started.elapsed();
        Ok(server)
    }

    /// The temp folder holding everything (config, logs, Maildir, certificates).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The account's Maildir (INBOX at its root, `.Sent/` etc. beside).
    pub fn maildir(&self) -> &Path {
        &self.maildir.root
    }

    /// The last lines of Dovecot's log, for error messages.
    pub fn imap_log_tail(&self) -> String {
        log_tail(&self.dir().join("dovecot.log"), 40)
    }

    /// A logged-in [`ImapProbe`] on the plain IMAP port.
    pub fn probe(&self) -> Result<ImapProbe> {
        ImapProbe::login(self.imap_port, &self.user, &self.password)
            .with_context(|| self.imap_log_tail())
    }

    /// Writes one message into `folder` ("INBOX", "Sent", "Archive/2024"...), creating the
    /// folder if needed. Dovecot sees it on the next sync (SELECT, NOOP, STATUS); an IDLE
    /// session gets `* N EXISTS` about 0.5 s later (inotify plus Dovecot's batching delay).
    pub fn deliver(&self, folder: &str, raw: &[u8]) -> Result<()> {
        self.maildir.deliver_many(folder, [raw], None).map(|_| ())
    }

    /// As [`MailServer::deliver`], with INTERNALDATE (the file's mtime) set to `when`.
    pub fn deliver_at(&self, folder: &str, raw: &[u8], when: SystemTime) -> Result<()> {
        self.maildir
            .deliver_many(folder, [raw], Some(when))
            .map(|_| ())
    }

    /// Writes many messages into `folder` (10,000 small ones: about 0.2 s on tmpfs, 4 s
    /// on this machine's disk; Dovecot's first SELECT then indexes them in about 0.2 s).
    /// UIDs follow the iteration order. Returns how many were written.
    pub fn deliver_many<I, M>(&self, folder: &str, messages: I) -> Result<usize>
    where
        I: IntoIterator<Item = M>,
        M: AsRef<[u8]>,
    {
        self.maildir.deliver_many(folder, messages, None)
    }

    /// Makes Dovecot give `folder` a new UIDVALIDITY while it keeps running: deletes the
    /// folder's `dovecot-uidlist` and `dovecot.index*`. On its next open Dovecot rebuilds
    /// them from the files, takes a fresh UIDVALIDITY from its per-account counter
    /// (`dovecot-uidvalidity`, so strictly greater than any it handed out before, even
    /// within the same second) and numbers the same messages again from UID 1. Sessions
    /// that have the folder selected at that moment should be closed first, or expect the
    /// server to drop them.
    pub fn reset_uidvalidity(&self, folder: &str) -> Result<()> {
        self.maildir.forget_uids(folder)
    }

    /// An isync/mbsync config that pulls every folder of this account over IMAPS into
    /// `local_maildir`, which must exist (channel `hearth`: `mbsync -c FILE -a`). Host
    /// `localhost`, because mbsync cannot verify a certificate for an IP address; `FSync no`
    /// to compare like for like with a store that does not fsync each message.
    pub fn mbsync_config(&self, local_maildir: &Path) -> String {
        let local = local_maildir.display();
        format!(
            "FSync no\n\
             \n\
             IMAPAccount hearth\n\
             Host localhost\n\
             Port {port}\n\
             User {user}\n\
             Pass {password}\n\
             SSLType IMAPS\n\
             CertificateFile {ca}\n\
             \n\
             IMAPStore hearth-remote\n\
             Account hearth\n\
             \n\
             MaildirStore hearth-local\n\
             Path {local}/\n\
             Inbox {local}/INBOX\n\
             SubFolders Verbatim\n\
             \n\
             Channel hearth\n\
             Far :hearth-remote:\n\
             Near :hearth-local:\n\
             Patterns *\n\
             Create Near\n\
             Sync Pull\n\
             SyncState *\n",
            port = self.imaps_port,
            user = self.user,
            password = self.password,
            ca = self.ca_pem.display(),
        )
    }
}

/// Where the server's folder goes: tmpfs (`/dev/shm`) when there is one, else `/tmp`.
/// Creating a file on this machine's ext4 costs ~0.4 ms, on tmpfs ~13 µs: 10,000
/// deliveries take 3.8 s against 0.15 s. A benchmark comparing clients should put their
/// local stores on the same filesystem as each other, whatever this one is.
fn base_dir() -> &'static str {
    let shm = Path::new("/dev/shm");
    let usable = std::fs::metadata(shm)
        .map(|m| m.is_dir() && !m.permissions().readonly())
        .unwrap_or(false);
    if usable {
        "/dev/shm"
    } else {
        "/tmp"
    }
}

fn set_mode(path: &Path, mode: u32) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
        .with_context(|| format!("cannot chmod {}", path.display()))
}

impl Drop for MailServer {
    fn drop(&mut self) {
        self.stop_smtp();
        self.dovecot.stop();
        // Then `dir` (a TempDir) removes everything.
    }
}

/// Polls `check` every 20 ms and fails if it is still false after `timeout`; for tests
/// that wait on the server (a delivery to show up, a port to close).
pub fn wait_until(what: &str, timeout: Duration, mut check: impl FnMut() -> bool) -> Result<()> {
    let started = Instant::now();
    while !check() {
        if started.elapsed() > timeout {
            bail!("{what}: not within {timeout:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    Ok(())
}
