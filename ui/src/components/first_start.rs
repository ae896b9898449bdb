//! First start: open the demo business or create an empty one.

use hearth_types::{AppStatus, CreateBusiness};
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api;

/// The name the demo business gets.
pub const DEMO_NAME: &str = "Brightside Home Services (demo)";

#[derive(Properties, PartialEq)]
pub struct FirstStartProps {
    pub on_status: Callback<AppStatus>,
}

#[function_component(FirstStart)]
pub fn first_start(props: &FirstStartProps) -> Html {
    let name = use_state(String::new);
    let busy = use_state(|| false);
    let error = use_state(|| None::<String>);

    let create = {
        let on_status = props.on_status.clone();
        let busy = busy.clone();
        let error = error.clone();
        Callback::from(move |request: CreateBusiness| {
            busy.set(true);
            error.set(None);
            let on_status = on_status.clone();
            let busy = busy.clone();
            let error = error.clone();
            spawn_local(async move {
                match api::create_business(&request).await {
                    Ok(status) => on_status.emit(status),
                    Err(e) => {
                        error.set(Some(e.to_string()));
                        busy.set(false);
                    }
                }
            });
        })
    };
    let on_demo = {
        let create = create.clone();
        Callback::from(move |_: MouseEvent| {
            create.emit(CreateBusiness {
                name: DEMO_NAME.to_owned(),
                demo: true,
            })
        })
    };
    let on_empty = {
        let name = name.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            create.emit(CreateBusiness {
                name: (*name).clone(),
                demo: false,
            })
        })
    };
    let on_name = {
        let name = name.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(input) = e.target_dyn_into::<web_sys::HtmlInputElement>() {
                name.set(input.value());
            }
        })
    };
    html! {
        <main id="first-start" class="first-start">
            <h1>{ "Welcome to Hearth" }</h1>
            <p class="lead">{ "Every customer conversation — mail, texts, calls, orders — in one place, on your own computer." }</p>
            <div class="choices">
                <section class="choice">
                    <h2>{ "Explore the demo" }</h2>
                    <p>{ "A home-services company with two years of emails, texts, AI calls and orders." }</p>
                    <button id="start-demo" class="primary" onclick={on_demo} disabled={*busy}>
                        { if *busy { "Preparing…" } else { "Open the demo business" } }
                    </button>
                </section>
                <form class="choice" onsubmit={on_empty}>
                    <h2>{ "Start with your own" }</h2>
                    <label for="new-business-name">{ "Business name" }</label>
                    <input id="new-business-name" type="text" value={(*name).clone()} oninput={on_name}
                        placeholder="e.g. Lee's Bakery" maxlength="100" />
                    <button id="start-empty" type="submit" disabled={*busy}>{ "Create an empty business" }</button>
                </form>
            </div>
            if let Some(message) = &*error {
                <p class="banner error" role="alert" id="first-start-error">{ message }</p>
            }
        </main>
    }
}
