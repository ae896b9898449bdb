//! VAPI and Telnyx in the real app: an empty business and the loopback stand-in; both are
//! connected through Settings (keys to a private keyring), the status panel shows them
//! synced, AI calls with summaries and texts reach the timeline, a text typed in the inbox
//! composer reaches Telnyx exactly once, and an AI call is started from a profile.

#![allow(clippy::unwrap_used)] // a test panics with the error it got

use std::time::{Duration, Instant};

use hearth_e2e::desktop::Desktop;
use hearth_e2e::{hearth_ok, SecretService};
use hearth_provider_sim::{Sim, SimConfig};

async fn fill(desktop: &Desktop, css: &str, text: &str) {
    let field = desktop.wait_for(css).await.unwrap();
    field.clear().await.unwrap();
    field.send_keys(text).await.unwrap();
}

async fn connect(desktop: &Desktop, form: &str, fields: &[(&str, String)]) {
    for (name, value) in fields {
        fill(desktop, &format!("#{form} input[name='{name}']"), value).await;
    }
    desktop
        .js(&format!("document.querySelector('#{form} .save').scrollIntoView({{block: 'center'}}); return null;"))
        .await
        .unwrap();
    desktop.click(&format!("#{form} .save")).await.unwrap();
    desktop
        .wait_for_text(&format!("#{form} .save-result"), |t| t.starts_with("Saved"))
        .await
        .unwrap();
}

/// Waits until the sync panel shows `source` idle with at least `min` records stored.
async fn synced(desktop: &Desktop, source: &str, min: usize) -> String {
    let script = format!(
        "const r = document.querySelector(\".sync-row[data-source='{source}']\");
         return r ? [r.dataset.state, r.querySelector('.stored').innerText] : null;"
    );
    let started = Instant::now();
    loop {
        let row: Option<(String, String)> =
            serde_json::from_value(desktop.js(&script).await.unwrap()).unwrap();
        if let Some((state, stored)) = &row {
            let n: usize = stored
                .split_whitespace()
                .next()
                .and_then(|n| n.replace(',', "").parse().ok())
                .unwrap_or(0);
            if state == "idle" && n >= min {
                return stored.clone();
            }
        }
        assert!(
            started.elapsed() < Duration::from_secs(90),
            "{source} never synced: {row:?}"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn connect_both_providers_see_calls_and_texts_and_send_from_the_app() {
    let sim = Sim::start(SimConfig {
        vapi_calls: 60,
        telnyx_messages: 80,
        telnyx_calls: 10,
        optouts: 2,
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let keyring = SecretService::start().unwrap();
    let data = tempfile::tempdir().unwrap();
    hearth_ok(data.path(), &["business", "new", "Shop"]);
    let desktop = Desktop::start_with_env(data.path(), &keyring.env())
        .await
        .unwrap();

    desktop.click("#nav-settings").await.unwrap();
    desktop.wait_for("#provider-vapi").await.unwrap();
    connect(
        &desktop,
        "provider-vapi",
        &[
            ("key", "sim-vapi-key".into()),
            ("assistant_id", sim.our_vapi_assistant_id()),
            ("phone_number_id", sim.our_vapi_phone_number_id()),
            ("base_url", sim.vapi_base()),
        ],
    )
    .await;
    connect(
        &desktop,
        "provider-telnyx",
        &[
            ("key", "sim-telnyx-key".into()),
            ("from_number", sim.our_telnyx_number()),
            ("base_url", sim.telnyx_base()),
        ],
    )
    .await;
    let calls = sim.vapi_phone_call_ids().len();
    let texts = sim.telnyx_ids("messaging").len();
    synced(&desktop, "vapi", calls).await;
    synced(&desktop, "telnyx", texts).await;
    desktop
        .js("window.scrollTo(0, 0); return null;")
        .await
        .unwrap();
    desktop.screenshot("20-settings-providers").await.unwrap();

    // The timeline shows AI calls with their summaries, and texts.
    desktop.click("#nav-timeline").await.unwrap();
    desktop.wait_for(".ch-voice_ai").await.unwrap();
    desktop.wait_for(".ch-sms").await.unwrap();
    desktop.screenshot("21-timeline-calls-texts").await.unwrap();

    // Text back from the inbox: the composer sends through Telnyx once.
    desktop.click("#nav-inbox").await.unwrap();
    let item = ".inbox-item.ch-sms";
    desktop.wait_for(item).await.unwrap();
    desktop
        .js(&format!(
            "document.querySelector(\"{item}\").scrollIntoView({{block: 'center'}}); return null;"
        ))
        .await
        .unwrap();
    desktop.click(&format!("{item} .reply")).await.unwrap();
    desktop
        .wait_for(&format!("{item} .reply-channel"))
        .await
        .unwrap()
        .select_by_value("sms")
        .await
        .unwrap();
    fill(
        &desktop,
        &format!("{item} .reply-body"),
        "Thanks! See you Thursday at 3.",
    )
    .await;
    desktop.click(&format!("{item} .send")).await.unwrap();
    let result = desktop
        .wait_for_text("#reply-result", |t| !t.is_empty())
        .await
        .unwrap();
    assert!(result.starts_with("Sent to"), "{result}");
    let sent = sim.sent_messages();
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0]["text"], "Thanks! See you Thursday at 3.");
    assert_eq!(sent[0]["from"], sim.our_telnyx_number().as_str());
    desktop.screenshot("22-inbox-sms-sent").await.unwrap();

    // An AI call from a contact's profile.
    desktop.click("#nav-contacts").await.unwrap();
    desktop
        .click("#contacts .contact-row button")
        .await
        .unwrap();
    let calls_shown = "const s = document.querySelector('.contact-detail #timeline-status');
        if (!s || s.dataset.loading !== 'false') return null;
        return document.querySelectorAll('.contact-detail #timeline .timeline-item.ch-voice_ai').length;";
    let started = std::time::Instant::now();
    let before = loop {
        if let Some(n) = desktop.js(calls_shown).await.unwrap().as_u64() {
            break n;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(20),
            "the profile's timeline never loaded"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    desktop.click("#contact-ai-call").await.unwrap();
    let called = desktop
        .wait_for_text("#ai-call-result", |t| !t.is_empty())
        .await
        .unwrap();
    assert!(called.starts_with("Sent to"), "{called}");
    let created = sim.created_calls();
    assert_eq!(created.len(), 1);
    assert!(created[0]["name"]
        .as_str()
        .unwrap()
        .starts_with("hearth:call:"));
    // The profile's own timeline shows the call without being asked.
    let started = std::time::Instant::now();
    while desktop.js(calls_shown).await.unwrap().as_u64() != Some(before + 1) {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(20),
            "the profile's timeline never showed the new call ({before} before)"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    desktop.screenshot("23-profile-ai-call").await.unwrap();
    desktop.close().await.unwrap();
    sim.stop().await;
}
