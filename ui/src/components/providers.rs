//! Settings for VAPI (AI calls) and Telnyx (texts, call records): one form each. The key
//! goes to the OS keyring through the shell; the provider's own answer to a save or a
//! sync (a refused key, an unreachable address) is shown as it came.

use hearth_types::ProviderView;
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api;
use crate::components::format;
use crate::state::providers::{fields, ProviderAction, ProviderForm};

#[function_component(ProvidersCard)]
pub fn providers_card() -> Html {
    let views = use_state(|| None::<Result<Vec<ProviderView>, String>>);
    {
        let views = views.clone();
        use_effect_with((), move |_| {
            spawn_local(async move {
                views.set(Some(api::providers().await.map_err(|e| e.to_string())));
            });
        });
    }
    let find = |p: &str| match &*views {
        Some(Ok(list)) => list.iter().find(|v| v.provider == p).cloned(),
        _ => None,
    };
    html! {
        <section id="providers" class="card">
            <h2>{ "Calls and texts" }</h2>
            <p class="hint">{ "VAPI brings your AI agent's calls with transcripts; Telnyx your texts and call records. Hearth checks them in the background and sends through them." }</p>
            if let Some(Err(e)) = &*views {
                <p class="error" role="alert">{ e }</p>
            }
            if views.is_some() {
                <ProviderFormView provider="vapi" title="VAPI (AI calls)" view={find("vapi")} />
                <ProviderFormView provider="telnyx" title="Telnyx (texts and calls)" view={find("telnyx")} />
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct FormProps {
    provider: &'static str,
    title: &'static str,
    view: Option<ProviderView>,
}

#[function_component(ProviderFormView)]
fn provider_form(props: &FormProps) -> Html {
    let form = {
        let (provider, view) = (props.provider, props.view.clone());
        use_reducer(move || {
            let form = std::rc::Rc::new(ProviderForm::new(provider));
            yew::Reducible::reduce(form, ProviderAction::Loaded(view))
                .as_ref()
                .clone()
        })
    };
    let on_submit = {
        let form = form.clone();
        Callback::from(move |ev: SubmitEvent| {
            ev.prevent_default();
            if form.saving {
                return;
            }
            let input = match form.input() {
                Ok(i) => i,
                Err(e) => return form.dispatch(ProviderAction::Saved(Err(e))),
            };
            form.dispatch(ProviderAction::Saving);
            let form = form.clone();
            spawn_local(async move {
                let saved = api::set_provider(&input).await.map_err(|e| e.to_string());
                form.dispatch(ProviderAction::Saved(saved));
            });
        })
    };
    let status = props.view.as_ref().map(|v| match (&v.last_error, v.last_sync_at) {
        (Some(e), _) => html! {
            <p class="provider-status error" role="alert">
                { format!("Last check failed: {e}") }
                { v.retry_at.map(|t| format!(" — retrying at {}", format::time(t))).unwrap_or_default() }
            </p>
        },
        (None, Some(at)) => html! { <p class="provider-status ok">{ format!("Up to date as of {}", format::time(at)) }</p> },
        (None, None) => html! { <p class="provider-status">{ "Not checked yet." }</p> },
    });
    html! {
        <form id={format!("provider-{}", props.provider)} class="provider-form" onsubmit={on_submit}
            aria-busy={form.saving.to_string()}>
            <h3>{ props.title }</h3>
            { for status }
            <div class="form-grid">
                { for fields(props.provider).iter().map(|(name, label, hint)| {
                let name = *name;
                let oninput = {
                    let form = form.clone();
                    Callback::from(move |ev: InputEvent| {
                        if let Some(input) = ev.target_dyn_into::<web_sys::HtmlInputElement>() {
                            form.dispatch(ProviderAction::Set(name.into(), input.value()));
                        }
                    })
                };
                let kind = if name == "key" { "password" } else { "text" };
                let placeholder = if name == "key" && form.configured {
                    "saved in the OS keyring (type to replace)"
                } else {
                    hint
                };
                let wide = name == "base_url";
                html! {
                    <label class={classes!("field", wide.then_some("wide"))}>
                        { *label }
                        <input name={name} type={kind} autocomplete="off" {placeholder}
                            value={form.value(name).to_owned()} {oninput} disabled={form.saving} />
                    </label>
                }
            }) }
            </div>
            <button type="submit" class="save" disabled={form.saving}>
                { if form.saving { "Saving…" } else if form.configured { "Save" } else { "Connect" } }
            </button>
            if let Some((ok, words)) = &form.message {
                <p class={classes!("save-result", if *ok { "ok" } else { "error" })} role="status">{ words }</p>
            }
        </form>
    }
}
