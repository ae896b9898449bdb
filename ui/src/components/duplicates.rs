//! Contacts → Duplicates: probable duplicate pairs with their reasons; "Keep" on one side
//! merges the other into it, and the last merge can be undone.

use hearth_types::{DuplicatePair, MergeResult};
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api;

#[derive(Properties, PartialEq)]
pub struct DuplicatesProps {
    /// A merge or an undo changed the contacts: the list reloads.
    pub on_changed: Callback<()>,
}

#[function_component(DuplicatesView)]
pub fn duplicates_view(props: &DuplicatesProps) -> Html {
    let pairs = use_state(|| None::<Result<Vec<DuplicatePair>, String>>);
    let reloads = use_state(|| 0u32);
    let last = use_state(|| None::<MergeResult>);
    let message = use_state(|| None::<Result<String, String>>);
    {
        let pairs = pairs.clone();
        use_effect_with(*reloads, move |_| {
            spawn_local(async move {
                pairs.set(Some(api::duplicates().await.map_err(|e| e.to_string())));
            });
        });
    }
    let merge = |keep: i64, other: i64| {
        let (reloads, last, message, changed) = (
            reloads.clone(),
            last.clone(),
            message.clone(),
            props.on_changed.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let (reloads, last, message, changed) = (
                reloads.clone(),
                last.clone(),
                message.clone(),
                changed.clone(),
            );
            spawn_local(async move {
                match api::merge_contacts(keep, other).await {
                    Ok(m) => {
                        message.set(Some(Ok(format!(
                            "Merged into {}: {} interactions, {} orders, {} identities moved.",
                            m.kept.name, m.interactions, m.orders, m.identities
                        ))));
                        last.set(Some(m));
                        reloads.set(*reloads + 1);
                        changed.emit(());
                    }
                    Err(e) => message.set(Some(Err(e.to_string()))),
                }
            });
        })
    };
    let undo = {
        let (reloads, last, message, changed) = (
            reloads.clone(),
            last.clone(),
            message.clone(),
            props.on_changed.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let Some(m) = (*last).clone() else { return };
            let (reloads, last, message, changed) = (
                reloads.clone(),
                last.clone(),
                message.clone(),
                changed.clone(),
            );
            spawn_local(async move {
                match api::undo_merge(m.merge_id).await {
                    Ok(c) => {
                        message.set(Some(Ok(format!(
                            "Undone: {} is on their own again.",
                            c.name
                        ))));
                        last.set(None);
                        reloads.set(*reloads + 1);
                        changed.emit(());
                    }
                    Err(e) => message.set(Some(Err(e.to_string()))),
                }
            });
        })
    };
    let side = |p: &DuplicatePair, a: bool| {
        let (me, them) = if a { (&p.a, &p.b) } else { (&p.b, &p.a) };
        html! {
            <div class="dup-side" data-id={me.id.to_string()}>
                <strong class="name">{ &me.name }</strong>
                if let Some(co) = &me.company { <span class="company">{ co }</span> }
                <ul>{ for me.identities.iter().map(|i| html! { <li>{ &i.value }</li> }) }</ul>
                <button type="button" class="keep" onclick={merge(me.id, them.id)}>{ "Keep this one" }</button>
            </div>
        }
    };
    html! {
        <section id="duplicates" class="duplicates">
            <h2>{ "Probable duplicates" }</h2>
            if let Some(m) = &*message {
                <p id="merge-result" class={classes!("save-result", if m.is_ok() { "ok" } else { "error" })} role="status">
                    { match m { Ok(t) | Err(t) => t.clone() } }
                    if last.is_some() {
                        <button id="merge-undo" type="button" class="undo" onclick={undo}>{ "Undo" }</button>
                    }
                </p>
            }
            { match &*pairs {
                None => html! { <p class="status">{ "Looking…" }</p> },
                Some(Err(e)) => html! { <p class="error" role="alert">{ e }</p> },
                Some(Ok(list)) if list.is_empty() => html! { <p id="duplicates-none" class="status">{ "No probable duplicates." }</p> },
                Some(Ok(list)) => html! {
                    <ul class="dup-pairs">
                        { for list.iter().map(|p| html! {
                            <li class="dup-pair" data-a={p.a.id.to_string()} data-b={p.b.id.to_string()}>
                                <div class="dup-why">
                                    <span class="score">{ format!("{:.0}%", p.score * 100.0) }</span>
                                    { p.reasons.join("; ") }
                                </div>
                                <div class="dup-sides">{ side(p, true) }{ side(p, false) }</div>
                            </li>
                        }) }
                    </ul>
                },
            } }
        </section>
    }
}
