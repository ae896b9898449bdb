//! Customer intelligence in the real app on the demo business: the analysis runs on its
//! own when the app starts, the hot leads it finds raise a real desktop notification
//! (over a D-Bus session bus, to a recording notification server), the notification's
//! "Open contact" brings that contact's profile up, and the profile shows the score with
//! its reasons, the tier, journey, next action, engagement, P(alive) and predicted value.
//! The contacts list ranks by lead score and lists who needs attention; Settings edits
//! the weights.

#![allow(clippy::unwrap_used)] // a test panics with the error it got

use std::time::Duration;

use hearth_e2e::desktop::Desktop;
use hearth_e2e::NotificationServer;

#[tokio::test(flavor = "multi_thread")]
async fn hot_leads_notify_open_and_explain_themselves() {
    let data = tempfile::tempdir().unwrap();
    {
        let (_, store) = hearth_core::Registry::at(data.path())
            .create("Brightside")
            .await
            .unwrap();
        // Dated today, so its leads are current.
        hearth_core::demo::seed(
            &store,
            &hearth_core::demo::DemoOptions::default(),
            |_, _| {},
        )
        .await
        .unwrap();
        store.close().await;
    }
    let bus = NotificationServer::start().unwrap();
    let env = [
        (
            "DBUS_SESSION_BUS_ADDRESS".to_owned(),
            bus.address().to_owned(),
        ),
        (
            "HEARTH_LOG".to_owned(),
            "info,hearth_notify=debug".to_owned(),
        ),
    ];
    let desktop = Desktop::start_with_env(data.path(), &env).await.unwrap();

    // The first analysis finds many hot leads at once: one notification names them.
    let shown = bus.wait_for(1, Duration::from_secs(90));
    assert_eq!(shown.len(), 1, "{shown:#?}");
    let n = &shown[0];
    assert_eq!(n.app_name, "Hearth");
    assert!(n.summary.ends_with(" hot leads"), "{}", n.summary);
    assert_eq!(n.action_keys(), ["default", "open"]);

    // "Open contact" opens the top lead's profile in the app.
    bus.invoke_action(n.id, "open").unwrap();
    desktop
        .wait_for_text("#profile[data-loading='false'] #lead-score", |t| {
            !t.is_empty()
        })
        .await
        .unwrap();
    let opened: (String, String, String) = serde_json::from_value(
        desktop
            .js("const p = document.querySelector('#profile');
                 return [p.dataset.id, document.querySelector('#profile-name').innerText,
                         document.querySelector('#lead-score').dataset.tier];")
            .await
            .unwrap(),
    )
    .unwrap();
    let first_name = n.body.split(" (").next().unwrap();
    assert_eq!(
        opened.1, first_name,
        "the notification's first lead: {}",
        n.body
    );
    assert_eq!(opened.2, "hot");
    let factors: usize = serde_json::from_value(
        desktop
            .js("return document.querySelectorAll('#lead-factors li').length;")
            .await
            .unwrap(),
    )
    .unwrap();
    assert!(
        factors >= 3,
        "a hot lead's score has its reasons: {factors}"
    );
    let stage = desktop
        .wait_for_text("#journey-stage", |t| t.starts_with("Journey: "))
        .await
        .unwrap();
    let next = desktop
        .wait_for_text("#next-action", |t| t.starts_with("Next: "))
        .await
        .unwrap();
    assert!(next.contains(" — "), "{next}");
    let _ = stage;
    desktop.screenshot("30-hot-lead-profile").await.unwrap();

    // Top score lists hot leads first; Needs attention lists the reasons.
    desktop
        .click("#contact-views [data-sort='top_score']")
        .await
        .unwrap();
    desktop
        .wait_for_text("#contacts .contact-row:first-child .tier-badge", |t| {
            t.starts_with("hot")
        })
        .await
        .unwrap();
    desktop
        .click("#contact-views [data-sort='needs_attention']")
        .await
        .unwrap();
    // (Read through the DOM: WebKit's WebDriver leaves ellipsized text out.)
    let started = std::time::Instant::now();
    loop {
        let first: Option<String> = serde_json::from_value(
            desktop
                .js("const s = document.querySelector('#contacts .contact-row:first-child .sub');
                     return document.querySelector('#contact-views [data-sort=needs_attention]').getAttribute('aria-pressed') === 'true' && s ? s.textContent : null;")
                .await
                .unwrap(),
        )
        .unwrap();
        if first.as_deref().is_some_and(|t| t.starts_with("hot lead")) {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "needs attention: {first:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    desktop.screenshot("31-needs-attention").await.unwrap();

    // A customer with orders shows P(alive) and predicted value.
    desktop
        .click("#contact-views [data-sort='top_ltv']")
        .await
        .unwrap();
    desktop
        .wait_for("#contacts .contact-row:first-child button")
        .await
        .unwrap();
    desktop
        .click("#contacts .contact-row:first-child button")
        .await
        .unwrap();
    let p_alive = desktop
        .wait_for_text("#profile-ltv .p-alive", |t| !t.is_empty())
        .await
        .unwrap();
    let p: f64 = p_alive.parse().unwrap();
    assert!((0.0..=1.0).contains(&p), "{p_alive}");
    // The top customer's charts: sentiment and spend over time, one dot per point, as
    // many as the core reads for them.
    let id: i64 = serde_json::from_value(
        desktop
            .js("return Number(document.querySelector('#profile').dataset.id);")
            .await
            .unwrap(),
    )
    .unwrap();
    let series = {
        let store = hearth_core::Registry::at(data.path())
            .open(None)
            .await
            .unwrap()
            .1;
        let s = store.contact_series(id).await.unwrap();
        store.close().await;
        s
    };
    assert!(!series.orders.is_empty());
    for (chart, n) in [
        ("#chart-orders", series.orders.len()),
        ("#chart-sentiment", series.sentiment.len()),
    ] {
        if n == 0 {
            continue;
        }
        desktop.wait_for(chart).await.unwrap();
        let dots = desktop
            .js(&format!(
                "return document.querySelectorAll('{chart} circle').length;"
            ))
            .await
            .unwrap();
        assert_eq!(dots, serde_json::json!(n), "{chart}");
    }
    desktop
        .js("document.querySelector('#profile-charts').scrollIntoView({block: 'center'}); return null;")
        .await
        .unwrap();
    desktop.screenshot("32-customer-ltv").await.unwrap();

    // Duplicates: the demo has people who share a name; merging one pair moves their
    // history, and Undo puts it back.
    desktop.click("#contact-duplicates").await.unwrap();
    desktop.wait_for("#duplicates .dup-pair").await.unwrap();
    let pairs_before: usize = serde_json::from_value(
        desktop
            .js("return document.querySelectorAll('#duplicates .dup-pair').length;")
            .await
            .unwrap(),
    )
    .unwrap();
    desktop.screenshot("34-duplicates").await.unwrap();
    desktop
        .click("#duplicates .dup-pair:first-child .dup-side:first-child .keep")
        .await
        .unwrap();
    desktop
        .wait_for_text("#merge-result", |t| t.starts_with("Merged into"))
        .await
        .unwrap();
    let started = std::time::Instant::now();
    loop {
        let n: usize = serde_json::from_value(
            desktop
                .js("return document.querySelectorAll('#duplicates .dup-pair').length;")
                .await
                .unwrap(),
        )
        .unwrap();
        if n + 1 == pairs_before {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "{n} pairs after a merge"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    desktop.click("#merge-undo").await.unwrap();
    desktop
        .wait_for_text("#merge-result", |t| t.starts_with("Undone"))
        .await
        .unwrap();

    // Settings: the weights are editable; a heavier budget weight re-scores at once.
    desktop.click("#nav-settings").await.unwrap();
    desktop
        .wait_for("#intel-settings input[name='budget']")
        .await
        .unwrap();
    desktop
        .js("document.querySelector('#intel-settings').scrollIntoView({block: 'start'}); return null;")
        .await
        .unwrap();
    desktop.screenshot("33-intel-settings").await.unwrap();
    let budget = desktop
        .wait_for("#intel-settings input[name='budget']")
        .await
        .unwrap();
    budget.clear().await.unwrap();
    budget.send_keys("35").await.unwrap();
    desktop.click("#intel-settings .save").await.unwrap();
    desktop
        .wait_for_text("#intel-settings .save-result", |t| t.starts_with("Saved"))
        .await
        .unwrap();
    let saved: i64 = serde_json::from_value(
        desktop
            .js("return Number(document.querySelector(\"#intel-settings input[name='budget']\").value);")
            .await
            .unwrap(),
    )
    .unwrap();
    assert_eq!(saved, 35);
    desktop.close().await.unwrap();
}
