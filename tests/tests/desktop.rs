//! The real app, end to end: first start opens the demo business, then the timeline is
//! filtered by channel and searched, and what the page shows is checked item by item
//! against the core reading the same file.

#![allow(clippy::unwrap_used)] // a test panics with the error it got

use std::time::{Duration, Instant};

use fantoccini::Locator;
use hearth_core::Registry;
use hearth_e2e::desktop::Desktop;
use hearth_e2e::{demo_business, hearth_ok, workspace_root};
use hearth_types::{Channel, TimelineRequest};

const DEMO_NAME: &str = "Brightside Home Services (demo)";

/// What the page shows: (id, channel, text) per timeline row, once it is not loading.
async fn shown(desktop: &Desktop) -> anyhow::Result<Option<Vec<(i64, String, String)>>> {
    let value = desktop
        .js("const s = document.getElementById('timeline-status');
             if (!s || s.dataset.loading !== 'false') return null;
             return Array.from(document.querySelectorAll('#timeline .timeline-item'))
               .map(e => [Number(e.dataset.id), e.dataset.channel, e.innerText]);")
        .await?;
    Ok(serde_json::from_value(value)?)
}

/// Waits until the page shows exactly `expected` ids, then returns the rows.
async fn expect_rows(desktop: &Desktop, expected: &[i64]) -> Vec<(i64, String, String)> {
    let started = Instant::now();
    loop {
        let rows = shown(desktop).await.unwrap();
        if let Some(rows) = rows {
            let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
            if ids == expected || started.elapsed() > Duration::from_secs(20) {
                assert_eq!(
                    ids, expected,
                    "the page shows other items than the core returns"
                );
                return rows;
            }
        } else {
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "the timeline never finished loading"
            );
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn first_start_opens_the_demo_then_filter_and_search_the_timeline() {
    let data = tempfile::tempdir().unwrap();
    let desktop = Desktop::start(data.path()).await.unwrap();

    // First start: the choice between the demo and an empty business.
    desktop.wait_for("#first-start").await.unwrap();
    desktop.screenshot("01-first-start").await.unwrap();
    desktop.click("#start-demo").await.unwrap();
    desktop.wait_for("#timeline .timeline-item").await.unwrap();
    let name = desktop
        .wait_for("#business-name")
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(name, DEMO_NAME);

    // The core, reading the very file the app writes.
    let registry = Registry::at(data.path());
    let (business, store) = registry.open(None).await.unwrap();
    assert_eq!(business.name, DEMO_NAME);
    assert!(
        store.count_interactions().await.unwrap() > 1_000,
        "the demo has a real history"
    );
    let core_ids = |request: TimelineRequest| {
        let store = store.clone();
        async move {
            store
                .timeline(&request)
                .await
                .unwrap()
                .items
                .iter()
                .map(|i| i.id)
                .collect::<Vec<_>>()
        }
    };

    let everything = core_ids(TimelineRequest::default()).await;
    assert_eq!(everything.len(), 50);
    expect_rows(&desktop, &everything).await;
    desktop.screenshot("02-timeline").await.unwrap();

    // Filter by one channel.
    desktop
        .click("#channel-filter [data-channel='sms']")
        .await
        .unwrap();
    let sms = TimelineRequest {
        channels: vec![Channel::Sms],
        ..Default::default()
    };
    let rows = expect_rows(&desktop, &core_ids(sms.clone()).await).await;
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|r| r.1 == "sms"), "only SMS rows: {rows:?}");
    desktop.screenshot("03-filter-sms").await.unwrap();

    // Search within the filter.
    let search = desktop.client.find(Locator::Css("#search")).await.unwrap();
    search.send_keys("water heater").await.unwrap();
    let sms_search = TimelineRequest {
        search: Some("water heater".into()),
        ..sms
    };
    let rows = expect_rows(&desktop, &core_ids(sms_search).await).await;
    assert!(!rows.is_empty(), "the demo has texts about water heaters");
    for (_, channel, text) in &rows {
        assert_eq!(channel, "sms");
        assert!(
            text.to_lowercase().contains("water heater"),
            "row does not match the search: {text}"
        );
    }
    desktop.screenshot("04-search").await.unwrap();

    // Back to every channel: the search alone.
    desktop
        .click("#channel-filter [data-channel='all']")
        .await
        .unwrap();
    let all_search = TimelineRequest {
        search: Some("water heater".into()),
        ..Default::default()
    };
    let page = store.timeline(&all_search).await.unwrap();
    let first: Vec<i64> = page.items.iter().map(|i| i.id).collect();
    let rows = expect_rows(&desktop, &first).await;
    let channels: std::collections::BTreeSet<&str> = rows.iter().map(|r| r.1.as_str()).collect();
    assert!(
        channels.len() > 1,
        "a search across channels finds more than one kind: {channels:?}"
    );

    // The next page follows on.
    if let Some(next) = page.next {
        desktop.click("#load-more").await.unwrap();
        // Later pages are the core's largest (500).
        let second = core_ids(TimelineRequest {
            after: Some(next),
            limit: Some(500),
            ..all_search
        })
        .await;
        // Over 200 items: the page holds the rows on screen, each in its place.
        let expected = [first, second].concat();
        let started = Instant::now();
        loop {
            let (rows, count) = rendered(&desktop).await;
            let placed = rows
                .iter()
                .all(|(index, id)| expected.get(*index) == Some(id));
            if (count == expected.len() && placed && !rows.is_empty())
                || started.elapsed() > Duration::from_secs(20)
            {
                assert_eq!(count, expected.len(), "all loaded items are counted");
                assert!(
                    placed,
                    "every row is the core's item at its place: {rows:?}"
                );
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    desktop.screenshot("05-search-all-channels").await.unwrap();

    // A date range (picked in the page's own calendar: 60 to 30 days ago, both days
    // included), on top of the search.
    let range = desktop
        .js(
            "const day = (d) => d.toISOString().slice(0, 10);
             const local = (s, add) => { const [y, m, d] = s.split('-').map(Number); return new Date(y, m - 1, d + add).getTime(); };
             const from = day(new Date(Date.now() - 60 * 864e5)), to = day(new Date(Date.now() - 30 * 864e5));
             for (const [id, v] of [['since', from], ['until', to]]) {
               const input = document.getElementById(id);
               input.value = v;
               input.dispatchEvent(new Event('change', { bubbles: true }));
             }
             return [local(from, 0), local(to, 1)];",
        )
        .await
        .unwrap();
    let (since, until) = (
        range[0].as_f64().unwrap() as i64,
        range[1].as_f64().unwrap() as i64,
    );
    let ranged = core_ids(TimelineRequest {
        search: Some("water heater".into()),
        since: Some(since),
        until: Some(until),
        ..Default::default()
    })
    .await;
    assert!(
        !ranged.is_empty(),
        "the demo has water-heater talk in that month"
    );
    expect_rows(&desktop, &ranged).await;

    desktop.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn contacts_view_searches_and_opens_a_profile_that_matches_the_core() {
    use hearth_core::store::ContactFilter;

    let data = tempfile::tempdir().unwrap();
    let store = demo_business(data.path(), "Profiles Inc", 60, 1_500, 5).await;
    // The contact with the most orders: a profile with figures in every section.
    let mut best = None;
    for c in store
        .list_contacts(&ContactFilter {
            limit: Some(100),
            ..Default::default()
        })
        .await
        .unwrap()
    {
        let p = store.contact_profile(c.id).await.unwrap();
        let orders = p.orders.first().map_or(0, |o| o.count);
        if best.as_ref().is_none_or(|(_, n, _)| orders > *n) {
            best = Some((c, orders, p));
        }
    }
    let (contact, _, profile) = best.unwrap();
    let email = contact
        .identities
        .iter()
        .find(|i| i.kind == hearth_types::IdentityKind::Email)
        .cloned();

    let desktop = Desktop::start(data.path()).await.unwrap();
    desktop.click("#nav-contacts").await.unwrap();
    let search = desktop.wait_for("#contact-search").await.unwrap();
    // Search by email when the contact has one (names repeat in the demo), else by name.
    let query = email
        .map(|e| e.value)
        .unwrap_or_else(|| contact.name.clone());
    search.send_keys(&query).await.unwrap();
    let row = format!("#contacts .contact-row[data-id='{}'] button", contact.id);
    desktop.click(&row).await.unwrap();
    desktop
        .wait_for(&format!("#profile[data-id='{}']", contact.id))
        .await
        .unwrap();

    let shown = desktop
        .js(
            "const p = document.getElementById('profile');
             return {
               name: document.getElementById('profile-name').innerText,
               orders: p.querySelector('.order-count').innerText,
               ltv: (p.querySelector('.ltv') || {innerText: ''}).innerText,
               channels: Array.from(p.querySelectorAll('#profile-channels tbody tr'))
                 .map(r => [r.dataset.channel].concat(Array.from(r.cells).slice(1).map(c => Number(c.innerText)))),
             };",
        )
        .await
        .unwrap();
    assert_eq!(shown["name"], contact.name);
    let usd = &profile.orders[0];
    assert_eq!(shown["orders"], usd.count.to_string());
    let dollars = format!("${}.{:02}", usd.total_minor / 100, usd.total_minor % 100);
    assert_eq!(shown["ltv"].as_str().unwrap().replace(',', ""), dollars);
    let expected: Vec<serde_json::Value> = profile
        .channels
        .iter()
        .map(|c| serde_json::json!([c.channel.as_str(), c.inbound, c.outbound, c.internal]))
        .collect();
    assert_eq!(shown["channels"], serde_json::Value::Array(expected));

    // The contact's own timeline sits under the profile.
    let theirs = store
        .timeline(&TimelineRequest {
            contact_id: Some(contact.id),
            ..Default::default()
        })
        .await
        .unwrap();
    let ids: Vec<i64> = theirs.items.iter().map(|i| i.id).collect();
    expect_rows(&desktop, &ids).await;
    desktop.screenshot("06-contact-profile").await.unwrap();

    // Seed 004's views: Top LTV lists everyone by lifetime value, as the core does.
    search.clear().await.unwrap();
    search.send_keys(" ").await.unwrap();
    desktop
        .click("#contact-views [data-sort='top_ltv']")
        .await
        .unwrap();
    let by_ltv: Vec<i64> = store
        .list_contacts(&ContactFilter {
            sort: hearth_types::ContactSort::TopLtv,
            limit: Some(200),
            ..Default::default()
        })
        .await
        .unwrap()
        .iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(by_ltv[0], contact.id, "the best customer leads");
    let started = Instant::now();
    loop {
        let shown = desktop
            .js("const s = document.getElementById('contacts-status');
                 if (s.dataset.loading !== 'false') return null;
                 return Array.from(document.querySelectorAll('#contacts .contact-row')).map(e => Number(e.dataset.id));")
            .await
            .unwrap();
        let shown: Option<Vec<i64>> = serde_json::from_value(shown).unwrap();
        if shown.as_ref() == Some(&by_ltv) || started.elapsed() > Duration::from_secs(20) {
            assert_eq!(shown, Some(by_ltv), "Top LTV order");
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    desktop.screenshot("10-top-ltv").await.unwrap();
    desktop.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn inbox_lists_who_waits_oldest_first_and_done_takes_them_out() {
    let data = tempfile::tempdir().unwrap();
    let store = demo_business(data.path(), "Inbox Co", 40, 800, 9).await;
    let waiting = |store: hearth_core::Store| async move {
        let now = hearth_core::now_ms();
        store
            .inbox(now, 200)
            .await
            .unwrap()
            .iter()
            .map(|e| e.contact_id)
            .collect::<Vec<_>>()
    };
    let expected = waiting(store.clone()).await;
    assert!(
        expected.len() >= 2,
        "the demo leaves some customers waiting"
    );

    let desktop = Desktop::start(data.path()).await.unwrap();
    desktop.click("#nav-inbox").await.unwrap();
    let shown_ids = || async {
        let value = desktop
            .js("const s = document.getElementById('inbox-status');
                 if (!s || s.dataset.loading !== 'false') return null;
                 return Array.from(document.querySelectorAll('#inbox .inbox-item')).map(e => Number(e.dataset.contact));")
            .await
            .unwrap();
        serde_json::from_value::<Option<Vec<i64>>>(value).unwrap()
    };
    let wait_for_ids = |want: Vec<i64>| async move {
        let started = Instant::now();
        loop {
            let got = shown_ids().await;
            if got.as_ref() == Some(&want) || started.elapsed() > Duration::from_secs(20) {
                assert_eq!(got, Some(want), "the inbox shows what the core says");
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    };
    wait_for_ids(expected.clone()).await;

    // Reply opens a composer whose send button says why it cannot send yet.
    let second = format!("#inbox .inbox-item[data-contact='{}']", expected[1]);
    desktop.click(&format!("{second} .reply")).await.unwrap();
    let send = desktop
        .wait_for(&format!("{second} .composer .send"))
        .await
        .unwrap();
    assert_eq!(
        send.attr("disabled").await.unwrap().as_deref(),
        Some("true")
    );
    desktop.screenshot("07-inbox").await.unwrap();

    // Done takes the first one out, in the app and in the file.
    let first = format!("#inbox .inbox-item[data-contact='{}'] .done", expected[0]);
    desktop.click(&first).await.unwrap();
    wait_for_ids(expected[1..].to_vec()).await;
    assert_eq!(waiting(store.clone()).await, expected[1..].to_vec());
    desktop.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn business_menu_renames_backs_up_and_creates_another_business() {
    let data = tempfile::tempdir().unwrap();
    let registry = Registry::at(data.path());
    let (first, store) = registry.create("Corner Cafe").await.unwrap();
    store.close().await;

    let desktop = Desktop::start(data.path()).await.unwrap();
    desktop.click("#business-menu-toggle").await.unwrap();

    // Rename.
    let input = desktop.wait_for("#rename-input").await.unwrap();
    input.clear().await.unwrap();
    input.send_keys("Corner Cafe & Bakery").await.unwrap();
    desktop.click("#rename-business button").await.unwrap();
    let started = Instant::now();
    while registry.find(&first.id).unwrap().name != "Corner Cafe & Bakery" {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the rename never reached the registry"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    desktop
        .wait_for_text("#business-name", |t| t == "Corner Cafe & Bakery")
        .await
        .unwrap();

    // Back up (the menu stays open): the file the app names exists and opens as a business.
    desktop.click("#backup-business").await.unwrap();
    // The rename's message is still there until the backup's replaces it.
    let message = desktop
        .wait_for_text("#business-menu-message", |t| t.starts_with("Backed up to "))
        .await
        .unwrap();
    let path = message.strip_prefix("Backed up to ").unwrap_or_default();
    hearth_core::Store::open(std::path::Path::new(path))
        .await
        .unwrap()
        .integrity_check()
        .await
        .unwrap();
    desktop.screenshot("08-business-menu").await.unwrap();

    // Another business, with the demo in it: it opens and becomes current.
    let name = desktop.wait_for("#new-business-input").await.unwrap();
    name.send_keys("Second Shop").await.unwrap();
    desktop
        .click("#new-business button[type='button']")
        .await
        .unwrap();
    let started = Instant::now();
    loop {
        let current = registry.current().unwrap().map(|b| b.name);
        if current.as_deref() == Some("Second Shop") {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the new business never became current"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    desktop.wait_for("#timeline .timeline-item").await.unwrap();
    let options = desktop
        .js("return Array.from(document.querySelectorAll('#business-switcher option')).map(o => o.innerText)")
        .await
        .unwrap();
    assert_eq!(
        options,
        serde_json::json!(["Corner Cafe & Bakery", "Second Shop"])
    );
    desktop.close().await.unwrap();
}

/// A loopback HTTP server that counts requests and answers each with a 1x1 PNG.
fn pixel_server() -> (u16, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use std::io::{Read, Write};
    use std::sync::atomic::{AtomicUsize, Ordering};

    const PNG: &[u8] = &[
        0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52, 0,
        0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 0x1f, 0x15, 0xc4, 0x89, 0, 0, 0, 0x0d, 0x49, 0x44,
        0x41, 0x54, 0x78, 0x9c, 0x63, 0, 1, 0, 0, 5, 0, 1, 0x0d, 0x0a, 0x2d, 0xb4, 0, 0, 0, 0,
        0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
    ];
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let hits = std::sync::Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let mut request = [0u8; 2048];
            let _ = stream.read(&mut request);
            counter.fetch_add(1, Ordering::SeqCst);
            let head = format!("HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", PNG.len());
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(PNG);
        }
    });
    (port, hits)
}

#[tokio::test(flavor = "multi_thread")]
async fn hostile_email_html_runs_nothing_and_loads_nothing_until_allowed() {
    use std::sync::atomic::Ordering;

    use hearth_core::domain::NewInteraction;
    use hearth_types::Direction;

    let (port, hits) = pixel_server();
    let data = tempfile::tempdir().unwrap();
    let registry = Registry::at(data.path());
    let (_, store) = registry.create("Mailroom").await.unwrap();
    let who = store
        .find_or_create_contact(
            hearth_types::IdentityKind::Email,
            "mallory@evil.example",
            Some("Mallory"),
        )
        .await
        .unwrap();
    let html = format!(
        r#"<p id="greeting">Hello from Mallory</p>
           <script>parent.document.title = 'pwned by script';</script>
           <img src="x" onerror="parent.document.title = 'pwned by onerror'">
           <img src="http://127.0.0.1:{port}/pixel.png" alt="tracking pixel">"#
    );
    let mail = NewInteraction {
        contact_id: Some(who.contact_id),
        subject: Some("Special offer just for you".into()),
        body: Some("Hello from Mallory".into()),
        body_html: Some(html),
        ..NewInteraction::new(
            Channel::Email,
            Direction::Inbound,
            hearth_core::now_ms() - 60_000,
            "test",
            "<evil@x>",
        )
    };
    store.upsert_interactions(&[mail]).await.unwrap();
    store.close().await;

    let desktop = Desktop::start(data.path()).await.unwrap();
    desktop
        .click("#timeline .timeline-item .row")
        .await
        .unwrap();
    let frame = desktop.wait_for(".message-frame").await.unwrap();
    // Give anything that could run or load a moment to do so.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let srcdoc = frame
        .attr("srcdoc")
        .await
        .unwrap()
        .unwrap_or_default()
        .to_lowercase();
    assert!(
        srcdoc.contains("hello from mallory"),
        "the message is shown: {srcdoc}"
    );
    for bad in ["<script", "onerror", &format!("127.0.0.1:{port}")] {
        assert!(!srcdoc.contains(bad), "{bad} reached the frame: {srcdoc}");
    }
    assert_eq!(
        desktop.client.title().await.unwrap(),
        "Hearth",
        "no script from the message ran"
    );
    assert_eq!(
        hits.load(Ordering::SeqCst),
        0,
        "no remote image was fetched"
    );
    let notice = desktop
        .wait_for(".blocked-images")
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(notice.starts_with("1 remote image blocked"), "{notice}");
    desktop.screenshot("09-email-blocked").await.unwrap();

    // The user allows images for this message: now (and only now) the pixel loads.
    desktop.click(".show-images").await.unwrap();
    let started = Instant::now();
    while hits.load(Ordering::SeqCst) == 0 {
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "an allowed image never loaded"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        desktop.client.title().await.unwrap(),
        "Hearth",
        "still no script ran"
    );
    desktop.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn j_and_k_walk_the_timeline_and_enter_opens_an_item() {
    let data = tempfile::tempdir().unwrap();
    let _store = demo_business(data.path(), "Keys Inc", 20, 300, 9).await;
    let desktop = Desktop::start(data.path()).await.unwrap();
    desktop.wait_for("#timeline-status").await.unwrap();
    desktop.press("gt").await.unwrap();
    desktop.wait_for("#timeline .timeline-item").await.unwrap();
    // `/` focuses the search box without typing itself into it; Esc leaves it again.
    desktop.press("/").await.unwrap();
    let search = desktop
        .js("const s = document.getElementById('search'); return [document.activeElement === s, s.value]")
        .await
        .unwrap();
    assert_eq!(
        search,
        serde_json::json!([true, ""]),
        "/ focuses an empty search box"
    );
    desktop.press("\u{e00c}").await.unwrap();
    let focused = "return Array.from(document.querySelectorAll('#timeline .timeline-item > button.row')).indexOf(document.activeElement)";
    let mut seen = Vec::new();
    for key in ["j", "j", "j", "k"] {
        desktop.press(key).await.unwrap();
        seen.push(desktop.js(focused).await.unwrap());
    }
    assert_eq!(
        seen,
        [0, 1, 2, 1].map(serde_json::Value::from),
        "j j j k: the first, second and third item, then back to the second"
    );
    desktop.press("k").await.unwrap();
    desktop.press("k").await.unwrap();
    assert_eq!(desktop.js(focused).await.unwrap(), 0, "k stops at the top");
    desktop.press("j").await.unwrap();
    desktop.press("\u{e007}").await.unwrap(); // Enter opens it, as a click would
    desktop
        .wait_for("#timeline .timeline-item:nth-child(2).open .details")
        .await
        .unwrap();
    desktop.close().await.unwrap();
}

/// The rows in the page: (index in the whole list, id), and how many items are loaded.
async fn rendered(desktop: &Desktop) -> (Vec<(usize, i64)>, usize) {
    let value = desktop
        .js("const list = document.getElementById('timeline');
             return [Array.from(list.querySelectorAll(':scope > .timeline-item'))
               .map(e => [Number(e.dataset.index), Number(e.dataset.id)]), Number(list.dataset.count)];")
        .await
        .unwrap();
    serde_json::from_value(value).unwrap()
}

/// Scrolls the page so that row `index` of the timeline is at the top of the screen.
async fn scroll_to_row(desktop: &Desktop, index: usize) {
    desktop
        .js(&format!(
            "const list = document.getElementById('timeline');
             const row = list.querySelector(':scope > .timeline-item:not(.open)').getBoundingClientRect().height;
             window.scrollTo(0, list.getBoundingClientRect().top + window.scrollY + {index} * row);
             return null;"
        ))
        .await
        .unwrap();
}

/// Waits until the page holds a row within `within` of `target`, then checks that every row
/// in the page is the core's item at its place, in one run.
async fn expect_placed_near(desktop: &Desktop, ids: &[i64], target: usize, within: usize) {
    let started = Instant::now();
    loop {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let (rows, _) = rendered(desktop).await;
        if rows.iter().any(|r| r.0.abs_diff(target) <= within) {
            for (index, id) in &rows {
                assert_eq!(ids[*index], *id, "row {index} shows another item");
            }
            let indices: Vec<usize> = rows.iter().map(|r| r.0).collect();
            let contiguous = indices.windows(2).all(|w| w[1] == w[0] + 1);
            assert!(contiguous, "the rows in the page are one run: {indices:?}");
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "row {target} never came into the page: {rows:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_timeline_of_ten_thousand_items_keeps_only_the_screen_in_the_page() {
    let data = tempfile::tempdir().unwrap();
    let store = demo_business(data.path(), "Long History Ltd", 300, 10_500, 17).await;
    // Every id, newest first, as the core pages them.
    let mut ids = Vec::new();
    let mut after = None;
    loop {
        let page = store
            .timeline(&TimelineRequest {
                after,
                limit: Some(500),
                ..Default::default()
            })
            .await
            .unwrap();
        ids.extend(page.items.iter().map(|i| i.id));
        match page.next {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    assert!(ids.len() >= 10_000, "{} items", ids.len());

    let desktop = Desktop::start(data.path()).await.unwrap();
    desktop.wait_for("#timeline-status").await.unwrap();
    desktop.press("gt").await.unwrap();
    desktop.wait_for("#timeline .timeline-item").await.unwrap();

    // Scrolling to the end fetches page after page until all are loaded; the page never
    // holds more than a screen of rows and the overscan.
    let started = Instant::now();
    let mut most_rows = 0;
    loop {
        desktop
            .js("window.scrollTo(0, document.body.scrollHeight); return null;")
            .await
            .unwrap();
        tokio::time::sleep(Duration::from_millis(150)).await;
        let (rows, count) = rendered(&desktop).await;
        most_rows = most_rows.max(rows.len());
        if count == ids.len() {
            break;
        }
        if started.elapsed() > Duration::from_secs(120) {
            let state = desktop
                .js("const l = document.getElementById('timeline'); const r = l.getBoundingClientRect();
                     return [document.getElementById('timeline-status').innerText, l.dataset.start, l.dataset.end,
                       window.scrollY, document.body.scrollHeight, r.top, r.height, window.innerHeight, l.getAttribute('style')];")
                .await
                .unwrap();
            panic!(
                "only {count} of {} items loaded by scrolling: {state}",
                ids.len()
            );
        }
    }
    assert!(
        most_rows <= 80,
        "the page held {most_rows} rows at once; it should hold a screenful"
    );
    // At the bottom, the last rows are the core's oldest items.
    desktop
        .js("window.scrollTo(0, document.body.scrollHeight); return null;")
        .await
        .unwrap();
    let started = Instant::now();
    loop {
        let (rows, _) = rendered(&desktop).await;
        if rows.last().map(|r| r.0) == Some(ids.len() - 1)
            || started.elapsed() > Duration::from_secs(10)
        {
            let last = rows.last().copied();
            assert_eq!(
                last,
                Some((ids.len() - 1, ids[ids.len() - 1])),
                "the last row in the page at the bottom (index, id)"
            );
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    desktop.screenshot("48-timeline-10k-bottom").await.unwrap();
    let text = desktop
        .wait_for("#timeline-status")
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(text, format!("{} shown", ids.len()));

    // Anywhere in the list, the rows in the page are the core's rows at those places, and
    // the row scrolled to is on screen.
    for target in [0, 1_234, 5_000, 7_777, ids.len() - 1] {
        scroll_to_row(&desktop, target).await;
        expect_placed_near(&desktop, &ids, target, 0).await;
        let on_screen = desktop
            .js(&format!(
                "const r = document.querySelector('#timeline > .timeline-item[data-index=\"{target}\"]').getBoundingClientRect();
                 return r.bottom > 0 && r.top < window.innerHeight ? true : [r.top, r.bottom, window.innerHeight];"
            ))
            .await
            .unwrap();
        assert_eq!(on_screen, true, "row {target} is on screen");
    }

    // Open an item deep in the list: its details show, and the rows below move down by
    // their height instead of overlapping.
    scroll_to_row(&desktop, 5_000).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    desktop
        .click("#timeline > .timeline-item[data-index='5002'] .row")
        .await
        .unwrap();
    desktop
        .wait_for("#timeline > .timeline-item.open[data-index='5002'] .details")
        .await
        .unwrap();
    let gap = desktop
        .js("const open = document.querySelector('#timeline > .timeline-item.open').getBoundingClientRect();
             const below = document.querySelector('#timeline > .timeline-item[data-index=\"5003\"]').getBoundingClientRect();
             return below.top - open.bottom;")
        .await
        .unwrap();
    assert!(
        gap.as_f64().is_some_and(|g| g.abs() < 2.0),
        "the row below the open one starts where it ends: {gap}"
    );
    desktop.screenshot("49-timeline-10k-open").await.unwrap();
    // Scrolling on past it keeps the rows in their places (the open row above makes them
    // lower than the plain arithmetic says, hence "near").
    scroll_to_row(&desktop, 8_000).await;
    expect_placed_near(&desktop, &ids, 8_000, 30).await;
    desktop.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn restore_a_backup_from_the_business_menu_and_refuse_a_file_that_is_not_one() {
    let data = tempfile::tempdir().unwrap();
    let store = demo_business(data.path(), "Corner Cafe", 12, 200, 3).await;
    let registry = Registry::at(data.path());
    let cafe = registry.find("Corner Cafe").unwrap();
    let backup = registry.default_backup_path(&cafe).unwrap();
    store.backup_to(&backup).await.unwrap();
    let interactions = store.count_interactions().await.unwrap();
    store.close().await;
    // A file that only looks like a backup, newer than the real one.
    tokio::time::sleep(Duration::from_millis(50)).await;
    let junk = data.path().join("backups/junk.sqlite");
    std::fs::write(&junk, "this is not a database").unwrap();

    let desktop = Desktop::start(data.path()).await.unwrap();
    desktop.wait_for("#timeline-status").await.unwrap();
    desktop.click("#business-menu-toggle").await.unwrap();
    desktop.wait_for("#restore-pick").await.unwrap();
    let listed = desktop
        .js("return Array.from(document.querySelectorAll('#restore-pick option')).map(o => o.value)")
        .await
        .unwrap();
    assert_eq!(
        listed,
        serde_json::json!([junk.to_str().unwrap(), backup.to_str().unwrap()]),
        "the backups folder, newest first"
    );

    // The junk file: a clear refusal, and nothing is listed.
    desktop.click("#restore-business button").await.unwrap();
    let refusal = desktop
        .wait_for_text("#business-menu-message", |t| !t.is_empty())
        .await
        .unwrap();
    assert!(
        refusal.contains("is not a Hearth business backup"),
        "{refusal}"
    );
    assert_eq!(registry.list().unwrap().len(), 1);

    // The real one, under a new name: it opens with all its history.
    desktop
        .js(&format!(
            "const s = document.getElementById('restore-pick'); s.value = {:?};
             s.dispatchEvent(new Event('change', {{ bubbles: true }})); return null;",
            backup.to_str().unwrap()
        ))
        .await
        .unwrap();
    let name = desktop.wait_for("#restore-name").await.unwrap();
    name.send_keys("Cafe as of the backup").await.unwrap();
    desktop.click("#restore-business button").await.unwrap();
    desktop
        .wait_for_text("#business-name", |t| t == "Cafe as of the backup")
        .await
        .unwrap();
    desktop.screenshot("50-restored-backup").await.unwrap();
    let current = registry.current().unwrap().unwrap();
    assert_eq!(current.name, "Cafe as of the backup");
    assert_ne!(current.id, cafe.id, "a new business beside the old one");
    let (_, restored) = registry.open(None).await.unwrap();
    assert_eq!(restored.count_interactions().await.unwrap(), interactions);
    desktop.wait_for("#timeline .timeline-item").await.unwrap();
    desktop.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn general_settings_save_region_and_interval_and_move_the_data_folder() {
    let data = tempfile::tempdir().unwrap();
    let config = tempfile::tempdir().unwrap();
    let moved = tempfile::tempdir().unwrap();
    let store = demo_business(data.path(), "Harbour Books", 10, 150, 4).await;
    let interactions = store.count_interactions().await.unwrap();
    store.close().await;
    // This run's folder comes from the choice in the config folder, not the environment.
    std::fs::write(
        config.path().join("data-dir"),
        format!("{}\n", data.path().display()),
    )
    .unwrap();
    let env = [
        ("HEARTH_DATA_DIR".to_owned(), String::new()),
        (
            "HEARTH_CONFIG_DIR".to_owned(),
            config.path().to_string_lossy().into_owned(),
        ),
    ];
    let desktop = Desktop::start_with_env(data.path(), &env).await.unwrap();
    desktop.wait_for("#timeline-status").await.unwrap();
    desktop.press("gs").await.unwrap();
    desktop.wait_for("#general-form").await.unwrap();
    let shown = desktop
        .wait_for("#data-dir")
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(shown, data.path().to_string_lossy());

    // Region and interval: a bad interval is refused and nothing changes.
    let set = |name: &str, value: &str| {
        format!(
            "const i = document.querySelector('#general-form [name={name}]');
             i.value = {value:?}; i.dispatchEvent(new Event('input', {{ bubbles: true }})); return null;"
        )
    };
    desktop.js(&set("default_region", "gb")).await.unwrap();
    desktop.js(&set("mail_poll_secs", "10")).await.unwrap();
    desktop.click("#general-form button.save").await.unwrap();
    desktop
        .wait_for_text("#general-form .save-result", |t| t.contains("30 to 86400"))
        .await
        .unwrap();
    let registry = Registry::at(data.path());
    let (_, store) = registry.open(None).await.unwrap();
    assert_eq!(store.mail_poll_secs().await.unwrap(), 300, "unchanged");
    store.close().await;
    desktop.js(&set("mail_poll_secs", "120")).await.unwrap();
    desktop.click("#general-form button.save").await.unwrap();
    desktop
        .wait_for_text("#general-form .save-result", |t| t == "Saved.")
        .await
        .unwrap();
    let (_, store) = registry.open(None).await.unwrap();
    assert_eq!(store.region().code(), "GB");
    assert_eq!(store.mail_poll_secs().await.unwrap(), 120);
    store.close().await;

    // Another data folder, with the businesses copied: from the next start.
    desktop.press("gs").await.unwrap();
    let folder = desktop
        .wait_for("#data-folder [name=data_dir]")
        .await
        .unwrap();
    folder
        .send_keys(&moved.path().join("hearth").to_string_lossy())
        .await
        .unwrap();
    desktop
        .click("#data-folder button[type=submit]")
        .await
        .unwrap();
    desktop
        .wait_for_text("#data-folder .save-result", |t| {
            t.starts_with("Businesses copied")
        })
        .await
        .unwrap();
    let next = desktop
        .wait_for("#next-data-dir code")
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(next, moved.path().join("hearth").to_string_lossy());
    desktop.screenshot("51-settings-general").await.unwrap();
    let choice = std::fs::read_to_string(config.path().join("data-dir")).unwrap();
    assert_eq!(choice.trim(), moved.path().join("hearth").to_string_lossy());
    desktop.close().await.unwrap();

    // The next start opens the copy, with all its history and settings.
    let desktop = Desktop::start_with_env(data.path(), &env).await.unwrap();
    desktop
        .wait_for_text("#business-name", |t| t == "Harbour Books")
        .await
        .unwrap();
    desktop.press("gs").await.unwrap();
    let shown = desktop
        .wait_for("#data-dir")
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(shown, moved.path().join("hearth").to_string_lossy());
    let (_, copy) = Registry::at(moved.path().join("hearth"))
        .open(None)
        .await
        .unwrap();
    assert_eq!(copy.count_interactions().await.unwrap(), interactions);
    assert_eq!(copy.region().code(), "GB");
    desktop.close().await.unwrap();
}

/// Opens the order item whose subject starts with `subject` and returns its lines' text
/// (one string per table row, cells joined by " | ").
async fn order_lines(desktop: &Desktop, subject: &str) -> Vec<String> {
    let opened = desktop
        .js(&format!(
            "const row = Array.from(document.querySelectorAll('#timeline .timeline-item.ch-order'))
               .find(e => e.innerText.includes({subject:?}));
             if (!row) return false;
             row.querySelector('.row').click();
             return true;"
        ))
        .await
        .unwrap();
    assert_eq!(opened, serde_json::json!(true), "no order row {subject:?}");
    let started = Instant::now();
    loop {
        let open = desktop
            .js("const e = document.querySelector('.timeline-item.open'); return e ? e.innerText : ''")
            .await
            .unwrap();
        if open.as_str().is_some_and(|t| t.contains(subject)) {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "{subject:?} did not open: {open}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let lines = desktop
        .js(
            "return Array.from(document.querySelectorAll('.timeline-item.open .order-items tr'))
               .map(tr => Array.from(tr.cells).map(c => c.innerText.trim()).join(' | '))",
        )
        .await
        .unwrap();
    serde_json::from_value(lines).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn imported_orders_show_on_the_timeline_with_their_lines() {
    let data = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| hearth_ok(data.path(), args);
    run(&["business", "new", "Kitchen Shop"]);
    let fixtures = workspace_root().join("tests/fixtures/orders");
    for file in ["good.csv", "opencart.json"] {
        run(&["import", "orders", fixtures.join(file).to_str().unwrap()]);
    }

    let desktop = Desktop::start(data.path()).await.unwrap();
    desktop.wait_for("#timeline-status").await.unwrap();
    desktop
        .click("#channel-filter [data-channel='order']")
        .await
        .unwrap();
    desktop
        .wait_for_text("#timeline-status", |t| t.starts_with("6 shown"))
        .await
        .unwrap();
    // OpenCart's line (name, quantity, price as written) in rand; the CSV's in yen.
    assert_eq!(
        order_lines(&desktop, "Order 12345: Kettle").await,
        vec![
            "Item | Qty | Price",
            "Kettle | 1 | ZAR 1,299.99",
            "Total | ZAR 1,299.99"
        ]
    );
    assert_eq!(
        order_lines(&desktop, "Order 1003: Sencha").await,
        vec!["Item | Qty | Price", "Sencha | 3 | ", "Total | JPY 1,500"]
    );
    let body = desktop
        .js("return document.querySelector('.timeline-item.open').innerText")
        .await
        .unwrap();
    let body = body.as_str().unwrap();
    assert!(body.contains("1500 JPY (pending)"), "{body}");
    desktop.screenshot("52-imported-order").await.unwrap();
    desktop.close().await.unwrap();
}
