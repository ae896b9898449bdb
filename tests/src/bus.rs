//! A private `dbus-daemon` session bus for one test harness ([`crate::keyring`],
//! [`crate::notifications`]), its socket inside the harness's temp folder so nothing is
//! left in /tmp even after SIGKILL.
//!
//! The bus has no service directories: on a standard session bus, the first call to a
//! well-known name nobody owns yet makes dbus-daemon *activate* whatever the system has
//! installed for it (the real gnome-keyring, the desktop's notification daemon), which
//! then wins the name. Here nothing is ever activated, and a name nobody owns fails at
//! once with `ServiceUnknown`.

use std::ffi::OsStr;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

use anyhow::{bail, Context, Result};

use crate::process::ChildGuard;

/// A session bus config like /usr/share/dbus-1/session.conf, minus service activation.
fn bus_config(socket: &Path) -> String {
    format!(
        r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path={}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"#,
        socket.display()
    )
}

/// Starts `dbus-daemon` with its config (`bus.conf`) and socket (`bus`) in `dir`, `env`
/// added to its environment, and returns it with the address it printed (for
/// `DBUS_SESSION_BUS_ADDRESS`). The bus accepts connections once the address is printed.
pub(crate) fn start<K, V>(dir: &Path, env: &[(K, V)]) -> Result<(ChildGuard, String)>
where
    K: AsRef<OsStr>,
    V: AsRef<OsStr>,
{
    let config = dir.join("bus.conf");
    std::fs::write(&config, bus_config(&dir.join("bus")))?;
    let mut bus = ChildGuard::new(
        Command::new("dbus-daemon")
            .args(["--nofork", "--print-address=1"])
            .arg(format!("--config-file={}", config.display()))
            .envs(env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .context("cannot start dbus-daemon: apt-get install dbus")?,
    );
    let stdout = bus
        .child
        .stdout
        .take()
        .context("no stdout from dbus-daemon")?;
    let mut address = String::new();
    BufReader::new(stdout).read_line(&mut address)?;
    let address = address.trim().to_owned();
    if address.is_empty() {
        bail!("dbus-daemon exited without printing its address");
    }
    Ok((bus, address))
}
