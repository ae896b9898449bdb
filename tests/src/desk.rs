//! A user's desk for the CLI tests: a throwaway data folder with one business ("Shop"), a
//! private Secret Service keyring, and helpers to run the real `hearth` binary and read the
//! business file back with the `sqlite3` shell.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use crate::corpus::OWNER;
use crate::{MailServer, SecretService};

pub struct Desk {
    pub data: tempfile::TempDir,
    pub keyring: SecretService,
}

impl Desk {
    /// A new data folder holding the business "Shop", and a keyring.
    pub fn new() -> Desk {
        let desk = Desk {
            data: tempfile::tempdir().expect("a temp dir"),
            keyring: SecretService::start().expect("a Secret Service"),
        };
        desk.ok(&["business", "new", "Shop"], None);
        desk
    }

    /// `hearth ARGS` on this desk, not yet started.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = crate::hearth_command(self.data.path());
        cmd.args(args).envs(self.keyring.env());
        cmd
    }

    /// Runs `hearth ARGS` with `stdin` and waits for it.
    pub fn run(&self, args: &[&str], stdin: Option<&str>) -> Output {
        let mut child = self
            .command(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run hearth");
        if let Some(mut input) = child.stdin.take() {
            input
                .write_all(stdin.unwrap_or_default().as_bytes())
                .expect("write stdin");
        }
        child.wait_with_output().expect("wait for hearth")
    }

    /// Runs a command that must succeed; its stdout.
    pub fn ok(&self, args: &[&str], stdin: Option<&str>) -> String {
        let out = self.run(args, stdin);
        assert!(
            out.status.success(),
            "hearth {args:?} failed: {}{}",
            String::from_utf8_lossy(&out.stderr),
            String::from_utf8_lossy(&out.stdout)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Runs a command that must fail with `code`; its stderr.
    pub fn fails(&self, args: &[&str], stdin: Option<&str>, code: i32) -> String {
        let out = self.run(args, stdin);
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(out.status.code(), Some(code), "hearth {args:?}: {stderr}");
        assert!(stderr.contains("error:"), "a clear message: {stderr}");
        stderr
    }

    /// Adds `server`'s account as `name` over plain IMAP on loopback `port` (the server's,
    /// or a proxy's), with its SMTP server, plus any `extra` arguments.
    pub fn add_account(&self, server: &MailServer, name: &str, port: u16, extra: &[&str]) {
        let port = port.to_string();
        let smtp_port = server.smtp_port.to_string();
        let mut args = vec![
            "mail",
            "add-account",
            "--name",
            name,
            "--host",
            "127.0.0.1",
            "--port",
            &port,
            "--security",
            "plain",
            "--user",
            &server.user,
            "--address",
            OWNER,
            "--address",
            &server.user,
            "--smtp-host",
            "127.0.0.1",
            "--smtp-port",
            &smtp_port,
            "--smtp-security",
            "plain",
            "--password-stdin",
        ];
        args.extend_from_slice(extra);
        self.ok(&args, Some(&server.password));
    }

    /// Sets VAPI and Telnyx up against the stand-in `sim`, plus any `extra` arguments.
    pub fn connect_sim(&self, sim: &hearth_provider_sim::Sim, extra: &[&str]) {
        let vapi = sim.vapi_base();
        let assistant = sim.our_vapi_assistant_id();
        let number_id = sim.our_vapi_phone_number_id();
        let mut args = vec![
            "provider",
            "set",
            "vapi",
            "--base-url",
            &vapi,
            "--assistant-id",
            &assistant,
            "--phone-number-id",
            &number_id,
            "--key-stdin",
        ];
        args.extend_from_slice(extra);
        self.ok(&args, Some("sim-vapi-key\n"));
        let telnyx = sim.telnyx_base();
        let from = sim.our_telnyx_number();
        let mut args = vec![
            "provider",
            "set",
            "telnyx",
            "--base-url",
            &telnyx,
            "--from-number",
            &from,
            "--key-stdin",
        ];
        args.extend_from_slice(extra);
        self.ok(&args, Some("sim-telnyx-key\n"));
    }

    /// The business file.
    pub fn db(&self) -> PathBuf {
        let dir = self.data.path().join("businesses");
        std::fs::read_dir(&dir)
            .expect("the businesses folder")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .find(|p| p.extension().is_some_and(|x| x == "sqlite"))
            .unwrap_or_else(|| panic!("no business file in {}", dir.display()))
    }

    /// One query through the `sqlite3` shell; its output, trimmed.
    pub fn sql(&self, query: &str) -> String {
        let out = Command::new("sqlite3")
            .arg(self.db())
            .arg(query)
            .output()
            .expect("run sqlite3");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    }

    /// The keys of every stored message.
    pub fn stored_keys(&self) -> std::collections::HashSet<String> {
        self.sql("SELECT message_key FROM mail_messages")
            .lines()
            .map(str::to_owned)
            .collect()
    }

    /// Runs `hearth mail sync`, which must succeed.
    pub fn sync(&self) -> String {
        self.ok(&["mail", "sync"], None)
    }

    /// A `SELECT COUNT(*)`-like query's number.
    pub fn count(&self, query: &str) -> usize {
        let out = self.sql(query);
        out.parse()
            .unwrap_or_else(|_| panic!("{query} gave {out:?}"))
    }
}

impl Default for Desk {
    fn default() -> Self {
        Desk::new()
    }
}
