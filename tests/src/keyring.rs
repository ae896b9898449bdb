//! A private Secret Service (the freedesktop keyring API) for one test: its own
//! `dbus-daemon` session bus and a `gnome-keyring-daemon` serving only the `secrets`
//! component, with its keyring files in a temp folder. The `hearth` binary under test gets
//! [`SecretService::env`] and stores its mail passwords there (the `keyring` crate with
//! `sync-secret-service`), never in the desktop keyring of whoever runs the tests.
//!
//! The bus ([`crate::bus`]) has no service directories: on a standard session bus, the
//! first call to `org.freedesktop.secrets` before our daemon has claimed the name makes
//! dbus-daemon *activate* a second gnome-keyring-daemon (with the real
//! `~/.local/share/keyrings` and no unlocked collection), which then wins the name. Here
//! nothing is ever activated.
//!
//! `--unlock` with the password on stdin makes gnome-keyring create a `login` collection,
//! unlock it and point the `default` alias at it, which is where keyring 3 and `secret-tool`
//! write; [`SecretService::start`] waits until that alias resolves.
//! Needs `dbus` (dbus-daemon, dbus-send) and `gnome-keyring`; `libsecret-tools` for
//! [`SecretService::secret_tool`].

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

use crate::process::{log_tail, random_hex, ChildGuard};

/// The running bus + keyring; dropping it stops both and removes the folder.
pub struct SecretService {
    address: String,
    /// The login keyring's password.
    pub password: String,
    dir: tempfile::TempDir,
    // Dropped in this order: keyring before the bus it is connected to.
    _keyring: ChildGuard,
    _bus: ChildGuard,
}

impl SecretService {
    /// Starts the bus and the keyring and waits until the default collection is there
    /// (about 40 ms).
    pub fn start() -> Result<SecretService> {
        let dir = tempfile::Builder::new()
            .prefix("hearth-keyring-")
            .tempdir()
            .context("cannot create a temp folder")?;
        let data = dir.path().join("data");
        let runtime = dir.path().join("runtime");
        std::fs::create_dir(&data)?;
        std::fs::create_dir(&runtime)?;
        std::fs::set_permissions(
            &runtime,
            std::os::unix::fs::PermissionsExt::from_mode(0o700),
        )?;

        // The socket goes in our folder, so nothing is left in /tmp even after SIGKILL.
        let (bus, address) = crate::bus::start(
            dir.path(),
            &[("XDG_DATA_HOME", &data), ("XDG_RUNTIME_DIR", &runtime)],
        )?;

        let password = random_hex(8)?;
        let log_path = dir.path().join("gnome-keyring.log");
        let log = std::fs::File::create(&log_path)?;
        let mut keyring = ChildGuard::new(
            Command::new("gnome-keyring-daemon")
                .args(["--foreground", "--unlock", "--components=secrets"])
                .env("DBUS_SESSION_BUS_ADDRESS", &address)
                .env("XDG_DATA_HOME", &data)
                .env("XDG_RUNTIME_DIR", &runtime)
                .stdin(Stdio::piped())
                .stdout(log.try_clone()?)
                .stderr(log)
                .spawn()
                .context("cannot start gnome-keyring-daemon: apt-get install gnome-keyring")?,
        );
        {
            // --unlock reads the password until EOF: write it and close stdin.
            let mut stdin = keyring.child.stdin.take().context("no stdin")?;
            stdin.write_all(password.as_bytes())?;
        }

        let mut service = SecretService {
            address,
            password,
            dir,
            _keyring: keyring,
            _bus: bus,
        };
        service.wait_for_default_collection(&log_path)?;
        Ok(service)
    }

    /// Polls `ReadAlias("default")` until it names a collection: fails (ServiceUnknown)
    /// until the daemon owns its name, may answer "/" while it is still setting up.
    fn wait_for_default_collection(&mut self, log_path: &Path) -> Result<()> {
        let started = Instant::now();
        let mut last = String::new();
        while started.elapsed() < Duration::from_secs(10) {
            if let Some(status) = self._keyring.exited() {
                bail!(
                    "gnome-keyring-daemon exited ({status})\n{}",
                    log_tail(log_path, 20)
                );
            }
            let out = Command::new("dbus-send")
                .args([
                    "--session",
                    "--print-reply",
                    "--dest=org.freedesktop.secrets",
                ])
                .args([
                    "/org/freedesktop/secrets",
                    "org.freedesktop.Secret.Service.ReadAlias",
                ])
                .arg("string:default")
                .envs(self.env())
                .output()
                .context("cannot run dbus-send: apt-get install dbus")?;
            last = String::from_utf8_lossy(&out.stdout).into_owned()
                + &String::from_utf8_lossy(&out.stderr);
            if out.status.success() && last.contains("/org/freedesktop/secrets/collection/") {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(25));
        }
        bail!(
            "the keyring never got a default collection ({})\n{}",
            last.trim(),
            log_tail(log_path, 20)
        )
    }

    /// The variables a child process needs to use this keyring:
    /// `DBUS_SESSION_BUS_ADDRESS`, `XDG_DATA_HOME`, `XDG_RUNTIME_DIR`.
    pub fn env(&self) -> Vec<(String, String)> {
        let path = |p: &str| self.dir.path().join(p).display().to_string();
        vec![
            ("DBUS_SESSION_BUS_ADDRESS".into(), self.address.clone()),
            ("XDG_DATA_HOME".into(), path("data")),
            ("XDG_RUNTIME_DIR".into(), path("runtime")),
        ]
    }

    /// Runs `secret-tool ARGS` against this keyring, `stdin` piped in (the secret for
    /// `store`).
    pub fn secret_tool(&self, args: &[&str], stdin: &[u8]) -> Result<Output> {
        let mut child = Command::new("secret-tool")
            .args(args)
            .envs(self.env())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .context("cannot run secret-tool: apt-get install libsecret-tools")?;
        child.stdin.take().context("no stdin")?.write_all(stdin)?;
        Ok(child.wait_with_output()?)
    }
}
