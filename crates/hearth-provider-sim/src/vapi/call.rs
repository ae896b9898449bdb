//! A Vapi `Call` as the sim stores it, and its JSON as Vapi writes it (V-SPEC `Call`).
//!
//! Stored calls are small (indices into the script tables and the customer pool); the JSON
//! is built per response. That is also what lets `artifact.presignedMonoUrl` change on every
//! response, as Vapi's signed URLs do, and the variation knobs (bot role `bot` or
//! `assistant`, current or deprecated recording fields, `analysis` or `structuredOutputs`,
//! unknown extra fields) live on the call so the same call always looks the same.

use serde_json::{json, Map, Value};
use uuid::Uuid;

use crate::pool::{Accounts, Customer};
use crate::text::{self, Lit, Who, EVALUATIONS, SCRIPTS, VOICEMAIL};
use crate::time::{iso_millis, Ms, HOUR};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CallType {
    Inbound,
    Outbound,
    Web,
}

impl CallType {
    fn as_str(self) -> &'static str {
        match self {
            CallType::Inbound => "inboundPhoneCall",
            CallType::Outbound => "outboundPhoneCall",
            CallType::Web => "webCall",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Status {
    Queued,
    InProgress,
    Ended,
}

impl Status {
    fn as_str(self) -> &'static str {
        match self {
            Status::Queued => "queued",
            Status::InProgress => "in-progress",
            Status::Ended => "ended",
        }
    }
}

/// Which recording fields a call carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Recording {
    /// `artifact.recording.*` only.
    Current,
    /// Both the current and the deprecated `artifact.recordingUrl` fields.
    CurrentAndLegacy,
    /// Only the deprecated `artifact.recordingUrl` / `stereoRecordingUrl`.
    LegacyOnly,
    None,
}

/// Where a call's post-call analysis lands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Analysis {
    /// `analysis.summary` / `successEvaluation` / `structuredData`.
    Classic,
    /// `artifact.structuredOutputs`, with an empty `analysis` object.
    Outputs,
    Both,
    Neither,
}

/// What was said on a call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Convo {
    Script(u16),
    Voicemail,
}

/// What a `POST /call` asked for, echoed back on every read of the call.
#[derive(Clone, Debug)]
pub(crate) struct Created {
    pub customer: Value,
    pub overrides: Option<Value>,
    pub name: Option<String>,
    pub first_name: Option<String>,
}

/// One stored call.
#[derive(Clone, Debug)]
pub(crate) struct Call {
    pub id: Uuid,
    pub kind: CallType,
    pub status: Status,
    pub created_at: Ms,
    pub updated_at: Ms,
    pub started_at: Option<Ms>,
    pub ended_at: Option<Ms>,
    pub ended_reason: Option<&'static str>,
    /// Index into the customer pool (none for web calls and created calls).
    pub customer: Option<u32>,
    /// Index into `Accounts::vapi_numbers`.
    pub number: u8,
    /// Index into `Accounts::assistants`; `None` for a transient assistant.
    pub assistant: Option<u8>,
    pub cost: Option<f64>,
    pub convo: Option<Convo>,
    /// `true`: messages say `role: "bot"`; `false`: `role: "assistant"`.
    pub bot_role: bool,
    pub recording: Recording,
    pub analysis: Analysis,
    /// False between the end of a call and its post-call analysis.
    pub analysis_ready: bool,
    /// Which `successEvaluation` format the rubric uses (index into `EVALUATIONS`).
    pub eval_format: u8,
    /// Carries fields the client has never heard of.
    pub extra: bool,
    pub campaign: bool,
    pub created: Option<Box<Created>>,
}

/// What rendering needs besides the call.
pub(crate) struct Ctx<'a> {
    pub accounts: &'a Accounts,
    pub pool: &'a [Customer],
    pub now: Ms,
    /// Distinct per response, for presigned URLs.
    pub nonce: u64,
}

impl Call {
    pub(crate) fn is_active(&self) -> bool {
        self.status != Status::Ended
    }

    fn pool_customer<'a>(&self, ctx: &'a Ctx<'_>) -> Option<&'a Customer> {
        self.customer.and_then(|i| ctx.pool.get(i as usize))
    }

    pub(crate) fn first_name<'a>(&'a self, ctx: &'a Ctx<'_>) -> Option<&'a str> {
        match &self.created {
            Some(c) => c.first_name.as_deref(),
            None => self.pool_customer(ctx).and_then(Customer::first_name),
        }
    }

    /// The call as `GET /call` and `GET /call/{id}` return it.
    pub(crate) fn render(&self, ctx: &Ctx<'_>) -> Value {
        let mut m = Map::new();
        m.insert("id".into(), self.id.to_string().into());
        m.insert("orgId".into(), ctx.accounts.vapi_org.to_string().into());
        m.insert("type".into(), self.kind.as_str().into());
        m.insert("status".into(), self.status.as_str().into());
        m.insert("createdAt".into(), iso_millis(self.created_at).into());
        m.insert("updatedAt".into(), iso_millis(self.updated_at).into());
        if let Some(t) = self.started_at {
            m.insert("startedAt".into(), iso_millis(t).into());
        }
        if let Some(t) = self.ended_at {
            m.insert("endedAt".into(), iso_millis(t).into());
        }
        if let Some(r) = self.ended_reason {
            m.insert("endedReason".into(), r.into());
        }
        if let Some(a) = self.assistant {
            let id = ctx.accounts.assistants[usize::from(a) % 2];
            m.insert("assistantId".into(), id.to_string().into());
        }
        self.render_party(ctx, &mut m);
        if let Some(cost) = self.cost {
            m.insert("cost".into(), json!(cost));
            m.insert("costBreakdown".into(), cost_breakdown(cost));
        }
        if self.status == Status::Ended {
            if let Some(convo) = self.convo {
                m.insert("artifact".into(), self.artifact(convo, ctx));
            }
            if let Some(a) = self.analysis_json() {
                m.insert("analysis".into(), a);
            }
        }
        if self.extra {
            extra_fields(self.id, &mut m);
        }
        Value::Object(m)
    }

    fn render_party(&self, ctx: &Ctx<'_>, m: &mut Map<String, Value>) {
        if self.kind != CallType::Web {
            let n = &ctx.accounts.vapi_numbers[usize::from(self.number) % 2];
            m.insert("phoneNumberId".into(), n.id.to_string().into());
            m.insert("phoneCallProvider".into(), n.provider.into());
            m.insert("phoneCallTransport".into(), "pstn".into());
            if n.provider == "telnyx" {
                let simple = self.id.simple().to_string();
                m.insert("phoneCallProviderId".into(), format!("v3:{simple}").into());
            }
        }
        if let Some(c) = &self.created {
            m.insert("customer".into(), c.customer.clone());
            if let Some(o) = &c.overrides {
                m.insert("assistantOverrides".into(), o.clone());
            }
            if let Some(n) = &c.name {
                m.insert("name".into(), n.clone().into());
            }
        } else if let Some(c) = self.pool_customer(ctx) {
            let mut cust = Map::new();
            cust.insert("number".into(), c.number.clone().into());
            if let Some(n) = &c.name {
                cust.insert("name".into(), n.clone().into());
            }
            m.insert("customer".into(), Value::Object(cust));
            if let (CallType::Outbound, Some(first)) = (self.kind, c.first_name()) {
                m.insert(
                    "assistantOverrides".into(),
                    json!({ "variableValues": { "firstName": first } }),
                );
            }
        }
        if self.campaign {
            m.insert(
                "campaignId".into(),
                ctx.accounts.campaign.to_string().into(),
            );
        }
    }

    fn artifact(&self, convo: Convo, ctx: &Ctx<'_>) -> Value {
        let name = self.first_name(ctx);
        let started = self.started_at.or(self.ended_at).unwrap_or(self.created_at);
        let ended = self.ended_at.unwrap_or(started).max(started);
        let lines: Vec<(Who, String)> = match convo {
            Convo::Script(i) => script(i)
                .turns
                .iter()
                .map(|(w, l)| (*w, text::fill(l, name)))
                .collect(),
            Convo::Voicemail => vec![(Who::Bot, text::fill(VOICEMAIL, name))],
        };
        let bot = if self.bot_role { "bot" } else { "assistant" };
        let mut messages = vec![json!({
            "role": "system",
            "message": text::fill(text::SYSTEM_PROMPT, name),
            "time": started,
            "secondsFromStart": 0,
        })];
        // Speech at ~15 characters a second with short gaps, squeezed into the call's length
        // when the call was shorter than that (a created call a test ends right away).
        let spoken: Vec<i64> = lines
            .iter()
            .map(|(_, l)| 400 + 66 * l.len() as i64)
            .collect();
        let total: i64 = spoken.iter().sum::<i64>().max(1);
        let span = (ended - started).clamp(0, total);
        let mut offset = 0i64;
        let mut transcript = Vec::with_capacity(lines.len());
        for ((who, line), len) in lines.iter().zip(&spoken) {
            let t = started + offset * span / total;
            let d = (len - 300).max(100) * span / total;
            let role = if *who == Who::Bot { bot } else { "user" };
            messages.push(json!({
                "role": role,
                "message": line,
                "time": t,
                "endTime": t + d,
                "secondsFromStart": (t - started) as f64 / 1000.0,
                "duration": d,
            }));
            let who = if *who == Who::Bot { "AI" } else { "User" };
            transcript.push(format!("{who}: {line}"));
            offset += len;
        }
        let mut a = Map::new();
        a.insert("transcript".into(), transcript.join("\n").into());
        a.insert("messages".into(), Value::Array(messages));
        self.recordings(ctx, &mut a);
        if matches!(self.analysis, Analysis::Outputs | Analysis::Both) && self.analysis_ready {
            if let Convo::Script(i) = convo {
                let s = script(i);
                let key = output_id(s.output).to_string();
                a.insert(
                    "structuredOutputs".into(),
                    json!({ key: { "name": s.output, "result": data_json(s.data) } }),
                );
            }
        }
        Value::Object(a)
    }

    fn recordings(&self, ctx: &Ctx<'_>, a: &mut Map<String, Value>) {
        let base = format!("https://storage.vapi.ai/{}-{}", self.id, self.created_at);
        let mono = format!("{base}-mono.wav");
        let stereo = format!("{base}-stereo.wav");
        if matches!(
            self.recording,
            Recording::Current | Recording::CurrentAndLegacy
        ) {
            a.insert(
                "recording".into(),
                json!({
                    "stereoUrl": stereo,
                    "mono": {
                        "combinedUrl": mono,
                        "assistantUrl": format!("{base}-assistant.wav"),
                        "customerUrl": format!("{base}-customer.wav"),
                    }
                }),
            );
            let sig = format!("{:016x}{:016x}", ctx.nonce, self.id.as_u128() as u64);
            a.insert(
                "presignedMonoUrl".into(),
                format!("{mono}?X-Amz-Expires=3600&X-Amz-Signature={sig}").into(),
            );
            a.insert(
                "presignedStereoUrl".into(),
                format!("{stereo}?X-Amz-Expires=3600&X-Amz-Signature={sig}").into(),
            );
            a.insert(
                "presignedUrlsExpiresAt".into(),
                iso_millis(ctx.now + HOUR).into(),
            );
        }
        if matches!(
            self.recording,
            Recording::CurrentAndLegacy | Recording::LegacyOnly
        ) {
            a.insert("recordingUrl".into(), mono.into());
            a.insert("stereoRecordingUrl".into(), stereo.into());
        }
    }

    fn analysis_json(&self) -> Option<Value> {
        let style = self.analysis;
        if style == Analysis::Neither || !self.analysis_ready {
            return None;
        }
        let Some(Convo::Script(i)) = self.convo else {
            return None;
        };
        if style == Analysis::Outputs {
            return Some(json!({}));
        }
        let s = script(i);
        let eval =
            EVALUATIONS[usize::from(self.eval_format) % EVALUATIONS.len()][usize::from(s.good)];
        Some(json!({
            "summary": s.summary,
            "successEvaluation": eval,
            "structuredData": data_json(s.data),
        }))
    }
}

pub(crate) fn script(i: u16) -> &'static text::Script {
    &SCRIPTS[usize::from(i) % SCRIPTS.len()]
}

/// How long a script takes to say, in ms (the same speech model as the messages).
pub(crate) fn script_ms(i: u16) -> Ms {
    script(i)
        .turns
        .iter()
        .map(|(_, l)| 400 + 66 * l.len() as i64 + 40)
        .sum()
}

fn data_json(data: &[(&str, Lit)]) -> Value {
    let m: Map<String, Value> = data
        .iter()
        .map(|(k, v)| {
            let v = match v {
                Lit::S(s) => Value::from(*s),
                Lit::B(b) => Value::from(*b),
                Lit::N(n) => Value::from(*n),
            };
            ((*k).to_owned(), v)
        })
        .collect();
    Value::Object(m)
}

/// A stable structured-output id per output name (FNV-1a of the name).
fn output_id(name: &str) -> Uuid {
    let mut h: u128 = 0x6c62272e07bb014262b821756295c58d;
    for b in name.bytes() {
        h ^= u128::from(b);
        h = h.wrapping_mul(0x0000000001000000000000000000013B);
    }
    uuid::Builder::from_random_bytes(h.to_be_bytes()).into_uuid()
}

fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

fn cost_breakdown(cost: f64) -> Value {
    let part = |f: f64| round4(cost * f);
    json!({
        "transport": part(0.15),
        "stt": part(0.12),
        "llm": part(0.28),
        "tts": part(0.25),
        "vapi": round4(cost - part(0.15) - part(0.12) - part(0.28) - part(0.25)),
        "total": cost,
        "llmPromptTokens": (cost * 40_000.0) as i64,
        "llmCompletionTokens": (cost * 3_000.0) as i64,
        "ttsCharacters": (cost * 5_000.0) as i64,
    })
}

/// Fields a newer Vapi might send; clients must carry them without failing.
fn extra_fields(id: Uuid, m: &mut Map<String, Value>) {
    m.insert(
        "monitor".into(),
        json!({
            "listenUrl": format!("wss://phone-call-websocket.aws-us-west-2-backend-production2.vapi.ai/{id}/listen"),
            "controlUrl": format!("https://phone-call-websocket.aws-us-west-2-backend-production2.vapi.ai/{id}/control"),
        }),
    );
    m.insert(
        "costs".into(),
        json!([{ "type": "transport", "provider": "telnyx", "minutes": 1.5, "cost": 0.012 },
               { "type": "vapi", "subType": "normal", "minutes": 1.5, "cost": 0.075 }]),
    );
    m.insert(
        "hearthSimFutureField".into(),
        json!({ "nested": [1, "two", { "three": null }], "enabled": true }),
    );
}
