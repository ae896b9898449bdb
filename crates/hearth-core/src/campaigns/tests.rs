//! The engine on a driven clock, without the network (`deliver` off): audience rules and
//! exclusions, the send window in each recipient's zone, the token bucket, opt-outs at
//! send time, and a step never queued twice.

use chrono::TimeZone;
use chrono_tz::Tz;
use hearth_types::{
    Audience, CampaignKind, CampaignSpec, ContactStatus, IdentityKind, Pace, Schedule, SendWindow,
    SmsContent, Step, StepChannel,
};

use super::engine::Engine;
use super::*;
use crate::domain::NewContact;
use crate::events::NoEvents;
use crate::secrets::MemorySecrets;
use crate::store::OptOut;

fn at(tz: Tz, d: u32, h: u32, m: u32) -> i64 {
    tz.with_ymd_and_hms(2026, 11, d, h, m, 0)
        .single()
        .unwrap()
        .timestamp_millis()
}

fn person(name: &str, phone: Option<&str>, email: Option<&str>) -> NewContact {
    let mut identities = Vec::new();
    if let Some(p) = phone {
        identities.push((IdentityKind::Phone, p.to_owned()));
    }
    if let Some(e) = email {
        identities.push((IdentityKind::Email, e.to_owned()));
    }
    NewContact {
        name: name.into(),
        identities,
        ..Default::default()
    }
}

fn sms_spec() -> CampaignSpec {
    CampaignSpec {
        name: "Spring win-back".into(),
        description: String::new(),
        kind: CampaignKind::Winback,
        audience: Audience::default(),
        steps: vec![Step {
            channel: StepChannel::Sms,
            delay_hours: 0,
            email: None,
            sms: Some(SmsContent {
                text: "Hi {first_name}, {promotion} at {business_name}".into(),
            }),
            call: None,
        }],
        schedule: Schedule {
            window: Some(SendWindow {
                start: "09:00".into(),
                end: "17:00".into(),
                days: vec![1, 2, 3, 4, 5],
            }),
            sms: Pace {
                per_minute: 2,
                burst: 2,
                daily_cap: 0,
            },
            ..Schedule::default()
        },
        variables: [("promotion".to_owned(), "20% off".to_owned())].into(),
    }
}

async fn queued_numbers(store: &Store) -> Vec<String> {
    let mut v: Vec<String> = sqlx::query_scalar("SELECT address FROM campaign_sends ORDER BY id")
        .fetch_all(&store.pool)
        .await
        .unwrap();
    v.sort();
    v
}

#[tokio::test]
async fn pacing_windows_and_opt_outs_on_a_driven_clock() {
    let store = Store::open_in_memory().await.unwrap();
    store
        .set_provider_account(
            "telnyx",
            "http://127.0.0.1:9",
            &serde_json::json!({ "from_number": "+18445550001" }),
        )
        .await
        .unwrap();
    store
        .set_business_time_zone("America/New_York")
        .await
        .unwrap();
    let la = [
        "+14155550101",
        "+14155550102",
        "+14155550103",
        "+14155550104",
    ];
    for (i, n) in la.iter().enumerate() {
        store
            .add_contact(&person(&format!("Ana {i}"), Some(n), None))
            .await
            .unwrap();
    }
    store
        .add_contact(&person("Liam London", Some("+442071234567"), None))
        .await
        .unwrap();
    store
        .add_contact(&person("Olly Optout", Some("+14155550199"), None))
        .await
        .unwrap();
    let mut blocked = person("Bea Blocked", Some("+14155550198"), None);
    blocked.status = Some(ContactStatus::Blocked);
    store.add_contact(&blocked).await.unwrap();
    store
        .add_contact(&person("Emma Email", None, Some("emma@example.com")))
        .await
        .unwrap();
    store
        .record_opt_outs(&[OptOut {
            channel: "sms".into(),
            address: "+14155550199".into(),
            keyword: Some("STOP".into()),
            source: "inbound_sms".into(),
            occurred_at: 0,
            opt_in: false,
        }])
        .await
        .unwrap();

    let spec = sms_spec();
    let now = at(Tz::America__Los_Angeles, 20, 10, 0); // Friday 10:00 in LA
    let (preview, _) = preview_audience(&store, &spec, now, 10).await.unwrap();
    assert_eq!(preview.count, 5, "{preview:?}");
    assert_eq!(preview.excluded_count, 3);
    let reasons: Vec<&str> = preview.excluded.iter().map(|e| e.reason.as_str()).collect();
    assert!(
        reasons
            .iter()
            .any(|r| r.starts_with("opted out (sms: STOP")),
        "{reasons:?}"
    );
    assert!(reasons.contains(&"blocked"));
    assert!(reasons.contains(&"no phone number"));

    // The review: a missing variable is an error only when unknown; previews render.
    let sender = Sender {
        business_name: "Tea Co".into(),
    };
    let review = review(&store, &spec, &sender, now).await.unwrap();
    assert!(review.errors.is_empty(), "{:?}", review.errors);
    assert_eq!(
        review.previews[0].text,
        "Hi Ana, 20% off at Tea Co\nReply STOP to opt out."
    );
    assert_eq!(review.previews[0].segments, Some(1));
    let mut bad = spec.clone();
    bad.steps[0].sms = Some(SmsContent {
        text: "{favourite_tea}".into(),
    });
    assert!(create(&store, &bad, now).await.is_err());

    let id = create(&store, &spec, now).await.unwrap();
    let launched = launch(&store, id, &sender, now).await.unwrap();
    assert_eq!(launched.recipients, 5);
    assert!(
        launch(&store, id, &sender, now).await.is_err(),
        "launched twice"
    );

    let secrets = MemorySecrets::default();
    let mut engine = Engine::new(sender);
    // The burst: two texts; London (18:00 there) waits for Monday 09:00 London time.
    let r = engine
        .tick(&store, &secrets, &NoEvents, now, false)
        .await
        .unwrap();
    assert_eq!(r.queued, 2, "{r:?}");
    assert_eq!(queued_numbers(&store).await.len(), 2);
    // 2 per minute: nothing 10 s later, one after 30 s.
    let r = engine
        .tick(&store, &secrets, &NoEvents, now + 10_000, false)
        .await
        .unwrap();
    assert_eq!(r.queued, 0);
    // One of the two left opts out before its turn: checked again at send time.
    store
        .record_opt_outs(&[OptOut {
            channel: "voice_ai".into(),
            address: la[3].into(),
            keyword: None,
            source: "manual".into(),
            occurred_at: now,
            opt_in: false,
        }])
        .await
        .unwrap();
    let r = engine
        .tick(&store, &secrets, &NoEvents, now + 30_000, false)
        .await
        .unwrap();
    assert_eq!((r.queued, r.opted_out), (1, 1), "{r:?}");
    for t in [60_000, 90_000, 600_000] {
        let r = engine
            .tick(&store, &secrets, &NoEvents, now + t, false)
            .await
            .unwrap();
        assert_eq!(r.queued, 0, "at +{t}: {r:?}");
    }
    assert_eq!(queued_numbers(&store).await, la[..3].to_vec());
    // Monday 09:00 in London.
    let monday = at(Tz::Europe__London, 23, 9, 0);
    let r = engine
        .tick(&store, &secrets, &NoEvents, monday - 60_000, false)
        .await
        .unwrap();
    assert_eq!(r.queued, 0);
    let r = engine
        .tick(&store, &secrets, &NoEvents, monday, false)
        .await
        .unwrap();
    assert_eq!(r.queued, 1);
    let mut expected: Vec<String> = la[..3].iter().map(|s| (*s).to_owned()).collect();
    expected.push("+442071234567".into());
    expected.sort();
    assert_eq!(queued_numbers(&store).await, expected);
    // Every step once: the ledger refuses a second send of a step.
    let outbox: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox")
        .fetch_one(&store.pool)
        .await
        .unwrap();
    assert_eq!(outbox, 4);
    let again = engine
        .tick(&store, &secrets, &NoEvents, monday + 3_600_000, false)
        .await
        .unwrap();
    assert_eq!(again.queued, 0);
    let rows = recipients(&store, id).await.unwrap();
    let opted: Vec<&str> = rows
        .iter()
        .filter(|r| r.status == hearth_types::RecipientStatus::OptedOut)
        .map(|r| r.name.as_str())
        .collect();
    assert_eq!(opted, vec!["Ana 3"]);

    // Pause stops new sends; resume and stop act on the status.
    assert_eq!(
        control(&store, id, Control::Pause, monday).await.unwrap(),
        CampaignStatus::Paused
    );
    assert!(control(&store, id, Control::Pause, monday).await.is_err());
    control(&store, id, Control::Resume, monday).await.unwrap();
    control(&store, id, Control::Stop, monday).await.unwrap();
    assert_eq!(
        store.campaign(id).await.unwrap().status,
        CampaignStatus::Cancelled
    );
}

#[tokio::test]
async fn a_daily_cap_holds_until_the_next_local_day() {
    let store = Store::open_in_memory().await.unwrap();
    store
        .set_provider_account(
            "telnyx",
            "http://127.0.0.1:9",
            &serde_json::json!({ "from_number": "+18445550001" }),
        )
        .await
        .unwrap();
    store.set_business_time_zone("Europe/London").await.unwrap();
    for i in 0..5 {
        store
            .add_contact(&person(
                &format!("P {i}"),
                Some(&format!("+4420712345{i:02}")),
                None,
            ))
            .await
            .unwrap();
    }
    let mut spec = sms_spec();
    spec.schedule.window = None;
    spec.schedule.sms = Pace {
        per_minute: 60,
        burst: 10,
        daily_cap: 3,
    };
    let now = at(Tz::Europe__London, 20, 22, 0);
    let id = create(&store, &spec, now).await.unwrap();
    let sender = Sender::default();
    launch(&store, id, &sender, now).await.unwrap();
    let mut engine = Engine::new(sender);
    let secrets = MemorySecrets::default();
    let r = engine
        .tick(&store, &secrets, &NoEvents, now, false)
        .await
        .unwrap();
    assert_eq!(r.queued, 3);
    let r = engine
        .tick(&store, &secrets, &NoEvents, now + 3_600_000, false)
        .await
        .unwrap();
    assert_eq!(r.queued, 0);
    let detail = detail(&store, id).await.unwrap();
    assert!(
        detail
            .waiting
            .as_deref()
            .unwrap_or("")
            .contains("daily cap"),
        "{:?}",
        detail.waiting
    );
    // After midnight in London.
    let r = engine
        .tick(
            &store,
            &secrets,
            &NoEvents,
            now + 2 * 3_600_000 + 60_000,
            false,
        )
        .await
        .unwrap();
    assert_eq!(r.queued, 2);
}

/// What the providers report after a send, and what the people do, becomes the results:
/// delivered and answered, replies, STOP, orders after contact; tags pick the audience.
#[tokio::test]
async fn outcomes_replies_opt_outs_and_conversions() {
    use crate::domain::{NewInteraction, NewOrder};
    use crate::store::{PhoneParty, SendOutcome};
    use hearth_types::{Channel, Direction, RecipientStatus};

    let store = Store::open_in_memory().await.unwrap();
    store
        .set_provider_account(
            "telnyx",
            "http://127.0.0.1:9",
            &serde_json::json!({ "from_number": "+18445550001" }),
        )
        .await
        .unwrap();
    let numbers = [
        "+14155550201",
        "+14155550202",
        "+14155550203",
        "+14155550204",
    ];
    let mut ids = Vec::new();
    for (i, n) in numbers.iter().enumerate() {
        ids.push(
            store
                .add_contact(&person(&format!("P{i}"), Some(n), None))
                .await
                .unwrap()
                .id,
        );
    }
    // Tags pick three of the four.
    let tagged: Vec<(i64, String)> = ids[..3]
        .iter()
        .map(|id| (*id, " Spring Event".to_owned()))
        .collect();
    assert_eq!(store.tag_contacts(&tagged).await.unwrap(), 3);
    let mut spec = sms_spec();
    spec.schedule.window = None;
    spec.audience.tags = vec!["spring-event".into()];
    let now = crate::now_ms();
    let (preview, _) = preview_audience(&store, &spec, now, 10).await.unwrap();
    assert_eq!(preview.count, 3);
    let id = create(&store, &spec, now).await.unwrap();
    launch(&store, id, &Sender::default(), now).await.unwrap();
    let secrets = MemorySecrets::default();
    let mut engine = Engine::new(Sender::default());
    let r = engine
        .tick(&store, &secrets, &NoEvents, now, false)
        .await
        .unwrap();
    assert_eq!(r.queued, 2, "the burst of two");
    let r = engine
        .tick(&store, &secrets, &NoEvents, now + 30_000, false)
        .await
        .unwrap();
    assert_eq!(r.queued, 1);
    // The provider takes all three (as the outbox would record it); one is delivered.
    let rows: Vec<(i64, String)> =
        sqlx::query_as("SELECT o.id, s.address FROM campaign_sends s JOIN outbox o ON o.id = s.outbox_id ORDER BY s.id")
            .fetch_all(&store.pool)
            .await
            .unwrap();
    for (k, (outbox, to)) in rows.iter().enumerate() {
        let status = if k == 0 { "delivered" } else { "queued" };
        let sent = NewInteraction {
            body: Some("Hi".into()),
            metadata: serde_json::json!({ "status": status }),
            ..NewInteraction::new(
                Channel::Sms,
                Direction::Outbound,
                now + 31_000,
                "telnyx",
                format!("m{k}"),
            )
        };
        let party = PhoneParty {
            number: to.clone(),
            name: None,
        };
        store
            .record_sent(*outbox, &sent, Some(party))
            .await
            .unwrap();
        store
            .finish_outbox(*outbox, &SendOutcome::Sent)
            .await
            .unwrap();
    }
    let later = now + 60_000;
    // P1 answers, P2 texts STOP, P0 orders (and had the text delivered).
    let inbound = |k: usize, text: &str| NewInteraction {
        contact_id: Some(ids[k]),
        body: Some(text.into()),
        ..NewInteraction::new(
            Channel::Sms,
            Direction::Inbound,
            later,
            "telnyx",
            format!("in{k}"),
        )
    };
    store
        .upsert_interactions(&[inbound(1, "Sounds good, book me in"), inbound(2, "STOP")])
        .await
        .unwrap();
    store
        .upsert_orders(&[NewOrder {
            contact_id: Some(ids[0]),
            source: "manual".into(),
            external_id: "A-1".into(),
            placed_at: later,
            total_minor: 12_500,
            currency: "USD".into(),
            status: "completed".into(),
            items: serde_json::json!([]),
        }])
        .await
        .unwrap();
    let r = engine
        .tick(&store, &secrets, &NoEvents, later + 1_000, false)
        .await
        .unwrap();
    assert_eq!((r.sent, r.replied, r.opted_out), (3, 1, 1), "{r:?}");
    assert_eq!(r.completed, vec![id]);
    let rows = recipients(&store, id).await.unwrap();
    let status: Vec<RecipientStatus> = rows.iter().map(|r| r.status).collect();
    assert_eq!(
        status,
        vec![
            RecipientStatus::Delivered,
            RecipientStatus::Replied,
            RecipientStatus::OptedOut
        ]
    );
    assert_eq!(rows[0].revenue_minor, 12_500);
    let d = detail(&store, id).await.unwrap();
    assert_eq!(d.summary.status, CampaignStatus::Completed);
    let res = d.results;
    assert_eq!((res.contacted, res.replied, res.conversions), (3, 2, 1));
    assert_eq!((res.revenue_minor, res.currency.as_str()), (12_500, "USD"));
    let csv = recipients_csv(&recipients(&store, id).await.unwrap()).unwrap();
    assert_eq!(csv.lines().count(), 4);
    assert!(csv.contains("P0,delivered,1,sms,+14155550201"), "{csv}");
}

/// A campaign with a start time waits for it (scheduled), then goes on its own.
#[tokio::test]
async fn a_scheduled_campaign_starts_at_its_time() {
    let store = Store::open_in_memory().await.unwrap();
    store
        .set_provider_account(
            "telnyx",
            "http://127.0.0.1:9",
            &serde_json::json!({ "from_number": "+18445550001" }),
        )
        .await
        .unwrap();
    store
        .add_contact(&person("Sol", Some("+14155550301"), None))
        .await
        .unwrap();
    let now = at(Tz::UTC, 20, 12, 0);
    let mut spec = sms_spec();
    spec.schedule.window = None;
    spec.schedule.start_at = Some(now + 3_600_000);
    let id = create(&store, &spec, now).await.unwrap();
    let launched = launch(&store, id, &Sender::default(), now).await.unwrap();
    assert_eq!(launched.status, CampaignStatus::Scheduled);
    let secrets = MemorySecrets::default();
    let mut engine = Engine::new(Sender::default());
    let r = engine
        .tick(&store, &secrets, &NoEvents, now + 3_599_000, false)
        .await
        .unwrap();
    assert_eq!((r.active, r.queued), (0, 0));
    let r = engine
        .tick(&store, &secrets, &NoEvents, now + 3_600_000, false)
        .await
        .unwrap();
    assert_eq!((r.active, r.queued), (1, 1));
    assert_eq!(
        store.campaign(id).await.unwrap().status,
        CampaignStatus::Active
    );
}
