//! The settings page's calls: accounts once, the sync status every second while the page
//! is shown (four times a second while a folder syncs or just after a click), and the
//! page's actions (add, test, remove, sync now, pause).

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use yew::platform::spawn_local;
use yew::platform::time::sleep;
use yew::prelude::*;

use crate::api;
use crate::state::settings::{SettingsAction, SettingsState};

/// How often the status is asked for while the page is open.
const POLL: Duration = Duration::from_secs(1);
/// How often while a folder syncs, and for a few seconds after the user asked for
/// something: the progress bar moves with the batches, and a click shows its effect.
const POLL_BUSY: Duration = Duration::from_millis(250);
const BUSY_AFTER_ACTION_MS: f64 = 5_000.0;

/// The page state and what the page can do.
#[derive(Clone)]
pub struct Settings {
    pub state: UseReducerHandle<SettingsState>,
    /// Sends the add-account form.
    pub submit: Callback<()>,
    /// Tests an account's connection, by name.
    pub test: Callback<String>,
    /// Removes an account (after the page asked for confirmation), by name.
    pub remove: Callback<String>,
    pub sync_now: Callback<()>,
    /// Pauses (true) or resumes background sync.
    pub pause: Callback<bool>,
}

type Dispatcher = UseReducerDispatcher<SettingsState>;

/// Until when (JS time, ms) the status is polled fast.
#[derive(Clone, Default)]
struct Hurry(Rc<Cell<f64>>);

impl Hurry {
    fn start(&self) {
        self.0.set(js_sys::Date::now() + BUSY_AFTER_ACTION_MS);
    }

    fn active(&self) -> bool {
        js_sys::Date::now() < self.0.get()
    }
}

fn load_accounts(dispatcher: Dispatcher) {
    spawn_local(async move {
        let result = api::mail_accounts().await.map_err(|e| e.to_string());
        dispatcher.dispatch(SettingsAction::AccountsLoaded(result));
    });
}

fn load_status(dispatcher: Dispatcher) {
    spawn_local(async move {
        let result = api::sync_status().await.map_err(|e| e.to_string());
        dispatcher.dispatch(SettingsAction::StatusLoaded(result));
    });
}

#[hook]
pub fn use_settings() -> Settings {
    let state = use_reducer(SettingsState::default);
    let hurry = (*use_memo((), |_| Hurry::default())).clone();
    {
        let dispatcher = state.dispatcher();
        let hurry = hurry.clone();
        use_effect_with((), move |_| {
            load_accounts(dispatcher.clone());
            let alive = Rc::new(Cell::new(true));
            let polling = Rc::clone(&alive);
            spawn_local(async move {
                while polling.get() {
                    let result = api::sync_status().await.map_err(|e| e.to_string());
                    if !polling.get() {
                        break;
                    }
                    let syncing = result
                        .as_ref()
                        .is_ok_and(|s| s.sources.iter().any(|f| f.state == "syncing"));
                    dispatcher.dispatch(SettingsAction::StatusLoaded(result));
                    sleep(if syncing || hurry.active() {
                        POLL_BUSY
                    } else {
                        POLL
                    })
                    .await;
                }
            });
            move || alive.set(false)
        });
    }

    let submit = {
        let state = state.clone();
        let hurry = hurry.clone();
        Callback::from(move |()| {
            if state.saving {
                return;
            }
            let dispatcher = state.dispatcher();
            let input = match state.form.input() {
                Ok(input) => input,
                Err(e) => return dispatcher.dispatch(SettingsAction::Invalid(e)),
            };
            dispatcher.dispatch(SettingsAction::Saving);
            hurry.start();
            spawn_local(async move {
                let result = api::add_mail_account(&input)
                    .await
                    .map_err(|e| e.to_string());
                let added = result.is_ok();
                dispatcher.dispatch(SettingsAction::Saved(result));
                if added {
                    load_accounts(dispatcher.clone());
                    load_status(dispatcher);
                }
            });
        })
    };
    let test = {
        let dispatcher = state.dispatcher();
        Callback::from(move |name: String| {
            dispatcher.dispatch(SettingsAction::Testing(name.clone()));
            let dispatcher = dispatcher.clone();
            spawn_local(async move {
                let result = api::test_mail_account(&name)
                    .await
                    .map_err(|e| e.to_string());
                dispatcher.dispatch(SettingsAction::Tested { name, result });
            });
        })
    };
    let remove = {
        let dispatcher = state.dispatcher();
        Callback::from(move |name: String| {
            let dispatcher = dispatcher.clone();
            spawn_local(async move {
                let result = api::remove_mail_account(&name)
                    .await
                    .map_err(|e| e.to_string());
                dispatcher.dispatch(SettingsAction::Removed { name, result });
                load_accounts(dispatcher.clone());
                load_status(dispatcher);
            });
        })
    };
    let sync_now = {
        let dispatcher = state.dispatcher();
        let hurry = hurry.clone();
        Callback::from(move |()| {
            dispatcher.dispatch(SettingsAction::SyncAsked);
            hurry.start();
            let dispatcher = dispatcher.clone();
            spawn_local(async move {
                match api::sync_now().await {
                    Ok(()) => load_status(dispatcher),
                    Err(e) => dispatcher.dispatch(SettingsAction::ActionFailed(e.to_string())),
                }
            });
        })
    };
    let pause = {
        let dispatcher = state.dispatcher();
        Callback::from(move |paused: bool| {
            dispatcher.dispatch(SettingsAction::PauseAsked(paused));
            hurry.start();
            let dispatcher = dispatcher.clone();
            spawn_local(async move {
                match api::pause_sync(paused).await {
                    Ok(()) => load_status(dispatcher),
                    Err(e) => dispatcher.dispatch(SettingsAction::ActionFailed(e.to_string())),
                }
            });
        })
    };
    Settings {
        state,
        submit,
        test,
        remove,
        sync_now,
        pause,
    }
}
