//! Loads something from the shell whenever its inputs change, keeping only the newest
//! answer (a slow answer to an old search never replaces a newer one).

use std::cell::Cell;
use std::future::Future;
use std::rc::Rc;

use hearth_types::CommandError;
use yew::platform::spawn_local;
use yew::prelude::*;

/// Where a load stands.
#[derive(Debug, Clone, PartialEq)]
pub enum Load<T> {
    Loading,
    Ready(T),
    Failed(String),
}

#[hook]
pub fn use_load<T, D, F, Fut>(deps: D, fetch: F) -> Load<T>
where
    T: Clone + PartialEq + 'static,
    D: Clone + PartialEq + 'static,
    F: Fn(D) -> Fut + 'static,
    Fut: Future<Output = Result<T, CommandError>> + 'static,
{
    let state = use_state(|| Load::Loading);
    let latest = use_memo((), |_| Rc::new(Cell::new(0u64)));
    {
        let state = state.clone();
        let latest = (*latest).clone();
        use_effect_with(deps, move |deps| {
            let ticket = latest.get() + 1;
            latest.set(ticket);
            let request = fetch(deps.clone());
            spawn_local(async move {
                let result = request.await;
                if latest.get() == ticket {
                    state.set(match result {
                        Ok(value) => Load::Ready(value),
                        Err(e) => Load::Failed(e.to_string()),
                    });
                }
            });
        });
    }
    (*state).clone()
}
