//! `bench-mail`: Hearth's IMAP sync against mbsync (isync) on the same loopback Dovecot
//! mailbox over IMAPS: an initial sync of 10,000 generated messages and an incremental
//! sync of +100, each tool starting from nothing, three runs each, medians printed.
//! mbsync only copies files into a Maildir; Hearth also parses, links contacts, threads,
//! compresses the raw message and indexes it for search.
//!
//! `./dev bench mail` builds the release `hearth` and runs this; or
//! `cargo run -p hearth-e2e --bin bench-mail -- target/release/hearth [messages]`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use hearth_e2e::corpus;
use hearth_e2e::{MailServer, SecretService};

const RUNS: usize = 3;

fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let hearth = PathBuf::from(
        args.next()
            .unwrap_or_else(|| "target/release/hearth".into()),
    );
    let count: usize = args
        .next()
        .map(|n| n.parse())
        .transpose()?
        .unwrap_or(10_000);
    if !hearth.is_file() {
        bail!(
            "{} is missing: cargo build --release -p hearth-cli",
            hearth.display()
        );
    }
    let keyring = SecretService::start()?;
    let generated = corpus::mailbox(count, 2026);
    let bytes: usize = generated.iter().map(|g| g.raw.len()).sum();
    println!(
        "mailbox: {count} messages ({:.1} MiB) in INBOX and Sent, Dovecot on 127.0.0.1 over IMAPS",
        bytes as f64 / 1048576.0
    );
    // Both tools write to the same filesystem.
    let scratch = tempfile::Builder::new()
        .prefix("hearth-bench-")
        .tempdir_in(scratch_root())?;
    let extra = corpus::mailbox(100, 4242);

    let mut hearth_initial = Vec::new();
    let mut hearth_incremental = Vec::new();
    let mut mbsync_initial = Vec::new();
    let mut mbsync_incremental = Vec::new();
    for run in 0..RUNS {
        // A fresh server per run, so every run starts from the same mailbox.
        let server = MailServer::start()?;
        for folder in ["INBOX", "Sent"] {
            server.deliver_many(
                folder,
                generated
                    .iter()
                    .filter(|g| g.folder == folder)
                    .map(|g| &g.raw),
            )?;
        }
        let data = scratch.path().join(format!("hearth-{run}"));
        let local = scratch.path().join(format!("mbsync-{run}"));
        std::fs::create_dir_all(&data)?;
        std::fs::create_dir_all(&local)?;
        let h = Hearth::new(&hearth, &data, &keyring, &server)?;
        hearth_initial.push(h.sync()?);
        let config = scratch.path().join(format!("mbsyncrc-{run}"));
        std::fs::write(&config, server.mbsync_config(&local))?;
        mbsync_initial.push(mbsync(&config)?);
        // +100 new messages: both tools see the same new UIDs.
        server.deliver_many("INBOX", extra.iter().map(|g| &g.raw))?;
        hearth_incremental.push(h.sync()?);
        mbsync_incremental.push(mbsync(&config)?);
        let stored = h.stored()?;
        eprintln!("run {run}: hearth stored {stored} messages");
    }
    let total_initial = count;
    println!();
    println!("| sync | Hearth | mbsync | Hearth msg/s | mbsync msg/s | Hearth / mbsync rate |");
    println!("|---|---|---|---|---|---|");
    row(
        "initial",
        total_initial,
        &mut hearth_initial,
        &mut mbsync_initial,
    );
    row(
        "incremental +100",
        100,
        &mut hearth_incremental,
        &mut mbsync_incremental,
    );
    Ok(())
}

fn scratch_root() -> PathBuf {
    let shm = Path::new("/dev/shm");
    if shm.is_dir() {
        shm.to_path_buf()
    } else {
        std::env::temp_dir()
    }
}

fn median(times: &mut [Duration]) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn row(name: &str, messages: usize, hearth: &mut [Duration], mbsync: &mut [Duration]) {
    let (h, m) = (median(hearth), median(mbsync));
    let rate = |d: Duration| messages as f64 / d.as_secs_f64();
    println!(
        "| {name} | {:.3} s | {:.3} s | {:.0} | {:.0} | {:.2}x |",
        h.as_secs_f64(),
        m.as_secs_f64(),
        rate(h),
        rate(m),
        rate(h) / rate(m)
    );
}

struct Hearth<'a> {
    bin: &'a Path,
    data: PathBuf,
    keyring: &'a SecretService,
}

impl<'a> Hearth<'a> {
    fn new(
        bin: &'a Path,
        data: &Path,
        keyring: &'a SecretService,
        server: &MailServer,
    ) -> Result<Hearth<'a>> {
        let h = Hearth {
            bin,
            data: data.to_path_buf(),
            keyring,
        };
        h.run(&["business", "new", "Bench"], None)?;
        let port = server.imaps_port.to_string();
        let ca = server.ca_pem.display().to_string();
        h.run(
            &[
                "mail",
                "add-account",
                "--name",
                "bench",
                "--host",
                "localhost",
                "--port",
                &port,
                "--security",
                "tls",
                "--ca-file",
                &ca,
                "--user",
                &server.user,
                "--address",
                corpus::OWNER,
                "--password-stdin",
            ],
            Some(&server.password),
        )?;
        Ok(h)
    }

    fn run(&self, args: &[&str], stdin: Option<&str>) -> Result<String> {
        let mut child = Command::new(self.bin)
            .args(args)
            .env("HEARTH_DATA_DIR", &self.data)
            .env_remove("HEARTH_BUSINESS")
            .envs(self.keyring.env())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()?;
        if let Some(mut input) = child.stdin.take() {
            input.write_all(stdin.unwrap_or_default().as_bytes())?;
        }
        let out = child.wait_with_output()?;
        if std::env::var_os("HEARTH_LOG").is_some() {
            // Profiling: show Hearth's own log (e.g. HEARTH_LOG=hearth_core::mail=debug).
            eprint!("{}", String::from_utf8_lossy(&out.stderr));
        }
        if !out.status.success() {
            bail!("hearth {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    }

    fn sync(&self) -> Result<Duration> {
        let started = Instant::now();
        let out = self.run(&["mail", "sync"], None)?;
        let took = started.elapsed();
        eprint!("{out}");
        Ok(took)
    }

    fn stored(&self) -> Result<String> {
        let out = self.run(&["--json", "mail", "accounts"], None)?;
        let v: serde_json::Value = serde_json::from_str(&out)?;
        Ok(v["folders"]
            .as_array()
            .map(|f| {
                f.iter()
                    .map(|f| format!("{}={}", f["name"], f["stored"]))
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .unwrap_or_default())
    }
}

fn mbsync(config: &Path) -> Result<Duration> {
    let started = Instant::now();
    let out = Command::new("mbsync")
        .arg("-c")
        .arg(config)
        .arg("-a")
        .arg("-q")
        .output()
        .context("run mbsync (apt-get install isync)")?;
    let took = started.elapsed();
    if !out.status.success() {
        bail!("mbsync: {}", String::from_utf8_lossy(&out.stderr));
    }
    Ok(took)
}
