//! A real desktop session for one test: Xvfb on a free display, a private session bus,
//! tauri-driver on free loopback ports, and a WebDriver client connected to the app.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

use crate::{binary, screenshot_dir};

/// A child process killed when dropped.
struct Guard(Child);

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The app under WebDriver. Drop order: client first (closes the app), then the driver,
/// the bus and the display.
pub struct Desktop {
    pub client: Client,
    /// The app's log (its stderr, through tauri-driver), one file per app.
    log: std::path::PathBuf,
    _driver: Guard,
    _bus: Guard,
    _display: Guard,
}

impl Drop for Desktop {
    /// A failing test shows the end of the app's log (core warnings, failed database
    /// calls, a panic of the page's code) beside its own message; a passing one removes it.
    fn drop(&mut self) {
        if std::thread::panicking() {
            let text = std::fs::read_to_string(&self.log).unwrap_or_default();
            let lines: Vec<&str> = text.lines().collect();
            let tail = &lines[lines.len().saturating_sub(40)..];
            eprintln!(
                "--- the app's log, last {} lines ({}) ---\n{}\n---",
                tail.len(),
                self.log.display(),
                tail.join("\n")
            );
        } else {
            let _ = std::fs::remove_file(&self.log);
        }
    }
}

/// Starts a process and returns its first line on stdout (a display number, a bus address).
fn spawn_reporting(command: &mut Command, what: &str) -> Result<(Guard, String)> {
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .with_context(|| format!("cannot start {what}: is it installed? (see README)"))?;
    let stdout = child.stdout.take().context("no stdout")?;
    let guard = Guard(child);
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line)?;
    let line = line.trim().to_owned();
    if line.is_empty() {
        bail!("{what} exited without reporting where it listens");
    }
    Ok((guard, line))
}

fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

impl Desktop {
    /// Starts the app with `HEARTH_DATA_DIR=data_dir`.
    pub async fn start(data_dir: &Path) -> Result<Desktop> {
        Desktop::start_with_env(data_dir, &[]).await
    }

    /// As [`Desktop::start`], with extra variables for the app (set on tauri-driver, whose
    /// environment the app inherits; they win over the harness's own). For the keyring:
    /// `SecretService::env()`, whose `DBUS_SESSION_BUS_ADDRESS` replaces the private bus.
    pub async fn start_with_env(data_dir: &Path, env: &[(String, String)]) -> Result<Desktop> {
        let app = binary("hearth-desktop");
        let (display, number) = spawn_reporting(
            Command::new("Xvfb").args([
                "-displayfd",
                "1",
                "-screen",
                "0",
                "1280x800x24",
                "-nolisten",
                "tcp",
            ]),
            "Xvfb",
        )?;
        let (bus, address) = spawn_reporting(
            Command::new("dbus-daemon").args(["--session", "--nofork", "--print-address=1"]),
            "dbus-daemon",
        )?;
        let logs = crate::target_dir().join("e2e-logs");
        std::fs::create_dir_all(&logs)?;
        // One log per app (tests in one binary run side by side), named after its data.
        let name = data_dir
            .file_name()
            .map_or_else(|| "app".into(), |n| n.to_string_lossy().into_owned());
        let log = logs.join(format!("{name}.log"));
        let driver_log = std::fs::File::create(&log)?;
        let port = free_port()?;
        let native_port = free_port()?;
        let driver = Guard(
            Command::new("tauri-driver")
                .args([
                    "--port",
                    &port.to_string(),
                    "--native-port",
                    &native_port.to_string(),
                ])
                .args(["--native-driver", "/usr/bin/WebKitWebDriver"])
                .env("DISPLAY", format!(":{number}"))
                .env("DBUS_SESSION_BUS_ADDRESS", &address)
                .env("HEARTH_DATA_DIR", data_dir)
                .env("HEARTH_CONFIG_DIR", data_dir.join(".config"))
                .env("GDK_BACKEND", "x11")
                // Closing the window hides it to the tray in real use; WebDriver's
                // session end must end the app.
                .env("HEARTH_CLOSE_QUITS", "1")
                .envs(env.iter().map(|(k, v)| (k, v)))
                // Not WEBKIT_DISABLE_COMPOSITING_MODE: with it, WebDriver screenshots hang.
                .stdout(driver_log.try_clone()?)
                .stderr(driver_log)
                .spawn()
                .context("cannot start tauri-driver: cargo install tauri-driver (see README)")?,
        );
        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), json!("wry"));
        caps.insert("tauri:options".into(), json!({ "application": app }));
        let url = format!("http://127.0.0.1:{port}");
        let started = Instant::now();
        // tauri-driver needs a moment to listen; each attempt is bounded so a stuck
        // session start fails the test instead of hanging it.
        let client = loop {
            let mut builder = ClientBuilder::native();
            builder.capabilities(caps.clone());
            match tokio::time::timeout(Duration::from_secs(60), builder.connect(&url)).await {
                Ok(Ok(client)) => break client,
                Ok(Err(e)) if started.elapsed() < Duration::from_secs(30) => {
                    let _ = e;
                    tokio::time::sleep(Duration::from_millis(250)).await;
                }
                Ok(Err(e)) => bail!("cannot start a WebDriver session with the app: {e}"),
                Err(_) => bail!("starting a WebDriver session with the app took over a minute"),
            }
        };
        Ok(Desktop {
            client,
            log,
            _driver: driver,
            _bus: bus,
            _display: display,
        })
    }

    /// Waits for an element to appear.
    pub async fn wait_for(&self, css: &str) -> Result<fantoccini::elements::Element> {
        self.client
            .wait()
            .at_most(Duration::from_secs(30))
            .for_element(Locator::Css(css))
            .await
            .with_context(|| format!("{css} never appeared"))
    }

    /// Waits until an element's text satisfies `want`, and returns that text.
    pub async fn wait_for_text(&self, css: &str, want: impl Fn(&str) -> bool) -> Result<String> {
        let started = Instant::now();
        loop {
            // The element can be replaced between finding and reading it (a list
            // re-rendering): read again.
            let text = match self.wait_for(css).await?.text().await {
                Ok(text) => text,
                Err(_) if started.elapsed() < Duration::from_secs(20) => {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
                Err(e) => return Err(e.into()),
            };
            if want(&text) {
                return Ok(text);
            }
            if started.elapsed() > Duration::from_secs(20) {
                bail!("{css} still says {text:?}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Presses keys one after another, as a person at the keyboard would.
    pub async fn press(&self, keys: &str) -> Result<()> {
        use fantoccini::actions::{InputSource, KeyAction, KeyActions};
        let mut actions = KeyActions::new("keyboard".into());
        for key in keys.chars() {
            actions = actions
                .then(KeyAction::Down { value: key })
                .then(KeyAction::Up { value: key });
        }
        self.client.perform_actions(actions).await?;
        Ok(())
    }

    /// Waits for an element and clicks it.
    pub async fn click(&self, css: &str) -> Result<()> {
        self.wait_for(css).await?.click().await?;
        Ok(())
    }

    /// Saves a screenshot as `target/screenshots/NAME.png`.
    pub async fn screenshot(&self, name: &str) -> Result<()> {
        let png = self.client.screenshot().await?;
        std::fs::write(screenshot_dir().join(format!("{name}.png")), png)?;
        Ok(())
    }

    /// Runs JavaScript in the page and returns its JSON result.
    pub async fn js(&self, script: &str) -> Result<serde_json::Value> {
        Ok(self.client.execute(script, vec![]).await?)
    }

    /// Closes the app.
    pub async fn close(self) -> Result<()> {
        self.client.clone().close().await?;
        Ok(())
    }
}
