//! Contacts: a searchable list, and beside it the chosen contact's profile and timeline,
//! or the form creating or editing a contact. A save reloads the list and the profile.

use hearth_types::{ContactProfile, ContactSort, ContactSummary, ContactsRequest, IdentityKind};
use yew::prelude::*;

use super::contact_form::ContactFormView;
use super::duplicates::DuplicatesView;
use super::format;
use super::timeline::{channel_label, TimelineView};
use crate::api;
use crate::hooks::{use_load, Load};
use crate::state::contact_form::ContactForm;

#[derive(Properties, PartialEq)]
pub struct ContactsProps {
    /// A contact to show, asked for from outside (a notification, the tray), with a
    /// counter so asking twice for the same one opens it again.
    #[prop_or_default]
    pub open: Option<(i64, u32)>,
}

#[function_component(ContactsView)]
pub fn contacts_view(props: &ContactsProps) -> Html {
    let search = use_state(String::new);
    let selected = use_state(|| props.open.map(|(id, _)| id));
    let sort = use_state(ContactSort::default);
    // Open form, if any; `saves` counts saves so the list and profile load again.
    let form = use_state(|| None::<ContactForm>);
    let saves = use_state(|| 0u32);
    let show_duplicates = use_state(|| false);
    {
        let (selected, form, dup) = (selected.clone(), form.clone(), show_duplicates.clone());
        use_effect_with(props.open, move |open| {
            if let Some((id, _)) = open {
                form.set(None);
                dup.set(false);
                selected.set(Some(*id));
            }
        });
    }
    let list = use_load(
        ((*search).clone(), *sort, *saves),
        |(search, sort, _): (String, ContactSort, u32)| async move {
            let search = search.trim().to_owned();
            let request = ContactsRequest {
                search: (!search.is_empty()).then_some(search),
                sort,
                limit: Some(200),
            };
            api::contacts(&request).await
        },
    );
    let tab = |value: ContactSort, label: &'static str| {
        let sort_handle = sort.clone();
        let on = *sort == value;
        html! {
            <button class={classes!("tab", on.then_some("on"))} data-sort={value.as_str()} aria-pressed={on.to_string()}
                onclick={Callback::from(move |_: MouseEvent| sort_handle.set(value))}>{ label }</button>
        }
    };
    let on_search = {
        let search = search.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(input) = e.target_dyn_into::<web_sys::HtmlInputElement>() {
                search.set(input.value());
            }
        })
    };
    let on_new = {
        let form = form.clone();
        Callback::from(move |_: MouseEvent| form.set(Some(ContactForm::new_contact())))
    };
    let on_edit = {
        let form = form.clone();
        Callback::from(move |p: ContactProfile| form.set(Some(ContactForm::edit(&p))))
    };
    let on_saved = {
        let (form, saves, selected) = (form.clone(), saves.clone(), selected.clone());
        Callback::from(move |c: ContactSummary| {
            selected.set(Some(c.id));
            saves.set(*saves + 1);
            form.set(None);
        })
    };
    let on_cancel = {
        let form = form.clone();
        Callback::from(move |()| form.set(None))
    };
    let (rows, status, loading) = match &list {
        Load::Loading => (Vec::new(), html! { "Loading…" }, true),
        Load::Failed(e) => (
            Vec::new(),
            html! { <span class="error" role="alert">{ e }</span> },
            false,
        ),
        Load::Ready(contacts) if contacts.is_empty() => {
            (Vec::new(), html! { "No contacts match." }, false)
        }
        Load::Ready(contacts) => {
            let noun = if contacts.len() == 1 {
                "contact"
            } else {
                "contacts"
            };
            (
                contacts.clone(),
                html! { format!("{} {noun}", contacts.len()) },
                false,
            )
        }
    };
    html! {
        <div class="contacts-view">
            <aside class="contact-list">
                <input id="contact-search" type="search" placeholder="Name, company, email or phone"
                    value={(*search).clone()} oninput={on_search} aria-label="Search contacts" />
                <div id="contact-views" class="tabs" role="group" aria-label="Order">
                    { tab(ContactSort::Name, "A–Z") }
                    { tab(ContactSort::Recent, "Recent") }
                    { tab(ContactSort::TopLtv, "Top LTV") }
                    { tab(ContactSort::TopScore, "Top score") }
                    { tab(ContactSort::NeedsAttention, "Needs attention") }
                </div>
                <div class="contacts-bar">
                    <div id="contacts-status" class="status" data-loading={loading.to_string()}>{ status }</div>
                    <button id="contact-duplicates" type="button" aria-pressed={show_duplicates.to_string()}
                        onclick={{
                            let (show, form) = (show_duplicates.clone(), form.clone());
                            Callback::from(move |_: MouseEvent| { form.set(None); show.set(!*show); })
                        }}>{ "Duplicates" }</button>
                    <button id="contact-new" type="button" class="primary" onclick={on_new}
                        disabled={form.is_some()}>{ "+ New contact" }</button>
                </div>
                <ul id="contacts">
                    { for rows.iter().map(|c| {
                        let id = c.id;
                        let selected_handle = selected.clone();
                        let form_handle = form.clone();
                        let dup_handle = show_duplicates.clone();
                        let onclick = Callback::from(move |_: MouseEvent| {
                            form_handle.set(None);
                            dup_handle.set(false);
                            selected_handle.set(Some(id));
                        });
                        html! { <ContactRow key={c.id} contact={c.clone()} selected={*selected == Some(c.id)} sort={*sort} {onclick} /> }
                    }) }
                </ul>
            </aside>
            <section class="contact-detail">
                if let Some(initial) = (*form).clone() {
                    <ContactFormView {initial} {on_saved} {on_cancel} />
                } else if *show_duplicates {
                    <DuplicatesView on_changed={{
                        let saves = saves.clone();
                        Callback::from(move |()| saves.set(*saves + 1))
                    }} />
                } else if let Some(id) = *selected {
                    <Profile key={format!("{id}-{}", *saves)} {id} {on_edit} />
                    <TimelineView key={format!("contact-{id}-{}", *saves)} contact_id={Some(id)} />
                } else {
                    <p class="placeholder">{ "Choose a contact to see their profile and timeline." }</p>
                }
            </section>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct ContactRowProps {
    contact: ContactSummary,
    selected: bool,
    sort: ContactSort,
    onclick: Callback<MouseEvent>,
}

#[function_component(ContactRow)]
fn contact_row(props: &ContactRowProps) -> Html {
    let c = &props.contact;
    let who = c
        .company
        .clone()
        .or_else(|| c.identities.first().map(|i| i.value.clone()));
    // Each view says why the contact stands where it does.
    let detail = match props.sort {
        ContactSort::TopLtv => Some(format!(
            "{} lifetime",
            format::money(c.lifetime_value_minor, "USD")
        )),
        ContactSort::Recent => c
            .last_contact_at
            .map(|at| format!("last contact {}", format::time(at))),
        ContactSort::TopScore => c.score.map(|s| format!("lead score {s}")),
        ContactSort::NeedsAttention => c.attention.clone(),
        ContactSort::Name => None,
    }
    .or(who)
    .unwrap_or_default();
    html! {
        <li class={classes!("contact-row", props.selected.then_some("on"))} data-id={c.id.to_string()}>
            <button onclick={props.onclick.clone()}>
                <span class="name-line">
                    <span class="name">{ &c.name }</span>
                    if let (Some(tier), Some(score)) = (c.tier, c.score) {
                        <span class={classes!("tier-badge", tier.as_str())} title={format!("lead score {score}")}>
                            { format!("{} {score}", tier.as_str()) }
                        </span>
                    }
                </span>
                <span class={classes!("status-badge", c.status.as_str())}>{ c.status.as_str() }</span>
                <span class="sub">{ detail }</span>
            </button>
        </li>
    }
}

#[derive(Properties, PartialEq)]
struct ProfileProps {
    id: i64,
    on_edit: Callback<ContactProfile>,
}

#[function_component(Profile)]
fn profile(props: &ProfileProps) -> Html {
    // Reloaded (in place) when the core stores something about anyone or rescores: a
    // profile shows its new call or score without being reopened.
    let version = use_state(|| 0u32);
    {
        let version = version.clone();
        crate::hooks::use_core_events(Callback::from(move |event: serde_json::Value| {
            let rescored = event.get("kind").and_then(|k| k.as_str()) == Some("intel_updated");
            if rescored || crate::hooks::adds_interactions(&event) {
                version.set(version.wrapping_add(1));
            }
        }));
    }
    let profile = use_load((props.id, *version), |(id, _)| api::contact_profile(id));
    match profile {
        Load::Loading => {
            html! { <div id="profile" class="profile" data-loading="true">{ "Loading…" }</div> }
        }
        Load::Failed(e) => {
            html! { <div id="profile" class="profile error" role="alert">{ e }</div> }
        }
        Load::Ready(p) => profile_card(&p, &props.on_edit),
    }
}

fn profile_card(p: &ContactProfile, on_edit: &Callback<ContactProfile>) -> Html {
    let c = &p.contact;
    let edit = {
        let (p, on_edit) = (p.clone(), on_edit.clone());
        Callback::from(move |_: MouseEvent| on_edit.emit(p.clone()))
    };
    let identity = |kind: IdentityKind| match kind {
        IdentityKind::Email => "Email",
        IdentityKind::Phone => "Phone",
        IdentityKind::Handle => "Handle",
    };
    html! {
        <div id="profile" class="profile" data-id={c.id.to_string()} data-loading="false">
            <header>
                <h2 id="profile-name">{ &c.name }</h2>
                <span class={classes!("status-badge", c.status.as_str())}>{ c.status.as_str() }</span>
                if let Some(company) = &c.company { <span class="company">{ company }</span> }
                <button id="contact-edit" type="button" class="edit" onclick={edit}>{ "Edit" }</button>
                if let Some(phone) = c.identities.iter().find(|i| i.kind == IdentityKind::Phone) {
                    <AiCallButton to={phone.value.clone()} name={c.name.clone()} />
                }
            </header>
            <ul class="identities">
                { for c.identities.iter().map(|i| html! {
                    <li><span class="label">{ identity(i.kind) }</span>{ &i.value }</li>
                }) }
            </ul>
            <dl class="figures">
                { for p.orders.iter().map(|o| html! { <>
                    <div><dt>{ format!("Lifetime value ({})", o.currency) }</dt>
                        <dd class="ltv">{ format::money(o.total_minor, &o.currency) }</dd></div>
                    <div><dt>{ "Orders" }</dt><dd class="order-count">{ o.count }</dd></div>
                    <div><dt>{ "Average order" }</dt><dd>{ format::money(o.average_minor, &o.currency) }</dd></div>
                </> }) }
                if p.orders.is_empty() {
                    <div><dt>{ "Orders" }</dt><dd class="order-count">{ "none yet" }</dd></div>
                }
                if let Some(at) = p.last_contact_at {
                    <div><dt>{ "Last contact" }</dt><dd>{ format::time(at) }</dd></div>
                }
            </dl>
            if !p.channels.is_empty() {
                <table id="profile-channels" class="channels">
                    <thead><tr><th>{ "Channel" }</th><th>{ "In" }</th><th>{ "Out" }</th><th>{ "Notes" }</th></tr></thead>
                    <tbody>
                        { for p.channels.iter().map(|ch| html! {
                            <tr data-channel={ch.channel.as_str()}>
                                <td>{ channel_label(ch.channel) }</td><td>{ ch.inbound }</td>
                                <td>{ ch.outbound }</td><td>{ ch.internal }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            }
            if !p.deals.is_empty() {
                <h3>{ "Deals" }</h3>
                <ul class="deals">
                    { for p.deals.iter().map(|d| html! {
                        <li>{ format!("{} — {} · {} · {}%", d.title, format::money(d.value_minor, &d.currency), d.stage, d.probability) }</li>
                    }) }
                </ul>
            }
            if !p.open_tasks.is_empty() {
                <h3>{ "Open tasks" }</h3>
                <ul class="tasks">
                    { for p.open_tasks.iter().map(|t| html! {
                        <li>{ &t.title }{ t.due_at.map(|d| format!(" — due {}", format::time(d))).unwrap_or_default() }</li>
                    }) }
                </ul>
            }
            if !p.notes.is_empty() {
                <h3>{ "Notes" }</h3>
                <p class="notes">{ &p.notes }</p>
            }
            if let Some(s) = &p.sentiment {
                <p id="profile-sentiment" class={classes!("sentiment", s.label.clone())}
                    title={format!("{} scored interactions; newest third {}, earlier {}", s.scored,
                        s.recent.map(|r| format!("{r:.2}")).unwrap_or_else(|| "-".into()),
                        s.earlier.map(|r| format!("{r:.2}")).unwrap_or_else(|| "-".into()))}>
                    <strong>{ "Sentiment: " }</strong>
                    { format!("{} ({:+.2})", s.label, s.score) }
                    { match s.trend.as_str() {
                        "too few" => String::new(),
                        trend => format!(", {trend}"),
                    } }
                </p>
            }
            <super::charts::ContactCharts id={c.id} />
            { intel_section(p) }
        </div>
    }
}

fn hours(ms: i64) -> String {
    let min = ms / 60_000;
    match min {
        m if m < 60 => format!("{m} min"),
        m if m < 48 * 60 => format!("{:.1} h", m as f64 / 60.0),
        m => format!("{:.1} d", m as f64 / 1440.0),
    }
}

/// Lead score with its factors, journey, next action, engagement and lifetime value.
fn intel_section(p: &ContactProfile) -> Html {
    let Some(i) = &p.intel else {
        return html! {
            <p id="profile-intel" class="not-connected" data-state="pending">
                { "Lead score, journey and predicted value appear after the next analysis (a few seconds)." }
            </p>
        };
    };
    let e = &i.engagement;
    html! {
        <section id="profile-intel" class="intel" data-state="ready">
            if let Some(why) = &i.needs_attention {
                <p id="needs-attention" class="attention" role="status">{ format!("Needs attention: {why}") }</p>
            }
            <div class="intel-head">
                <div class={classes!("score", i.tier.as_str())} id="lead-score" data-tier={i.tier.as_str()}>
                    <span class="value">{ i.score }</span>
                    <span class="tier">{ format!("{} lead", i.tier.as_str()) }</span>
                </div>
                <div class="journey">
                    <div id="journey-stage" data-stage={i.stage.as_str()}>
                        <span class="label">{ "Journey: " }</span><strong>{ i.stage.label() }</strong>
                        <span class="why">{ format!(" — {}", i.stage_reason) }</span>
                    </div>
                    <div id="next-action">
                        <span class="label">{ "Next: " }</span><strong>{ &i.next_action }</strong>
                        <span class="why">{ format!(" — {}", i.next_reason) }</span>
                    </div>
                </div>
            </div>
            <ul id="lead-factors" class="factors">
                { for i.factors.iter().map(|f| html! {
                    <li data-key={f.key.clone()} class={if f.points < 0 { "minus" } else { "plus" }}>
                        <span class="points">{ format!("{:+}", f.points) }</span>{ &f.reason }
                    </li>
                }) }
            </ul>
            if let Some(l) = &i.ltv {
                <dl id="profile-ltv" class="figures">
                    <div><dt>{ "P(alive)" }</dt><dd class="p-alive">{ format!("{:.2}", l.p_alive) }</dd></div>
                    <div><dt>{ "Expected orders, 52 weeks" }</dt><dd>{ format!("{:.2}", l.expected_purchases_52w) }</dd></div>
                    <div><dt>{ format!("Predicted 12-month value ({})", l.currency) }</dt>
                        <dd class="clv">{ l.clv_12m_minor.map(|v| format::money(v, &l.currency)).unwrap_or_else(|| "—".into()) }</dd></div>
                </dl>
            }
            <dl id="profile-engagement" class="engagement">
                if let Some(r) = e.response_rate {
                    <div><dt>{ "We answered" }</dt><dd>{ format!("{:.0}%", r * 100.0) }</dd></div>
                }
                if let Some(ms) = e.our_response_ms {
                    <div><dt>{ "Our reply time" }</dt><dd>{ hours(ms) }</dd></div>
                }
                if let Some(ms) = e.their_response_ms {
                    <div><dt>{ "Their reply time" }</dt><dd>{ hours(ms) }</dd></div>
                }
                if let Some(c) = e.preferred_channel {
                    <div><dt>{ "Prefers" }</dt><dd>{ channel_label(c) }</dd></div>
                }
                if !e.best_hours.is_empty() {
                    <div><dt>{ format!("Best hours ({})", e.time_zone) }</dt>
                        <dd>{ e.best_hours.iter().map(|h| format!("{h:02}:00")).collect::<Vec<_>>().join(", ") }</dd></div>
                }
                <div title={if e.missing.is_empty() { String::new() } else { format!("missing: {}", e.missing.join(", ")) }}>
                    <dt>{ "Profile complete" }</dt><dd>{ format!("{}%", e.completeness) }</dd></div>
            </dl>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct AiCallProps {
    to: String,
    name: String,
}

/// Starts a VAPI AI call to the contact's first number and says how it went.
#[function_component(AiCallButton)]
fn ai_call_button(props: &AiCallProps) -> Html {
    let result = use_state(|| None::<crate::state::composer::Outcome>);
    let busy = use_state(|| false);
    let onclick = {
        let (result, busy) = (result.clone(), busy.clone());
        let request = hearth_types::StartCall {
            to: props.to.clone(),
            name: Some(props.name.clone()),
            variables: vec![],
        };
        let name = props.name.clone();
        Callback::from(move |_: MouseEvent| {
            if *busy {
                return;
            }
            busy.set(true);
            let (result, busy, request, name) =
                (result.clone(), busy.clone(), request.clone(), name.clone());
            yew::platform::spawn_local(async move {
                let sent = api::start_call(&request).await.map_err(|e| e.to_string());
                busy.set(false);
                result.set(Some(crate::state::composer::outcome(sent, &name)));
            });
        })
    };
    html! {
        <>
            <button id="contact-ai-call" type="button" class="ai-call" {onclick} disabled={*busy}
                title={format!("Have your VAPI assistant call {}", props.to)}>
                { if *busy { "Calling…" } else { "AI call" } }
            </button>
            if let Some(o) = &*result {
                <p id="ai-call-result" class={classes!("send-result", o.state.clone())} role="status">{ &o.text }</p>
            }
        </>
    }
}
