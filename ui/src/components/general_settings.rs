//! Settings → "General": the default phone region, how often mail is checked, and the data
//! folder (where it is, and moving to another one from the next start).

use hearth_types::{ChangeDataDir, DataDirSource, GeneralSettings};
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api;
use crate::state::general::{check_folder, GeneralForm};

type Said = UseStateHandle<Option<Result<String, String>>>;

fn said(result: &Said) -> Html {
    match &**result {
        Some(r) => html! {
            <p class={classes!("save-result", if r.is_ok() { "ok" } else { "error" })} role="status">
                { match r { Ok(m) | Err(m) => m.clone() } }
            </p>
        },
        None => Html::default(),
    }
}

fn text_input(
    form: &UseStateHandle<GeneralForm>,
    apply: fn(&mut GeneralForm, String),
) -> Callback<InputEvent> {
    let form = form.clone();
    Callback::from(move |e: InputEvent| {
        if let Some(input) = e.target_dyn_into::<web_sys::HtmlInputElement>() {
            let mut next = (*form).clone();
            apply(&mut next, input.value());
            form.set(next);
        }
    })
}

#[function_component(GeneralCard)]
pub fn general_card() -> Html {
    let current = use_state(|| None::<GeneralSettings>);
    let form = use_state(GeneralForm::default);
    let saved = use_state(|| None::<Result<String, String>>);
    let folder = use_state(String::new);
    let copy = use_state(|| true);
    let moved = use_state(|| None::<Result<String, String>>);
    {
        let (current, form, saved) = (current.clone(), form.clone(), saved.clone());
        use_effect_with((), move |_| {
            spawn_local(async move {
                match api::general_settings().await {
                    Ok(s) => {
                        form.set(GeneralForm::from_settings(&s));
                        current.set(Some(s));
                    }
                    Err(e) => saved.set(Some(Err(e.to_string()))),
                }
            });
        });
    }
    let on_save = {
        let (current, form, saved) = (current.clone(), form.clone(), saved.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let input = match form.input() {
                Ok(input) => input,
                Err(why) => return saved.set(Some(Err(why))),
            };
            let (current, form, saved) = (current.clone(), form.clone(), saved.clone());
            spawn_local(async move {
                match api::set_general(&input).await {
                    Ok(s) => {
                        form.set(GeneralForm::from_settings(&s));
                        current.set(Some(s));
                        saved.set(Some(Ok("Saved.".into())));
                    }
                    Err(e) => saved.set(Some(Err(e.to_string()))),
                }
            });
        })
    };
    let on_folder = {
        let folder = folder.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(input) = e.target_dyn_into::<web_sys::HtmlInputElement>() {
                folder.set(input.value());
            }
        })
    };
    let on_copy = {
        let copy = copy.clone();
        Callback::from(move |e: Event| {
            if let Some(input) = e.target_dyn_into::<web_sys::HtmlInputElement>() {
                copy.set(input.checked());
            }
        })
    };
    let on_move = {
        let (current, folder, copy, moved) =
            (current.clone(), folder.clone(), copy.clone(), moved.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let path = match check_folder(&folder) {
                Ok(path) => path,
                Err(why) => return moved.set(Some(Err(why))),
            };
            let change = ChangeDataDir {
                path: path.clone(),
                copy: *copy,
            };
            let (current, moved) = (current.clone(), moved.clone());
            spawn_local(async move {
                match api::change_data_dir(&change).await {
                    Ok(s) => {
                        let what = if change.copy {
                            "Businesses copied to"
                        } else {
                            "Chosen:"
                        };
                        moved.set(Some(Ok(format!(
                            "{what} {path}. Hearth uses it from its next start."
                        ))));
                        current.set(Some(s));
                    }
                    Err(e) => moved.set(Some(Err(e.to_string()))),
                }
            });
        })
    };
    let on_restart = Callback::from(|_: MouseEvent| {
        spawn_local(async {
            let _ = api::restart_app().await;
        });
    });

    let Some(settings) = (*current).clone() else {
        return html! {
            <section id="general-settings" class="card">
                <h2>{ "General" }</h2>
                if saved.is_some() { { said(&saved) } } else { <p class="status">{ "Loading…" }</p> }
            </section>
        };
    };
    let source = match settings.data_dir_source {
        DataDirSource::Env => "set by HEARTH_DATA_DIR, which wins over a folder chosen here",
        DataDirSource::Chosen => "chosen here",
        DataDirSource::Default => "the system's default",
    };
    html! {
        <section id="general-settings" class="card">
            <h2>{ "General" }</h2>
            <form id="general-form" onsubmit={on_save} novalidate=true>
                <label class="field">
                    <span>{ "Default phone region (for numbers written without +country code)" }</span>
                    <input name="default_region" value={form.region.clone()} maxlength="2" placeholder="US"
                        oninput={text_input(&form, |f, v| f.region = v)} />
                </label>
                <label class="field">
                    <span>{ "Check mail every (seconds) when the server sends no push (IDLE)" }</span>
                    <input name="mail_poll_secs" type="number" min="30" max="86400" value={form.mail_poll_secs.clone()}
                        oninput={text_input(&form, |f, v| f.mail_poll_secs = v)} />
                </label>
                <p class="hint">{ "Calls and texts are checked on each provider's own interval (Calls and texts, above)." }</p>
                <button type="submit" class="primary save">{ "Save" }</button>
                { said(&saved) }
            </form>
            <form id="data-folder" onsubmit={on_move} novalidate=true>
                <h3>{ "Data folder" }</h3>
                <p><code id="data-dir">{ settings.data_dir.clone() }</code>{ format!(" ({source})") }</p>
                if let Some(next) = &settings.next_data_dir {
                    <p id="next-data-dir" class="notice">
                        { "From the next start: " }<code>{ next.clone() }</code>{ " " }
                        <button type="button" id="restart-app" onclick={on_restart}>{ "Restart now" }</button>
                    </p>
                }
                <label class="field">
                    <span>{ "Use another folder (full path)" }</span>
                    <input name="data_dir" value={(*folder).clone()} placeholder="/home/me/Sync/hearth" oninput={on_folder} />
                </label>
                <label class="check">
                    <input type="checkbox" name="copy" checked={*copy} onchange={on_copy} />
                    { " Copy my businesses there (it must hold none yet); this folder is kept as it is" }
                </label>
                <button type="submit">{ "Use this folder" }</button>
                { said(&moved) }
            </form>
        </section>
    }
}
