//! The campaign wizard in the real app, on the demo business, with a real SMTP/IMAP server
//! and the provider stand-in: Basic info → Audience → Channel → Content → Schedule →
//! Review, one click to launch, live progress, pause and resume, the results and the CSV
//! export. Sends are counted at the servers.

#![allow(clippy::unwrap_used)] // a test panics with the error it got

use std::collections::HashMap;
use std::time::{Duration, Instant};

use hearth_e2e::desktop::Desktop;
use hearth_e2e::{Desk, MailServer};
use hearth_provider_sim::{Sim, SimConfig};

/// Sets a field's value the way typing does (one input event with the whole value).
async fn set(desktop: &Desktop, css: &str, value: &str) {
    desktop.wait_for(css).await.unwrap();
    let script = format!(
        "const e = document.querySelector({css:?}); e.value = {value:?};
         e.dispatchEvent(new InputEvent('input', {{ bubbles: true }})); return null;"
    );
    desktop.js(&script).await.unwrap();
}

async fn next(desktop: &Desktop, step: &str) {
    desktop.click("#wizard-next").await.unwrap();
    desktop
        .wait_for(&format!(".wizard-body[data-step='{step}']"))
        .await
        .unwrap();
}

fn dupes(counts: &HashMap<String, usize>) -> Vec<(&String, &usize)> {
    counts.iter().filter(|(_, n)| **n > 1).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn build_launch_pause_resume_and_read_a_campaign_in_the_wizard() {
    let server = MailServer::start().unwrap();
    let sim = Sim::start(SimConfig {
        vapi_calls: 0,
        telnyx_messages: 0,
        telnyx_calls: 0,
        optouts: 0,
        vapi_concurrency_limit: 10_000,
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let desk = Desk::new();
    desk.ok(&["demo", "seed"], None);
    desk.add_account(&server, "shop", server.imap_port, &[]);
    desk.connect_sim(&sim, &[]);
    let desktop = Desktop::start_with_env(desk.data.path(), &desk.keyring.env())
        .await
        .unwrap();

    // The business-wide timeline opens with the weekly activity chart: the same counts as
    // the core reads from the file.
    desktop.wait_for("#chart-activity rect").await.unwrap();
    let shown: serde_json::Value = desktop
        .js(
            "return [...document.querySelectorAll('#chart-activity rect')].reduce((m, r) => {
                 const t = r.querySelector('title').textContent.split(': ')[1].split(' ')[0];
                 m[r.dataset.channel] = (m[r.dataset.channel] || 0) + Number(t); return m; }, {});",
        )
        .await
        .unwrap();
    let activity = {
        let store = hearth_core::Registry::at(desk.data.path())
            .open(None)
            .await
            .unwrap()
            .1;
        let a = store
            .weekly_activity(12, hearth_core::now_ms())
            .await
            .unwrap();
        store.close().await;
        a
    };
    for c in &activity.channels {
        let total: u32 = c.counts.iter().sum();
        if total > 0 {
            assert_eq!(
                shown[c.channel.as_str()],
                serde_json::json!(total),
                "{shown}"
            );
        }
    }
    desktop.screenshot("39-activity-dashboard").await.unwrap();

    desktop.click("#nav-campaigns").await.unwrap();
    desktop.wait_for("#no-campaigns").await.unwrap();
    desktop.click("#new-campaign").await.unwrap();

    // 1. Basic info: a name is required.
    desktop.click("#wizard-next").await.unwrap();
    desktop
        .wait_for_text("#wizard-errors", |t| t.contains("name"))
        .await
        .unwrap();
    set(&desktop, "input[name='name']", "Spring win-back").await;
    desktop
        .click("input[name='kind'][value='winback']")
        .await
        .unwrap();
    desktop.screenshot("40-campaign-basics").await.unwrap();
    next(&desktop, "audience").await;

    // 2. Audience: customers with a phone, any time since contact; live count.
    set(&desktop, "input[name='days_since']", "").await;
    desktop
        .click("input[name='status-customer']")
        .await
        .unwrap();
    desktop.click("input[name='has_phone']").await.unwrap();
    // One lead with an email and a phone, added by hand (the rules pick customers only).
    let leads: serde_json::Value = serde_json::from_str(&desk.ok(
        &[
            "contact", "list", "--status", "lead", "--limit", "200", "--json",
        ],
        None,
    ))
    .unwrap();
    let lead = leads
        .as_array()
        .unwrap()
        .iter()
        .find(|c| {
            let kinds: Vec<&str> = c["identities"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["kind"].as_str().unwrap())
                .collect();
            kinds.contains(&"email") && kinds.contains(&"phone")
        })
        .unwrap()
        .clone();
    let lead_id = lead["id"].as_i64().unwrap();
    let lead_email = lead["identities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["kind"] == "email")
        .unwrap()["value"]
        .as_str()
        .unwrap()
        .to_owned();
    // The same rules through the CLI: the counts the wizard must show, first for the
    // default channel (email: people without an address are left out), then for all three.
    let count = |steps: &str| -> u64 {
        let spec = desk.data.path().join("audience.json");
        std::fs::write(
            &spec,
            format!(
                r#"{{"name":"x","kind":"winback","audience":{{"statuses":["customer"],"has_phone":true,"include":[{lead_id}]}},
                    "steps":{steps}}}"#
            ),
        )
        .unwrap();
        let out = desk.ok(
            &["campaign", "audience", "--spec", spec.to_str().unwrap()],
            None,
        );
        out.split_whitespace().next().unwrap().parse().unwrap()
    };
    let by_email = count(r#"[{"channel":"email","email":{"subject":"s","text":"t"}}]"#);
    let recipients = count(
        r#"[{"channel":"email","email":{"subject":"s","text":"t"}},{"channel":"sms","sms":{"text":"t"}},{"channel":"call"}]"#,
    );
    assert!(
        by_email > 1 && recipients >= by_email,
        "{by_email} {recipients}"
    );
    desktop
        .wait_for_text("#audience-count", |t| {
            t.starts_with(&format!("{} recipients", by_email - 1))
        })
        .await
        .unwrap();
    set(&desktop, "input[name='add_person']", &lead_email).await;
    desktop.click("#add-person").await.unwrap();
    desktop
        .wait_for_text("#add-person-note", |t| t.starts_with("Added"))
        .await
        .unwrap();
    desktop
        .wait_for_text("#audience-count", |t| {
            t.starts_with(&format!("{by_email} recipients"))
        })
        .await
        .unwrap();
    desktop.wait_for("#audience-sample li").await.unwrap();
    desktop.screenshot("41-campaign-audience").await.unwrap();
    next(&desktop, "channel").await;

    // 3. Channel: email, then a text, then an AI call.
    desktop
        .click("input[name='plan'][value='multi']")
        .await
        .unwrap();
    next(&desktop, "content").await;

    // 4. Content: the defaults, an agent name, no delays between steps; an unknown
    // variable is caught.
    set(&desktop, "input[name='var-agent_name']", "Sam").await;
    set(&desktop, "input[name='delay-1']", "0").await;
    set(&desktop, "input[name='delay-2']", "0").await;
    set(
        &desktop,
        "textarea[name='sms-1']",
        "Hi {first_name}, {favourite_tea}?",
    )
    .await;
    desktop
        .wait_for_text(".content-step .errors, .wizard-body .errors", |t| {
            t.contains("favourite_tea")
        })
        .await
        .unwrap();
    set(
        &desktop,
        "textarea[name='sms-1']",
        "Hi {first_name}, {agent_name} from {business_name}: {promotion}",
    )
    .await;
    desktop
        .wait_for_text("#sms-count-1", |t| t.contains("GSM-7"))
        .await
        .unwrap();
    desktop.screenshot("42-campaign-content").await.unwrap();
    next(&desktop, "schedule").await;

    // 5. Schedule: any time of day; texts and calls fast, email at 60 a minute (so there
    // is time to pause); calls at once well above the campaign's size.
    desktop.click("input[name='any_time']").await.unwrap();
    set(&desktop, "input[name='rate-email']", "60").await;
    set(&desktop, "input[name='rate-sms']", "6000").await;
    set(&desktop, "input[name='rate-call']", "6000").await;
    set(&desktop, "input[name='cap-call']", "0").await;
    set(&desktop, "input[name='concurrency']", "1000").await;
    desktop.screenshot("43-campaign-schedule").await.unwrap();
    next(&desktop, "review").await;

    // 6. Review: the count, previews, the cost; then one click.
    let review = desktop
        .wait_for_text("#review-count", |t| !t.is_empty())
        .await
        .unwrap();
    assert!(review.starts_with(&recipients.to_string()), "{review}");
    let previews = desktop
        .wait_for_text("#review-previews", |t| t.contains("Step 3"))
        .await
        .unwrap();
    assert!(previews.contains("Reply STOP to opt out"), "{previews}");
    assert!(previews.contains("unsubscribe"), "{previews}");
    assert!(
        previews.contains("from Spring") || previews.contains("Sam from"),
        "{previews}"
    );
    desktop
        .wait_for_text("#review-cost", |t| t.contains('$'))
        .await
        .unwrap();
    desktop.screenshot("44-campaign-review").await.unwrap();
    desktop.click("#launch").await.unwrap();

    // Live progress; pause holds it, resume finishes it.
    desktop.wait_for("#campaign-page").await.unwrap();
    let started = Instant::now();
    while server.smtp_messages().unwrap().len() < 3 {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "no email went out"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    desktop.click("#campaign-pause").await.unwrap();
    desktop
        .wait_for("#campaign-page[data-status='paused']")
        .await
        .unwrap();
    desktop.screenshot("45-campaign-paused").await.unwrap();
    // Within a second nothing more leaves.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let held = (
        server.smtp_messages().unwrap().len(),
        sim.sent_messages().len(),
        sim.created_calls().len(),
    );
    tokio::time::sleep(Duration::from_secs(4)).await;
    assert_eq!(
        held,
        (
            server.smtp_messages().unwrap().len(),
            sim.sent_messages().len(),
            sim.created_calls().len()
        ),
        "sends went on while paused"
    );
    desktop.click("#campaign-resume").await.unwrap();
    let started = Instant::now();
    loop {
        let done = desktop
            .js("return document.querySelector(\"#campaign-page\")?.dataset.status;")
            .await
            .unwrap();
        if done == "completed" {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(180),
            "the campaign did not finish: {done}"
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    desktop
        .wait_for_text("#campaign-counts", |t| t.contains("sent"))
        .await
        .unwrap();
    desktop.wait_for("#campaign-funnel").await.unwrap();
    desktop
        .wait_for("#campaign-recipients tbody tr")
        .await
        .unwrap();
    desktop.screenshot("46-campaign-results").await.unwrap();

    // Counted at the servers: nobody twice on any channel, and what Hearth reports.
    let mut email: HashMap<String, usize> = HashMap::new();
    for m in server.smtp_messages().unwrap() {
        for r in m.rcpt_to.iter().filter(|r| *r != hearth_e2e::corpus::OWNER) {
            *email.entry(r.clone()).or_default() += 1;
        }
    }
    let mut sms: HashMap<String, usize> = HashMap::new();
    for m in sim.sent_messages() {
        *sms.entry(m["to"].as_str().unwrap().to_owned()).or_default() += 1;
    }
    let mut calls: HashMap<String, usize> = HashMap::new();
    for c in sim.created_calls() {
        *calls
            .entry(c["customer"]["number"].as_str().unwrap().to_owned())
            .or_default() += 1;
    }
    assert!(dupes(&email).is_empty(), "{:?}", dupes(&email));
    assert!(dupes(&sms).is_empty(), "{:?}", dupes(&sms));
    assert!(dupes(&calls).is_empty(), "{:?}", dupes(&calls));
    assert_eq!(sms.len() as u64, recipients, "every recipient texted once");
    assert_eq!(
        calls.len() as u64,
        recipients,
        "every recipient called once"
    );
    let status = desk.ok(&["campaign", "status", "1"], None);
    assert!(
        status.contains(&format!("step 1 (email): {} sent", email.len())),
        "{status}"
    );
    assert!(
        status.contains(&format!("step 2 (sms): {recipients} sent")),
        "{status}"
    );

    // The CSV export lands in the data folder with one line per recipient.
    desktop.click("#campaign-export").await.unwrap();
    let note = desktop
        .wait_for_text("#campaign-note", |t| t.starts_with("Saved"))
        .await
        .unwrap();
    let path = note.trim_start_matches("Saved ").trim();
    let csv = std::fs::read_to_string(path).unwrap();
    assert_eq!(csv.lines().count() as u64, recipients + 1, "{csv}");

    // The list shows it completed.
    desktop.click("#campaign-back").await.unwrap();
    desktop
        .wait_for("#campaign-list .status-badge[data-status='completed']")
        .await
        .unwrap();
    desktop.screenshot("47-campaign-list").await.unwrap();
    desktop.close().await.unwrap();
}
