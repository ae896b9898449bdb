//! The demo business: a deterministic, realistic home-services company.
//!
//! The same options always produce the same business (a ChaCha RNG from a fixed seed, times
//! counted back from `as_of`), so tests can rely on its content and benchmarks can rebuild
//! it. It holds leads and customers, email threads, SMS exchanges, voice-AI calls with
//! transcripts and summaries, carrier calls, notes, orders over two years, deals and tasks,
//! and it scales to 100k contacts / 1M interactions for benchmarks.

mod text;

use hearth_types::{Channel, ContactStatus, Direction, IdentityKind};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::json;
use thiserror::Error;

use crate::domain::{NewContact, NewDeal, NewInteraction, NewOrder, NewTask};
use crate::store::{ContactFilter, Store, StoreError};
use text::{Topic, TOPICS};

/// The business's own address in the demo data.
pub const BUSINESS_EMAIL: &str = "hello@brightside.example";
/// The `source` of every demo interaction.
pub const SOURCE: &str = "demo";

const DAY_MS: i64 = 86_400_000;
const HOUR_MS: i64 = 3_600_000;
const MINUTE_MS: i64 = 60_000;
const HISTORY_DAYS: i64 = 730;
const BATCH: usize = 2_000;

/// How big a demo business to build.
#[derive(Debug, Clone)]
pub struct DemoOptions {
    pub contacts: u32,
    pub interactions: u32,
    pub seed: u64,
    /// "Now" for the demo, UTC ms: all history lies in the two years before it. The same
    /// options with the same `as_of` build the same business.
    pub as_of: i64,
}

impl Default for DemoOptions {
    fn default() -> Self {
        DemoOptions {
            contacts: 150,
            interactions: 4_000,
            seed: 7,
            as_of: crate::now_ms(),
        }
    }
}

/// What was built.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DemoReport {
    pub contacts: u64,
    pub interactions: u64,
    pub orders: u64,
}

#[derive(Debug, Error)]
pub enum DemoError {
    #[error("this business already has contacts; seed the demo into a new, empty business")]
    NotEmpty,
    #[error("a demo needs at least one contact")]
    NoContacts,
    #[error(transparent)]
    Store(#[from] StoreError),
}

struct Person {
    id: i64,
    name: String,
    email: Option<String>,
    phone: Option<String>,
}

/// Builds the demo business into an empty store. `progress(done, total)` is called after
/// each batch of interactions.
pub async fn seed(
    store: &Store,
    options: &DemoOptions,
    mut progress: impl FnMut(u64, u64),
) -> Result<DemoReport, DemoError> {
    if options.contacts == 0 {
        return Err(DemoError::NoContacts);
    }
    let probe = ContactFilter {
        limit: Some(1),
        ..Default::default()
    };
    if !store.list_contacts(&probe).await?.is_empty() {
        return Err(DemoError::NotEmpty);
    }
    store.set_setting("business_name", text::BUSINESS).await?;
    store.set_setting("business_email", BUSINESS_EMAIL).await?;
    let mut rng = ChaCha8Rng::seed_from_u64(options.seed);
    let people = seed_contacts(store, options.contacts, &mut rng).await?;
    // Tags from the position alone (no draws: the rest of the demo stays as it was).
    let tags: Vec<(i64, String)> = people
        .iter()
        .enumerate()
        .flat_map(|(n, p)| {
            let mut t = Vec::new();
            if n % 3 == 0 {
                t.push((p.id, "newsletter".to_owned()));
            }
            if n % 11 == 4 {
                t.push((p.id, "spring-event".to_owned()));
            }
            if p.email.as_deref().is_some_and(|e| e.ends_with(".example")) {
                t.push((p.id, "business".to_owned()));
            }
            t
        })
        .collect();
    store.tag_contacts(&tags).await?;
    let mut builder = Builder {
        rng,
        as_of: options.as_of,
        episode: 0,
        pending: Vec::new(),
        orders: Vec::new(),
    };
    let total = u64::from(options.interactions);
    let mut report = DemoReport {
        contacts: people.len() as u64,
        ..Default::default()
    };
    while report.interactions < total {
        let who = builder.pick(&people);
        let left = (total - report.interactions) as usize;
        let before = builder.pending.len();
        builder.episode(who, left);
        report.interactions += (builder.pending.len() - before) as u64;
        if builder.pending.len() >= BATCH || report.interactions >= total {
            store.upsert_interactions(&builder.pending).await?;
            builder.pending.clear();
            report.orders += store.upsert_orders(&builder.orders).await?;
            builder.orders.clear();
            progress(report.interactions, total);
        }
    }
    seed_pipeline(store, &people, &mut builder.rng, options.as_of).await?;
    // The customers' words get their sentiment, as synced ones do on arrival.
    crate::analytics::rescore::rescore_sentiment(store, false, &|_| {}).await?;
    tracing::info!(?report, "seeded demo business");
    Ok(report)
}

async fn seed_contacts(
    store: &Store,
    count: u32,
    rng: &mut ChaCha8Rng,
) -> Result<Vec<Person>, StoreError> {
    let mut people = Vec::with_capacity(count as usize);
    let mut batch = Vec::with_capacity(1_000);
    for n in 0..count as usize {
        let first = text::FIRST_NAMES[rng.random_range(0..text::FIRST_NAMES.len())];
        let last = text::LAST_NAMES[rng.random_range(0..text::LAST_NAMES.len())];
        let name = format!("{first} {last}");
        let company = rng.random_bool(0.25).then(|| {
            let k = rng.random_range(0..(count as usize / 20).max(text::COMPANIES.len()));
            let base = text::COMPANIES[k % text::COMPANIES.len()];
            match k / text::COMPANIES.len() {
                0 => base.to_owned(),
                branch => format!("{base} #{}", branch + 1),
            }
        });
        // Unique by construction: the contact's number is part of the address.
        let has_email = rng.random_bool(0.9);
        let has_phone = !has_email || rng.random_bool(0.85);
        let email = has_email.then(|| {
            let domain = match &company {
                Some(c) => format!("{}.example", slug(c)),
                None => {
                    text::MAIL_DOMAINS[rng.random_range(0..text::MAIL_DOMAINS.len())].to_owned()
                }
            };
            format!(
                "{}.{}{}@{domain}",
                first.to_lowercase(),
                last.to_lowercase(),
                n + 1
            )
        });
        let phone = has_phone.then(|| demo_phone(n));
        let status = match rng.random_range(0..100) {
            0..45 => ContactStatus::Customer,
            45..80 => ContactStatus::Lead,
            80..90 => ContactStatus::Inactive,
            90..97 => ContactStatus::Vip,
            _ => ContactStatus::Blocked,
        };
        let notes = rng
            .random_bool(0.3)
            .then(|| text::NOTES[rng.random_range(0..text::NOTES.len())].to_owned());
        let mut identities = Vec::new();
        if let Some(e) = &email {
            identities.push((IdentityKind::Email, e.clone()));
        }
        if let Some(p) = &phone {
            identities.push((IdentityKind::Phone, p.clone()));
        }
        batch.push(NewContact {
            name: name.clone(),
            company,
            status: Some(status),
            notes,
            identities,
        });
        people.push(Person {
            id: 0,
            name,
            email,
            phone,
        });
        if batch.len() == 1_000 || n + 1 == count as usize {
            let ids = store.add_contacts(&batch).await?;
            let start = people.len() - ids.len();
            for (person, id) in people[start..].iter_mut().zip(ids) {
                person.id = id;
            }
            batch.clear();
        }
    }
    Ok(people)
}

/// Exchanges 201..=999 without the N11 service codes.
static EXCHANGES: std::sync::LazyLock<Vec<usize>> =
    std::sync::LazyLock::new(|| (201..=999).filter(|e| e % 100 != 11).collect());

/// A valid North American number, unique for each `n` below 60 million.
fn demo_phone(n: usize) -> String {
    let area = text::AREA_CODES[n % text::AREA_CODES.len()];
    let rest = n / text::AREA_CODES.len();
    let exchange = EXCHANGES[(rest / 10_000) % EXCHANGES.len()];
    format!("+1{area}{exchange}{:04}", rest % 10_000)
}

fn slug(s: &str) -> String {
    s.chars()
        .filter_map(|c| match c {
            c if c.is_ascii_alphanumeric() => Some(c.to_ascii_lowercase()),
            ' ' | '-' => Some('-'),
            _ => None,
        })
        .collect::<String>()
        .split('-')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

struct Builder {
    rng: ChaCha8Rng,
    as_of: i64,
    episode: u64,
    pending: Vec<NewInteraction>,
    orders: Vec<NewOrder>,
}

impl Builder {
    /// A few contacts are very active, most are not (the square skews toward the front).
    fn pick<'a>(&mut self, people: &'a [Person]) -> &'a Person {
        let u: f64 = self.rng.random();
        &people[((u * u * u) * people.len() as f64) as usize % people.len()]
    }

    fn episode(&mut self, who: &Person, room: usize) {
        self.episode += 1;
        let topic = &TOPICS[self.rng.random_range(0..TOPICS.len())];
        // Recent history is denser, as in a growing business.
        let u: f64 = self.rng.random();
        let start = self.as_of - ((u * u) * (HISTORY_DAYS * DAY_MS) as f64) as i64 - HOUR_MS;
        let roll = self.rng.random_range(0..100);
        match (roll, &who.email, &who.phone) {
            (0..35, Some(email), _) => self.email_thread(who, email, topic, start, room),
            (35..60, _, Some(phone)) => self.sms_exchange(who, phone, topic, start, room),
            (60..75, _, Some(phone)) => self.voice_ai_call(who, phone, topic, start),
            (75..83, _, Some(phone)) => self.carrier_call(who, phone, start),
            (83..95, _, _) => self.order(who, topic, start),
            _ => self.note(who, start),
        }
    }

    /// Keeps what happened up to "now"; a conversation that would go on later stops here.
    fn push(&mut self, item: NewInteraction) {
        if item.occurred_at <= self.as_of {
            self.pending.push(item);
        }
    }

    fn email_thread(&mut self, who: &Person, email: &str, topic: &Topic, start: i64, room: usize) {
        let thread = format!("<demo-{}@brightside.example>", self.episode);
        // Most threads end with the business's answer; a few still wait for one.
        let length = [1, 2, 2, 2, 3, 4, 4][self.rng.random_range(0..7)].min(room);
        let mut at = start;
        for step in 0..length {
            let inbound = step % 2 == 0;
            let (body, direction, from, to) = match (step, inbound) {
                (0, _) => (topic.ask, Direction::Inbound, email, BUSINESS_EMAIL),
                (_, true) => (topic.follow_up, Direction::Inbound, email, BUSINESS_EMAIL),
                (1, false) => (topic.reply, Direction::Outbound, BUSINESS_EMAIL, email),
                _ => (
                    "You are very welcome, see you then!",
                    Direction::Outbound,
                    BUSINESS_EMAIL,
                    email,
                ),
            };
            let subject = if step == 0 {
                topic.subject.to_owned()
            } else {
                format!("Re: {}", topic.subject)
            };
            let greeting = if inbound {
                String::new()
            } else {
                format!("Hi {},\n\n", first_name(&who.name))
            };
            let signature = if inbound {
                format!("\n\n{}", who.name)
            } else {
                "\n\nBrightside Home Services".to_owned()
            };
            // The business writes HTML mail; customers mostly plain text.
            let body_html = (!inbound).then(|| {
                format!(
                    "<p>Hi {},</p><p>{body}</p><p>— <b>Brightside Home Services</b><br>Licensed &amp; insured</p>",
                    first_name(&who.name)
                )
            });
            self.push(NewInteraction {
                contact_id: Some(who.id),
                subject: Some(subject),
                body: Some(format!("{greeting}{body}{signature}")),
                body_html,
                thread_key: Some(thread.clone()),
                metadata: json!({ "from": from, "to": [to], "message_id": format!("<demo-{}-{step}@brightside.example>", self.episode) }),
                ..NewInteraction::new(Channel::Email, direction, at, SOURCE, format!("email-{}-{step}", self.episode))
            });
            at += self.rng.random_range(20 * MINUTE_MS..30 * HOUR_MS);
        }
    }

    fn sms_exchange(&mut self, who: &Person, phone: &str, topic: &Topic, start: i64, room: usize) {
        let length = [1, 2, 2, 2, 3][self.rng.random_range(0..5)].min(room);
        let mut at = start;
        for step in 0..length {
            let (body, direction) = match step {
                0 => (topic.sms_in, Direction::Inbound),
                1 => (topic.sms_out, Direction::Outbound),
                _ => ("Thank you!", Direction::Inbound),
            };
            self.push(NewInteraction {
                contact_id: Some(who.id),
                body: Some(body.to_owned()),
                thread_key: Some(format!("sms:{phone}")),
                cost_micros: Some(4_000),
                metadata: json!({ "number": phone, "status": "delivered", "carrier": "Demo Wireless" }),
                ..NewInteraction::new(Channel::Sms, direction, at, SOURCE, format!("sms-{}-{step}", self.episode))
            });
            at += self.rng.random_range(2 * MINUTE_MS..90 * MINUTE_MS);
        }
    }

    fn voice_ai_call(&mut self, who: &Person, phone: &str, topic: &Topic, start: i64) {
        let seconds = self.rng.random_range(45..480);
        let transcript = format!(
            "AI: {}\nCustomer: Hi, this is {}. {}\nAI: I understand. Let me check our schedule for you.\nCustomer: Thank you.\nAI: {}\nCustomer: {}",
            text::AGENT_GREETING,
            first_name(&who.name),
            topic.call_turn,
            text::AGENT_CLOSING,
            text::CUSTOMER_CLOSING
        );
        let booked = self.rng.random_bool(0.7);
        self.push(NewInteraction {
            contact_id: Some(who.id),
            subject: Some(format!("AI call: {}", topic.subject)),
            body: Some(transcript),
            summary: Some(topic.summary.to_owned()),
            duration_ms: Some(seconds * 1_000),
            cost_micros: Some(seconds * 1_100),
            metadata: json!({
                "customer_number": phone,
                "ended_reason": if booked { "assistant-ended-call" } else { "customer-ended-call" },
                "success_evaluation": if booked { "true" } else { "false" },
                "customer_turns": [topic.call_turn, "Thank you.", text::CUSTOMER_CLOSING],
            }),
            ..NewInteraction::new(
                Channel::VoiceAi,
                Direction::Inbound,
                start,
                SOURCE,
                format!("vapi-{}", self.episode),
            )
        });
    }

    fn carrier_call(&mut self, who: &Person, phone: &str, start: i64) {
        let inbound = self.rng.random_bool(0.6);
        let answered = self.rng.random_bool(0.8);
        let seconds = if answered {
            self.rng.random_range(20..900)
        } else {
            0
        };
        let minutes = (seconds + 59) / 60;
        let summary = match (inbound, answered) {
            (true, true) => format!("Call from {} ({minutes} min)", who.name),
            (false, true) => format!("Call to {} ({minutes} min)", who.name),
            (true, false) => format!("Missed call from {}", who.name),
            (false, false) => format!("No answer calling {}", who.name),
        };
        self.push(NewInteraction {
            contact_id: Some(who.id),
            summary: Some(summary),
            duration_ms: Some(seconds * 1_000),
            cost_micros: Some(minutes * 7_000),
            metadata: json!({ "number": phone, "answered": answered }),
            ..NewInteraction::new(
                Channel::Call,
                if inbound {
                    Direction::Inbound
                } else {
                    Direction::Outbound
                },
                start,
                SOURCE,
                format!("call-{}", self.episode),
            )
        });
    }

    fn order(&mut self, who: &Person, topic: &Topic, start: i64) {
        let external_id = format!("D-{:06}", self.episode);
        // Prices vary around the list price, in cents.
        let total = topic.price_minor * self.rng.random_range(85..=125) / 100;
        let items = json!([{ "name": topic.item, "qty": 1, "price_minor": total }]);
        self.orders.push(NewOrder {
            contact_id: Some(who.id),
            source: SOURCE.to_owned(),
            external_id: external_id.clone(),
            placed_at: start,
            total_minor: total,
            currency: "USD".to_owned(),
            status: "completed".to_owned(),
            items: items.clone(),
        });
        self.push(NewInteraction {
            contact_id: Some(who.id),
            subject: Some(format!("Order {external_id}: {}", topic.item)),
            body: Some(format!("{} - ${}.{:02}", topic.item, total / 100, total % 100)),
            metadata: json!({ "order_id": external_id, "total_minor": total, "currency": "USD", "items": items }),
            ..NewInteraction::new(Channel::Order, Direction::Inbound, start, SOURCE, format!("order-{}", self.episode))
        });
    }

    fn note(&mut self, who: &Person, start: i64) {
        let note = text::NOTES[self.rng.random_range(0..text::NOTES.len())];
        self.push(NewInteraction {
            contact_id: Some(who.id),
            body: Some(note.to_owned()),
            ..NewInteraction::new(
                Channel::Note,
                Direction::Internal,
                start,
                SOURCE,
                format!("note-{}", self.episode),
            )
        });
    }
}

async fn seed_pipeline(
    store: &Store,
    people: &[Person],
    rng: &mut ChaCha8Rng,
    as_of: i64,
) -> Result<(), StoreError> {
    let mut deals = Vec::new();
    let mut tasks = Vec::new();
    for person in people {
        if rng.random_bool(0.12) {
            let topic = &TOPICS[rng.random_range(0..TOPICS.len())];
            let (stage, probability) = [
                ("qualified", 30),
                ("proposal", 50),
                ("negotiation", 70),
                ("won", 100),
            ][rng.random_range(0..4)];
            deals.push(NewDeal {
                contact_id: person.id,
                title: topic.item.to_owned(),
                value_minor: topic.price_minor,
                currency: "USD".to_owned(),
                stage: stage.to_owned(),
                probability,
                expected_close: Some(as_of + rng.random_range(3..45) * DAY_MS),
            });
        }
        if rng.random_bool(0.08) {
            tasks.push(NewTask {
                contact_id: person.id,
                title: format!("Follow up with {}", first_name(&person.name)),
                due_at: Some(as_of + rng.random_range(-3..14) * DAY_MS),
                priority: ["normal", "high", "low", "urgent"][rng.random_range(0..4)].to_owned(),
            });
        }
        if deals.len() >= BATCH {
            store.add_deals(&deals).await?;
            deals.clear();
        }
        if tasks.len() >= BATCH {
            store.add_tasks(&tasks).await?;
            tasks.clear();
        }
    }
    store.add_deals(&deals).await?;
    store.add_tasks(&tasks).await
}

fn first_name(name: &str) -> &str {
    name.split_whitespace().next().unwrap_or(name)
}

#[cfg(test)]
mod tests {
    use hearth_types::TimelineRequest;

    use super::*;
    use crate::domain::{normalize_phone, Region};

    fn small() -> DemoOptions {
        DemoOptions {
            contacts: 40,
            interactions: 600,
            seed: 3,
            as_of: 1_763_683_200_000,
        }
    }

    #[test]
    fn demo_phones_are_valid_and_distinct() {
        let mut seen = std::collections::HashSet::new();
        for n in (0..200_000).step_by(997).chain(0..50) {
            let phone = demo_phone(n);
            assert_eq!(normalize_phone(&phone, Region::default()).unwrap(), phone);
            seen.insert((n, phone));
        }
        let unique: std::collections::HashSet<_> = seen.iter().map(|(_, p)| p).collect();
        assert_eq!(unique.len(), seen.len());
    }

    #[tokio::test]
    async fn same_options_build_the_same_business() {
        let a = Store::open_in_memory().await.unwrap();
        let b = Store::open_in_memory().await.unwrap();
        let report = seed(&a, &small(), |_, _| {}).await.unwrap();
        assert_eq!(report.contacts, 40);
        assert_eq!(report.interactions, 600);
        seed(&b, &small(), |_, _| {}).await.unwrap();
        let all = TimelineRequest {
            limit: Some(500),
            ..Default::default()
        };
        let page_a = a.timeline(&all).await.unwrap();
        let page_b = b.timeline(&all).await.unwrap();
        assert_eq!(page_a.items.len(), 500);
        for (x, y) in page_a.items.iter().zip(&page_b.items) {
            assert_eq!(
                (x.occurred_at, &x.body, x.channel),
                (y.occurred_at, &y.body, y.channel)
            );
        }
        // Every channel the demo promises shows up.
        let mut channels: Vec<_> = page_a.items.iter().map(|i| i.channel).collect();
        channels.sort();
        channels.dedup();
        for c in [
            Channel::Email,
            Channel::Sms,
            Channel::VoiceAi,
            Channel::Call,
            Channel::Order,
        ] {
            assert!(channels.contains(&c), "{c} missing");
        }
    }

    #[tokio::test]
    async fn seeding_a_business_with_contacts_is_refused() {
        let store = Store::open_in_memory().await.unwrap();
        seed(&store, &small(), |_, _| {}).await.unwrap();
        assert!(matches!(
            seed(&store, &small(), |_, _| {}).await,
            Err(DemoError::NotEmpty)
        ));
    }
}
