//! A stand-in freedesktop notification daemon for one test: its own `dbus-daemon`
//! session bus ([`crate::bus`]) and, on it, `org.freedesktop.Notifications` at
//! `/org/freedesktop/Notifications` served with zbus. It shows nothing; it records every
//! `Notify` call so a test can assert exactly what a client sent, and it can play the user
//! by emitting `ActionInvoked` and `NotificationClosed`.
//!
//! The process under test gets [`NotificationServer::address`] as
//! `DBUS_SESSION_BUS_ADDRESS`, so no real desktop (and no notification the person running
//! the tests would see) is involved. Needs `dbus` (dbus-daemon).
//!
//! The API is synchronous: use it from plain `#[test]` functions (zbus runs the
//! connection on its own helper thread).

use std::collections::HashMap;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use zbus::message::Header;
use zbus::object_server::SignalEmitter;
use zbus::{interface, OwnedVariant};

use crate::process::ChildGuard;

const NAME: &str = "org.freedesktop.Notifications";
const PATH: &str = "/org/freedesktop/Notifications";

/// One `Notify` call as the server received it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    /// The id the server answered with.
    pub id: u32,
    /// The caller's unique bus name (`:1.5`).
    pub sender: String,
    pub app_name: String,
    pub replaces_id: u32,
    pub app_icon: String,
    pub summary: String,
    pub body: String,
    /// As sent: key, label, key, label, ...
    pub actions: Vec<String>,
    /// The hint keys, sorted (`category`, `urgency`, ...).
    pub hint_keys: Vec<String>,
    /// Milliseconds; -1 lets the server decide, 0 never expires.
    pub expire_timeout: i32,
}

impl Recorded {
    /// The action keys (every other entry of `actions`).
    pub fn action_keys(&self) -> Vec<&str> {
        self.actions.iter().step_by(2).map(String::as_str).collect()
    }

    /// The label sent for action `key`.
    pub fn action_label(&self, key: &str) -> Option<&str> {
        self.actions
            .chunks(2)
            .find(|pair| pair[0] == key)
            .and_then(|pair| pair.get(1))
            .map(String::as_str)
    }
}

/// What the served object and the test share; `changed` is signalled on every `Notify`.
#[derive(Default)]
struct Shared {
    recorded: Mutex<Vec<Recorded>>,
    changed: Condvar,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Vec<Recorded>> {
        // A panicking test thread must not hide what was recorded.
        self.recorded.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The served object.
struct Service {
    shared: Arc<Shared>,
}

#[interface(name = "org.freedesktop.Notifications")]
impl Service {
    #[allow(clippy::too_many_arguments)]
    fn notify(
        &self,
        #[zbus(header)] header: Header<'_>,
        app_name: String,
        replaces_id: u32,
        app_icon: String,
        summary: String,
        body: String,
        actions: Vec<String>,
        hints: HashMap<String, OwnedVariant>,
        expire_timeout: i32,
    ) -> u32 {
        let mut recorded = self.shared.lock();
        let id = u32::try_from(recorded.len() + 1).unwrap_or(u32::MAX);
        let mut hint_keys: Vec<String> = hints.into_keys().collect();
        hint_keys.sort();
        recorded.push(Recorded {
            id,
            sender: header.sender().map(|s| s.to_string()).unwrap_or_default(),
            app_name,
            replaces_id,
            app_icon,
            summary,
            body,
            actions,
            hint_keys,
            expire_timeout,
        });
        self.shared.changed.notify_all();
        id
    }

    fn get_capabilities(&self) -> Vec<String> {
        vec!["actions".into(), "body".into()]
    }

    #[zbus(out_args("name", "vendor", "version", "spec_version"))]
    fn get_server_information(&self) -> (String, String, String, String) {
        (
            "hearth-e2e".into(),
            "Hearth".into(),
            env!("CARGO_PKG_VERSION").into(),
            "1.2".into(),
        )
    }

    /// Closes a notification the way a client asks to: `NotificationClosed(id, 3)`.
    async fn close_notification(
        &self,
        id: u32,
        #[zbus(signal_emitter)] emitter: SignalEmitter<'_>,
    ) -> zbus::fdo::Result<()> {
        if !self.shared.lock().iter().any(|n| n.id == id) {
            return Err(zbus::fdo::Error::InvalidArgs(format!(
                "no notification {id}"
            )));
        }
        Service::notification_closed(&emitter, id, 3).await?;
        Ok(())
    }

    #[zbus(signal)]
    async fn notification_closed(
        emitter: &SignalEmitter<'_>,
        id: u32,
        reason: u32,
    ) -> zbus::Result<()>;

    #[zbus(signal)]
    async fn action_invoked(
        emitter: &SignalEmitter<'_>,
        id: u32,
        action_key: &str,
    ) -> zbus::Result<()>;
}

/// The running bus and server; dropping it closes the server's connection, stops the bus
/// and removes the temp folder (config and socket).
pub struct NotificationServer {
    address: String,
    shared: Arc<Shared>,
    // Dropped in this order: the connection (closed explicitly in Drop), then the bus,
    // then the folder holding its socket.
    connection: Option<zbus::Connection>,
    _bus: ChildGuard,
    _dir: tempfile::TempDir,
}

impl NotificationServer {
    /// Starts a private bus and serves `org.freedesktop.Notifications` on it; when this
    /// returns the name is owned and calls are answered.
    pub fn start() -> Result<NotificationServer> {
        let mut server = NotificationServer::bus_only()?;
        let service = Service {
            shared: server.shared.clone(),
        };
        let connection = zbus::block_on(
            zbus::connection::Builder::address(server.address.as_str())
                .serve_at(PATH, service)
                .name(NAME)
                .build(),
        )
        .with_context(|| format!("cannot serve {NAME} on {}", server.address))?;
        server.connection = Some(connection);
        Ok(server)
    }

    /// A private bus on which nobody serves notifications: a desktop without a
    /// notification daemon. [`NotificationServer::invoke_action`] and
    /// [`NotificationServer::close`] fail on it.
    pub fn bus_only() -> Result<NotificationServer> {
        let dir = tempfile::Builder::new()
            .prefix("hearth-notify-")
            .tempdir()
            .context("cannot create a temp folder")?;
        let no_env: &[(&str, &str)] = &[];
        let (bus, address) = crate::bus::start(dir.path(), no_env)?;
        Ok(NotificationServer {
            address,
            shared: Arc::default(),
            connection: None,
            _bus: bus,
            _dir: dir,
        })
    }

    /// The bus address, for `DBUS_SESSION_BUS_ADDRESS` of the process under test.
    pub fn address(&self) -> &str {
        &self.address
    }

    /// Every `Notify` call so far, in order.
    pub fn notifications(&self) -> Vec<Recorded> {
        self.shared.lock().clone()
    }

    /// Waits until at least `n` notifications have arrived or `timeout` has passed, and
    /// returns all of them (fewer than `n` on timeout: the caller asserts).
    pub fn wait_for(&self, n: usize, timeout: Duration) -> Vec<Recorded> {
        let deadline = Instant::now() + timeout;
        let mut recorded = self.shared.lock();
        while recorded.len() < n {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            recorded = match self.shared.changed.wait_timeout(recorded, left) {
                Ok((guard, _)) => guard,
                Err(poisoned) => poisoned.into_inner().0,
            };
        }
        recorded.clone()
    }

    /// Plays the user choosing `action` ("open", "default" for a click on the body) on
    /// notification `id`: emits `ActionInvoked(id, action)` (broadcast, as dunst does).
    ///
    /// notify-rust subscribes to the action signals only after its `Notify` call returns,
    /// and starts reading them a moment after its subscription is in place, so a signal
    /// sent too early reaches nobody (a person is never that quick; a test is). So this
    /// waits until the sending connection listens (its match rules for `ActionInvoked` and
    /// `NotificationClosed`, read with dbus-daemon's `Debug.Stats.GetAllMatchRules`),
    /// emits, and emits again every 200 ms until the client stops listening (notify-rust
    /// drops its connection once it has handled the signal). Fails if the client never
    /// listens, or still listens after 10 s. A client that keeps listening after handling
    /// the action would see it more than once; what the test asserts is the client's
    /// reaction, such as the probe printing `opened 42`.
    pub fn invoke_action(&self, id: u32, action: &str) -> Result<()> {
        self.emit_until_heard(id, "ActionInvoked", |emitter| async move {
            Service::action_invoked(&emitter, id, action).await
        })
    }

    /// Plays the server closing notification `id` (`reason`: 1 expired, 2 dismissed by
    /// the user, 3 closed by a call, 4 undefined): emits `NotificationClosed(id, reason)`,
    /// with the same waiting as [`NotificationServer::invoke_action`].
    pub fn close(&self, id: u32, reason: u32) -> Result<()> {
        self.emit_until_heard(id, "NotificationClosed", |emitter| async move {
            Service::notification_closed(&emitter, id, reason).await
        })
    }

    fn emit_until_heard<F, Fut>(&self, id: u32, signal: &str, emit: F) -> Result<()>
    where
        F: Fn(SignalEmitter<'static>) -> Fut,
        Fut: std::future::Future<Output = zbus::Result<()>>,
    {
        let connection = self
            .connection
            .as_ref()
            .context("this bus has no notification server (NotificationServer::bus_only)")?;
        let sender = self
            .shared
            .lock()
            .iter()
            .find(|n| n.id == id)
            .map(|n| n.sender.clone())
            .with_context(|| format!("no notification {id} was received"))?;

        let started = Instant::now();
        let give_up = |what: &str| {
            bail!(
                "{sender}, which sent notification {id}, {what} after {:?}",
                started.elapsed()
            )
        };
        while !listening(connection, &sender)? {
            if started.elapsed() > LISTEN_TIMEOUT {
                return give_up("never listened for its action signals");
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        loop {
            zbus::block_on(async {
                let iface = connection
                    .object_server()
                    .interface::<_, Service>(PATH)
                    .await?;
                emit(iface.signal_emitter().clone()).await
            })
            .with_context(|| format!("cannot emit {signal}"))?;
            let resend = Instant::now() + Duration::from_millis(200);
            while Instant::now() < resend {
                if !listening(connection, &sender)? {
                    return Ok(());
                }
                std::thread::sleep(Duration::from_millis(10));
            }
            if started.elapsed() > LISTEN_TIMEOUT {
                return give_up(&format!("still listens after {signal}"));
            }
        }
    }
}

/// How long [`NotificationServer::invoke_action`] waits for the client to start, and then
/// to stop, listening.
const LISTEN_TIMEOUT: Duration = Duration::from_secs(10);

/// Whether `sender` is on the bus with match rules for both `ActionInvoked` and
/// `NotificationClosed` (notify-rust adds them in that order; seeing only the first is
/// too early).
fn listening(connection: &zbus::Connection, sender: &str) -> Result<bool> {
    const MEMBERS: [&str; 2] = ["member='ActionInvoked'", "member='NotificationClosed'"];
    let all: HashMap<String, Vec<String>> = zbus::block_on(async {
        connection
            .call_method(
                Some("org.freedesktop.DBus"),
                "/org/freedesktop/DBus",
                Some("org.freedesktop.DBus.Debug.Stats"),
                "GetAllMatchRules",
                &(),
            )
            .await?
            .body()
            .deserialize::<HashMap<String, Vec<String>>>()
    })
    .context("cannot read the bus's match rules (dbus-daemon built without stats?)")?;
    Ok(all.get(sender).is_some_and(|rules| {
        MEMBERS
            .iter()
            .all(|member| rules.iter().any(|rule| rule.contains(member)))
    }))
}

impl Drop for NotificationServer {
    fn drop(&mut self) {
        if let Some(connection) = self.connection.take() {
            let _ = zbus::block_on(connection.close());
        }
    }
}
