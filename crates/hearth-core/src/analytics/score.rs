//! Which words of an interaction count for its sentiment, and the score: only the
//! customer's own — inbound texts and chats as written, inbound emails without quoted
//! history and signatures, the customer's turns of a call (never the agent's). What the
//! business wrote has no sentiment here.

use hearth_types::{Channel, Direction};

use super::sentiment::{score_text, strip_email_noise};

/// The VADER-based score in [-1, 1] of an interaction, or `None` when nothing in it is the
/// customer's words. `customer_text` is a call's customer turns.
pub fn interaction_sentiment(
    channel: Channel,
    direction: Direction,
    body: Option<&str>,
    customer_text: Option<&str>,
) -> Option<f64> {
    let score = match channel {
        Channel::VoiceAi | Channel::Call => score_text(customer_text?),
        _ if direction != Direction::Inbound => return None,
        Channel::Email => score_text(&strip_email_noise(body?)),
        Channel::Sms | Channel::Chat | Channel::Social => score_text(body?),
        _ => return None,
    }?;
    score.is_finite().then(|| score.clamp(-1.0, 1.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_customers_words_count() {
        let angry = "This is the third time the heater failed. I'm really frustrated!";
        let s = interaction_sentiment(Channel::Sms, Direction::Inbound, Some(angry), None).unwrap();
        assert!(s < -0.05, "{s}");
        assert_eq!(
            interaction_sentiment(Channel::Sms, Direction::Outbound, Some(angry), None),
            None
        );
        let call = interaction_sentiment(
            Channel::VoiceAi,
            Direction::Outbound,
            Some("AI: Wonderful, great, happy to help!\nUser: ok"),
            Some("Thursday works great, thank you!"),
        )
        .unwrap();
        assert!(call > 0.05, "{call}");
        assert_eq!(
            interaction_sentiment(
                Channel::VoiceAi,
                Direction::Inbound,
                Some("AI: great!"),
                None
            ),
            None,
            "no customer turns, no score"
        );
        let mail =
            "Thanks, that works.\n\nOn Mon, Ann <a@x.com> wrote:\n> I hate this, terrible, awful";
        let m =
            interaction_sentiment(Channel::Email, Direction::Inbound, Some(mail), None).unwrap();
        assert!(m >= 0.0, "quoted text does not count: {m}");
        assert_eq!(
            interaction_sentiment(Channel::Note, Direction::Internal, Some("great"), None),
            None
        );
    }
}
