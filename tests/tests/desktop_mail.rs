//! Mail in the real app, end to end: an empty business, a real Dovecot holding a generated
//! mailbox, a real SMTP server and a private keyring. The account is added through the
//! Settings form, the status panel follows the sync to the exact number of messages,
//! connection tests show the servers' own words, and a reply typed in the inbox reaches
//! the SMTP server exactly once.

#![allow(clippy::unwrap_used)] // a test panics with the error it got

use std::collections::HashSet;
use std::time::{Duration, Instant};

use hearth_core::mail::convert::parse;
use hearth_core::Registry;
use hearth_e2e::corpus::{self, OWNER};
use hearth_e2e::desktop::Desktop;
use hearth_e2e::{hearth_ok, MailServer, SecretService};
use hearth_types::IdentityKind;

/// Brings an element to the middle of the window, clear of the sticky header.
async fn centre(desktop: &Desktop, css: &str) {
    desktop
        .js(&format!(
            "const e = document.querySelector(\"{css}\"); if (e) e.scrollIntoView({{block: 'center'}}); return null;"
        ))
        .await
        .unwrap();
}

/// Picks an option of a select.
async fn choose(desktop: &Desktop, css: &str, value: &str) {
    let select = desktop.wait_for(css).await.unwrap();
    centre(desktop, css).await;
    select.select_by_value(value).await.unwrap();
}

/// Types into an (empty) field.
async fn fill(desktop: &Desktop, css: &str, text: &str) {
    let field = desktop.wait_for(css).await.unwrap();
    centre(desktop, css).await;
    field.clear().await.unwrap();
    field.send_keys(text).await.unwrap();
}

/// Submits the add-account form and waits for its refusal. The button is brought to the
/// middle of the window first (the sticky header must not cover it), and the click is
/// repeated if no answer shows within a few seconds: on a loaded machine the first click
/// has been seen to land before the page was ready. Repeating is safe here, since every
/// submission in these cases is refused and stores nothing.
async fn submit_refused(desktop: &Desktop, want: impl Fn(&str) -> bool) -> String {
    for _ in 0..3 {
        desktop
            .js("document.getElementById('mail-add').scrollIntoView({block: 'center'}); return null;")
            .await
            .unwrap();
        desktop.click("#mail-add").await.unwrap();
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(8) {
            let text = desktop
                .js("const e = document.getElementById('mail-form-error'); return e ? e.innerText : null")
                .await
                .unwrap();
            if let Some(text) = text.as_str().filter(|t| want(t)) {
                return text.to_owned();
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    panic!("the form never showed the expected refusal");
}

/// A screenshot of the page from its top.
async fn shot(desktop: &Desktop, name: &str) {
    desktop
        .js("window.scrollTo(0, 0); return null;")
        .await
        .unwrap();
    desktop.screenshot(name).await.unwrap();
}

/// Fills the add-account form for the server's plain IMAP port and submits it.
async fn add_account(desktop: &Desktop, server: &MailServer, name: &str, password: &str) {
    fill(desktop, "#mail-name", name).await;
    fill(desktop, "#mail-host", "127.0.0.1").await;
    fill(desktop, "#mail-port", &server.imap_port.to_string()).await;
    choose(desktop, "#mail-security", "plain").await;
    fill(desktop, "#mail-user", &server.user).await;
    fill(
        desktop,
        "#mail-addresses",
        &format!("{OWNER}, {}", server.user),
    )
    .await;
    fill(desktop, "#mail-password", password).await;
    fill(desktop, "#mail-smtp-host", "127.0.0.1").await;
    fill(desktop, "#mail-smtp-port", &server.smtp_port.to_string()).await;
    choose(desktop, "#mail-smtp-security", "plain").await;
    let chosen = desktop
        .js("return ['mail-security', 'mail-smtp-security'].map(id => document.getElementById(id).value)")
        .await
        .unwrap();
    assert_eq!(chosen, serde_json::json!(["plain", "plain"]));
    desktop.click("#mail-add").await.unwrap();
    desktop
        .wait_for(&format!(".mail-account[data-name='{name}']"))
        .await
        .unwrap();
}

/// Runs Test connection on an account and returns (text, classes) of its result.
async fn test_connection(desktop: &Desktop, name: &str) -> (String, String) {
    let account = format!(".mail-account[data-name='{name}']");
    desktop.click(&format!("{account} .test")).await.unwrap();
    // The answer, once there is one: a result that is not running and says something.
    let script = format!(
        "const r = document.querySelector(\"{account} .test-result\");
         return r && !r.classList.contains('running') && r.innerText.trim() ? [r.innerText, r.className] : null;"
    );
    let started = Instant::now();
    loop {
        let found = desktop.js(&script).await.unwrap();
        if let Ok((text, class)) = serde_json::from_value::<(String, String)>(found) {
            return (text, class);
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "no test result for {name}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The sync row of one folder: (state, stored text, row text), once it exists.
async fn sync_row(
    desktop: &Desktop,
    account: &str,
    folder: &str,
) -> Option<(String, String, String)> {
    let value = desktop
        .js(&format!(
            "const r = document.querySelector(\".sync-row[data-account='{account}'][data-folder='{folder}']\");
             return r ? [r.dataset.state, r.querySelector('.stored').innerText, r.innerText] : null;"
        ))
        .await
        .unwrap();
    serde_json::from_value(value).unwrap()
}

/// Waits for a timeline row (of `class`, e.g. `.ch-email`, or any) whose text contains
/// `text`; if none shows, fails with what the page shows instead.
async fn timeline_row(desktop: &Desktop, class: &str, text: &str) {
    let started = Instant::now();
    loop {
        let found = desktop
            .js(&format!(
                "return Array.from(document.querySelectorAll('#timeline .timeline-item{class}')).map(e => e.innerText)"
            ))
            .await
            .unwrap();
        let rows: Vec<String> = serde_json::from_value(found).unwrap();
        if rows.iter().any(|r| r.contains(text)) {
            return;
        }
        if started.elapsed() > Duration::from_secs(20) {
            let page = desktop
                .js("const s = document.getElementById('timeline-status'); \
                     return {search: document.getElementById('search').value, status: s.innerText, \
                       loading: s.dataset.loading, stateSearch: s.dataset.search, generation: s.dataset.generation, uiError: document.documentElement.dataset.uiError || null, \
                       rows: Array.from(document.querySelectorAll('#timeline .timeline-item')).map(e => e.className + ': ' + e.innerText.slice(0, 80))}")
                .await
                .unwrap();
            panic!("no {class} row with {text:?} on the timeline; the page: {page:#}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn settings_add_an_account_sync_it_and_reply_from_the_inbox() {
    let server = MailServer::start().unwrap();
    let keyring = SecretService::start().unwrap();
    let data = tempfile::tempdir().unwrap();
    hearth_ok(data.path(), &["business", "new", "Shop"]);

    let generated = corpus::mailbox(40, 11);
    let folder = |name: &str| -> Vec<Vec<u8>> {
        generated
            .iter()
            .filter(|g| g.folder == name)
            .map(|g| g.raw.clone())
            .collect()
    };
    let (inbox, sent) = (folder("INBOX"), folder("Sent"));
    assert!(!sent.is_empty(), "some customers were answered");
    server.deliver_many("INBOX", &inbox).unwrap();
    server.deliver_many("Sent", &sent).unwrap();
    let distinct: HashSet<String> = inbox.iter().map(|raw| parse(raw).message_key).collect();
    let expected = distinct.len();
    assert_eq!(expected, inbox.len(), "the INBOX messages are all distinct");

    let desktop = Desktop::start_with_env(data.path(), &keyring.env())
        .await
        .unwrap();

    // Nothing connected yet, and the panel says so.
    desktop.click("#nav-settings").await.unwrap();
    desktop
        .wait_for_text("#sync-empty", |t| {
            t.starts_with("No source is connected yet")
        })
        .await
        .unwrap();

    // Add the account through the form: it clears, the list shows the account.
    add_account(&desktop, &server, "shop", &server.password).await;
    desktop
        .wait_for_text("#mail-form-added", |t| t.starts_with("Added shop"))
        .await
        .unwrap();
    let cleared = desktop
        .js("return ['mail-name', 'mail-password', 'mail-host'].map(id => document.getElementById(id).value)")
        .await
        .unwrap();
    assert_eq!(cleared, serde_json::json!(["", "", ""]), "the form clears");
    let facts = desktop
        .wait_for(".mail-account[data-name='shop'] .account-facts")
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        facts.contains(&format!("127.0.0.1:{} (plain)", server.imap_port))
            && facts.contains(OWNER)
            && facts.contains(&format!("127.0.0.1:{} (plain)", server.smtp_port)),
        "{facts}"
    );

    // The status panel follows the sync to exactly the INBOX's messages.
    let started = Instant::now();
    let want = format!("{expected} of {expected} stored");
    let mut seen = Vec::new();
    loop {
        let row = sync_row(&desktop, "shop", "INBOX").await;
        if let Some((state, _, _)) = &row {
            if seen.last() != Some(state) {
                seen.push(state.clone());
            }
        }
        if matches!(&row, Some((state, stored, _)) if state == "idle" && *stored == want) {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "INBOX never showed idle with {want}: {row:?} (states seen: {seen:?})"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // Sent follows INBOX in the same sync.
    let want_sent = format!("{0} of {0} stored", sent.len());
    let started = Instant::now();
    loop {
        let row = sync_row(&desktop, "shop", "Sent").await;
        if matches!(&row, Some((state, stored, _)) if state == "idle" && *stored == want_sent) {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "Sent never showed idle with {want_sent}: {row:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    desktop
        .wait_for_text("#sync-indicator", |t| t == "Up to date")
        .await
        .unwrap();

    // The password is in the keyring, never in the business file.
    let businesses = data.path().join("businesses");
    for entry in std::fs::read_dir(&businesses).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        assert!(!bytes
            .windows(server.password.len())
            .any(|w| w == server.password.as_bytes()));
    }

    let (text, class) = test_connection(&desktop, "shop").await;
    assert!(text.starts_with("IMAP ok"), "{text}");
    assert!(text.contains("SMTP ok"), "{text}");
    assert!(class.contains("ok"), "{class}");
    shot(&desktop, "11-settings-mail").await;

    // A big delivery while paused (so one sync takes it all at once): on Resume the panel
    // shows the sync running, done / total, then the new count.
    desktop.click("#sync-pause").await.unwrap();
    desktop
        .wait_for(".sync-row[data-folder='INBOX'][data-state='paused']")
        .await
        .unwrap();
    desktop
        .wait_for_text("#sync-pause", |t| t == "Resume")
        .await
        .unwrap();
    let more: Vec<Vec<u8>> = corpus::mailbox(9000, 12)
        .into_iter()
        .filter(|g| g.folder == "INBOX")
        .map(|g| g.raw)
        .collect();
    server.deliver_many("INBOX", &more).unwrap();
    let total = expected + more.len();
    desktop.click("#sync-pause").await.unwrap();
    let progress = desktop
        .wait_for(".sync-row[data-folder='INBOX'][data-state='syncing'] .progress-text")
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let (done, of) = progress.split_once(" / ").unwrap();
    assert!(done.parse::<usize>().unwrap() <= more.len(), "{progress}");
    assert_eq!(of.parse::<usize>().unwrap(), more.len(), "{progress}");
    shot(&desktop, "12-sync-progress").await;
    // Once a batch is in, the bar has moved: a better picture, if the sync is still running.
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(10) {
        let row = sync_row(&desktop, "shop", "INBOX").await.unwrap();
        let moved = row.2.lines().any(|l| {
            l.split_once(" / ")
                .is_some_and(|(done, _)| done.trim().parse::<usize>().is_ok_and(|d| d > 0))
        });
        if row.0 != "syncing" {
            break;
        }
        if moved {
            shot(&desktop, "12-sync-progress").await;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let want = format!("{total} of {total} stored");
    let started = Instant::now();
    loop {
        let row = sync_row(&desktop, "shop", "INBOX").await;
        if matches!(&row, Some((state, stored, _)) if state == "idle" && *stored == want) {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "INBOX never showed idle with {want}: {row:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    // A second account with a wrong password: the test says what the server said.
    add_account(&desktop, &server, "wrong", "not-the-password").await;
    let (text, class) = test_connection(&desktop, "wrong").await;
    assert!(
        text.starts_with(&format!("127.0.0.1 refused the login for {}", server.user)),
        "{text}"
    );
    assert!(class.contains("error"), "{class}");
    // The background sync fails the same way, and the panel says so (with a retry time)
    // even though nothing was ever stored for this account.
    let started = Instant::now();
    loop {
        let row = sync_row(&desktop, "wrong", "INBOX").await;
        if let Some((state, _, text)) = &row {
            if state == "error"
                && text.contains("refused the login")
                && !text.contains("code: None")
            {
                break;
            }
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "no error row for 'wrong': {row:?}"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    shot(&desktop, "12-sync-status").await;

    // Remove asks first, then the account leaves the list and the panel.
    desktop
        .click(".mail-account[data-name='wrong'] .remove")
        .await
        .unwrap();
    desktop
        .click(".mail-account[data-name='wrong'] .remove-confirm")
        .await
        .unwrap();
    let started = Instant::now();
    while desktop
        .js("return document.querySelectorAll(\"[data-name='wrong'], .sync-row[data-account='wrong']\").length")
        .await
        .unwrap()
        != 0
    {
        assert!(started.elapsed() < Duration::from_secs(20), "wrong is still listed");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // The synced mail is on the timeline, found by its subject.
    let subject = parse(&inbox[0]).subject.unwrap();
    desktop.click("#nav-timeline").await.unwrap();
    fill(&desktop, "#search", &subject).await;
    timeline_row(&desktop, "", &subject).await;
    // An email with an attachment lists it (name, type, size) in its details.
    fill(&desktop, "#search", "Photo attached").await;
    // (Every result says so in its body, which shows once a row is open.)
    timeline_row(&desktop, ".ch-email", "").await;
    desktop
        .click("#timeline .timeline-item.ch-email .row")
        .await
        .unwrap();
    let listed = desktop
        .wait_for_text(".timeline-item.open .attachments li", |t| {
            t.contains("leak")
        })
        .await
        .unwrap();
    assert!(
        listed.contains("image/jpeg") && listed.contains("2.0 KB"),
        "{listed}"
    );
    shot(&desktop, "15-email-attachment").await;
    // g s goes back to Settings (the search field has lost focus first).
    desktop.press("\u{e00c}").await.unwrap();
    desktop.press("gs").await.unwrap();
    desktop.wait_for("#sync-panel").await.unwrap();

    // Reply from the inbox to a customer whose latest message is an email.
    desktop.click("#nav-inbox").await.unwrap();
    desktop
        .wait_for("#inbox-status[data-loading='false']")
        .await
        .unwrap();
    let row = desktop
        .wait_for("#inbox .inbox-item.ch-email")
        .await
        .unwrap();
    let contact_id: i64 = row
        .attr("data-contact")
        .await
        .unwrap()
        .unwrap()
        .parse()
        .unwrap();
    let (_, store) = Registry::at(data.path()).open(None).await.unwrap();
    let customer = store
        .contact_profile(contact_id)
        .await
        .unwrap()
        .contact
        .identities
        .into_iter()
        .find(|i| i.kind == IdentityKind::Email)
        .unwrap()
        .value;
    let css = format!("#inbox .inbox-item[data-contact='{contact_id}']");
    desktop.click(&format!("{css} .reply")).await.unwrap();
    fill(
        &desktop,
        &format!("{css} .reply-body"),
        "Thanks for writing! Tuesday at 9am works for us.",
    )
    .await;
    shot(&desktop, "13-inbox-reply-compose").await;
    desktop.click(&format!("{css} .send")).await.unwrap();
    let said = desktop
        .wait_for_text("#reply-result", |t| !t.is_empty())
        .await
        .unwrap();
    assert!(said.starts_with("Sent"), "{said}");

    let received = server.smtp_messages().unwrap();
    assert_eq!(received.len(), 1, "exactly one message went out");
    assert_eq!(received[0].rcpt_to, vec![customer.clone()]);
    let reply = parse(&received[0].data);
    assert!(reply.subject.unwrap_or_default().starts_with("Re: "));
    // Answered: the customer leaves the inbox.
    let started = Instant::now();
    while desktop
        .js(&format!(
            "return document.querySelectorAll(\"{css}\").length"
        ))
        .await
        .unwrap()
        != 0
    {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "{customer} still waits after the reply"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    shot(&desktop, "13-inbox-reply-sent").await;
    desktop.close().await.unwrap();
}

/// With no account, Settings says plainly that nothing is connected, and a refused account
/// is refused in the core's own words. Drawn with GTK's dark preference, which WebKit
/// reports as `prefers-color-scheme: dark`.
#[tokio::test(flavor = "multi_thread")]
async fn settings_with_nothing_connected_refuses_plain_text_to_another_machine() {
    let data = tempfile::tempdir().unwrap();
    hearth_ok(data.path(), &["business", "new", "Shop"]);
    let dark = [("GTK_THEME".to_owned(), "Adwaita:dark".to_owned())];
    let desktop = Desktop::start_with_env(data.path(), &dark).await.unwrap();
    desktop.wait_for("#timeline-status").await.unwrap();
    desktop.press("gs").await.unwrap();
    desktop
        .wait_for_text("#sync-empty", |t| t.contains("VAPI"))
        .await
        .unwrap();
    assert_eq!(
        desktop
            .js("return document.querySelectorAll('#sync-indicator, .sync-row').length")
            .await
            .unwrap(),
        0,
        "no indicator and no rows without a source"
    );

    // A port that is not one never leaves the page.
    fill(&desktop, "#mail-name", "remote").await;
    fill(&desktop, "#mail-host", "mail.example.com").await;
    fill(&desktop, "#mail-port", "99999").await;
    submit_refused(&desktop, |t| t.contains("IMAP port")).await;
    // Plain text to another machine: the core refuses, and says so; nothing is stored.
    fill(&desktop, "#mail-port", "143").await;
    choose(&desktop, "#mail-security", "plain").await;
    fill(&desktop, "#mail-user", "owner").await;
    fill(&desktop, "#mail-addresses", OWNER).await;
    fill(&desktop, "#mail-password", "secret").await;
    let refused = submit_refused(&desktop, |t| !t.contains("IMAP port")).await;
    assert!(
        refused.starts_with(
            "invalid mail account: IMAP without encryption is only allowed to this computer"
        ) && refused.contains("not mail.example.com"),
        "{refused}"
    );
    let kept = desktop
        .js("return document.getElementById('mail-name').value")
        .await
        .unwrap();
    assert_eq!(kept, "remote", "the form keeps what was typed");
    let (_, store) = Registry::at(data.path()).open(None).await.unwrap();
    assert!(store.mail_accounts().await.unwrap().is_empty());
    let is_dark = desktop
        .js("return matchMedia('(prefers-color-scheme: dark)').matches")
        .await
        .unwrap();
    desktop
        .js("document.getElementById('mail-form-error').scrollIntoView({ block: 'center' }); return null;")
        .await
        .unwrap();
    let name = if is_dark == true {
        "14-settings-dark-refused"
    } else {
        "14-settings-refused"
    };
    desktop.screenshot(name).await.unwrap();
    desktop.close().await.unwrap();
}
