//! The mail job as the desktop app runs it, against the real Dovecot: it syncs at start,
//! then new mail arrives through IMAP IDLE alone (the poll interval is set to an hour), and
//! `stop` ends it cleanly. Events are collected in memory.

#![allow(clippy::unwrap_used)] // a test panics with the error it got

use std::sync::{Arc, Mutex};
use std::time::Duration;

use hearth_core::events::{CoreEvent, EventSink};
use hearth_core::mail::job::MailJob;
use hearth_core::mail::{self, Endpoint, NewMailAccount, Security};
use hearth_core::secrets::MemorySecrets;
use hearth_core::Store;
use hearth_e2e::corpus::{self, OWNER};
use hearth_e2e::MailServer;

#[derive(Default)]
struct Collect(Mutex<Vec<CoreEvent>>);

impl EventSink for Collect {
    fn emit(&self, event: CoreEvent) {
        self.0.lock().unwrap().push(event);
    }
}

async fn wait_for(what: &str, mut check: impl AsyncFnMut() -> bool) {
    for _ in 0..600 {
        if check().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("timed out waiting for {what}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_job_syncs_at_start_then_on_idle_news() {
    let server = MailServer::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = Store::create(&dir.path().join("shop.sqlite"))
        .await
        .unwrap();
    let secrets = Arc::new(MemorySecrets::default());
    let mail: Vec<Vec<u8>> = corpus::mailbox(20, 3)
        .into_iter()
        .filter(|g| g.folder == "INBOX")
        .map(|g| g.raw)
        .collect();
    server.deliver_many("INBOX", &mail).unwrap();
    let account = NewMailAccount {
        name: "shop".into(),
        imap: Endpoint {
            host: "127.0.0.1".into(),
            port: server.imap_port,
            security: Security::Plain,
        },
        username: server.user.clone(),
        addresses: vec![OWNER.into()],
        ca_pem: None,
        smtp: None,
        extra_folders: vec![],
    };
    mail::add_account(&store, secrets.as_ref(), account, &server.password)
        .await
        .unwrap();
    let events = Arc::new(Collect::default());
    let job = MailJob::start(
        store.clone(),
        secrets,
        events.clone(),
        Duration::from_secs(3600),
    );
    let expected = mail.len() as i64;
    wait_for("the first sync", async || {
        store.count_mail().await.unwrap() == expected
    })
    .await;
    // Only IDLE can bring this one in: the next poll is an hour away.
    let news = corpus::mailbox(2, 77).remove(0).raw;
    // Delivered right away: whether the watcher is in IDLE yet or not, it must be found
    // (the watcher looks once more as soon as it enters IDLE).
    server.deliver("INBOX", &news).unwrap();
    wait_for("the IDLE-triggered sync", async || {
        store.count_mail().await.unwrap() == expected + 1
    })
    .await;
    // Now the watcher sits in IDLE: a message delivered after this settles can only be
    // brought in by the server's IDLE notice.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let later = corpus::mailbox(2, 78).remove(0).raw;
    server.deliver("INBOX", &later).unwrap();
    wait_for("the sync IDLE asked for", async || {
        store.count_mail().await.unwrap() == expected + 2
    })
    .await;
    let status = mail::status::sync_status(&store, Some(&job.progress), job.is_paused())
        .await
        .unwrap();
    let inbox = status.sources.iter().find(|s| s.folder == "INBOX").unwrap();
    assert_eq!(inbox.stored, expected + 2);
    job.stop(Duration::from_secs(10)).await;
    let seen = events.0.lock().unwrap().clone();
    assert!(seen.iter().any(|e| matches!(e, CoreEvent::MailProgress { done, total, .. } if done == total && *total == expected as u64)));
    assert!(seen
        .iter()
        .any(|e| matches!(e, CoreEvent::MailFolderSynced { folder, .. } if folder == "INBOX")));
    assert!(
        !seen
            .iter()
            .any(|e| matches!(e, CoreEvent::MailSyncFailed { .. })),
        "{seen:?}"
    );
}
