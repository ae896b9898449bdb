//! Sends a reply from the inbox composer and reports how it ended.

use hearth_types::SendReply;
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api;
use crate::state::composer::{outcome, Outcome};

/// Whether a reply is on its way, and the callback that sends one; `to` names the
/// customer in the outcome, which goes to `on_result`.
#[hook]
pub fn use_send_reply(to: String, on_result: Callback<Outcome>) -> (bool, Callback<SendReply>) {
    let sending = use_state(|| false);
    let send = {
        let sending = sending.clone();
        Callback::from(move |request: SendReply| {
            if *sending {
                return;
            }
            sending.set(true);
            let sending = sending.clone();
            let on_result = on_result.clone();
            let to = to.clone();
            spawn_local(async move {
                let result = api::send_reply(&request).await.map_err(|e| e.to_string());
                sending.set(false);
                on_result.emit(outcome(result, &to));
            });
        })
    };
    (*sending, send)
}
