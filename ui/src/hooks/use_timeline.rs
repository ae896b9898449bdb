//! Loads timeline pages for the current filters.

use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api;
use crate::state::timeline::{TimelineAction, TimelineState};

/// The timeline state (of one contact, or of the business) and a callback that loads the
/// next page. The first page is fetched whenever the filters change (a new generation).
#[hook]
pub fn use_timeline(contact_id: Option<i64>) -> (UseReducerHandle<TimelineState>, Callback<()>) {
    let state = use_reducer(move || TimelineState {
        contact_id,
        ..TimelineState::default()
    });
    {
        let snapshot = state.clone();
        use_effect_with(state.generation, move |generation| {
            // A filter the reducer already refused (a reversed range) is not sent.
            if snapshot.error.is_none() {
                fetch(&snapshot, *generation, false);
            }
        });
    }
    {
        // New activity with the list at its start: the first page again, in place.
        let snapshot = state.clone();
        use_effect_with(state.refresh, move |refresh| {
            if *refresh > 0 && snapshot.error.is_none() {
                fetch(&snapshot, snapshot.generation, false);
            }
        });
    }
    {
        // The core stored something that may be on this timeline.
        let dispatcher = state.dispatcher();
        crate::hooks::use_core_events(Callback::from(move |event: serde_json::Value| {
            if crate::hooks::adds_interactions(&event) {
                dispatcher.dispatch(TimelineAction::Changed);
            }
        }));
    }
    let load_more = {
        let state = state.clone();
        Callback::from(move |()| {
            if state.next.is_some() && !state.loading {
                fetch(&state, state.generation, true);
            }
        })
    };
    (state, load_more)
}

fn fetch(state: &UseReducerHandle<TimelineState>, generation: u32, append: bool) {
    let after = if append { state.next } else { None };
    let request = state.request(after);
    let dispatcher = state.dispatcher();
    dispatcher.dispatch(TimelineAction::Loading { generation });
    spawn_local(async move {
        let action = match api::timeline(&request).await {
            Ok(page) => TimelineAction::Loaded {
                generation,
                page,
                after,
            },
            Err(error) => TimelineAction::Failed {
                generation,
                error: error.to_string(),
            },
        };
        dispatcher.dispatch(action);
    });
}
