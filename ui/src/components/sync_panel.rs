//! The sync status panel: one row per account and folder, Sync now / Pause, the outbox.

use yew::prelude::*;

use super::format;
use super::settings::SettingsProps;
use crate::state::settings::StatusRow;

fn state_label(state: &str) -> &'static str {
    match state {
        "idle" => "Up to date",
        "syncing" => "Syncing",
        "error" => "Error",
        "paused" => "Paused",
        "waiting" => "Waiting",
        _ => "Unknown",
    }
}

#[function_component(SyncPanel)]
pub fn sync_panel(props: &SettingsProps) -> Html {
    let s = &props.settings;
    let state = &s.state;
    let paused = state.paused();
    // Nothing to sync: the buttons would do nothing.
    let idle = state.nothing_connected();
    let on_sync = {
        let sync_now = s.sync_now.clone();
        Callback::from(move |_: MouseEvent| sync_now.emit(()))
    };
    let on_pause = {
        let pause = s.pause.clone();
        Callback::from(move |_: MouseEvent| pause.emit(!paused))
    };
    let rows = state.status_rows();
    let status = state.status.clone().unwrap_or_default();
    html! {
        <section id="sync-panel" class="card sync-panel" data-paused={paused.to_string()}
            data-loading={state.status.is_none().to_string()}>
            <div class="panel-head">
                <h2>{ "Sync status" }</h2>
                <span class="actions">
                    <button id="sync-now" onclick={on_sync} disabled={paused || idle}
                        title={if paused { "Resume first" } else { "Look for new mail now" }}>{ "Sync now" }</button>
                    <button id="sync-pause" onclick={on_pause} disabled={idle && !paused}>
                        { if paused { "Resume" } else { "Pause" } }
                    </button>
                </span>
            </div>
            if state.pause_pending() {
                <p class="hint">{ if paused { "Pausing once the current batch is stored…" } else { "Resuming…" } }</p>
            }
            if let Some(e) = &state.action_error {
                <p id="sync-action-error" class="error" role="alert">{ e }</p>
            }
            if let Some(e) = &state.status_error {
                <p class="error" role="alert">{ e }</p>
            }
            if state.nothing_connected() {
                <p id="sync-empty" class="placeholder">
                    { "No source is connected yet. Add a mail account to start; VAPI calls and Telnyx texts arrive later." }
                </p>
            } else if state.status.is_none() {
                <p class="status">{ "Loading…" }</p>
            } else {
                <ul class="sync-rows">
                    { for rows.iter().map(status_row) }
                </ul>
            }
            <div id="outbox" class="outbox">
                <h3>{ "Outbox" }</h3>
                <p class="counts">
                    <span class="count" data-kind="pending">{ format!("{} waiting", status.outbox_pending) }</span>
                    <span class="count" data-kind="unknown">{ format!("{} unknown", status.outbox_unknown) }</span>
                    <span class="count" data-kind="failed">{ format!("{} failed", status.outbox_failed) }</span>
                </p>
                <p class="hint">
                    { "“Unknown” means the connection broke while the server was taking the message: it may have gone out, so Hearth never sends it again blindly." }
                </p>
            </div>
        </section>
    }
}

fn status_row(row: &StatusRow) -> Html {
    let folder = if row.folder.is_empty() {
        "—".to_owned()
    } else {
        row.folder.clone()
    };
    let synced = match row.last_synced_at {
        Some(at) => format!("synced {}", format::time(at)),
        None => "never synced".to_owned(),
    };
    html! {
        <li class={classes!("sync-row", format!("state-{}", row.state))} data-source={row.source.clone()}
            data-account={row.account.clone()} data-folder={row.folder.clone()} data-state={row.state.clone()}>
            <div class="sync-line">
                <span class="where"><strong>{ &row.account }</strong>{ " / " }{ folder }</span>
                <span class={classes!("state-badge", row.state.clone())}>{ state_label(&row.state) }</span>
                <span class="stored">{ &row.stored }</span>
                <span class="synced">{ synced }</span>
            </div>
            if let Some((done, total)) = row.progress {
                <div class="progress-line">
                    <progress max={total.max(1).to_string()} value={done.to_string()}></progress>
                    <span class="progress-text">{ format!("{done} / {total}") }</span>
                </div>
            }
            if let Some(error) = &row.error {
                <p class="sync-error" role="alert">{ error }</p>
            }
            if let Some(at) = row.retry_at {
                <p class="retry">{ format!("retrying at {}", format::clock(at)) }</p>
            }
            if row.state == "waiting" {
                <p class="hint">{ "Waiting for the first sync. If this lasts, Test connection says what fails." }</p>
            }
        </li>
    }
}
