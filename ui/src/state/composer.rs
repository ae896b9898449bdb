//! The inbox reply composer's decisions: whether Send can work on the chosen channel, and
//! how a send ended, in words.

use hearth_types::{Channel, SendResult};

/// Why an email reply needs an email to answer.
pub const NOT_AN_EMAIL: &str =
    "An email reply answers the customer's latest email, and their latest message is not one; reply from your usual app and mark it done here.";

/// Why other channels cannot be answered from here.
pub const NO_REPLY: &str = "Replies on this channel cannot be sent from Hearth.";

/// The channel the composer starts on: the latest message's own, if the contact can be
/// answered there, else the first that can.
pub fn default_channel(latest: Channel, reply_channels: &[Channel]) -> Channel {
    if reply_channels.contains(&latest) || reply_channels.is_empty() {
        latest
    } else {
        reply_channels[0]
    }
}

/// Why Send is disabled, or `None` when it can send.
pub fn send_block(latest: Channel, chosen: Channel) -> Option<&'static str> {
    match chosen {
        Channel::Email if latest == Channel::Email => None,
        Channel::Email => Some(NOT_AN_EMAIL),
        // Sent through Telnyx; without it set up, the shell says so and the text stays.
        Channel::Sms => None,
        _ => Some(NO_REPLY),
    }
}

/// How a send ended, for the banner above the inbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// "sent", "pending", "unknown", "failed", or "error" (the shell refused it).
    pub state: String,
    pub text: String,
}

impl Outcome {
    /// Whether the reply is in the outbox (sent or not): the composer can close.
    pub fn queued(&self) -> bool {
        self.state != "error"
    }
}

/// Words for a send's result; `to` names the customer.
pub fn outcome(result: Result<SendResult, String>, to: &str) -> Outcome {
    let result = match result {
        Ok(result) => result,
        Err(e) => {
            return Outcome {
                state: "error".into(),
                text: e,
            }
        }
    };
    let reason = result.message.filter(|m| !m.trim().is_empty());
    let text = match (result.state.as_str(), reason) {
        ("sent", _) => format!("Sent to {to}."),
        ("pending", Some(why)) => {
            format!("Queued — {why}; it goes out when the server is reachable.")
        }
        ("pending", None) => "Queued; it goes out when the server is reachable.".into(),
        ("unknown", why) => format!(
            "Unknown — {}: the server may have taken it, so Hearth will not send it again by itself; the next sync will tell.",
            why.unwrap_or_else(|| "the connection ended mid-send".into())
        ),
        ("failed", Some(why)) => format!("Not sent — {why}."),
        (state, why) => format!("Not sent ({state}){}", why.map(|w| format!(" — {w}")).unwrap_or_default()),
    };
    Outcome {
        state: result.state,
        text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(state: &str, message: Option<&str>) -> Result<SendResult, String> {
        Ok(SendResult {
            outbox_id: 1,
            state: state.into(),
            message: message.map(str::to_owned),
            interaction_id: Some(2),
        })
    }

    #[test]
    fn email_answers_an_email_and_texts_always_can_go() {
        assert_eq!(send_block(Channel::Email, Channel::Email), None);
        assert_eq!(send_block(Channel::Email, Channel::Sms), None);
        assert_eq!(send_block(Channel::Sms, Channel::Sms), None);
        assert_eq!(
            send_block(Channel::Call, Channel::Email),
            Some(NOT_AN_EMAIL)
        );
        assert_eq!(send_block(Channel::Chat, Channel::Chat), Some(NO_REPLY));
    }

    #[test]
    fn the_composer_starts_on_the_latest_channel_when_it_can() {
        let both = [Channel::Email, Channel::Sms];
        assert_eq!(default_channel(Channel::Sms, &both), Channel::Sms);
        assert_eq!(default_channel(Channel::Email, &both), Channel::Email);
        assert_eq!(default_channel(Channel::Call, &both), Channel::Email);
        assert_eq!(default_channel(Channel::Email, &[]), Channel::Email);
    }

    #[test]
    fn outcomes_say_what_happened() {
        let sent = outcome(result("sent", None), "Ana García");
        assert_eq!(sent.text, "Sent to Ana García.");
        assert!(sent.queued());
        let queued = outcome(
            result("pending", Some("cannot connect to 127.0.0.1:25")),
            "Ana",
        );
        assert_eq!(
            queued.text,
            "Queued — cannot connect to 127.0.0.1:25; it goes out when the server is reachable."
        );
        let unknown = outcome(result("unknown", None), "Ana");
        assert!(unknown.text.contains("will not send it again"));
        let failed = outcome(result("failed", Some("550 no such user")), "Ana");
        assert_eq!(failed.text, "Not sent — 550 no such user.");
        let refused = outcome(Err("the reply is empty".into()), "Ana");
        assert_eq!(refused.text, "the reply is empty");
        assert!(!refused.queued(), "the composer keeps the text");
    }
}
