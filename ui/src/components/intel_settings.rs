//! Settings → "Lead scoring and notifications": the points of every lead-score factor,
//! quiet hours for hot-lead notifications, whether to show them, and the business's time
//! zone (for best contact hours). Saving re-scores every contact.

use hearth_types::IntelSettings;
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api;

/// Words for each weight key.
fn label(key: &str) -> &'static str {
    match key {
        "base" => "Starting score",
        "contact_details" => "Email or phone known",
        "company_known" => "Company known",
        "budget" => "Budget mentioned",
        "timeline" => "Timeline given",
        "urgency" => "Urgent",
        "decision_maker" => "Decision maker",
        "competitor" => "Comparing with others",
        "messages_5plus" => "5+ messages exchanged",
        "fast_replies" => "Replies within 4 h",
        "long_call" => "A call of 2+ minutes",
        "pricing_questions" => "Asked about pricing",
        "technical_questions" => "Technical questions",
        "positive_sentiment" => "Positive sentiment",
        "negative_sentiment" => "Negative sentiment (taken away)",
        "gone_quiet" => "Silent 60+ days (taken away)",
        _ => "Other",
    }
}

#[function_component(IntelCard)]
pub fn intel_card() -> Html {
    let form = use_state(|| None::<IntelSettings>);
    let result = use_state(|| None::<Result<String, String>>);
    {
        let (form, result) = (form.clone(), result.clone());
        use_effect_with((), move |_| {
            spawn_local(async move {
                match api::intel_settings().await {
                    Ok(s) => form.set(Some(s)),
                    Err(e) => result.set(Some(Err(e.to_string()))),
                }
            });
        });
    }
    let Some(current) = (*form).clone() else {
        return html! {
            <section id="intel-settings" class="card">
                <h2>{ "Lead scoring and notifications" }</h2>
                if let Some(Err(e)) = &*result {
                    <p class="error" role="alert">{ e }</p>
                } else {
                    <p class="status">{ "Loading…" }</p>
                }
            </section>
        };
    };
    let on_weight = |key: &'static str| {
        let form = form.clone();
        Callback::from(move |e: InputEvent| {
            let Some(input) = e.target_dyn_into::<web_sys::HtmlInputElement>() else {
                return;
            };
            if let (Some(mut s), Ok(points)) =
                ((*form).clone(), input.value().trim().parse::<i64>())
            {
                if s.weights.set(key, points).is_ok() {
                    form.set(Some(s));
                }
            }
        })
    };
    let on_text = |apply: fn(&mut IntelSettings, String)| {
        let form = form.clone();
        Callback::from(move |e: InputEvent| {
            if let (Some(input), Some(mut s)) = (
                e.target_dyn_into::<web_sys::HtmlInputElement>(),
                (*form).clone(),
            ) {
                apply(&mut s, input.value());
                form.set(Some(s));
            }
        })
    };
    let on_notify = {
        let form = form.clone();
        Callback::from(move |e: Event| {
            if let (Some(input), Some(mut s)) = (
                e.target_dyn_into::<web_sys::HtmlInputElement>(),
                (*form).clone(),
            ) {
                s.notify_hot_leads = input.checked();
                form.set(Some(s));
            }
        })
    };
    let on_save = {
        let (form, result) = (form.clone(), result.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(s) = (*form).clone() else { return };
            let (form, result) = (form.clone(), result.clone());
            spawn_local(async move {
                match api::set_intel_settings(&s).await {
                    Ok(saved) => {
                        form.set(Some(saved));
                        result.set(Some(Ok(
                            "Saved; every contact is being scored again.".into()
                        )));
                    }
                    Err(e) => result.set(Some(Err(e.to_string()))),
                }
            });
        })
    };
    html! {
        <section id="intel-settings" class="card">
            <h2>{ "Lead scoring and notifications" }</h2>
            <form onsubmit={on_save}>
                <p class="hint">{ "Points per factor; hot ≥ 80, warm 60–79, cold below." }</p>
                <div class="weights">
                    { for current.weights.entries().into_iter().map(|(key, points)| html! {
                        <label class="weight">
                            <span>{ label(key) }</span>
                            <input type="number" name={key} min="-100" max="100" value={points.to_string()}
                                oninput={on_weight(key)} />
                        </label>
                    }) }
                </div>
                <label class="field">
                    <span>{ "Quiet hours (no notifications), e.g. 22:00-07:00" }</span>
                    <input name="quiet_hours" value={current.quiet_hours.clone()} placeholder="none"
                        oninput={on_text(|s, v| s.quiet_hours = v)} />
                </label>
                <label class="field">
                    <span>{ "Business time zone" }</span>
                    <input name="time_zone" value={current.time_zone.clone()}
                        oninput={on_text(|s, v| s.time_zone = v)} />
                </label>
                <label class="check">
                    <input type="checkbox" name="notify_hot_leads" checked={current.notify_hot_leads} onchange={on_notify} />
                    { " Desktop notification when a contact becomes a hot lead or a hot lead writes" }
                </label>
                <button type="submit" class="primary save">{ "Save" }</button>
                if let Some(r) = &*result {
                    <p class={classes!("save-result", if r.is_ok() { "ok" } else { "error" })} role="status">
                        { match r { Ok(m) | Err(m) => m.clone() } }
                    </p>
                }
            </form>
        </section>
    }
}
