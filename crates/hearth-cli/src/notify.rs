//! Hot-lead notifications from the CLI (`hearth analyze --notify`), the way the desktop
//! app shows them: one per lead (or one for many), held back in the quiet hours.

use hearth_core::events::{hot_lead_messages, HotLeadAlert};
use hearth_core::Store;
use hearth_notify::{Alert, Delivery, Notifier, QuietHours};

use crate::exit::BadInput;

/// The business setting that holds quiet hours ("22:00-07:00").
pub const QUIET_HOURS: &str = "quiet_hours";

/// The business's quiet hours, if set.
pub async fn quiet_hours(store: &Store) -> anyhow::Result<Option<QuietHours>> {
    match store.setting(QUIET_HOURS).await? {
        Some(s) if !s.trim().is_empty() => {
            Ok(Some(s.parse().map_err(|e| {
                BadInput(format!("stored quiet hours {s:?}: {e}"))
            })?))
        }
        _ => Ok(None),
    }
}

/// Shows the notifications for `alerts` now and says what happened to each.
pub fn announce(alerts: &[HotLeadAlert], quiet: Option<QuietHours>) -> anyhow::Result<()> {
    let notifier = Notifier::new("Hearth").with_quiet_hours(quiet);
    let now = chrono::Local::now().time();
    for m in hot_lead_messages(alerts) {
        let alert = Alert::plain(m.contact_id, &m.summary, &m.body);
        match notifier.deliver(&alert, now, None)? {
            Delivery::Shown { id } => outln!("notified: {} (notification {id})", m.summary),
            Delivery::Quiet => outln!("quiet hours: not notified: {}", m.summary),
        }
    }
    Ok(())
}
