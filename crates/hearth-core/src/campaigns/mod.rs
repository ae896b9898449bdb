//! Campaigns (seed 001): win-back, follow-up, promotion and feedback outreach by email,
//! text and AI call, built as a spec (audience, steps, schedule), launched in one step and
//! worked by [`engine`], which never contacts a person twice for a step and never contacts
//! anyone who opted out.
//!
//! - [`template`]: `{variables}`, the missing-value check, SMS parts, opt-out lines.
//! - [`pace`]: token buckets, daily caps, send windows in the recipient's time zone.
//! - [`engine`]: the background component: settle, reconcile, attribute, select, send.
//! - [`evidence`]: after a crash, whether an unconfirmed send went out, from the providers'
//!   own records and the mailbox.

pub mod engine;
pub mod evidence;
pub mod pace;
pub mod template;

use std::collections::BTreeMap;

use hearth_types::{
    AudienceMember, AudiencePreview, CampaignDetail, CampaignReview, CampaignSpec, CampaignStatus,
    Exclusion, MissingVariable, RecipientRow, StepChannel, StepPreview,
};
use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart, SinglePart};

use crate::mail::account::MailAccount;
use crate::mail::{prepare, MailError};
use crate::providers::ProviderError;
use crate::store::{Candidate, Store, StoreError};

/// Why a campaign action did not happen.
#[derive(Debug, thiserror::Error)]
pub enum CampaignError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Mail(#[from] MailError),
    #[error(transparent)]
    Provider(#[from] ProviderError),
    #[error("the campaign is not ready: {}", .0.join("; "))]
    Invalid(Vec<String>),
    #[error("campaign {name:?} is {status}; it cannot be {action}")]
    WrongState {
        name: String,
        status: CampaignStatus,
        action: &'static str,
    },
}

/// Settings that hold for every step: the business's name and address.
#[derive(Debug, Clone, Default)]
pub struct Sender {
    pub business_name: String,
}

/// Checks a spec: a name, steps with content for their channel, known variables, a
/// readable send window.
pub fn check_spec(spec: &CampaignSpec) -> Vec<String> {
    let mut errors = Vec::new();
    if spec.name.trim().is_empty() {
        errors.push("give the campaign a name".to_owned());
    }
    if spec.steps.is_empty() {
        errors.push("add at least one step (email, text or call)".to_owned());
    }
    if spec.steps.len() > 5 {
        errors.push("at most 5 steps".to_owned());
    }
    let mut vars = spec.variables.clone();
    vars.entry("business_name".into()).or_default();
    for (i, step) in spec.steps.iter().enumerate() {
        let n = i + 1;
        let mut texts: Vec<&str> = Vec::new();
        match step.channel {
            StepChannel::Email => match &step.email {
                Some(e) => {
                    if e.subject.trim().is_empty() {
                        errors.push(format!("step {n} (email): the subject is empty"));
                    }
                    if e.text.trim().is_empty() {
                        errors.push(format!("step {n} (email): the text is empty"));
                    }
                    texts.extend([e.subject.as_str(), e.text.as_str()]);
                    texts.extend(e.html.as_deref());
                }
                None => errors.push(format!("step {n} (email): no content")),
            },
            StepChannel::Sms => match &step.sms {
                Some(s) if !s.text.trim().is_empty() => {
                    texts.push(&s.text);
                    if s.text.chars().count() > crate::providers::send::MAX_SMS_CHARS - 40 {
                        errors.push(format!("step {n} (text): too long"));
                    }
                }
                _ => errors.push(format!("step {n} (text): the text is empty")),
            },
            StepChannel::Call => {
                if let Some(c) = &step.call {
                    texts.extend(c.variables.values().map(String::as_str));
                }
            }
        }
        for t in texts {
            for name in template::unknown_names(t, &vars) {
                errors.push(format!(
                    "step {n}: unknown variable {{{name}}} (contact fields: {}; or define it under variables)",
                    template::CONTACT_FIELDS.join(", ")
                ));
            }
        }
    }
    if let Some(w) = &spec.schedule.window {
        if let Err(e) = pace::check_window(w) {
            errors.push(e);
        }
    }
    for (name, p) in [
        ("email", spec.schedule.email),
        ("sms", spec.schedule.sms),
        ("call", spec.schedule.call),
    ] {
        if p.per_minute == 0 {
            errors.push(format!("{name}: the rate must be at least 1 per minute"));
        }
    }
    errors.dedup();
    errors
}

/// Why a selected person is not reached, or `None`.
pub fn exclusion(spec: &CampaignSpec, c: &Candidate) -> Option<String> {
    if c.status == "blocked" {
        return Some("blocked".into());
    }
    if let Some(o) = &c.opted_out {
        return Some(format!("opted out ({o})"));
    }
    let reachable = spec
        .steps
        .iter()
        .any(|s| address_for(s.channel, c).is_some());
    if !reachable {
        let what: Vec<&str> = spec
            .steps
            .iter()
            .map(|s| match s.channel {
                StepChannel::Email => "email address",
                _ => "phone number",
            })
            .collect();
        let mut what = what;
        what.dedup();
        return Some(format!("no {}", what.join(" or ")));
    }
    None
}

/// The identity a step uses for a person.
pub fn address_for(channel: StepChannel, c: &Candidate) -> Option<&str> {
    match channel {
        StepChannel::Email => c.email.as_deref(),
        StepChannel::Sms | StepChannel::Call => c.phone.as_deref(),
    }
}

/// The audience: who is in (count and sample) and who is left out and why.
pub async fn preview_audience(
    store: &Store,
    spec: &CampaignSpec,
    now: i64,
    sample: usize,
) -> Result<(AudiencePreview, Vec<Candidate>), CampaignError> {
    let all = store.audience_candidates(&spec.audience, now, None).await?;
    let mut preview = AudiencePreview::default();
    let mut included = Vec::with_capacity(all.len());
    for c in all {
        match exclusion(spec, &c) {
            Some(reason) => {
                preview.excluded_count += 1;
                let key = reason.split(" (").next().unwrap_or(&reason).to_owned();
                *preview.excluded_by_reason.entry(key).or_default() += 1;
                if preview.excluded.len() < 50 {
                    preview.excluded.push(Exclusion {
                        contact_id: c.contact_id,
                        name: c.name.clone(),
                        reason,
                    });
                }
            }
            None => {
                if preview.sample.len() < sample {
                    preview.sample.push(AudienceMember {
                        contact_id: c.contact_id,
                        name: c.name.clone(),
                        email: c.email.clone(),
                        phone: c.phone.clone(),
                    });
                }
                included.push(c);
            }
        }
    }
    preview.count = included.len() as u64;
    Ok((preview, included))
}

/// The values a person's templates are filled from.
pub fn values_for(spec: &CampaignSpec, sender: &Sender, c: &Candidate) -> BTreeMap<String, String> {
    let mut v = template::contact_values(
        &c.name,
        c.company.as_deref(),
        c.email.as_deref(),
        c.phone.as_deref(),
        &c.status,
    );
    if !sender.business_name.is_empty() {
        v.entry("business_name".into())
            .or_insert_with(|| sender.business_name.clone());
    }
    for (k, val) in &spec.variables {
        if !val.trim().is_empty() {
            v.insert(k.clone(), val.clone());
        }
    }
    v
}

/// One step rendered for one person.
pub fn render_step(
    spec: &CampaignSpec,
    step: usize,
    sender: &Sender,
    reply_to: Option<&str>,
    c: &Candidate,
) -> StepPreview {
    let s = &spec.steps[step];
    let values = values_for(spec, sender, c);
    let mut missing: Vec<String> = Vec::new();
    let mut fill = |t: &str| {
        let (text, m) = template::render(t, &values);
        for name in m {
            if !missing.contains(&name) {
                missing.push(name);
            }
        }
        text
    };
    let to = address_for(s.channel, c).map(str::to_owned);
    let mut preview = StepPreview {
        channel: s.channel,
        to,
        subject: None,
        text: String::new(),
        html: None,
        encoding: None,
        chars: None,
        segments: None,
        missing: Vec::new(),
    };
    match s.channel {
        StepChannel::Email => {
            let e = s.email.clone().unwrap_or_default();
            preview.subject = Some(fill(&e.subject));
            let line = template::email_unsubscribe_line(reply_to.unwrap_or("us"));
            preview.text = format!("{}\n\n-- \n{line}\n", fill(&e.text).trim_end());
            preview.html = e.html.as_deref().map(|h| {
                let body = fill(h);
                let safe = ammonia::Builder::default()
                    .url_schemes(["https", "http", "mailto"].into())
                    .clean(&body)
                    .to_string();
                format!(
                    "{safe}\n<hr>\n<p style=\"color:#666;font-size:12px\">{}</p>",
                    html_escape(&line)
                )
            });
        }
        StepChannel::Sms => {
            let text = template::with_sms_opt_out(&fill(&s.sms.clone().unwrap_or_default().text));
            let (encoding, chars, parts) = template::sms_parts(&text);
            preview.encoding = Some(encoding.label().into());
            preview.chars = Some(chars);
            preview.segments = Some(parts);
            preview.text = text;
        }
        StepChannel::Call => {
            let call = s.call.clone().unwrap_or_default();
            let vars: Vec<String> = call
                .variables
                .iter()
                .map(|(k, v)| format!("{k} = {}", fill(v)))
                .collect();
            preview.text = if vars.is_empty() {
                "AI call with the assistant's own script".into()
            } else {
                format!("AI call with {}", vars.join(", "))
            };
        }
    }
    preview.missing = missing;
    preview
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Every step rendered for one contact (any contact, in the audience or not).
pub async fn preview_for(
    store: &Store,
    spec: &CampaignSpec,
    sender: &Sender,
    contact: i64,
) -> Result<Vec<StepPreview>, CampaignError> {
    let c = store.campaign_candidate(contact).await?;
    let from = first_address(store, spec).await;
    Ok((0..spec.steps.len())
        .map(|i| render_step(spec, i, sender, from.as_deref(), &c))
        .collect())
}

/// List prices used for the estimate (Telnyx US long code, VAPI's platform fee plus a
/// typical model and voice); the provider's bill is what counts.
pub const SMS_PART_MICROS: i64 = 4_000;
pub const CALL_MINUTE_MICROS: i64 = 130_000;
const CALL_MINUTES: i64 = 2;

/// The Review step: audience, a preview for the first people, who lacks a variable, SMS
/// parts, a cost estimate, warnings and what blocks a launch.
pub async fn review(
    store: &Store,
    spec: &CampaignSpec,
    sender: &Sender,
    now: i64,
) -> Result<CampaignReview, CampaignError> {
    let (audience, included) = preview_audience(store, spec, now, 10).await?;
    let mut review = CampaignReview {
        errors: check_spec(spec),
        ..Default::default()
    };
    let reply_to = first_address(store, spec).await;
    let mut sms_parts_total: i64 = 0;
    let mut calls: i64 = 0;
    for c in &included {
        let mut missing: Vec<String> = Vec::new();
        for (i, step) in spec.steps.iter().enumerate() {
            if address_for(step.channel, c).is_none() {
                continue;
            }
            let p = render_step(spec, i, sender, reply_to.as_deref(), c);
            if step.channel == StepChannel::Sms {
                let parts = p.segments.unwrap_or(0);
                review.max_sms_segments = review.max_sms_segments.max(parts);
                sms_parts_total += i64::from(parts);
            }
            if step.channel == StepChannel::Call {
                calls += 1;
            }
            for m in p.missing {
                if !missing.contains(&m) {
                    missing.push(m);
                }
            }
        }
        if !missing.is_empty() {
            review.missing.push(MissingVariable {
                contact_id: c.contact_id,
                name: c.name.clone(),
                variables: missing,
            });
        }
    }
    if let Some(first) = included.first() {
        review.previews = (0..spec.steps.len())
            .map(|i| render_step(spec, i, sender, reply_to.as_deref(), first))
            .collect();
    }
    review.cost_estimate_micros =
        sms_parts_total * SMS_PART_MICROS + calls * CALL_MINUTES * CALL_MINUTE_MICROS;
    review.cost_note = format!(
        "{sms_parts_total} text part(s) at ${:.3} and {calls} call(s) of ~{CALL_MINUTES} min at ${:.2}/min, if every step is taken",
        SMS_PART_MICROS as f64 / 1e6,
        CALL_MINUTE_MICROS as f64 / 1e6
    );
    if audience.count == 0 {
        review.errors.push("nobody matches the audience".to_owned());
    }
    if !review.missing.is_empty() {
        review.warnings.push(format!(
            "{} recipient(s) lack a value for a variable; the text will leave it out",
            review.missing.len()
        ));
    }
    if review.max_sms_segments > 1 {
        review.warnings.push(format!(
            "texts take up to {} parts, each billed",
            review.max_sms_segments
        ));
    }
    if audience.excluded_count > 0 {
        review.warnings.push(format!(
            "{} excluded: {}",
            audience.excluded_count,
            audience
                .excluded_by_reason
                .iter()
                .map(|(k, v)| format!("{v} {k}"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if spec.steps.iter().any(|s| s.channel == StepChannel::Email) && reply_to.is_none() {
        review
            .errors
            .push("no mail account with SMTP to send from; add one in Settings".to_owned());
    }
    for (channel, provider) in [(StepChannel::Sms, "telnyx"), (StepChannel::Call, "vapi")] {
        if spec.steps.iter().any(|s| s.channel == channel)
            && store.provider_account(provider).await?.is_none()
        {
            review.errors.push(format!(
                "{provider} is not connected; set it up in Settings to send {}",
                if channel == StepChannel::Sms {
                    "texts"
                } else {
                    "calls"
                }
            ));
        }
    }
    review.audience = audience;
    Ok(review)
}

/// The account an email step sends from: the named one, else the first with SMTP.
pub async fn email_account(store: &Store, name: &str) -> Result<MailAccount, CampaignError> {
    if !name.trim().is_empty() {
        return Ok(store.mail_account(name).await?);
    }
    store
        .mail_accounts()
        .await?
        .into_iter()
        .find(|a| a.smtp.is_some())
        .ok_or_else(|| {
            CampaignError::Invalid(vec![
                "no mail account with SMTP to send from; add one in Settings".into(),
            ])
        })
}

async fn first_address(store: &Store, spec: &CampaignSpec) -> Option<String> {
    let name = spec
        .steps
        .iter()
        .find_map(|s| s.email.as_ref().map(|e| e.account.clone()))
        .unwrap_or_default();
    email_account(store, &name)
        .await
        .ok()
        .and_then(|a| a.addresses.first().cloned())
}

/// A campaign email: text (and HTML) with the unsubscribe line, `List-Unsubscribe` to the
/// business's address, a Message-ID fixed by (campaign, recipient, step), and a Bcc to the
/// business's own mailbox: the copy that proves, after a crash, that it went out.
pub fn build_email(
    account: &MailAccount,
    to: &str,
    preview: &StepPreview,
    message_id: &str,
    keep_copy: bool,
) -> Result<Vec<u8>, MailError> {
    let from = account
        .addresses
        .first()
        .ok_or_else(|| MailError::Compose("the mail account has no address".into()))?;
    let mailbox = |a: &str| -> Result<Mailbox, MailError> {
        a.parse()
            .map_err(|e| MailError::Compose(format!("address {a:?}: {e}")))
    };
    let mut builder = lettre::Message::builder()
        .from(mailbox(from)?)
        .to(mailbox(to)?)
        .subject(preview.subject.clone().unwrap_or_default())
        .message_id(Some(message_id.to_owned()))
        .date_now()
        .raw_header(HeaderValue::new(
            HeaderName::new_from_ascii_str("List-Unsubscribe"),
            format!("<mailto:{from}?subject=unsubscribe>"),
        ));
    if keep_copy {
        builder = builder.bcc(mailbox(from)?).keep_bcc();
    }
    let message = match &preview.html {
        Some(html) => builder.multipart(MultiPart::alternative_plain_html(
            preview.text.clone(),
            html.clone(),
        )),
        None => builder.singlepart(
            SinglePart::builder()
                .header(ContentType::TEXT_PLAIN)
                .body(preview.text.clone()),
        ),
    }
    .map_err(|e| MailError::Compose(e.to_string()))?;
    Ok(message.formatted())
}

/// The Message-ID of a campaign email.
pub fn message_id(account: &MailAccount, campaign: i64, recipient: i64, step: u32) -> String {
    let domain = account
        .addresses
        .first()
        .and_then(|a| a.rsplit_once('@'))
        .map_or("hearth.invalid", |(_, d)| d);
    format!("<hearth-c{campaign}-r{recipient}-s{step}@{domain}>")
}

/// The message key (outbox reference) a built email gets.
pub fn email_reference(raw: &[u8]) -> String {
    prepare(raw, None, None).parsed.message_key
}

/// A stored campaign's spec.
pub fn spec_of(row: &crate::store::CampaignRow) -> Result<CampaignSpec, CampaignError> {
    serde_json::from_str(&row.spec).map_err(|e| {
        CampaignError::Invalid(vec![format!(
            "campaign {} has an unreadable spec: {e}",
            row.id
        )])
    })
}

/// The spec as stored, once it passes [`check_spec`].
fn checked_json(spec: &CampaignSpec) -> Result<String, CampaignError> {
    let errors = check_spec(spec);
    if !errors.is_empty() {
        return Err(CampaignError::Invalid(errors));
    }
    Ok(serde_json::to_string(spec).unwrap_or_default())
}

/// Stores a draft after checking it.
pub async fn create(store: &Store, spec: &CampaignSpec, now: i64) -> Result<i64, CampaignError> {
    let json = checked_json(spec)?;
    Ok(store
        .create_campaign(
            spec.name.trim(),
            &spec.description,
            spec.kind,
            spec.channel(),
            &json,
            now,
        )
        .await?)
}

/// Replaces a draft's spec.
pub async fn update(
    store: &Store,
    id: i64,
    spec: &CampaignSpec,
    now: i64,
) -> Result<(), CampaignError> {
    let json = checked_json(spec)?;
    let row = store.campaign(id).await?;
    if !store
        .update_campaign(
            id,
            spec.name.trim(),
            &spec.description,
            spec.kind,
            spec.channel(),
            &json,
            now,
        )
        .await?
    {
        return Err(CampaignError::WrongState {
            name: row.name,
            status: row.status,
            action: "edited",
        });
    }
    Ok(())
}

/// What a launch did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Launched {
    pub recipients: u64,
    pub excluded: u64,
    pub status: CampaignStatus,
    pub elapsed_ms: u64,
}

/// One click: checks the campaign, fixes its recipients and starts it (or schedules it).
pub async fn launch(
    store: &Store,
    id: i64,
    sender: &Sender,
    now: i64,
) -> Result<Launched, CampaignError> {
    let started = std::time::Instant::now();
    let row = store.campaign(id).await?;
    if row.status != CampaignStatus::Draft {
        return Err(CampaignError::WrongState {
            name: row.name,
            status: row.status,
            action: "launched",
        });
    }
    let spec = spec_of(&row)?;
    let review = review(store, &spec, sender, now).await?;
    if !review.errors.is_empty() {
        return Err(CampaignError::Invalid(review.errors));
    }
    let (preview, included) = preview_audience(store, &spec, now, 0).await?;
    let ids: Vec<i64> = included.iter().map(|c| c.contact_id).collect();
    let start = spec.schedule.start_at.unwrap_or(now).max(now);
    if !store.launch_campaign(id, &ids, start, now).await? {
        return Err(CampaignError::WrongState {
            name: row.name,
            status: store.campaign(id).await?.status,
            action: "launched",
        });
    }
    Ok(Launched {
        recipients: ids.len() as u64,
        excluded: preview.excluded_count,
        status: if start > now {
            CampaignStatus::Scheduled
        } else {
            CampaignStatus::Active
        },
        elapsed_ms: started.elapsed().as_millis() as u64,
    })
}

/// Pause, resume or stop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Control {
    Pause,
    Resume,
    Stop,
}

/// Applies a control; the engine sees it before its next send.
pub async fn control(
    store: &Store,
    id: i64,
    action: Control,
    now: i64,
) -> Result<CampaignStatus, CampaignError> {
    use CampaignStatus::*;
    let (from, to, verb): (&[CampaignStatus], _, _) = match action {
        Control::Pause => (&[Active, Scheduled], Paused, "paused"),
        Control::Resume => (&[Paused], Active, "resumed"),
        Control::Stop => (&[Draft, Scheduled, Active, Paused], Cancelled, "stopped"),
    };
    if !store.set_campaign_status(id, from, to, now).await? {
        let row = store.campaign(id).await?;
        return Err(CampaignError::WrongState {
            name: row.name,
            status: row.status,
            action: verb,
        });
    }
    if action == Control::Stop {
        store.cancel_unwanted_sends(id, now).await?;
        store.finish_recipients(id, now).await?;
    }
    Ok(to)
}

/// Attribution window of a spec, in ms.
pub fn window_ms(spec: &CampaignSpec) -> i64 {
    i64::from(spec.schedule.attribution_days.max(1)) * 86_400_000
}

/// A campaign with its spec, progress and results.
pub async fn detail(store: &Store, id: i64) -> Result<CampaignDetail, CampaignError> {
    let row = store.campaign(id).await?;
    let spec = spec_of(&row)?;
    let results = store.campaign_results(id, window_ms(&spec)).await?;
    let summary = store.campaign_summary(id).await?;
    Ok(CampaignDetail {
        summary,
        spec,
        results,
        waiting: row.waiting,
        last_error: row.last_error,
    })
}

/// Per-recipient outcomes.
pub async fn recipients(store: &Store, id: i64) -> Result<Vec<RecipientRow>, CampaignError> {
    let row = store.campaign(id).await?;
    let spec = spec_of(&row)?;
    Ok(store.campaign_recipients(id, window_ms(&spec)).await?)
}

/// The per-recipient outcomes as CSV (no secrets: names, addresses, statuses, figures).
pub fn recipients_csv(rows: &[RecipientRow]) -> Result<String, CampaignError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let io = |e: csv::Error| CampaignError::Invalid(vec![format!("CSV: {e}")]);
    w.write_record([
        "contact_id",
        "name",
        "status",
        "step",
        "channel",
        "address",
        "attempts",
        "provider_id",
        "last_sent_at",
        "replied_at",
        "revenue_minor",
        "error",
    ])
    .map_err(io)?;
    let time = |t: Option<i64>| {
        t.and_then(chrono::DateTime::from_timestamp_millis)
            .map(|t| t.to_rfc3339())
            .unwrap_or_default()
    };
    for r in rows {
        w.write_record([
            r.contact_id.to_string(),
            r.name.clone(),
            r.status.as_str().to_owned(),
            (r.step + 1).to_string(),
            r.channel.map(|c| c.as_str().to_owned()).unwrap_or_default(),
            r.address.clone().unwrap_or_default(),
            r.attempts.to_string(),
            r.provider_id.clone().unwrap_or_default(),
            time(r.last_sent_at),
            time(r.replied_at),
            r.revenue_minor.to_string(),
            r.error.clone().unwrap_or_default(),
        ])
        .map_err(io)?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| CampaignError::Invalid(vec![format!("CSV: {e}")]))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

#[cfg(test)]
mod tests;
