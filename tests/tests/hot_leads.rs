//! Hot leads end to end: messages land in a business, the real `hearth analyze --notify`
//! scores them and shows desktop notifications over a real D-Bus session bus to a
//! recording notification server: once per crossing into hot, again when a hot lead
//! writes, never in quiet hours, and one notification for many leads at once.
//! Plus `hearth context` and `hearth leads` on the same data.

#![allow(clippy::unwrap_used)] // a test panics with the error it got

use std::process::Output;

use hearth_core::domain::{NewContact, NewInteraction};
use hearth_core::{Registry, Store};
use hearth_e2e::{Desk, NotificationServer};
use hearth_types::{Channel, Direction, IdentityKind};

const HOUR: i64 = 3_600_000;

async fn store(desk: &Desk) -> Store {
    Registry::at(desk.data.path()).open(None).await.unwrap().1
}

async fn add_lead(store: &Store, name: &str, email: &str, phone: u32) -> i64 {
    store
        .add_contact(&NewContact {
            name: name.into(),
            identities: vec![
                (IdentityKind::Email, email.into()),
                (IdentityKind::Phone, format!("+1415555{phone:04}")),
            ],
            ..Default::default()
        })
        .await
        .unwrap()
        .id
}

async fn writes(store: &Store, contact: i64, id: &str, ago: i64, text: &str) {
    store
        .upsert_interactions(&[NewInteraction {
            contact_id: Some(contact),
            body: Some(text.into()),
            ..NewInteraction::new(
                Channel::Sms,
                Direction::Inbound,
                hearth_core::now_ms() - ago,
                "test",
                id,
            )
        }])
        .await
        .unwrap();
}

fn analyze(desk: &Desk, bus: &NotificationServer) -> Output {
    let out = desk
        .command(&["analyze", "--notify"])
        .env("DBUS_SESSION_BUS_ADDRESS", bus.address())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

const BUYER: &str = "I am the owner of the building. Our budget is $12,000 and we need the new \
                     boiler installed this month, it's urgent. How much would the install cost?";

#[tokio::test]
async fn a_hot_lead_is_notified_once_per_crossing_and_when_they_write_again() {
    let desk = Desk::new();
    let bus = NotificationServer::start().unwrap();
    let store = store(&desk).await;
    let dana = add_lead(&store, "Dana Reyes", "dana@example.com", 123).await;
    let calm = add_lead(&store, "Sam Calm", "sam@example.com", 124).await;
    writes(&store, dana, "1", 2 * HOUR, BUYER).await;
    writes(&store, calm, "2", 3 * HOUR, "Thanks for the newsletter").await;
    store.close().await;

    let out = analyze(&desk, &bus);
    let text = stdout(&out);
    assert!(text.contains("analysed 2 contacts"), "{text}");
    assert!(text.contains("1 hot"), "{text}");
    assert!(text.contains("notified: Hot lead: Dana Reyes"), "{text}");
    let shown = bus.notifications();
    assert_eq!(shown.len(), 1, "{shown:#?}");
    assert_eq!(shown[0].app_name, "Hearth");
    assert_eq!(shown[0].summary, "Hot lead: Dana Reyes");
    assert!(
        shown[0]
            .body
            .starts_with("Score 100 — decision maker, budget mentioned"),
        "{}",
        shown[0].body
    );
    assert_eq!(shown[0].action_keys(), ["default", "open"]);

    // Nothing new: no second notification.
    let text = stdout(&analyze(&desk, &bus));
    assert!(text.contains("analysed 0 contacts"), "{text}");
    assert_eq!(bus.notifications().len(), 1);

    // The owner changes the weights: she cools (no notification), then is hot again.
    desk.ok(&["weights", "decision_maker=0", "budget=0"], None);
    let text = stdout(&analyze(&desk, &bus));
    assert!(text.contains("0 hot"), "{text}");
    assert_eq!(bus.notifications().len(), 1);
    desk.ok(&["weights", "--reset"], None);
    analyze(&desk, &bus);
    let shown = bus.notifications();
    assert_eq!(shown.len(), 2, "crossing again is news again: {shown:#?}");
    assert_eq!(shown[1].summary, "Hot lead: Dana Reyes");

    // She writes again: a notification though she was hot already.
    let store = self::store(&desk).await;
    writes(&store, dana, "3", HOUR / 2, "Can you come Thursday?").await;
    store.close().await;
    analyze(&desk, &bus);
    let shown = bus.notifications();
    assert_eq!(shown.len(), 3);
    assert_eq!(shown[2].summary, "Dana Reyes (hot lead) wrote again");

    // In quiet hours (a window around the current local time) nothing is shown.
    let now = chrono::Local::now().time();
    let from = (now - chrono::Duration::hours(1))
        .format("%H:%M")
        .to_string();
    let to = (now + chrono::Duration::hours(1))
        .format("%H:%M")
        .to_string();
    desk.ok(&["setting", "quiet-hours", &format!("{from}-{to}")], None);
    let store = self::store(&desk).await;
    writes(&store, dana, "4", 60_000, "Also, do you do gas lines?").await;
    store.close().await;
    let text = stdout(&analyze(&desk, &bus));
    assert!(
        text.contains("quiet hours: not notified: Dana Reyes (hot lead) wrote again"),
        "{text}"
    );
    assert_eq!(bus.notifications().len(), 3);
    desk.ok(&["setting", "quiet-hours", "off"], None);

    // The context a caller's number brings up, and the leads list.
    let ctx = desk.ok(&["context", "dana@example.com"], None);
    assert!(
        ctx.starts_with("Dana Reyes — hot lead, score 100, purchase intent"),
        "{ctx}"
    );
    assert!(
        ctx.contains("next: Respond now — hot lead replied"),
        "{ctx}"
    );
    let leads = desk.ok(&["leads", "--tier", "hot"], None);
    assert!(leads.contains("Dana Reyes"), "{leads}");
    assert!(!leads.contains("Sam Calm"), "{leads}");
    let json: serde_json::Value =
        serde_json::from_str(&desk.ok(&["--json", "context", "dana@example.com"], None)).unwrap();
    assert_eq!(json["tier"], "hot");
    assert_eq!(json["stage"], "purchase_intent");
}

#[tokio::test]
async fn many_new_hot_leads_make_one_notification() {
    let desk = Desk::new();
    let bus = NotificationServer::start().unwrap();
    let store = store(&desk).await;
    for i in 0..5 {
        let id = add_lead(
            &store,
            &format!("Buyer {i}"),
            &format!("buyer{i}@example.com"),
            200 + i,
        )
        .await;
        writes(&store, id, &format!("m{i}"), HOUR, BUYER).await;
    }
    store.close().await;
    let text = stdout(&analyze(&desk, &bus));
    assert!(text.contains("5 hot"), "{text}");
    let shown = bus.notifications();
    assert_eq!(shown.len(), 1, "{shown:#?}");
    assert_eq!(shown[0].summary, "5 hot leads");
    assert!(shown[0].body.contains("Buyer 0 (100)"), "{}", shown[0].body);
}

#[tokio::test]
async fn without_a_notification_server_the_error_is_clear_and_nothing_is_lost() {
    let desk = Desk::new();
    let bus = NotificationServer::bus_only().unwrap();
    let store = store(&desk).await;
    let dana = add_lead(&store, "Dana Reyes", "dana@example.com", 123).await;
    writes(&store, dana, "1", HOUR, BUYER).await;
    store.close().await;
    let out = desk
        .command(&["analyze", "--notify"])
        .env("DBUS_SESSION_BUS_ADDRESS", bus.address())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(5), "{err}");
    assert!(err.contains("error:"), "{err}");
    // The analysis itself was stored.
    let leads = desk.ok(&["leads", "--tier", "hot"], None);
    assert!(leads.contains("Dana Reyes"), "{leads}");
}
