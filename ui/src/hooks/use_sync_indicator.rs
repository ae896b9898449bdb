//! The header's sync indicator: the sync status, asked for every few seconds.

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use hearth_types::SyncStatus;
use yew::platform::spawn_local;
use yew::platform::time::sleep;
use yew::prelude::*;

use crate::api;

/// Slower than the settings page: this is a glance, not a panel.
const POLL: Duration = Duration::from_secs(2);

/// The latest sync status, `None` until it is known (or while the shell cannot say).
#[hook]
pub fn use_sync_indicator() -> Option<SyncStatus> {
    let status = use_state(|| None::<SyncStatus>);
    {
        let status = status.clone();
        use_effect_with((), move |_| {
            let alive = Rc::new(Cell::new(true));
            let polling = Rc::clone(&alive);
            spawn_local(async move {
                while polling.get() {
                    let latest = api::sync_status().await.ok();
                    if !polling.get() {
                        break;
                    }
                    if *status != latest {
                        status.set(latest);
                    }
                    sleep(POLL).await;
                }
            });
            move || alive.set(false)
        });
    }
    (*status).clone()
}
