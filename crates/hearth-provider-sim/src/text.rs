//! What people say: call scripts and text messages for a small home-services business.
//!
//! Customer lines carry clear sentiment (a frustrated repeat failure, a happy booking, a
//! neutral question) so the CRM's summaries and sentiment badges have something real to
//! work on; the assistant's lines stay neutral and helpful. Records store an index into
//! these tables, never the text, which keeps 100k generated calls small; `{name}` and
//! `{biz}` are filled in when a record is served.

/// Who speaks a line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Who {
    Bot,
    User,
}

/// A literal in a script's structured data.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Lit {
    S(&'static str),
    B(bool),
    N(i64),
}

/// One conversation, with the analysis a post-call pass would produce for it.
#[derive(Debug)]
pub(crate) struct Script {
    pub outbound: bool,
    pub turns: &'static [(Who, &'static str)],
    pub summary: &'static str,
    /// `analysis.structuredData` and the `result` of `artifact.structuredOutputs`.
    pub data: &'static [(&'static str, Lit)],
    /// The structured output's `name`.
    pub output: &'static str,
    /// Whether a success rubric passes this call.
    pub good: bool,
}

/// `analysis.successEvaluation` values, always strings, in three rubric formats
/// (`[format][good as usize]`): a client must not parse them as bools.
pub(crate) const EVALUATIONS: [[&str; 2]; 3] = [["false", "true"], ["3", "8"], ["Fail", "Pass"]];

use Lit::{B, N, S};
use Who::{Bot, User};

pub(crate) const SYSTEM_PROMPT: &str = "You are Riley, the friendly receptionist for {biz}. \
Book visits, answer questions about services and prices, and never promise an exact arrival time.";

pub(crate) const SCRIPTS: &[Script] = &[
    Script {
        outbound: false,
        turns: &[
            (Bot, "Thanks for calling {biz}, this is Riley. How can I help you today?"),
            (User, "Hi, this is the third time the water heater failed, I'm really frustrated."),
            (Bot, "I'm sorry to hear that. Let me pull up your last visit and get a technician out to you."),
            (User, "I paid for a repair two weeks ago and I've had no hot water since Sunday."),
            (Bot, "I understand. I can offer tomorrow between 8 and 10 am, and the visit is covered under the repair warranty."),
            (User, "Fine, but if it breaks again I want a replacement, not another patch."),
            (Bot, "Noted. I've booked tomorrow 8 to 10 am and flagged a replacement quote for the technician."),
        ],
        summary: "Repeat water heater failure; customer frustrated. Warranty visit booked for tomorrow 8-10am, replacement quote requested.",
        data: &[("issue", S("water heater failure")), ("appointmentBooked", B(true)), ("sentiment", S("negative")), ("repeatIssue", B(true))],
        output: "Call outcome",
        good: false,
    },
    Script {
        outbound: false,
        turns: &[
            (Bot, "Thanks for calling {biz}, this is Riley. How can I help you today?"),
            (User, "Hi! I'd like to get my furnace serviced before winter."),
            (Bot, "Happy to help. We have openings Tuesday morning or Thursday afternoon."),
            (User, "Thursday works great, thank you!"),
            (Bot, "You're booked for Thursday between 1 and 3 pm. You'll get a text reminder the day before."),
            (User, "Perfect, you've been really helpful."),
        ],
        summary: "Customer booked an annual furnace service for Thursday 1-3pm.",
        data: &[("issue", S("furnace service")), ("appointmentBooked", B(true)), ("appointmentDay", S("Thursday")), ("sentiment", S("positive"))],
        output: "Booking",
        good: true,
    },
    Script {
        outbound: false,
        turns: &[
            (Bot, "Thanks for calling {biz}, this is Riley. How can I help you today?"),
            (User, "How much do you charge to unclog a kitchen drain?"),
            (Bot, "A standard drain clearing is $149, including the call-out fee."),
            (User, "Okay. Do you work on Saturdays?"),
            (Bot, "Yes, Saturdays from 9 am to 2 pm, at the same price."),
            (User, "Alright, I'll think about it and call back."),
        ],
        summary: "Price enquiry for a kitchen drain clearing ($149) and Saturday hours; no booking.",
        data: &[("issue", S("drain clearing quote")), ("appointmentBooked", B(false)), ("quotedPrice", N(149)), ("sentiment", S("neutral"))],
        output: "Call outcome",
        good: true,
    },
    Script {
        outbound: false,
        turns: &[
            (Bot, "Thanks for calling {biz}, this is Riley. How can I help you today?"),
            (User, "Your technician never showed up yesterday and nobody called me. I took the day off work for this."),
            (Bot, "I'm very sorry. Let me check what happened with yesterday's appointment."),
            (User, "Honestly I'm thinking of going with someone else."),
            (Bot, "I understand. I can put you first on the schedule tomorrow at 8 am and waive the call-out fee."),
            (User, "Okay. But this is your last chance."),
        ],
        summary: "Missed appointment complaint; customer angry and considering a competitor. Rebooked first slot tomorrow, call-out fee waived.",
        data: &[("issue", S("missed appointment")), ("appointmentBooked", B(true)), ("churnRisk", B(true)), ("sentiment", S("negative"))],
        output: "Call outcome",
        good: false,
    },
    Script {
        outbound: false,
        turns: &[
            (Bot, "Thanks for calling {biz}, this is Riley. How can I help you today?"),
            (User, "I just wanted to say the guy you sent last week was fantastic. The new boiler is so quiet."),
            (Bot, "That's wonderful to hear, thank you! I'll pass it on to the team."),
            (User, "Please do. I'll be recommending you to my neighbours."),
        ],
        summary: "Customer called to praise last week's boiler installation and will recommend the business.",
        data: &[("issue", S("feedback")), ("appointmentBooked", B(false)), ("sentiment", S("positive"))],
        output: "Feedback",
        good: true,
    },
    Script {
        outbound: false,
        turns: &[
            (Bot, "Thanks for calling {biz}, this is Riley. How can I help you today?"),
            (User, "There's water coming through my ceiling, it's an emergency!"),
            (Bot, "Please turn off the main water valve if you can. I'm dispatching our on-call plumber now."),
            (User, "Okay, it's off. How long will it be?"),
            (Bot, "The plumber will call you within 15 minutes with an arrival time."),
            (User, "Thank you so much, I really appreciate the quick help."),
        ],
        summary: "Emergency ceiling leak; customer shut off main valve, on-call plumber dispatched.",
        data: &[("issue", S("emergency leak")), ("appointmentBooked", B(true)), ("urgent", B(true)), ("sentiment", S("positive"))],
        output: "Call outcome",
        good: true,
    },
    Script {
        outbound: true,
        turns: &[
            (Bot, "Hi {name}, this is Riley from {biz}, calling to confirm your appointment tomorrow at 10 am."),
            (User, "Yes, that still works, thanks for the reminder."),
            (Bot, "Great, we'll see you then. Have a good day!"),
        ],
        summary: "Appointment for tomorrow 10am confirmed.",
        data: &[("confirmed", B(true)), ("appointmentBooked", B(true)), ("sentiment", S("positive"))],
        output: "Confirmation",
        good: true,
    },
    Script {
        outbound: true,
        turns: &[
            (Bot, "Hi {name}, this is Riley from {biz}. Your boiler is due for its annual check. Would you like to book a visit?"),
            (User, "Not right now, money's tight this month."),
            (Bot, "No problem. Would you like me to call again next month?"),
            (User, "Sure, next month is fine."),
        ],
        summary: "Annual boiler check offered; customer declined for now, follow up next month.",
        data: &[("confirmed", B(false)), ("appointmentBooked", B(false)), ("followUp", S("next month")), ("sentiment", S("neutral"))],
        output: "Booking",
        good: true,
    },
    Script {
        outbound: true,
        turns: &[
            (Bot, "Hi {name}, this is Riley from {biz}, following up on the quote we sent for the bathroom refit."),
            (User, "Your quote was nearly double what the other company charged. I'm not happy about that."),
            (Bot, "I understand. I can ask our estimator to go over the line items with you."),
            (User, "Don't bother, I've already gone with someone else."),
        ],
        summary: "Quote follow-up; customer unhappy with the price and chose a competitor.",
        data: &[("confirmed", B(false)), ("appointmentBooked", B(false)), ("lostDeal", B(true)), ("sentiment", S("negative"))],
        output: "Quote follow-up",
        good: false,
    },
    Script {
        outbound: true,
        turns: &[
            (Bot, "Hi {name}, this is Riley from {biz}. We had a cancellation and can fit in your water softener install on Friday."),
            (User, "Oh brilliant, yes please! Friday is perfect."),
            (Bot, "Done. You're booked for Friday at 9 am."),
            (User, "Thanks, that's made my week."),
        ],
        summary: "Customer accepted an earlier Friday 9am slot for the water softener install.",
        data: &[("confirmed", B(true)), ("appointmentBooked", B(true)), ("appointmentDay", S("Friday")), ("sentiment", S("positive"))],
        output: "Booking",
        good: true,
    },
];

/// The bot's line on a voicemail call.
pub(crate) const VOICEMAIL: &str = "Hi {name}, this is Riley from {biz}. Please call us back at your convenience to book your visit. Thanks!";

/// Texts customers send us.
pub(crate) const INBOUND_SMS: &[&str] = &[
    "Thursday works great, thank you!",
    "Can you come earlier? I have to leave at noon.",
    "The technician was excellent, thanks so much!",
    "Still no hot water. This is the third time, I'm really frustrated.",
    "What time will the plumber arrive?",
    "Yes, confirmed.",
    "Please call me back about the invoice, I think I was overcharged.",
    "Do you do gas safety certificates?",
    "Running 10 min late, sorry!",
    "No one showed up today. Very disappointed.",
    "Great job on the boiler, it's so quiet now.",
    "How much for a new kitchen tap?",
    "Can we move it to next week?",
    "ok",
    "Thanks, see you then",
    "The leak is back and it's worse than before.",
];

/// Texts we send customers.
pub(crate) const OUTBOUND_SMS: &[&str] = &[
    "Hi {name}, confirming your appointment with {biz} tomorrow 8-10am. Reply STOP to opt out.",
    "Hi {name}, your technician is on the way and should arrive in about 20 minutes.",
    "Thanks for choosing {biz}! How did we do? Reply 1-5.",
    "Hi {name}, your invoice is ready. You can pay online or by phone. Reply STOP to opt out.",
    "Reminder: your annual boiler service is due. Reply YES to book a visit.",
    "Hi {name}, we had a cancellation on Friday at 9am. Would you like the slot?",
    "Sorry about the delay today, {name}. We've waived the call-out fee on your next visit.",
    "Your quote from {biz} is attached to your email. Any questions, just reply here.",
];

/// Fills `{name}` and `{biz}`.
pub(crate) fn fill(template: &str, name: Option<&str>) -> String {
    template
        .replace("{name}", name.unwrap_or("there"))
        .replace("{biz}", crate::pool::BUSINESS)
}

/// SMS parts for a text: 160 GSM-7 characters in one part, 153 per part once split
/// (70/67 for UCS-2).
pub(crate) fn sms_parts(text: &str) -> u32 {
    let gsm = text.is_ascii();
    let (single, multi) = if gsm { (160, 153) } else { (70, 67) };
    let n = text.chars().count();
    if n <= single {
        1
    } else {
        n.div_ceil(multi) as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_alternate_and_open_with_the_bot() {
        for s in SCRIPTS {
            assert_eq!(s.turns[0].0, Who::Bot);
            assert!(s.turns.iter().any(|t| t.0 == Who::User));
        }
        assert!(SCRIPTS.iter().any(|s| s.outbound) && SCRIPTS.iter().any(|s| !s.outbound));
    }

    #[test]
    fn parts_and_fill() {
        assert_eq!(sms_parts("hi"), 1);
        assert_eq!(sms_parts(&"a".repeat(161)), 2);
        assert_eq!(sms_parts(&"é".repeat(71)), 2);
        assert!(fill(OUTBOUND_SMS[0], Some("Dana")).starts_with("Hi Dana, confirming"));
        assert!(fill(OUTBOUND_SMS[0], None).contains("Brightside"));
    }
}
