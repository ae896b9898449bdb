//! The business menu: create another business (empty or demo), rename this one, back it up.

use std::future::Future;
use std::pin::Pin;

use hearth_types::{AppStatus, BackupFile, Business, CommandError, CreateBusiness, RestoreBackup};
use yew::platform::spawn_local;
use yew::prelude::*;

use super::first_start::DEMO_NAME;
use super::format;
use crate::api;

/// One menu action: maybe a new app status, and what to tell the user.
type Work = Pin<Box<dyn Future<Output = Result<(Option<AppStatus>, String), CommandError>>>>;

#[derive(Properties, PartialEq)]
pub struct BusinessMenuProps {
    pub current: Business,
    pub on_status: Callback<AppStatus>,
}

#[function_component(BusinessMenu)]
pub fn business_menu(props: &BusinessMenuProps) -> Html {
    let open = use_state(|| false);
    let new_name = use_state(String::new);
    let rename = use_state(|| props.current.name.clone());
    let message = use_state(|| None::<Result<String, String>>);
    let backups = use_state(Vec::<BackupFile>::new);
    let restore_path = use_state(String::new);
    let restore_name = use_state(String::new);
    {
        // The backups are listed when the menu opens and after each action (so a backup
        // just made shows up).
        let backups = backups.clone();
        let restore_path = restore_path.clone();
        use_effect_with((*open, (*message).clone()), move |(open, _)| {
            if *open {
                spawn_local(async move {
                    if let Ok(list) = api::backups().await {
                        if let Some(newest) = list.first() {
                            restore_path.set(newest.path.clone());
                        }
                        backups.set(list);
                    }
                });
            }
        });
    }

    let run = {
        let message = message.clone();
        let on_status = props.on_status.clone();
        move |work: Work| {
            let message = message.clone();
            let on_status = on_status.clone();
            spawn_local(async move {
                match work.await {
                    Ok((status, said)) => {
                        message.set(Some(Ok(said)));
                        if let Some(status) = status {
                            on_status.emit(status);
                        }
                    }
                    Err(e) => message.set(Some(Err(e.to_string()))),
                }
            });
        }
    };
    let on_create = {
        let run = run.clone();
        let new_name = new_name.clone();
        Callback::from(move |demo: bool| {
            let name = if demo && new_name.trim().is_empty() {
                DEMO_NAME.to_owned()
            } else {
                (*new_name).clone()
            };
            run(Box::pin(async move {
                let status = api::create_business(&CreateBusiness {
                    name: name.clone(),
                    demo,
                })
                .await?;
                Ok((Some(status), format!("Created and opened {name}.")))
            }));
        })
    };
    let on_rename = {
        let run = run.clone();
        let rename = rename.clone();
        let id = props.current.id.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (id, name) = (id.clone(), (*rename).clone());
            run(Box::pin(async move {
                let status = api::rename_business(&id, &name).await?;
                Ok((Some(status), format!("Renamed to {}.", name.trim())))
            }));
        })
    };
    let on_backup = {
        let run = run.clone();
        Callback::from(move |_: MouseEvent| {
            run(Box::pin(async move {
                let path = api::backup_business().await?;
                Ok((None, format!("Backed up to {path}")))
            }));
        })
    };
    let on_restore = {
        let run = run.clone();
        let (path, name) = (restore_path.clone(), restore_name.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let restore = RestoreBackup {
                path: path.trim().to_owned(),
                name: Some(name.trim().to_owned()).filter(|n| !n.is_empty()),
            };
            run(Box::pin(async move {
                if restore.path.is_empty() {
                    return Err(CommandError::BadInput(
                        "Choose a backup or give the path of a backup file.".into(),
                    ));
                }
                let status = api::restore_backup(&restore).await?;
                let name = status
                    .current
                    .as_ref()
                    .map(|b| b.name.clone())
                    .unwrap_or_default();
                Ok((Some(status), format!("Restored and opened {name}.")))
            }));
        })
    };
    let on_pick = {
        let path = restore_path.clone();
        Callback::from(move |e: Event| {
            if let Some(select) = e.target_dyn_into::<web_sys::HtmlSelectElement>() {
                path.set(select.value());
            }
        })
    };
    let input = |state: &UseStateHandle<String>| {
        let state = state.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(input) = e.target_dyn_into::<web_sys::HtmlInputElement>() {
                state.set(input.value());
            }
        })
    };
    let toggle = {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| open.set(!*open))
    };
    let on_empty = on_create.reform(|e: SubmitEvent| {
        e.prevent_default();
        false
    });
    let on_demo = on_create.reform(|_: MouseEvent| true);
    html! {
        <div class="business-menu">
            <button id="business-menu-toggle" class="nav" onclick={toggle} aria-expanded={open.to_string()}>{ "Business ▾" }</button>
            if *open {
                <div id="business-menu" class="menu-panel">
                    <form id="rename-business" onsubmit={on_rename}>
                        <label for="rename-input">{ "Rename this business" }</label>
                        <input id="rename-input" value={(*rename).clone()} oninput={input(&rename)} maxlength="100" />
                        <button type="submit">{ "Rename" }</button>
                    </form>
                    <div>
                        <button id="backup-business" onclick={on_backup}>{ "Back up now" }</button>
                        <span class="hint">{ " A copy goes to the backups folder." }</span>
                    </div>
                    <form id="restore-business" onsubmit={on_restore}>
                        <label for="restore-pick">{ "Restore a backup as a new business" }</label>
                        if !backups.is_empty() {
                            <select id="restore-pick" onchange={on_pick}>
                                { for backups.iter().map(|b| html! {
                                    <option value={b.path.clone()} selected={b.path == *restore_path}>
                                        { format!("{} — {}, {}", b.file_name, format::bytes(b.bytes), format::time(b.modified_at)) }
                                    </option>
                                }) }
                            </select>
                        }
                        <input id="restore-path" value={(*restore_path).clone()} oninput={input(&restore_path)}
                            placeholder="Path of a backup file" aria-label="Backup file" />
                        <input id="restore-name" value={(*restore_name).clone()} oninput={input(&restore_name)}
                            placeholder="Name (the file's name if empty)" maxlength="100" aria-label="Name of the restored business" />
                        <button type="submit">{ "Restore" }</button>
                    </form>
                    <form id="new-business" onsubmit={on_empty}>
                        <label for="new-business-input">{ "Another business" }</label>
                        <input id="new-business-input" value={(*new_name).clone()} oninput={input(&new_name)} placeholder="Name" maxlength="100" />
                        <button type="submit">{ "Create empty" }</button>
                        <button type="button" onclick={on_demo}>{ "Create demo" }</button>
                    </form>
                    if let Some(result) = &*message {
                        <p id="business-menu-message" class={classes!(result.is_err().then_some("error"))} role="status">
                            { match result { Ok(m) | Err(m) => m.clone() } }
                        </p>
                    }
                </div>
            }
        </div>
    }
}
