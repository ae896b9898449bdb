//! Campaigns: the list with status badges and quick actions, the six-step wizard that
//! launches in one click, and a campaign's page with live progress, a funnel, the
//! per-recipient outcomes and a CSV export.

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use hearth_types::{
    CampaignDetail, CampaignKind, CampaignReview, CampaignStatus, CampaignSummary, ContactStatus,
    RecipientRow, SendWindow, Stage, StepChannel, StepPreview, Tier,
};
use yew::platform::spawn_local;
use yew::platform::time::sleep;
use yew::prelude::*;

use super::format::time as when;
use crate::api;
use crate::state::wizard::{ChannelPlan, ContentField, Wizard, WizardAction, STEPS};

#[derive(Debug, Clone, Copy, PartialEq)]
enum Mode {
    List,
    New,
    Detail(i64),
}

#[function_component(CampaignsView)]
pub fn campaigns_view() -> Html {
    let mode = use_state(|| Mode::List);
    let open = {
        let mode = mode.clone();
        Callback::from(move |id: i64| mode.set(Mode::Detail(id)))
    };
    let back = {
        let mode = mode.clone();
        Callback::from(move |_: MouseEvent| mode.set(Mode::List))
    };
    match *mode {
        Mode::List => {
            let new = {
                let mode = mode.clone();
                Callback::from(move |_: MouseEvent| mode.set(Mode::New))
            };
            html! { <CampaignList on_open={open} on_new={new} /> }
        }
        Mode::New => html! { <CampaignWizard on_launched={open} on_cancel={back} /> },
        Mode::Detail(id) => html! { <CampaignPage key={id} id={id} on_back={back} /> },
    }
}

fn badge(status: CampaignStatus) -> Html {
    html! {
        <span class={classes!("status-badge", status.as_str())} data-status={status.as_str()}>
            { status.as_str() }
        </span>
    }
}

/// Polls `load` every `every` while the component lives.
#[hook]
fn use_poll<T, F, Fut>(every: Duration, load: F) -> (Option<Result<T, String>>, Callback<()>)
where
    T: Clone + PartialEq + 'static,
    F: Fn() -> Fut + 'static,
    Fut: std::future::Future<Output = Result<T, hearth_types::CommandError>> + 'static,
{
    let value = use_state(|| None::<Result<T, String>>);
    let kick = use_state(|| 0u32);
    {
        let value = value.clone();
        let load = Rc::new(load);
        use_effect_with(*kick, move |_| {
            let alive = Rc::new(Cell::new(true));
            let polling = Rc::clone(&alive);
            spawn_local(async move {
                while polling.get() {
                    let latest = load().await.map_err(|e| e.to_string());
                    if !polling.get() {
                        break;
                    }
                    if value.as_ref() != Some(&latest) {
                        value.set(Some(latest));
                    }
                    sleep(every).await;
                }
            });
            move || alive.set(false)
        });
    }
    let refresh = {
        let kick = kick.clone();
        Callback::from(move |()| kick.set(kick.wrapping_add(1)))
    };
    ((*value).clone(), refresh)
}

#[derive(Properties, PartialEq)]
struct ListProps {
    on_open: Callback<i64>,
    on_new: Callback<MouseEvent>,
}

#[function_component(CampaignList)]
fn campaign_list(props: &ListProps) -> Html {
    let (list, refresh) = use_poll(Duration::from_secs(2), api::campaigns);
    let error = use_state(|| None::<String>);
    let act = |id: i64, action: &'static str| {
        let (refresh, error) = (refresh.clone(), error.clone());
        Callback::from(move |e: MouseEvent| {
            e.stop_propagation();
            let (refresh, error) = (refresh.clone(), error.clone());
            spawn_local(async move {
                match api::control_campaign(id, action).await {
                    Ok(_) => refresh.emit(()),
                    Err(e) => error.set(Some(e.to_string())),
                }
            });
        })
    };
    let row = |c: &CampaignSummary| {
        let open = {
            let on_open = props.on_open.clone();
            let id = c.id;
            Callback::from(move |_: MouseEvent| on_open.emit(id))
        };
        let actions = match c.status {
            CampaignStatus::Active | CampaignStatus::Scheduled => html! {
                <>
                    <button class="pause" onclick={act(c.id, "pause")}>{ "Pause" }</button>
                    <button class="stop" onclick={act(c.id, "stop")}>{ "Stop" }</button>
                </>
            },
            CampaignStatus::Paused => html! {
                <>
                    <button class="resume" onclick={act(c.id, "resume")}>{ "Resume" }</button>
                    <button class="stop" onclick={act(c.id, "stop")}>{ "Stop" }</button>
                </>
            },
            _ => html! {},
        };
        html! {
            <tr data-id={c.id.to_string()} class="campaign-row" onclick={open.clone()}>
                <td class="name">{ &c.name }</td>
                <td>{ c.kind.label() }</td>
                <td>{ &c.channel }</td>
                <td>{ badge(c.status) }</td>
                <td class="num">{ c.recipients }</td>
                <td class="num">{ c.contacted }</td>
                <td class="num">{ c.replied }</td>
                <td class="actions">
                    <button class="open" onclick={open}>{ "Open" }</button>
                    { actions }
                </td>
            </tr>
        }
    };
    html! {
        <main class="campaigns view" id="campaigns">
            <header class="view-head">
                <h1>{ "Campaigns" }</h1>
                <button id="new-campaign" class="primary" onclick={props.on_new.clone()}>{ "New campaign" }</button>
            </header>
            if let Some(e) = &*error {
                <p class="error" role="alert">{ e }</p>
            }
            {
                match &list {
                    None => html! { <p class="status">{ "Loading…" }</p> },
                    Some(Err(e)) => html! { <p class="error" role="alert">{ e }</p> },
                    Some(Ok(list)) if list.is_empty() => html! {
                        <p class="empty" id="no-campaigns">
                            { "No campaigns yet. A win-back, follow-up, promotion or feedback campaign reaches the right customers by email, text or AI call, at a pace you set, and never contacts anyone twice or anyone who opted out." }
                        </p>
                    },
                    Some(Ok(list)) => html! {
                        <table id="campaign-list" class="table">
                            <thead><tr>
                                <th>{ "Name" }</th><th>{ "Type" }</th><th>{ "Channel" }</th><th>{ "Status" }</th>
                                <th class="num">{ "Recipients" }</th><th class="num">{ "Contacted" }</th>
                                <th class="num">{ "Replied" }</th><th></th>
                            </tr></thead>
                            <tbody>{ for list.iter().map(row) }</tbody>
                        </table>
                    },
                }
            }
        </main>
    }
}

#[derive(Properties, PartialEq)]
struct WizardProps {
    on_launched: Callback<i64>,
    on_cancel: Callback<MouseEvent>,
}

fn input_value(e: &InputEvent) -> String {
    if let Some(i) = e.target_dyn_into::<web_sys::HtmlInputElement>() {
        return i.value();
    }
    e.target_dyn_into::<web_sys::HtmlTextAreaElement>()
        .map(|t| t.value())
        .unwrap_or_default()
}

fn checked(e: &Event) -> bool {
    e.target_dyn_into::<web_sys::HtmlInputElement>()
        .is_some_and(|i| i.checked())
}

#[function_component(CampaignWizard)]
fn campaign_wizard(props: &WizardProps) -> Html {
    let w = use_reducer(Wizard::default);
    let review = use_state(|| None::<Result<CampaignReview, String>>);
    let busy = use_state(|| false);
    let launch_error = use_state(|| None::<String>);
    // The live count and review follow the spec on the steps that show them.
    // Answers can arrive out of order while the user types: only the newest ask counts.
    let asked = use_mut_ref(|| 0u64);
    {
        let review = review.clone();
        let shows = matches!(w.step, 1 | 3 | 5);
        let spec = w.spec.clone();
        let asked = asked.clone();
        use_effect_with((spec, shows), move |(spec, shows)| {
            if *shows {
                let spec = spec.clone();
                *asked.borrow_mut() += 1;
                let ticket = *asked.borrow();
                spawn_local(async move {
                    let answer = api::campaign_review(&spec).await.map_err(|e| e.to_string());
                    if *asked.borrow() == ticket {
                        review.set(Some(answer));
                    }
                });
            }
        });
    }
    let dispatch = |make: fn(String) -> WizardAction| {
        let w = w.clone();
        Callback::from(move |e: InputEvent| w.dispatch(make(input_value(&e))))
    };
    let go = |action: WizardAction| {
        let w = w.clone();
        Callback::from(move |_: MouseEvent| w.dispatch(action.clone()))
    };
    let s = &w.spec;
    let step_nav = html! {
        <ol class="wizard-steps">
            { for STEPS.iter().enumerate().map(|(i, label)| html! {
                <li class={classes!(if i == w.step { "on" } else if i < w.step { "done" } else { "" })}>
                    <button data-step={i.to_string()} onclick={go(WizardAction::Goto(i))}>
                        <span class="n">{ i + 1 }</span>{ *label }
                    </button>
                </li>
            }) }
        </ol>
    };
    let count_line = match &*review {
        Some(Ok(r)) => html! {
            <p class="audience-count" id="audience-count" data-count={r.audience.count.to_string()}>
                <strong>{ r.audience.count }</strong>{ " recipients" }
                if r.audience.excluded_count > 0 {
                    { format!(" · {} left out (", r.audience.excluded_count) }
                    { r.audience.excluded_by_reason.iter().map(|(k, v)| format!("{v} {k}")).collect::<Vec<_>>().join(", ") }
                    { ")" }
                }
            </p>
        },
        Some(Err(e)) => html! { <p class="error" role="alert">{ e }</p> },
        None => html! { <p class="audience-count">{ "Counting…" }</p> },
    };
    let body = match w.step {
        0 => html! {
            <section class="wizard-body" data-step="basics">
                <label class="field"><span>{ "Name" }</span>
                    <input name="name" value={s.name.clone()} placeholder="Spring win-back"
                        oninput={dispatch(WizardAction::Name)} /></label>
                <label class="field"><span>{ "Description" }</span>
                    <input name="description" value={s.description.clone()}
                        oninput={dispatch(WizardAction::Description)} /></label>
                <fieldset class="field"><legend>{ "Type" }</legend>
                    { for CampaignKind::ALL.iter().map(|k| {
                        let w = w.clone();
                        let k = *k;
                        html! {
                            <label class="radio">
                                <input type="radio" name="kind" value={k.as_str()} checked={s.kind == k}
                                    onchange={Callback::from(move |_: Event| w.dispatch(WizardAction::Kind(k)))} />
                                { k.label() }
                            </label>
                        }
                    }) }
                </fieldset>
            </section>
        },
        1 => {
            let typed = |field: &'static str| {
                let w = w.clone();
                Callback::from(move |e: InputEvent| {
                    w.dispatch(WizardAction::Typed(field, input_value(&e)))
                })
            };
            let raw = |field: &str, shown: String| w.raw.get(field).cloned().unwrap_or(shown);
            let add_person = {
                let w = w.clone();
                Callback::from(move |id: i64| w.dispatch(WizardAction::Include(id)))
            };
            let has = |f: fn(bool) -> WizardAction| {
                let w = w.clone();
                Callback::from(move |e: Event| w.dispatch(f(checked(&e))))
            };
            let sample = match &*review {
                Some(Ok(r)) => html! {
                    <>
                        <ul class="sample" id="audience-sample">
                            { for r.audience.sample.iter().map(|m| {
                                let exclude = go(WizardAction::Exclude(m.contact_id));
                                html! {
                                    <li data-id={m.contact_id.to_string()}>
                                        <span class="name">{ &m.name }</span>
                                        <span class="muted">{ [m.email.as_deref(), m.phone.as_deref()].into_iter().flatten().collect::<Vec<_>>().join(" · ") }</span>
                                        <button class="link remove" onclick={exclude}>{ "Leave out" }</button>
                                    </li>
                                }
                            }) }
                        </ul>
                        if !r.audience.excluded.is_empty() {
                            <details class="excluded" id="audience-excluded">
                                <summary>{ format!("Left out ({})", r.audience.excluded_count) }</summary>
                                <ul>{ for r.audience.excluded.iter().take(20).map(|x| html! {
                                    <li><span class="name">{ &x.name }</span>{ " — " }{ &x.reason }</li>
                                }) }</ul>
                            </details>
                        }
                    </>
                },
                _ => html! {},
            };
            html! {
                <section class="wizard-body" data-step="audience">
                    { count_line.clone() }
                    <p class="hint">{ format!("Counted for {}: people without the address it needs are left out (the Channel step changes it).", w.plan.label().to_lowercase()) }</p>
                    <div class="grid2">
                        <label class="field"><span>{ "Not contacted for at least (days)" }</span>
                            <input name="days_since" type="number" min="0"
                                value={raw("days_since", s.audience.days_since_contact_min.map(|d| d.to_string()).unwrap_or_default())}
                                oninput={typed("days_since")} /></label>
                        <label class="field"><span>{ "Lead score at least" }</span>
                            <input name="score_min" type="number" min="0" max="100"
                                value={raw("score_min", s.audience.score_min.map(|d| d.to_string()).unwrap_or_default())}
                                oninput={typed("score_min")} /></label>
                        <label class="field"><span>{ "Lifetime value at least" }</span>
                            <input name="ltv_min" type="number" min="0" step="0.01"
                                value={raw("ltv_min", s.audience.ltv_min_minor.map(|d| format!("{:.2}", d as f64 / 100.0)).unwrap_or_default())}
                                oninput={typed("ltv_min")} /></label>
                    </div>
                    <fieldset class="field chips"><legend>{ "Status (any when none is ticked)" }</legend>
                        { for ContactStatus::ALL.iter().filter(|st| **st != ContactStatus::Blocked).map(|st| {
                            let w = w.clone();
                            let st = *st;
                            html! { <label class="check"><input type="checkbox" name={format!("status-{st}")}
                                checked={s.audience.statuses.contains(&st)}
                                onchange={Callback::from(move |_: Event| w.dispatch(WizardAction::ToggleStatus(st)))} />{ st.as_str() }</label> }
                        }) }
                    </fieldset>
                    <fieldset class="field chips"><legend>{ "Lead tier" }</legend>
                        { for [Tier::Hot, Tier::Warm, Tier::Cold].into_iter().map(|t| {
                            let w = w.clone();
                            html! { <label class="check"><input type="checkbox" name={format!("tier-{}", t.as_str())}
                                checked={s.audience.tiers.contains(&t)}
                                onchange={Callback::from(move |_: Event| w.dispatch(WizardAction::ToggleTier(t)))} />{ t.as_str() }</label> }
                        }) }
                    </fieldset>
                    <fieldset class="field chips"><legend>{ "Journey stage" }</legend>
                        { for Stage::ALL.into_iter().map(|st| {
                            let w = w.clone();
                            html! { <label class="check"><input type="checkbox" name={format!("stage-{}", st.as_str())}
                                checked={s.audience.stages.contains(&st)}
                                onchange={Callback::from(move |_: Event| w.dispatch(WizardAction::ToggleStage(st)))} />{ st.label() }</label> }
                        }) }
                    </fieldset>
                    <div class="grid2">
                        <label class="field"><span>{ "Tags (any of; comma-separated)" }</span>
                            <input name="tags" value={raw("tags", s.audience.tags.join(", "))} placeholder="newsletter, spring-event"
                                oninput={typed("tags")} /></label>
                        <label class="field"><span>{ "Average sentiment at least (-1 to 1)" }</span>
                            <input name="sentiment_min" type="number" min="-1" max="1" step="0.1"
                                value={raw("sentiment_min", s.audience.sentiment_min.map(|v| v.to_string()).unwrap_or_default())}
                                oninput={typed("sentiment_min")} /></label>
                    </div>
                    <AddPerson on_add={add_person} />
                    <fieldset class="field chips"><legend>{ "Must have" }</legend>
                        <label class="check"><input type="checkbox" name="has_email" checked={s.audience.has_email == Some(true)}
                            onchange={has(WizardAction::HasEmail)} />{ "an email address" }</label>
                        <label class="check"><input type="checkbox" name="has_phone" checked={s.audience.has_phone == Some(true)}
                            onchange={has(WizardAction::HasPhone)} />{ "a phone number" }</label>
                    </fieldset>
                    { sample }
                </section>
            }
        }
        2 => html! {
            <section class="wizard-body" data-step="channel">
                { for ChannelPlan::ALL.iter().map(|p| {
                    let w2 = w.clone();
                    let p = *p;
                    html! {
                        <label class="radio big">
                            <input type="radio" name="plan" value={p.key()} checked={w.plan == p}
                                onchange={Callback::from(move |_: Event| w2.dispatch(WizardAction::Plan(p)))} />
                            { p.label() }
                        </label>
                    }
                }) }
                <p class="hint">{ "A later step goes only to people who have not replied by then; anyone who opts out on any channel is never contacted again." }</p>
            </section>
        },
        3 => content_step(&w, &review),
        4 => schedule_step(&w),
        _ => review_step(&w, &review, &busy, &launch_error, props),
    };
    let next = go(WizardAction::Next);
    let back = go(WizardAction::Back);
    html! {
        <main class="wizard view" id="campaign-wizard">
            <header class="view-head">
                <h1>{ "New campaign" }</h1>
                <button class="link" id="wizard-cancel" onclick={props.on_cancel.clone()}>{ "Cancel" }</button>
            </header>
            { step_nav }
            { body }
            if !w.errors.is_empty() {
                <ul class="errors" id="wizard-errors" role="alert">
                    { for w.errors.iter().map(|e| html! { <li>{ e }</li> }) }
                </ul>
            }
            <footer class="wizard-foot">
                <button id="wizard-back" onclick={back} disabled={w.step == 0}>{ "Back" }</button>
                if w.step + 1 < STEPS.len() {
                    <button id="wizard-next" class="primary" onclick={next}>{ "Next" }</button>
                }
            </footer>
        </main>
    }
}

fn content_step(
    w: &UseReducerHandle<Wizard>,
    review: &UseStateHandle<Option<Result<CampaignReview, String>>>,
) -> Html {
    let field = |i: usize, f: ContentField| {
        let w = w.clone();
        Callback::from(move |e: InputEvent| {
            w.dispatch(WizardAction::Content(i, f, input_value(&e)))
        })
    };
    let variable = |key: &'static str| {
        let w = w.clone();
        Callback::from(move |e: InputEvent| {
            w.dispatch(WizardAction::Variable(key.into(), input_value(&e)))
        })
    };
    let delay = |i: usize| {
        let w = w.clone();
        Callback::from(move |e: InputEvent| {
            if let Ok(h) = input_value(&e).trim().parse() {
                w.dispatch(WizardAction::Delay(i, h));
            }
        })
    };
    let s = &w.spec;
    let var = |k: &str| s.variables.get(k).cloned().unwrap_or_default();
    html! {
        <section class="wizard-body" data-step="content">
            <p class="hint">{ "Variables: {first_name}, {customer_name}, {company}, {business_name}, {agent_name}, {promotion} and any contact field. Every text ends with how to opt out." }</p>
            <div class="grid2">
                <label class="field"><span>{ "{promotion}" }</span>
                    <input name="var-promotion" value={var("promotion")} oninput={variable("promotion")} /></label>
                <label class="field"><span>{ "{agent_name}" }</span>
                    <input name="var-agent_name" value={var("agent_name")} oninput={variable("agent_name")} /></label>
            </div>
            { for s.steps.iter().enumerate().map(|(i, step)| {
                let head = html! {
                    <h3>{ format!("Step {} · {}", i + 1, match step.channel {
                        StepChannel::Email => "Email", StepChannel::Sms => "Text message", StepChannel::Call => "AI call" }) }
                        if i > 0 {
                            <label class="inline">{ " after " }
                                <input name={format!("delay-{i}")} type="number" min="0" class="short"
                                    value={step.delay_hours.to_string()} oninput={delay(i)} />
                                { " hours without a reply" }</label>
                        }
                    </h3>
                };
                let body = match step.channel {
                    StepChannel::Email => {
                        let e = step.email.clone().unwrap_or_default();
                        html! {
                            <>
                                <label class="field"><span>{ "Subject" }</span>
                                    <input name={format!("subject-{i}")} value={e.subject} oninput={field(i, ContentField::Subject)} /></label>
                                <label class="field"><span>{ "Text" }</span>
                                    <textarea name={format!("text-{i}")} rows="6" value={e.text} oninput={field(i, ContentField::Text)} /></label>
                                <label class="field"><span>{ "Simple HTML (optional; sanitized, no scripts or remote content)" }</span>
                                    <textarea name={format!("html-{i}")} rows="3" value={e.html.unwrap_or_default()} oninput={field(i, ContentField::Html)} /></label>
                                <p class="hint">{ "An unsubscribe line and a List-Unsubscribe header (mailto: your address) are added; a reply of \"unsubscribe\" or \"stop\" is honoured." }</p>
                            </>
                        }
                    }
                    StepChannel::Sms => {
                        let text = step.sms.clone().unwrap_or_default().text;
                        let (enc, units, parts) = hearth_types::sms_parts(&hearth_types::with_sms_opt_out(&text));
                        html! {
                            <>
                                <label class="field"><span>{ "Text" }</span>
                                    <textarea name={format!("sms-{i}")} rows="3" value={text} oninput={field(i, ContentField::SmsText)} /></label>
                                <p class="hint sms-count" id={format!("sms-count-{i}")}>
                                    { format!("{} · {units} characters with the opt-out line · {parts} part(s) before variables are filled", enc.label()) }
                                </p>
                            </>
                        }
                    }
                    StepChannel::Call => {
                        let c = step.call.clone().unwrap_or_default();
                        let vars: String = c.variables.iter().map(|(k, v)| format!("{k}={v}\n")).collect();
                        html! {
                            <>
                                <label class="field"><span>{ "VAPI assistant (the one in Settings when empty)" }</span>
                                    <input name={format!("assistant-{i}")} value={c.assistant_id.unwrap_or_default()} oninput={field(i, ContentField::Assistant)} /></label>
                                <label class="field"><span>{ "VAPI phone number id to call from (the one in Settings when empty)" }</span>
                                    <input name={format!("number-{i}")} value={c.phone_number_id.unwrap_or_default()} oninput={field(i, ContentField::PhoneNumber)} /></label>
                                <label class="field"><span>{ "Values for the assistant's variables (name=value per line)" }</span>
                                    <textarea name={format!("vars-{i}")} rows="3" value={vars} oninput={field(i, ContentField::CallVariables)} /></label>
                            </>
                        }
                    }
                };
                html! { <div class="content-step" data-channel={step.channel.as_str()}>{ head }{ body }</div> }
            }) }
            if let Some(Ok(r)) = &**review {
                if !r.missing.is_empty() {
                    <div class="missing" id="content-missing">
                        <h3>{ format!("{} recipient(s) lack a value", r.missing.len()) }</h3>
                        <ul>{ for r.missing.iter().take(10).map(|m| html! {
                            <li>{ format!("{}: {}", m.name, m.variables.join(", ")) }</li>
                        }) }</ul>
                    </div>
                }
                if r.errors.iter().any(|e| e.contains("unknown variable")) {
                    <ul class="errors">{ for r.errors.iter().filter(|e| e.contains("unknown variable")).map(|e| html! { <li>{ e }</li> }) }</ul>
                }
            }
        </section>
    }
}

fn schedule_step(w: &UseReducerHandle<Wizard>) -> Html {
    let s = &w.spec.schedule;
    let text = |f: fn(String) -> WizardAction| {
        let w = w.clone();
        Callback::from(move |e: InputEvent| w.dispatch(f(input_value(&e))))
    };
    let number = |f: fn(u32) -> WizardAction| {
        let w = w.clone();
        Callback::from(move |e: InputEvent| {
            if let Ok(n) = input_value(&e).trim().parse() {
                w.dispatch(f(n));
            }
        })
    };
    let any_time = {
        let w = w.clone();
        Callback::from(move |e: Event| {
            w.dispatch(WizardAction::Window(
                (!checked(&e)).then(SendWindow::default),
            ))
        })
    };
    let start = {
        let w = w.clone();
        Callback::from(move |e: InputEvent| {
            let v = input_value(&e);
            let at = js_sys::Date::parse(&v);
            w.dispatch(WizardAction::StartAt(
                (!v.is_empty() && at.is_finite()).then_some(at as i64),
            ))
        })
    };
    const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    let used: Vec<StepChannel> = w.spec.steps.iter().map(|s| s.channel).collect();
    html! {
        <section class="wizard-body" data-step="schedule">
            <label class="field"><span>{ "Start (empty: as soon as it is launched)" }</span>
                <input name="start_at" type="datetime-local" oninput={start} /></label>
            <label class="check"><input type="checkbox" name="any_time" checked={s.window.is_none()} onchange={any_time} />
                { " Any time of day (otherwise only within the hours below, in each recipient's own time zone)" }</label>
            if let Some(win) = &s.window {
                <div class="grid2">
                    <label class="field"><span>{ "From" }</span>
                        <input name="window_start" value={win.start.clone()} oninput={text(WizardAction::WindowStart)} /></label>
                    <label class="field"><span>{ "Until" }</span>
                        <input name="window_end" value={win.end.clone()} oninput={text(WizardAction::WindowEnd)} /></label>
                </div>
                <fieldset class="field chips"><legend>{ "Days" }</legend>
                    { for DAYS.iter().enumerate().map(|(i, d)| {
                        let w = w.clone();
                        let day = (i + 1) as u8;
                        html! { <label class="check"><input type="checkbox" name={format!("day-{day}")} checked={win.days.contains(&day)}
                            onchange={Callback::from(move |_: Event| w.dispatch(WizardAction::ToggleDay(day)))} />{ *d }</label> }
                    }) }
                </fieldset>
            }
            <table class="pace">
                <thead><tr><th></th><th>{ "Per minute" }</th><th>{ "Per day (0: no cap)" }</th></tr></thead>
                <tbody>
                { for used.iter().map(|c| {
                    let c = *c;
                    let pace = match c { StepChannel::Email => s.email, StepChannel::Sms => s.sms, StepChannel::Call => s.call };
                    let per = { let w = w.clone(); Callback::from(move |e: InputEvent| if let Ok(n) = input_value(&e).trim().parse() { w.dispatch(WizardAction::PerMinute(c, n)) }) };
                    let cap = { let w = w.clone(); Callback::from(move |e: InputEvent| if let Ok(n) = input_value(&e).trim().parse() { w.dispatch(WizardAction::DailyCap(c, n)) }) };
                    html! { <tr>
                        <th>{ c.as_str() }</th>
                        <td><input name={format!("rate-{c}")} type="number" min="1" value={pace.per_minute.to_string()} oninput={per} /></td>
                        <td><input name={format!("cap-{c}")} type="number" min="0" value={pace.daily_cap.to_string()} oninput={cap} /></td>
                    </tr> }
                }) }
                </tbody>
            </table>
            if used.contains(&StepChannel::Call) {
                <label class="field"><span>{ "Calls at once (VAPI allows 10 by default)" }</span>
                    <input name="concurrency" type="number" min="1" value={s.call_concurrency.to_string()}
                        oninput={number(WizardAction::Concurrency)} /></label>
            }
        </section>
    }
}

fn preview_card(p: &StepPreview, i: usize) -> Html {
    html! {
        <div class="preview" data-channel={p.channel.as_str()}>
            <h4>{ format!("Step {} · {} to {}", i + 1, p.channel, p.to.clone().unwrap_or_else(|| "(no address: skipped)".into())) }</h4>
            if let Some(subject) = &p.subject {
                <p class="subject">{ subject }</p>
            }
            <pre class="text">{ &p.text }</pre>
            if let (Some(enc), Some(parts)) = (&p.encoding, p.segments) {
                <p class="hint">{ format!("{enc}, {} characters, {parts} part(s)", p.chars.unwrap_or(0)) }</p>
            }
            if !p.missing.is_empty() {
                <p class="warning">{ format!("Missing: {}", p.missing.join(", ")) }</p>
            }
        </div>
    }
}

fn review_step(
    w: &UseReducerHandle<Wizard>,
    review: &UseStateHandle<Option<Result<CampaignReview, String>>>,
    busy: &UseStateHandle<bool>,
    launch_error: &UseStateHandle<Option<String>>,
    props: &WizardProps,
) -> Html {
    let r = match &**review {
        None => {
            return html! { <section class="wizard-body"><p class="status">{ "Checking…" }</p></section> }
        }
        Some(Err(e)) => {
            return html! { <section class="wizard-body"><p class="error" role="alert">{ e }</p></section> }
        }
        Some(Ok(r)) => r.clone(),
    };
    let launch = {
        let (w, busy, launch_error, on_launched) = (
            w.clone(),
            busy.clone(),
            launch_error.clone(),
            props.on_launched.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let (w, busy, launch_error, on_launched) = (
                w.clone(),
                busy.clone(),
                launch_error.clone(),
                on_launched.clone(),
            );
            busy.set(true);
            spawn_local(async move {
                let saved = api::save_campaign(w.id, &w.spec).await;
                let result = match saved {
                    Ok(id) => {
                        w.dispatch(WizardAction::Saved(id));
                        api::launch_campaign(id).await.map(|_| id)
                    }
                    Err(e) => Err(e),
                };
                busy.set(false);
                match result {
                    Ok(id) => on_launched.emit(id),
                    Err(e) => launch_error.set(Some(e.to_string())),
                }
            });
        })
    };
    let preview_for = html! { <PreviewPicker spec={w.spec.clone()} review={r.clone()} /> };
    html! {
        <section class="wizard-body" data-step="review" id="campaign-review">
            <p class="review-count" id="review-count" data-count={r.audience.count.to_string()}>
                <strong>{ r.audience.count }</strong>{ " recipients" }
                { format!(" · {} step(s) · {}", w.spec.steps.len(), w.spec.kind.label()) }
            </p>
            { preview_for }
            <p id="review-cost">{ format!("Estimated provider cost: ${:.2}", r.cost_estimate_micros as f64 / 1e6) }
                <span class="hint">{ format!(" ({})", r.cost_note) }</span></p>
            if r.max_sms_segments > 0 {
                <p class="hint">{ format!("Texts take up to {} part(s).", r.max_sms_segments) }</p>
            }
            if !r.missing.is_empty() {
                <details id="review-missing"><summary>{ format!("{} recipient(s) lack a variable", r.missing.len()) }</summary>
                    <ul>{ for r.missing.iter().take(20).map(|m| html! { <li>{ format!("{}: {}", m.name, m.variables.join(", ")) }</li> }) }</ul>
                </details>
            }
            if !r.warnings.is_empty() {
                <ul id="review-warnings" class="warnings">{ for r.warnings.iter().map(|x| html! { <li>{ x }</li> }) }</ul>
            }
            if !r.errors.is_empty() {
                <ul id="review-errors" class="errors" role="alert">{ for r.errors.iter().map(|x| html! { <li>{ x }</li> }) }</ul>
            }
            if let Some(e) = &**launch_error {
                <p class="error" id="launch-error" role="alert">{ e }</p>
            }
            <button id="launch" class="primary big" onclick={launch}
                disabled={**busy || !r.errors.is_empty()}>
                { if **busy { "Launching…".to_string() } else { format!("Launch to {} recipients", r.audience.count) } }
            </button>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct PickerProps {
    spec: hearth_types::CampaignSpec,
    review: CampaignReview,
}

/// The previews, for the first recipient or any one picked from the sample.
#[function_component(PreviewPicker)]
fn preview_picker(props: &PickerProps) -> Html {
    let picked = use_state(|| None::<Vec<StepPreview>>);
    let on_pick = {
        let (picked, spec) = (picked.clone(), props.spec.clone());
        Callback::from(move |e: Event| {
            let Some(select) = e.target_dyn_into::<web_sys::HtmlSelectElement>() else {
                return;
            };
            let Ok(id) = select.value().parse::<i64>() else {
                return;
            };
            let (picked, spec) = (picked.clone(), spec.clone());
            spawn_local(async move {
                if let Ok(p) = api::campaign_preview(&spec, id).await {
                    picked.set(Some(p));
                }
            });
        })
    };
    let previews = picked
        .as_ref()
        .cloned()
        .unwrap_or_else(|| props.review.previews.clone());
    html! {
        <div class="previews" id="review-previews">
            <label class="field inline"><span>{ "Preview for " }</span>
                <select name="preview_contact" onchange={on_pick}>
                    { for props.review.audience.sample.iter().map(|m| html! {
                        <option value={m.contact_id.to_string()}>{ &m.name }</option>
                    }) }
                </select>
            </label>
            { for previews.iter().enumerate().map(|(i, p)| preview_card(p, i)) }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct AddProps {
    on_add: Callback<i64>,
}

/// Adds a person by hand: the first contact matching a name, email or phone.
#[function_component(AddPerson)]
fn add_person(props: &AddProps) -> Html {
    let text = use_state(String::new);
    let note = use_state(|| None::<String>);
    let on_input = {
        let text = text.clone();
        Callback::from(move |e: InputEvent| text.set(input_value(&e)))
    };
    let on_add = {
        let (text, note, on_add) = (text.clone(), note.clone(), props.on_add.clone());
        Callback::from(move |_: MouseEvent| {
            let (query, note, on_add) = ((*text).trim().to_owned(), note.clone(), on_add.clone());
            if query.is_empty() {
                return;
            }
            spawn_local(async move {
                let request = hearth_types::ContactsRequest {
                    search: Some(query.clone()),
                    limit: Some(1),
                    ..Default::default()
                };
                match api::contacts(&request).await {
                    Ok(found) => match found.first() {
                        Some(c) => {
                            on_add.emit(c.id);
                            note.set(Some(format!("Added {}", c.name)));
                        }
                        None => note.set(Some(format!("Nobody matches {query:?}"))),
                    },
                    Err(e) => note.set(Some(e.to_string())),
                }
            });
        })
    };
    html! {
        <div class="field add-person">
            <span>{ "Add a person by hand (name, email or phone)" }</span>
            <div class="row">
                <input name="add_person" value={(*text).clone()} oninput={on_input} />
                <button id="add-person" onclick={on_add}>{ "Add" }</button>
                if let Some(n) = &*note {
                    <span class="hint" id="add-person-note">{ n }</span>
                }
            </div>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct PageProps {
    id: i64,
    on_back: Callback<MouseEvent>,
}

/// The funnel: recipients → contacted → replied → converted, as SVG bars.
fn funnel(d: &CampaignDetail) -> Html {
    let r = &d.results;
    let rows = [
        ("Recipients", r.recipients),
        ("Contacted", r.contacted),
        ("Replied", r.replied),
        ("Converted", r.conversions),
    ];
    let max = r.recipients.max(1) as f64;
    html! {
        <svg id="campaign-funnel" class="funnel" viewBox="0 0 420 132" role="img" aria-label="Campaign funnel">
            { for rows.iter().enumerate().map(|(i, (label, n))| {
                let width = (*n as f64 / max * 300.0).max(1.0);
                let y = (i * 32) as f64;
                html! {
                    <g data-label={*label} data-value={n.to_string()}>
                        <text x="0" y={format!("{}", y + 18.0)} class="label">{ *label }</text>
                        <rect x="90" y={format!("{}", y + 4.0)} width={format!("{width:.1}")} height="22" rx="3" class={format!("bar b{i}")} />
                        <text x={format!("{:.1}", 96.0 + width)} y={format!("{}", y + 20.0)} class="value">{ n }</text>
                    </g>
                }
            }) }
        </svg>
    }
}

#[function_component(CampaignPage)]
fn campaign_page(props: &PageProps) -> Html {
    let id = props.id;
    let (detail, refresh) = use_poll(Duration::from_secs(1), move || api::campaign_detail(id));
    let (rows, _) = use_poll(Duration::from_secs(3), move || api::campaign_recipients(id));
    let note = use_state(|| None::<Result<String, String>>);
    let act = |action: &'static str| {
        let (refresh, note) = (refresh.clone(), note.clone());
        Callback::from(move |_: MouseEvent| {
            let (refresh, note) = (refresh.clone(), note.clone());
            spawn_local(async move {
                match api::control_campaign(id, action).await {
                    Ok(status) => {
                        let what = match status {
                            CampaignStatus::Paused => {
                                "Paused: nothing more goes out until you resume.".to_owned()
                            }
                            CampaignStatus::Active => "Resumed.".to_owned(),
                            CampaignStatus::Cancelled => {
                                "Stopped: nobody else will be contacted.".to_owned()
                            }
                            other => format!("The campaign is {other}."),
                        };
                        note.set(Some(Ok(what)));
                        refresh.emit(());
                    }
                    Err(e) => note.set(Some(Err(e.to_string()))),
                }
            });
        })
    };
    let export = {
        let note = note.clone();
        Callback::from(move |_: MouseEvent| {
            let note = note.clone();
            spawn_local(async move {
                note.set(Some(
                    api::export_campaign(id)
                        .await
                        .map(|p| format!("Saved {p}"))
                        .map_err(|e| e.to_string()),
                ));
            });
        })
    };
    let d = match &detail {
        None => return html! { <main class="view"><p class="status">{ "Loading…" }</p></main> },
        Some(Err(e)) => {
            return html! { <main class="view"><p class="error" role="alert">{ e }</p></main> }
        }
        Some(Ok(d)) => d.clone(),
    };
    let s = &d.summary;
    let r = &d.results;
    let done = r
        .by_status
        .iter()
        .filter(|(k, _)| !matches!(k.as_str(), "pending" | "queued" | "sending" | "unknown"))
        .map(|(_, v)| v)
        .sum::<u64>();
    let percent = if r.recipients == 0 {
        0.0
    } else {
        done as f64 * 100.0 / r.recipients as f64
    };
    let controls = match s.status {
        CampaignStatus::Active | CampaignStatus::Scheduled => html! {
            <><button id="campaign-pause" onclick={act("pause")}>{ "Pause" }</button>
              <button id="campaign-stop" class="danger" onclick={act("stop")}>{ "Stop" }</button></>
        },
        CampaignStatus::Paused => html! {
            <><button id="campaign-resume" class="primary" onclick={act("resume")}>{ "Resume" }</button>
              <button id="campaign-stop" class="danger" onclick={act("stop")}>{ "Stop" }</button></>
        },
        _ => html! {},
    };
    let recipient_row = |x: &RecipientRow| {
        html! {
            <tr data-contact={x.contact_id.to_string()} data-status={x.status.as_str()}>
                <td>{ &x.name }</td>
                <td><span class={classes!("r-status", x.status.as_str())}>{ x.status.as_str() }</span></td>
                <td>{ x.step + 1 }</td>
                <td>{ x.channel.map(|c| c.as_str()).unwrap_or("-") }</td>
                <td class="muted">{ x.address.clone().unwrap_or_default() }</td>
                <td>{ x.last_sent_at.map(when).unwrap_or_default() }</td>
                <td class="muted">{ x.error.clone().unwrap_or_default() }</td>
            </tr>
        }
    };
    html! {
        <main class="view campaign-page" id="campaign-page" data-id={id.to_string()} data-status={s.status.as_str()}>
            <header class="view-head">
                <button class="link" id="campaign-back" onclick={props.on_back.clone()}>{ "← Campaigns" }</button>
                <h1>{ &s.name }</h1>
                { badge(s.status) }
                <span class="controls">{ controls }</span>
            </header>
            <p class="muted">{ format!("{} · {} · launched {}", s.kind.label(), s.channel, s.launched_at.map(when).unwrap_or_else(|| "-".into())) }</p>
            <progress class="progress" id="campaign-progress" max={r.recipients.max(1).to_string()} value={done.to_string()}
                data-done={done.to_string()} data-total={r.recipients.to_string()} title={format!("{percent:.0}% done")}></progress>
            <p class="counts" id="campaign-counts">
                { for r.by_status.iter().map(|(k, v)| html! { <span class={classes!("count", k.clone())} data-status={k.clone()}>{ format!("{k} {v}") }</span> }) }
            </p>
            if let Some(w) = &d.waiting {
                <p class="hint" id="campaign-waiting">{ format!("Waiting: {w}") }</p>
            }
            if let Some(e) = &d.last_error {
                <p class="error" id="campaign-error">{ e }</p>
            }
            if let Some(n) = &*note {
                <p class={classes!("note", if n.is_ok() { "ok" } else { "error" })} id="campaign-note" role="status">
                    { match n { Ok(m) | Err(m) => m.clone() } }
                </p>
            }
            <div class="results">
                { funnel(&d) }
                <ul class="campaign-figures" id="campaign-figures">
                    { for r.sent_by_step.iter().map(|(step, ch, n)| html! { <li>{ format!("Step {} ({ch}): {n} sent", step + 1) }</li> }) }
                    <li>{ format!("Inbound calls: {}", r.inbound_calls) }</li>
                    <li id="campaign-revenue">{ format!("Orders after contact: {} ({:.2} {})", r.conversions, r.revenue_minor as f64 / 100.0, r.currency) }</li>
                    <li>{ format!("Provider cost: ${:.2}", r.cost_micros as f64 / 1e6) }</li>
                </ul>
            </div>
            <header class="section-head">
                <h2>{ "Recipients" }</h2>
                <button id="campaign-export" onclick={export}>{ "Export CSV" }</button>
            </header>
            {
                match &rows {
                    Some(Ok(rows)) => html! {
                        <table class="table" id="campaign-recipients">
                            <thead><tr><th>{ "Name" }</th><th>{ "Status" }</th><th>{ "Step" }</th><th>{ "Channel" }</th><th>{ "Address" }</th><th>{ "Last sent" }</th><th>{ "Note" }</th></tr></thead>
                            <tbody>{ for rows.iter().take(300).map(recipient_row) }</tbody>
                        </table>
                    },
                    Some(Err(e)) => html! { <p class="error">{ e }</p> },
                    None => html! {},
                }
            }
        </main>
    }
}
