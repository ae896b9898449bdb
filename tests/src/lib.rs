//! Support for the end-to-end tests: the built binaries, throwaway data folders, and a
//! real desktop session (Xvfb, a private D-Bus session bus, tauri-driver with WebKitGTK's
//! WebKitWebDriver) driving the real app, real mail servers (Dovecot IMAP/IMAPS and an
//! aiosmtpd SMTP server sharing one Maildir), a private Secret Service keyring and a
//! stand-in notification daemon.
//! Everything listens on 127.0.0.1 or a private display/bus and is killed when the test ends.

mod bus;
pub mod corpus;
pub mod desk;
pub mod desktop;
pub mod imap_probe;
pub mod keyring;
mod maildir;
pub mod mailserver;
pub mod notifications;
mod process;
pub mod testca;

pub use desk::Desk;
pub use imap_probe::{ImapProbe, Selected};
pub use keyring::SecretService;
pub use mailserver::{wait_until, MailServer, SmtpMessage};
pub use notifications::{NotificationServer, Recorded};

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// Cargo's target folder, honouring `CARGO_TARGET_DIR`.
pub fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => {
            let dir = PathBuf::from(dir);
            if dir.is_absolute() {
                dir
            } else {
                workspace_root().join(dir)
            }
        }
        None => workspace_root().join("target"),
    }
}

/// A binary built by `cargo build` in the debug profile; the README's test command builds
/// them before the tests run.
pub fn binary(name: &str) -> PathBuf {
    // The desktop benchmark runs the release build (HEARTH_E2E_PROFILE=release).
    let profile = std::env::var("HEARTH_E2E_PROFILE").unwrap_or_else(|_| "debug".into());
    let path = target_dir().join(profile).join(name);
    assert!(
        path.is_file(),
        "{} is missing: build it first (scripts/build-ui.sh && cargo build -p hearth-desktop -p hearth-cli), \
         or run the README's test command",
        path.display()
    );
    path
}

/// Runs the `hearth` CLI on a data folder.
pub fn hearth(data_dir: &Path, args: &[&str]) -> Output {
    hearth_command(data_dir)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run hearth: {e}"))
}

/// Runs the `hearth` CLI on a data folder; it must succeed. Its stdout.
pub fn hearth_ok(data_dir: &Path, args: &[&str]) -> String {
    let out = hearth(data_dir, args);
    assert!(
        out.status.success(),
        "hearth {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("hearth writes UTF-8")
}

/// The `hearth` command on `data_dir`, for a test that runs it its own way.
pub fn hearth_command(data_dir: &Path) -> Command {
    let mut command = Command::new(binary("hearth"));
    command
        .env("HEARTH_DATA_DIR", data_dir)
        // A folder chosen with `hearth business folder` stays in the test's own folder,
        // never in the user's ~/.config.
        .env("HEARTH_CONFIG_DIR", data_dir.join(".config"))
        .env_remove("HEARTH_BUSINESS");
    command
}

/// Where the tests save screenshots for people to look at.
pub fn screenshot_dir() -> PathBuf {
    let dir = target_dir().join("screenshots");
    let _ = std::fs::create_dir_all(&dir);
    dir
}

/// Registers a business named `name` in `data_dir` and fills it with a demo of the given
/// size, dated to a fixed day so every run sees the same history.
pub async fn demo_business(
    data_dir: &Path,
    name: &str,
    contacts: u32,
    interactions: u32,
    seed: u64,
) -> hearth_core::Store {
    let (_, store) = hearth_core::Registry::at(data_dir)
        .create(name)
        .await
        .expect("create a business");
    let options = hearth_core::demo::DemoOptions {
        contacts,
        interactions,
        seed,
        as_of: 1_763_683_200_000,
    };
    hearth_core::demo::seed(&store, &options, |_, _| {})
        .await
        .expect("seed the demo");
    store
}
