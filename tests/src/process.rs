//! Process plumbing shared by the real-server harnesses ([`crate::mailserver`],
//! [`crate::keyring`]): a child killed on drop, free loopback ports, waiting for a server's
//! greeting, running a helper command to completion, and reading log tails for error
//! messages. Nothing here opens a socket anywhere but 127.0.0.1.

use std::io::{BufRead, BufReader, Read};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

/// A child process stopped when dropped: SIGTERM first (Dovecot then stops its own
/// children; dbus-daemon removes its socket), SIGKILL if it is still there after 5 s.
pub(crate) struct ChildGuard {
    pub(crate) child: Child,
}

impl ChildGuard {
    pub(crate) fn new(child: Child) -> ChildGuard {
        ChildGuard { child }
    }

    /// Stops the process and reaps it.
    pub(crate) fn stop(&mut self) {
        if let Ok(Some(_)) = self.child.try_wait() {
            return;
        }
        // `kill` the command: the crate forbids unsafe code, so no libc::kill.
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(5) {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// `Some(status)` when the process has already exited.
    pub(crate) fn exited(&mut self) -> Option<std::process::ExitStatus> {
        self.child.try_wait().ok().flatten()
    }
}

impl Drop for ChildGuard {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A port that was free on 127.0.0.1 a moment ago (bound, read, released).
pub(crate) fn free_port() -> Result<u16> {
    let listener =
        TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).context("cannot bind 127.0.0.1:0")?;
    Ok(listener.local_addr()?.port())
}

/// Waits until `127.0.0.1:port` accepts a connection whose first line starts with
/// `greeting` ("* OK", "220"; `None` for TLS ports: accepting is enough). Fails early if `child` exits, and after `timeout`; the error
/// carries `log_tail()`.
pub(crate) fn wait_for_greeting(
    port: u16,
    greeting: Option<&str>,
    child: &mut ChildGuard,
    timeout: Duration,
    what: &str,
    log_tail: &dyn Fn() -> String,
) -> Result<()> {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let started = Instant::now();
    let mut last = String::from("no connection yet");
    while started.elapsed() < timeout {
        if let Some(status) = child.exited() {
            bail!(
                "{what} exited ({status}) before listening on {addr}\n{}",
                log_tail()
            );
        }
        match TcpStream::connect_timeout(&addr, Duration::from_millis(500)) {
            Ok(_) if greeting.is_none() => return Ok(()),
            Ok(stream) => {
                let greeting = greeting.unwrap_or_default();
                stream.set_read_timeout(Some(Duration::from_secs(2)))?;
                let mut line = String::new();
                match BufReader::new(stream).read_line(&mut line) {
                    Ok(_) if line.starts_with(greeting) => return Ok(()),
                    Ok(_) => last = format!("greeting {line:?}"),
                    Err(e) => last = format!("reading the greeting: {e}"),
                }
            }
            Err(e) => last = e.to_string(),
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    bail!(
        "{what} did not answer on {addr} within {timeout:?} ({last})\n{}",
        log_tail()
    )
}

/// Runs a helper command to completion; the error names it and carries its stderr.
pub(crate) fn run(command: &mut Command) -> Result<()> {
    let output = command
        .output()
        .with_context(|| format!("cannot run {command:?}: is it installed?"))?;
    if !output.status.success() {
        bail!(
            "{command:?} failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(())
}

/// The last `lines` lines of a log file, or a note that it cannot be read.
pub(crate) fn log_tail(path: &Path, lines: usize) -> String {
    match std::fs::read(path) {
        Ok(bytes) => {
            let text = String::from_utf8_lossy(&bytes);
            let all: Vec<&str> = text.lines().collect();
            let from = all.len().saturating_sub(lines);
            format!(
                "--- {} (tail) ---\n{}",
                path.display(),
                all[from..].join("\n")
            )
        }
        Err(e) => format!("--- {}: {e} ---", path.display()),
    }
}

/// `bytes` random bytes from the kernel, as lowercase hex.
pub(crate) fn random_hex(bytes: usize) -> Result<String> {
    let mut buf = vec![0u8; bytes];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut buf))
        .context("cannot read /dev/urandom")?;
    Ok(buf.iter().map(|b| format!("{b:02x}")).collect())
}

/// The effective uid of this process (the owner of `/proc/self`).
pub(crate) fn current_uid() -> Result<u32> {
    Ok(std::fs::metadata("/proc/self")
        .context("cannot read /proc/self")?
        .uid())
}

/// A user from /etc/passwd, by name or by uid: (name, uid, gid).
pub(crate) fn passwd_entry(matches: impl Fn(&str, u32) -> bool) -> Result<(String, u32, u32)> {
    let passwd = std::fs::read_to_string("/etc/passwd").context("cannot read /etc/passwd")?;
    for line in passwd.lines() {
        let fields: Vec<&str> = line.split(':').collect();
        if fields.len() < 4 {
            continue;
        }
        let (Ok(uid), Ok(gid)) = (fields[2].parse::<u32>(), fields[3].parse::<u32>()) else {
            continue;
        };
        if matches(fields[0], uid) {
            return Ok((fields[0].to_owned(), uid, gid));
        }
    }
    bail!("no such user in /etc/passwd")
}
