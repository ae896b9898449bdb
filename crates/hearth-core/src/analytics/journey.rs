//! Journey stage, next best action and "needs attention": ordered rules over the facts,
//! the lead score and the lifetime-value model, each conclusion with its reason.

use hearth_types::{Direction, Engagement, Stage, Tier};

use super::facts::{ago, span, Facts};
use super::lead::LeadScore;
use super::signals::Signal;

const DAY: i64 = 86_400_000;
/// A support signal this recent makes a customer's stage "support request".
const SUPPORT_RECENT: i64 = 14 * DAY;
/// A customer this unlikely to buy again is a retention risk.
const P_ALIVE_RISK: f64 = 0.3;
/// "Needs attention" starts here.
const P_ALIVE_ATTENTION: f64 = 0.5;
/// Customers silent this long are at risk even without a model.
const SILENT_CUSTOMER: i64 = 180 * DAY;

fn souring(f: &Facts) -> bool {
    f.sentiment
        .as_ref()
        .is_some_and(|s| s.trend == "declining" || s.label == "negative")
}

/// The stage and why.
pub fn stage(f: &Facts, now: i64) -> (Stage, String) {
    let last_touch = f
        .touches
        .iter()
        .rev()
        .find(|t| t.is_conversation())
        .map(|t| t.at);
    if f.is_customer() {
        if let Some(seen) = f
            .signal(Signal::Support)
            .filter(|s| now - s.last_at <= SUPPORT_RECENT)
        {
            return (
                Stage::SupportRequest,
                format!(
                    "asked for help {}: “{}”",
                    ago(now - seen.last_at),
                    seen.quote
                ),
            );
        }
        if let Some(l) = f.ltv.as_ref().filter(|l| l.p_alive < P_ALIVE_RISK) {
            return (
                Stage::RetentionRisk,
                format!("P(alive) {:.2}: unlikely to order again", l.p_alive),
            );
        }
        if let Some(s) = f
            .sentiment
            .as_ref()
            .filter(|s| s.trend == "declining" && s.label == "negative")
        {
            return (
                Stage::RetentionRisk,
                format!("sentiment turning negative ({:+.2})", s.score),
            );
        }
        if let Some(at) = last_touch
            .or(f.last_order_at)
            .filter(|at| now - at > SILENT_CUSTOMER)
        {
            return (
                Stage::RetentionRisk,
                format!("no contact since {}", ago(now - at)),
            );
        }
        let orders = match f.orders {
            0 => "marked as a customer".to_owned(),
            1 => "1 order".to_owned(),
            n => format!("{n} orders"),
        };
        return (Stage::ActiveCustomer, orders);
    }
    if let Some(deal) = f
        .open_deals
        .iter()
        .find(|d| matches!(d.stage.as_str(), "proposal" | "negotiation"))
    {
        return (
            Stage::PurchaseIntent,
            format!("deal “{}” in {}", deal.title, deal.stage),
        );
    }
    for (signal, what) in [
        (Signal::Pricing, "discussing pricing"),
        (Signal::Budget, "budget mentioned"),
        (Signal::Timeline, "timeline given"),
    ] {
        if let Some(seen) = f.signal(signal) {
            return (Stage::PurchaseIntent, format!("{what}: “{}”", seen.quote));
        }
    }
    let inbound = f
        .touches
        .iter()
        .filter(|t| t.is_conversation() && t.direction == Direction::Inbound)
        .count();
    if inbound >= 2 || f.signal(Signal::Technical).is_some() {
        return (
            Stage::Consideration,
            format!("{inbound} messages or calls from them"),
        );
    }
    (
        Stage::Discovery,
        match inbound {
            0 => "no message from them yet".to_owned(),
            _ => "first contact".to_owned(),
        },
    )
}

/// The next best action and why (seed 003's examples).
pub fn next_action(
    f: &Facts,
    lead: &LeadScore,
    stage: Stage,
    engagement: &Engagement,
    now: i64,
) -> (String, String) {
    let last_in = f.last(Direction::Inbound);
    let last_out = f.last(Direction::Outbound);
    let waiting = f.waiting(now).filter(|i| now - i <= 30 * DAY);
    if let Some(at) = waiting {
        let who = if lead.tier == Tier::Hot {
            "hot lead "
        } else {
            ""
        };
        return (
            "Respond now".into(),
            format!("{who}replied {}", ago(now - at)),
        );
    }
    if souring(f) {
        let s = f.sentiment.as_ref().map(|s| (s.trend.as_str(), s.score));
        let why = match s {
            Some(("declining", score)) => format!("negative trend ({score:+.2})"),
            Some((_, score)) => format!("negative sentiment ({score:+.2})"),
            None => "negative sentiment".into(),
        };
        return ("Address concerns".into(), why);
    }
    match stage {
        Stage::SupportRequest => {
            return (
                "Resolve their request".into(),
                "support question open".into(),
            );
        }
        Stage::RetentionRisk => {
            let why = match &f.ltv {
                Some(l) => format!("P(alive) {:.2}", l.p_alive),
                None => "no contact for a long time".into(),
            };
            return ("Win back".into(), why);
        }
        _ => {}
    }
    let since_out = last_out.map(|o| now - o);
    if lead.tier == Tier::Hot && since_out.is_none_or(|d| d > 2 * DAY) {
        let how = match engagement.preferred_channel {
            Some(hearth_types::Channel::Email) => "Email",
            Some(hearth_types::Channel::Sms) => "Text",
            _ => "Call",
        };
        return (
            format!("{how} now"),
            match since_out {
                Some(d) => format!("hot lead (score {}), last contacted {}", lead.score, ago(d)),
                None => format!("hot lead (score {}), never contacted", lead.score),
            },
        );
    }
    match stage {
        Stage::PurchaseIntent => {
            if let Some(deal) = f.open_deals.first() {
                return (
                    "Close the deal".into(),
                    format!("“{}” is in {}", deal.title, deal.stage),
                );
            }
            return (
                "Send a quote".into(),
                "asked about pricing, budget or timing".into(),
            );
        }
        Stage::ActiveCustomer => {
            if let Some(at) = f.last_order_at.filter(|at| now - at <= 30 * DAY) {
                return (
                    "Thank and upsell".into(),
                    format!("ordered {}", ago(now - at)),
                );
            }
            if let Some(l) = &f.ltv {
                return ("Check in".into(), format!("P(alive) {:.2}", l.p_alive));
            }
            return ("Check in".into(), "a customer to keep close".into());
        }
        _ => {}
    }
    let last = last_in.max(last_out);
    if lead.tier == Tier::Warm {
        if let Some(at) = last.filter(|at| now - at > 14 * DAY) {
            return (
                "Follow up".into(),
                format!("warm lead, last contact {}", ago(now - at)),
            );
        }
    }
    (
        "Nurture".into(),
        match lead.tier {
            Tier::Cold => "low engagement".into(),
            _ => "keep the conversation going".into(),
        },
    )
}

/// Why the owner should look at this contact now, and how urgently (higher first).
pub fn attention(f: &Facts, lead: &LeadScore, now: i64) -> Option<(String, i64)> {
    let last_out = f.last(Direction::Outbound);
    let mut found: Vec<(String, i64)> = Vec::new();
    if lead.tier == Tier::Hot {
        if let Some(at) = f.waiting(now) {
            found.push((format!("hot lead waiting for {}", span(now - at)), 100));
        } else {
            match last_out {
                None => found.push(("hot lead never contacted".into(), 90)),
                Some(o) if now - o > 2 * DAY => {
                    found.push((format!("hot lead, last contacted {}", ago(now - o)), 90))
                }
                Some(_) => {}
            }
        }
    }
    if let Some(s) = f.sentiment.as_ref() {
        if s.trend == "declining" && s.recent.is_some_and(|r| r < 0.0) {
            found.push((
                format!(
                    "sentiment declining ({:+.2} recently, {:+.2} before)",
                    s.recent.unwrap_or_default(),
                    s.earlier.unwrap_or_default()
                ),
                75,
            ));
        } else if s.label == "negative" {
            found.push((format!("negative sentiment ({:+.2})", s.score), 60));
        }
    }
    if let Some(l) = f
        .ltv
        .as_ref()
        .filter(|l| l.p_alive < P_ALIVE_ATTENTION && l.orders > 0)
    {
        // The less likely to come back, and the more they were worth, the higher.
        let rank = 50 + ((P_ALIVE_ATTENTION - l.p_alive) * 40.0).round() as i64;
        found.push((
            format!(
                "slipping away: P(alive) {:.2} after {} orders",
                l.p_alive, l.orders
            ),
            rank,
        ));
    }
    found.into_iter().max_by_key(|(_, rank)| *rank)
}

#[cfg(test)]
mod tests {
    use hearth_types::{Channel, ContactSentiment, ContactStatus, LeadWeights, LtvFigures};

    use super::*;
    use crate::analytics::facts::{OpenDeal, Seen, Touch};
    use crate::analytics::lead;

    const NOW: i64 = 1_000 * DAY;
    const H: i64 = 3_600_000;

    fn touch(ago: i64, direction: Direction) -> Touch {
        Touch {
            at: NOW - ago,
            channel: Channel::Email,
            direction,
            duration_ms: None,
        }
    }

    fn seen(ago: i64, quote: &str) -> Seen {
        Seen {
            count: 1,
            last_at: NOW - ago,
            quote: quote.into(),
        }
    }

    fn ltv(p_alive: f64) -> LtvFigures {
        LtvFigures {
            currency: "USD".into(),
            orders: 3,
            historic_minor: 30_000,
            average_minor: 10_000,
            p_alive,
            expected_purchases_52w: 0.4,
            clv_12m_minor: Some(4_000),
        }
    }

    fn feel(score: f64, label: &str, trend: &str) -> ContactSentiment {
        ContactSentiment {
            score,
            label: label.into(),
            trend: trend.into(),
            recent: Some(score),
            earlier: Some(0.5),
            scored: 6,
        }
    }

    fn decide(f: &Facts) -> (Stage, String, String, String) {
        let l = lead::score(f, &LeadWeights::default(), None, NOW);
        let e = super::super::engagement::engagement(f, chrono_tz::Tz::UTC);
        let (s, why) = stage(f, NOW);
        let (a, because) = next_action(f, &l, s, &e, NOW);
        (s, why, a, because)
    }

    #[test]
    fn stages_follow_the_seed_journey() {
        let mut f = Facts::new(1, "x");
        assert_eq!(decide(&f).0, Stage::Discovery);
        f.touches.push(touch(5 * DAY, Direction::Inbound));
        assert_eq!(decide(&f).1, "first contact");
        f.touches.push(touch(4 * DAY, Direction::Inbound));
        assert_eq!(decide(&f).0, Stage::Consideration);
        f.signals
            .insert(Signal::Pricing, seen(DAY, "how much is it"));
        let d = decide(&f);
        assert_eq!(
            (d.0, d.1.as_str()),
            (
                Stage::PurchaseIntent,
                "discussing pricing: “how much is it”"
            )
        );
        f.open_deals.push(OpenDeal {
            title: "Roof".into(),
            stage: "proposal".into(),
        });
        assert_eq!(decide(&f).1, "deal “Roof” in proposal");
        f.orders = 2;
        f.last_order_at = Some(NOW - 3 * DAY);
        assert_eq!(decide(&f).0, Stage::ActiveCustomer);
        f.signals
            .insert(Signal::Support, seen(2 * DAY, "it stopped working"));
        assert_eq!(decide(&f).0, Stage::SupportRequest);
        f.signals
            .insert(Signal::Support, seen(20 * DAY, "it stopped working"));
        f.ltv = Some(ltv(0.18));
        let d = decide(&f);
        assert_eq!(
            (d.0, d.1.as_str()),
            (
                Stage::RetentionRisk,
                "P(alive) 0.18: unlikely to order again"
            )
        );
        // A customer with no model who has been silent for half a year.
        let mut g = Facts::new(1, "y");
        g.status = ContactStatus::Customer;
        g.touches.push(touch(200 * DAY, Direction::Inbound));
        assert_eq!(decide(&g).0, Stage::RetentionRisk);
    }

    #[test]
    fn next_actions_put_a_waiting_customer_first() {
        let mut f = Facts::new(1, "x");
        f.touches.push(touch(3 * DAY, Direction::Outbound));
        f.touches.push(touch(2 * H, Direction::Inbound));
        let d = decide(&f);
        assert_eq!(
            (d.2.as_str(), d.3.as_str()),
            ("Respond now", "replied 2 h ago")
        );
        f.touches.push(touch(H, Direction::Outbound));
        f.sentiment = Some(feel(-0.4, "negative", "declining"));
        let d = decide(&f);
        assert_eq!(
            (d.2.as_str(), d.3.as_str()),
            ("Address concerns", "negative trend (-0.40)")
        );
        f.sentiment = None;
        f.orders = 3;
        f.ltv = Some(ltv(0.18));
        let d = decide(&f);
        assert_eq!((d.2.as_str(), d.3.as_str()), ("Win back", "P(alive) 0.18"));
    }

    #[test]
    fn hot_leads_get_a_call_and_quotes_follow_pricing() {
        let mut f = Facts::new(1, "x");
        f.has_email = true;
        f.has_phone = true;
        f.company = Some("Acme".into());
        f.signals.insert(Signal::Budget, seen(DAY, "budget 5k"));
        f.signals
            .insert(Signal::DecisionMaker, seen(DAY, "I am the owner"));
        f.touches.push(touch(5 * DAY, Direction::Inbound));
        f.touches.push(touch(4 * DAY, Direction::Outbound));
        let d = decide(&f);
        assert_eq!(d.2, "Email now");
        assert_eq!(d.3, "hot lead (score 80), last contacted 4 d ago");
        f.touches.push(touch(DAY, Direction::Outbound));
        let d = decide(&f);
        assert_eq!(
            (d.2.as_str(), d.3.as_str()),
            ("Send a quote", "asked about pricing, budget or timing")
        );
        let mut g = Facts::new(1, "y");
        assert_eq!(decide(&g).2, "Nurture");
        g.orders = 1;
        g.last_order_at = Some(NOW - 5 * DAY);
        let d = decide(&g);
        assert_eq!(
            (d.2.as_str(), d.3.as_str()),
            ("Thank and upsell", "ordered 5 d ago")
        );
    }

    #[test]
    fn done_and_snoozed_conversations_do_not_wait() {
        let mut f = Facts::new(1, "x");
        f.touches.push(touch(2 * H, Direction::Inbound));
        assert_eq!(decide(&f).2, "Respond now");
        f.done_through = Some(NOW - H);
        assert_eq!(decide(&f).2, "Nurture");
        f.done_through = None;
        f.snoozed_until = Some(NOW + H);
        assert_eq!(decide(&f).2, "Nurture");
        f.snoozed_until = Some(NOW - 1);
        assert_eq!(decide(&f).2, "Respond now");
    }

    #[test]
    fn attention_ranks_waiting_hot_leads_over_slipping_customers() {
        let w = LeadWeights::default();
        let mut f = Facts::new(1, "x");
        assert_eq!(attention(&f, &lead::score(&f, &w, None, NOW), NOW), None);
        f.orders = 3;
        f.ltv = Some(ltv(0.2));
        let l = lead::score(&f, &w, None, NOW);
        let (why, rank) = attention(&f, &l, NOW).unwrap();
        assert_eq!(
            (why.as_str(), rank),
            ("slipping away: P(alive) 0.20 after 3 orders", 62)
        );
        f.ltv = Some(ltv(0.9));
        assert_eq!(attention(&f, &lead::score(&f, &w, None, NOW), NOW), None);
        f.sentiment = Some(feel(-0.3, "negative", "declining"));
        assert_eq!(
            attention(&f, &lead::score(&f, &w, None, NOW), NOW)
                .unwrap()
                .1,
            75
        );
        let hot = LeadScore {
            score: 90,
            tier: Tier::Hot,
            factors: vec![],
        };
        f.touches.push(touch(3 * H, Direction::Inbound));
        let (why, rank) = attention(&f, &hot, NOW).unwrap();
        assert_eq!((why.as_str(), rank), ("hot lead waiting for 3 h", 100));
    }
}
