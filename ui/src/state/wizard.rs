//! The campaign wizard (seed 001): Basic info → Audience → Channel → Content → Schedule →
//! Review. Each step is checked before the next one opens; the spec it builds is what the
//! core stores and launches.

use std::rc::Rc;

use hearth_types::{
    Audience, CallContent, CampaignKind, CampaignSpec, ContactStatus, EmailContent, Pace, Schedule,
    SendWindow, SmsContent, Stage, Step, StepChannel, Tier,
};
use yew::Reducible;

/// The six steps, in order.
pub const STEPS: [&str; 6] = [
    "Basic info",
    "Audience",
    "Channel",
    "Content",
    "Schedule",
    "Review",
];

/// Which channels the campaign uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChannelPlan {
    Email,
    Sms,
    Call,
    /// Email, then a text after N hours without a reply, then a call.
    Multi,
}

impl ChannelPlan {
    pub const ALL: [ChannelPlan; 4] = [
        ChannelPlan::Email,
        ChannelPlan::Sms,
        ChannelPlan::Call,
        ChannelPlan::Multi,
    ];

    pub const fn key(self) -> &'static str {
        match self {
            ChannelPlan::Email => "email",
            ChannelPlan::Sms => "sms",
            ChannelPlan::Call => "call",
            ChannelPlan::Multi => "multi",
        }
    }

    pub const fn label(self) -> &'static str {
        match self {
            ChannelPlan::Email => "Email",
            ChannelPlan::Sms => "Text message",
            ChannelPlan::Call => "AI call",
            ChannelPlan::Multi => "Email, then text, then AI call",
        }
    }

    pub fn parse(s: &str) -> Option<ChannelPlan> {
        Self::ALL.into_iter().find(|p| p.key() == s)
    }

    fn channels(self) -> Vec<StepChannel> {
        match self {
            ChannelPlan::Email => vec![StepChannel::Email],
            ChannelPlan::Sms => vec![StepChannel::Sms],
            ChannelPlan::Call => vec![StepChannel::Call],
            ChannelPlan::Multi => vec![StepChannel::Email, StepChannel::Sms, StepChannel::Call],
        }
    }
}

/// A blank step with sensible words for the channel.
fn default_step(channel: StepChannel, index: usize) -> Step {
    Step {
        channel,
        delay_hours: if index == 0 { 0 } else { 48 },
        email: (channel == StepChannel::Email).then(|| EmailContent {
            account: String::new(),
            subject: "We miss you, {first_name}".into(),
            text: "Hi {first_name},\n\n{promotion}\n\n{agent_name}, {business_name}".into(),
            html: None,
        }),
        sms: (channel == StepChannel::Sms).then(|| SmsContent {
            text: "Hi {first_name}, {agent_name} from {business_name}: {promotion}".into(),
        }),
        call: (channel == StepChannel::Call).then(|| CallContent {
            assistant_id: None,
            phone_number_id: None,
            variables: [
                ("customerName".to_owned(), "{first_name}".to_owned()),
                ("offer".to_owned(), "{promotion}".to_owned()),
            ]
            .into(),
        }),
    }
}

/// The wizard's whole state.
#[derive(Debug, Clone, PartialEq)]
pub struct Wizard {
    pub step: usize,
    /// The saved draft, once saved.
    pub id: Option<i64>,
    pub plan: ChannelPlan,
    pub spec: CampaignSpec,
    /// Why the current step cannot be left.
    pub errors: Vec<String>,
    /// What was typed into free-text fields (numbers, tags), so a half-typed "-0." or
    /// "a, " stays on screen while the spec gets what it means.
    pub raw: std::collections::BTreeMap<String, String>,
}

impl Default for Wizard {
    fn default() -> Self {
        let plan = ChannelPlan::Email;
        Wizard {
            step: 0,
            id: None,
            plan,
            spec: CampaignSpec {
                name: String::new(),
                description: String::new(),
                kind: CampaignKind::Winback,
                audience: Audience {
                    days_since_contact_min: Some(60),
                    ..Default::default()
                },
                steps: vec![default_step(StepChannel::Email, 0)],
                schedule: Schedule::default(),
                variables: [
                    ("promotion".to_owned(), "20% off your next order".to_owned()),
                    ("agent_name".to_owned(), String::new()),
                ]
                .into(),
            },
            errors: Vec::new(),
            raw: Default::default(),
        }
    }
}

/// One field of one step's content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContentField {
    Subject,
    Text,
    Html,
    SmsText,
    Assistant,
    PhoneNumber,
    /// `key=value` lines.
    CallVariables,
}

#[derive(Debug, Clone, PartialEq)]
pub enum WizardAction {
    Next,
    Back,
    Goto(usize),
    Name(String),
    Description(String),
    Kind(CampaignKind),
    DaysSince(Option<u32>),
    ToggleStatus(ContactStatus),
    ToggleTier(Tier),
    ScoreMin(Option<u8>),
    LtvMin(Option<i64>),
    HasEmail(bool),
    HasPhone(bool),
    Exclude(i64),
    /// A person added by hand (whatever the rules say).
    Include(i64),
    ToggleStage(Stage),
    SentimentMin(Option<f64>),
    /// Comma-separated.
    Tags(String),
    /// Text typed into an audience field: days_since, score_min, ltv_min, sentiment_min,
    /// tags.
    Typed(&'static str, String),
    Plan(ChannelPlan),
    Delay(usize, u32),
    Content(usize, ContentField, String),
    Variable(String, String),
    StartAt(Option<i64>),
    Window(Option<SendWindow>),
    WindowStart(String),
    WindowEnd(String),
    ToggleDay(u8),
    PerMinute(StepChannel, u32),
    DailyCap(StepChannel, u32),
    Concurrency(u32),
    Saved(i64),
}

fn pace_mut(s: &mut Schedule, channel: StepChannel) -> &mut Pace {
    match channel {
        StepChannel::Email => &mut s.email,
        StepChannel::Sms => &mut s.sms,
        StepChannel::Call => &mut s.call,
    }
}

fn toggle<T: PartialEq>(list: &mut Vec<T>, value: T) {
    match list.iter().position(|v| *v == value) {
        Some(i) => {
            list.remove(i);
        }
        None => list.push(value),
    }
}

fn valid_hhmm(s: &str) -> bool {
    let Some((h, m)) = s.trim().split_once(':') else {
        return false;
    };
    matches!((h.parse::<u32>(), m.parse::<u32>()), (Ok(h), Ok(m)) if h < 24 && m < 60 && m.to_string().len() <= 2)
}

impl Wizard {
    /// What stops the user leaving step `step`.
    pub fn problems(&self, step: usize) -> Vec<String> {
        let s = &self.spec;
        let mut p = Vec::new();
        match step {
            0 if s.name.trim().is_empty() => p.push("Give the campaign a name.".into()),
            1 if s.audience.ltv_min_minor.is_some_and(|m| m < 0) => {
                p.push("Lifetime value cannot be negative.".into())
            }
            2 if s.steps.is_empty() => p.push("Choose a channel.".into()),
            3 => {
                for (i, step) in s.steps.iter().enumerate() {
                    let n = i + 1;
                    match step.channel {
                        StepChannel::Email => {
                            let e = step.email.clone().unwrap_or_default();
                            if e.subject.trim().is_empty() {
                                p.push(format!("Step {n}: the email needs a subject."));
                            }
                            if e.text.trim().is_empty() {
                                p.push(format!("Step {n}: the email needs a text."));
                            }
                        }
                        StepChannel::Sms => {
                            if step.sms.as_ref().is_none_or(|t| t.text.trim().is_empty()) {
                                p.push(format!("Step {n}: the text message is empty."));
                            }
                        }
                        StepChannel::Call => {}
                    }
                }
            }
            4 => {
                if let Some(w) = &s.schedule.window {
                    if !valid_hhmm(&w.start) || !valid_hhmm(&w.end) {
                        p.push("Sending hours are HH:MM, e.g. 09:00.".into());
                    } else if w.start.trim() >= w.end.trim() {
                        p.push("Sending hours must start before they end.".into());
                    }
                    if w.days.is_empty() {
                        p.push("Pick at least one day to send on.".into());
                    }
                }
                for c in [StepChannel::Email, StepChannel::Sms, StepChannel::Call] {
                    let pace = match c {
                        StepChannel::Email => s.schedule.email,
                        StepChannel::Sms => s.schedule.sms,
                        StepChannel::Call => s.schedule.call,
                    };
                    if pace.per_minute == 0 {
                        p.push(format!("The {c} rate must be at least 1 per minute."));
                    }
                }
            }
            _ => {}
        }
        p
    }

    /// Whether a step can be opened: every earlier step is in order.
    pub fn reachable(&self, step: usize) -> bool {
        (0..step.min(STEPS.len())).all(|s| self.problems(s).is_empty())
    }
}

impl Reducible for Wizard {
    type Action = WizardAction;

    fn reduce(self: Rc<Self>, action: WizardAction) -> Rc<Self> {
        let mut w = (*self).clone();
        w.errors.clear();
        let s = &mut w.spec;
        match action {
            WizardAction::Next => {
                let problems = self.problems(self.step);
                if problems.is_empty() {
                    w.step = (self.step + 1).min(STEPS.len() - 1);
                } else {
                    w.errors = problems;
                }
            }
            WizardAction::Back => w.step = self.step.saturating_sub(1),
            WizardAction::Goto(step) => {
                if self.reachable(step) {
                    w.step = step.min(STEPS.len() - 1);
                } else {
                    w.errors = (0..step).flat_map(|s| self.problems(s)).collect();
                }
            }
            WizardAction::Name(v) => s.name = v,
            WizardAction::Description(v) => s.description = v,
            WizardAction::Kind(k) => s.kind = k,
            WizardAction::DaysSince(d) => s.audience.days_since_contact_min = d,
            WizardAction::ToggleStatus(v) => toggle(&mut s.audience.statuses, v),
            WizardAction::ToggleTier(v) => toggle(&mut s.audience.tiers, v),
            WizardAction::ScoreMin(v) => s.audience.score_min = v,
            WizardAction::LtvMin(v) => s.audience.ltv_min_minor = v,
            WizardAction::HasEmail(v) => s.audience.has_email = v.then_some(true),
            WizardAction::HasPhone(v) => s.audience.has_phone = v.then_some(true),
            WizardAction::Exclude(id) => {
                s.audience.include.retain(|i| *i != id);
                toggle(&mut s.audience.exclude, id)
            }
            WizardAction::Include(id) => {
                s.audience.exclude.retain(|i| *i != id);
                if !s.audience.include.contains(&id) {
                    s.audience.include.push(id);
                }
            }
            WizardAction::ToggleStage(v) => toggle(&mut s.audience.stages, v),
            WizardAction::SentimentMin(v) => {
                s.audience.sentiment_min = v.filter(|v| v.is_finite()).map(|v| v.clamp(-1.0, 1.0))
            }
            WizardAction::Tags(v) => {
                s.audience.tags = v
                    .split(',')
                    .map(|t| t.trim().to_owned())
                    .filter(|t| !t.is_empty())
                    .collect()
            }
            WizardAction::Typed(field, text) => {
                let t = text.trim();
                let action = match field {
                    "days_since" => WizardAction::DaysSince(t.parse().ok()),
                    "score_min" => WizardAction::ScoreMin(t.parse().ok()),
                    "ltv_min" => WizardAction::LtvMin(
                        t.parse::<f64>().ok().map(|v| (v * 100.0).round() as i64),
                    ),
                    "sentiment_min" => WizardAction::SentimentMin(t.parse().ok()),
                    _ => WizardAction::Tags(text.clone()),
                };
                let mut next = (*Rc::new(w).reduce(action)).clone();
                next.raw.insert(field.to_owned(), text);
                return Rc::new(next);
            }
            WizardAction::Plan(plan) => {
                w.plan = plan;
                // Keep what was written for a channel that stays.
                let old = std::mem::take(&mut s.steps);
                s.steps = plan
                    .channels()
                    .into_iter()
                    .enumerate()
                    .map(|(i, c)| {
                        let mut step = old
                            .iter()
                            .find(|o| o.channel == c)
                            .cloned()
                            .unwrap_or_else(|| default_step(c, i));
                        if i == 0 {
                            step.delay_hours = 0;
                        } else if step.delay_hours == 0 {
                            step.delay_hours = 48;
                        }
                        step
                    })
                    .collect();
            }
            WizardAction::Delay(i, hours) => {
                if let Some(step) = s.steps.get_mut(i) {
                    step.delay_hours = if i == 0 { 0 } else { hours };
                }
            }
            WizardAction::Content(i, field, value) => {
                if let Some(step) = s.steps.get_mut(i) {
                    match field {
                        ContentField::Subject => {
                            step.email.get_or_insert_with(Default::default).subject = value
                        }
                        ContentField::Text => {
                            step.email.get_or_insert_with(Default::default).text = value
                        }
                        ContentField::Html => {
                            step.email.get_or_insert_with(Default::default).html =
                                (!value.trim().is_empty()).then_some(value)
                        }
                        ContentField::SmsText => {
                            step.sms.get_or_insert_with(Default::default).text = value
                        }
                        ContentField::Assistant => {
                            step.call.get_or_insert_with(Default::default).assistant_id =
                                (!value.trim().is_empty()).then(|| value.trim().to_owned())
                        }
                        ContentField::PhoneNumber => {
                            step.call
                                .get_or_insert_with(Default::default)
                                .phone_number_id =
                                (!value.trim().is_empty()).then(|| value.trim().to_owned())
                        }
                        ContentField::CallVariables => {
                            step.call.get_or_insert_with(Default::default).variables = value
                                .lines()
                                .filter_map(|l| l.split_once('='))
                                .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
                                .filter(|(k, _)| !k.is_empty())
                                .collect()
                        }
                    }
                }
            }
            WizardAction::Variable(k, v) => {
                s.variables.insert(k, v);
            }
            WizardAction::StartAt(at) => s.schedule.start_at = at,
            WizardAction::Window(window) => s.schedule.window = window,
            WizardAction::WindowStart(v) => {
                if let Some(win) = s.schedule.window.as_mut() {
                    win.start = v;
                }
            }
            WizardAction::WindowEnd(v) => {
                if let Some(win) = s.schedule.window.as_mut() {
                    win.end = v;
                }
            }
            WizardAction::ToggleDay(d) => {
                if let Some(win) = s.schedule.window.as_mut() {
                    toggle(&mut win.days, d);
                    win.days.sort_unstable();
                }
            }
            WizardAction::PerMinute(c, n) => pace_mut(&mut s.schedule, c).per_minute = n,
            WizardAction::DailyCap(c, n) => pace_mut(&mut s.schedule, c).daily_cap = n,
            WizardAction::Concurrency(n) => s.schedule.call_concurrency = n,
            WizardAction::Saved(id) => w.id = Some(id),
        }
        Rc::new(w)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(w: Wizard, actions: Vec<WizardAction>) -> Rc<Wizard> {
        actions.into_iter().fold(Rc::new(w), |w, a| w.reduce(a))
    }

    #[test]
    fn each_step_is_checked_before_the_next_opens() {
        let w = run(Wizard::default(), vec![WizardAction::Next]);
        assert_eq!(w.step, 0);
        assert_eq!(w.errors, vec!["Give the campaign a name."]);
        let w = run(
            (*w).clone(),
            vec![WizardAction::Name("Spring".into()), WizardAction::Next],
        );
        assert_eq!((w.step, w.errors.len()), (1, 0));
        // Jumping ahead works only over steps in order.
        let w = run(
            (*w).clone(),
            vec![WizardAction::Content(0, ContentField::Subject, " ".into())],
        );
        let w = run((*w).clone(), vec![WizardAction::Goto(5)]);
        assert_eq!(w.step, 1);
        assert!(w.errors[0].contains("subject"), "{:?}", w.errors);
        let w = run(
            (*w).clone(),
            vec![
                WizardAction::Content(0, ContentField::Subject, "Hi {first_name}".into()),
                WizardAction::Goto(5),
            ],
        );
        assert_eq!(w.step, 5);
        let w = run((*w).clone(), vec![WizardAction::Back, WizardAction::Back]);
        assert_eq!(w.step, 3);
    }

    #[test]
    fn half_typed_fields_stay_as_typed() {
        let w = run(
            Wizard::default(),
            vec![
                WizardAction::Typed("sentiment_min", "-".into()),
                WizardAction::Typed("tags", "newsletter, ".into()),
                WizardAction::Typed("ltv_min", "12.5".into()),
            ],
        );
        assert_eq!(w.raw["sentiment_min"], "-");
        assert_eq!(w.spec.audience.sentiment_min, None);
        assert_eq!(w.raw["tags"], "newsletter, ");
        assert_eq!(w.spec.audience.tags, vec!["newsletter"]);
        assert_eq!(w.spec.audience.ltv_min_minor, Some(1250));
        let w = run(
            (*w).clone(),
            vec![WizardAction::Typed("sentiment_min", "-0.5".into())],
        );
        assert_eq!(w.spec.audience.sentiment_min, Some(-0.5));
    }

    #[test]
    fn the_channel_plan_keeps_written_content() {
        let w = run(
            Wizard::default(),
            vec![
                WizardAction::Content(0, ContentField::Subject, "Mine".into()),
                WizardAction::Plan(ChannelPlan::Multi),
            ],
        );
        assert_eq!(w.spec.channel(), "multi");
        let channels: Vec<_> = w.spec.steps.iter().map(|s| s.channel).collect();
        assert_eq!(
            channels,
            vec![StepChannel::Email, StepChannel::Sms, StepChannel::Call]
        );
        assert_eq!(w.spec.steps[0].email.as_ref().unwrap().subject, "Mine");
        assert_eq!(w.spec.steps[1].delay_hours, 48);
        let w = run(
            (*w).clone(),
            vec![
                WizardAction::Delay(0, 5),
                WizardAction::Delay(2, 24),
                WizardAction::Plan(ChannelPlan::Sms),
            ],
        );
        assert_eq!(w.spec.steps.len(), 1);
        assert_eq!(w.spec.steps[0].delay_hours, 0);
        assert_eq!(w.spec.channel(), "sms");
    }

    #[test]
    fn audience_schedule_and_variables_edit_the_spec() {
        let w = run(
            Wizard::default(),
            vec![
                WizardAction::ToggleStatus(ContactStatus::Customer),
                WizardAction::ToggleTier(Tier::Hot),
                WizardAction::ToggleTier(Tier::Hot),
                WizardAction::HasPhone(true),
                WizardAction::Exclude(7),
                WizardAction::Include(9),
                WizardAction::Include(7),
                WizardAction::Tags(" newsletter, spring-event ,".into()),
                WizardAction::ToggleStage(Stage::RetentionRisk),
                WizardAction::SentimentMin(Some(3.0)),
                WizardAction::Variable("promotion".into(), "Free delivery".into()),
                WizardAction::Content(
                    0,
                    ContentField::CallVariables,
                    "a = {first_name}\nnot a pair\n b=2".into(),
                ),
                WizardAction::WindowStart("21:00".into()),
                WizardAction::ToggleDay(7),
                WizardAction::PerMinute(StepChannel::Sms, 0),
            ],
        );
        let a = &w.spec.audience;
        assert_eq!(a.statuses, vec![ContactStatus::Customer]);
        assert!(a.tiers.is_empty());
        assert_eq!(a.has_phone, Some(true));
        // Added by hand after being left out: in, and no longer out.
        assert_eq!((a.include.clone(), a.exclude.clone()), (vec![9, 7], vec![]));
        assert_eq!(a.tags, vec!["newsletter", "spring-event"]);
        assert_eq!(a.stages, vec![Stage::RetentionRisk]);
        assert_eq!(a.sentiment_min, Some(1.0));
        assert_eq!(w.spec.variables["promotion"], "Free delivery");
        let call = w.spec.steps[0].call.as_ref().unwrap();
        assert_eq!(call.variables.len(), 2);
        assert_eq!(call.variables["a"], "{first_name}");
        let problems = w.problems(4);
        assert!(
            problems.iter().any(|p| p.contains("start before")),
            "{problems:?}"
        );
        assert!(
            problems.iter().any(|p| p.contains("sms rate")),
            "{problems:?}"
        );
        assert_eq!(
            w.spec.schedule.window.as_ref().unwrap().days,
            vec![1, 2, 3, 4, 5, 6, 7]
        );
        let w = run(
            (*w).clone(),
            vec![
                WizardAction::Window(None),
                WizardAction::PerMinute(StepChannel::Sms, 30),
            ],
        );
        assert!(w.problems(4).is_empty());
    }
}
