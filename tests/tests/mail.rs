//! Mail end to end: the real `hearth` binary against a real Dovecot (IMAP and IMAPS), a real
//! SMTP server delivering into the same Maildir, and a real Secret Service keyring. Each
//! test starts its own servers on 127.0.0.1 and stops them when it ends.

#![allow(clippy::unwrap_used)] // a test panics with the error it got

use std::collections::HashSet;
use std::path::Path;

use hearth_core::mail::convert::parse;
use hearth_e2e::corpus::{self, OWNER};
use hearth_e2e::{Desk, MailServer};

fn cpython_corpus() -> Vec<Vec<u8>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/cpython-email");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    files.sort();
    files.iter().map(|p| std::fs::read(p).unwrap()).collect()
}

fn keys<'a>(raws: impl IntoIterator<Item = &'a Vec<u8>>) -> HashSet<String> {
    raws.into_iter().map(|r| parse(r).message_key).collect()
}

#[test]
fn sync_threads_links_and_replies_round_trip() {
    let server = MailServer::start().unwrap();
    let desk = Desk::new();
    let generated = corpus::mailbox(60, 1);
    let inbox: Vec<Vec<u8>> = generated
        .iter()
        .filter(|g| g.folder == "INBOX")
        .map(|g| g.raw.clone())
        .collect();
    let sent: Vec<Vec<u8>> = generated
        .iter()
        .filter(|g| g.folder == "Sent")
        .map(|g| g.raw.clone())
        .collect();
    let odd = cpython_corpus();
    server.deliver_many("INBOX", &inbox).unwrap();
    server.deliver_many("INBOX", &odd).unwrap();
    server.deliver_many("Sent", &sent).unwrap();
    // The same replies copied into another folder the user syncs: still one each.
    server.deliver_many("Archive", &sent[..3]).unwrap();
    let mut expected = keys(inbox.iter().chain(&odd).chain(&sent));
    desk.add_account(&server, "shop", server.imap_port, &[]);
    // The password is in the keyring, never in the business file.
    assert!(!std::fs::read(desk.db())
        .unwrap()
        .windows(server.password.len())
        .any(|w| w == server.password.as_bytes()));
    let test = desk.ok(&["mail", "test", "shop"], None);
    assert!(
        test.contains("IMAP ok") && test.contains("Sent (sent)"),
        "{test}"
    );
    assert!(test.contains("SMTP ok"), "{test}");

    // Add the archive folder by re-adding the account with --folder.
    desk.ok(&["mail", "remove-account", "shop"], None);
    desk.add_account(&server, "shop", server.imap_port, &["--folder", "Archive"]);
    let out = desk.ok(&["mail", "sync"], None);
    assert!(out.contains("shop/INBOX:"), "{out}");
    assert!(out.contains("shop/Archive: 3 fetched, 0 new"), "{out}");
    assert_eq!(
        desk.count("SELECT COUNT(*) FROM mail_messages"),
        expected.len()
    );
    assert_eq!(
        desk.count("SELECT COUNT(*) FROM interactions WHERE channel = 'email'"),
        expected.len()
    );
    let stored = desk.stored_keys();
    assert_eq!(stored, expected, "every message exactly once");
    assert_eq!(desk.sql("PRAGMA integrity_check"), "ok");

    // Directions, contacts and threads.
    assert_eq!(
        desk.count("SELECT COUNT(*) FROM interactions WHERE direction = 'outbound'"),
        sent.len()
    );
    assert_eq!(
        desk.count(&format!(
            "SELECT COUNT(*) FROM contact_identities WHERE value IN ('{OWNER}', '{}')",
            server.user
        )),
        0,
        "the business's own addresses never become contacts"
    );
    let customer = &generated[0].customer;
    assert!(
        desk.count(&format!(
            "SELECT COUNT(*) FROM contact_identities WHERE value = '{customer}'"
        )) == 1
    );
    let unthreaded = desk.count(
        "SELECT COUNT(*) FROM interactions r WHERE r.direction = 'outbound' AND NOT EXISTS \
         (SELECT 1 FROM interactions q WHERE q.direction = 'inbound' AND q.thread_key = r.thread_key \
          AND q.contact_id = r.contact_id)",
    );
    assert_eq!(
        unthreaded, 0,
        "each reply shares its question's thread and contact"
    );
    // RFC 2047 names and subjects decoded, attachments listed, HTML kept apart.
    // RFC 2047 sender names arrive decoded: accented names, and no encoded word left.
    assert!(
        desk.count("SELECT COUNT(*) FROM contacts WHERE name GLOB '*[éöüøí]*'") > 0,
        "accented names decoded"
    );
    assert_eq!(
        desk.count("SELECT COUNT(*) FROM contacts WHERE name LIKE '%=?%?=%'"),
        0,
        "no encoded word left in a name"
    );
    assert!(desk.count("SELECT COUNT(*) FROM interactions WHERE subject LIKE 'Quote for a new water heater #%'") > 0);
    assert!(desk.count(
        "SELECT COUNT(*) FROM interactions WHERE metadata ->> '$.attachments[0].content_type' = 'image/jpeg' \
         AND metadata ->> '$.attachments[0].size' = 2048"
    ) > 0);
    assert!(
        desk.count("SELECT COUNT(*) FROM interactions WHERE body_html LIKE '%<script>%'") > 0,
        "HTML is stored as received and sanitized on every read"
    );
    assert!(
        desk.count("SELECT COUNT(*) FROM interactions WHERE body LIKE 'Привет%'") > 0,
        "KOI8-R decoded"
    );
    assert!(
        desk.count("SELECT COUNT(*) FROM interactions WHERE body LIKE '%très bien%'") > 0,
        "Latin-1 decoded"
    );

    // Incremental: only the new message is fetched.
    let extra = corpus::mailbox(3, 99);
    server.deliver("INBOX", &extra[0].raw).unwrap();
    expected.insert(parse(&extra[0].raw).message_key);
    let out = desk.ok(&["mail", "sync"], None);
    assert!(out.contains("shop/INBOX: 1 fetched, 1 new"), "{out}");
    assert!(out.contains("shop/Sent: 0 fetched"), "{out}");

    // Reply to the first customer's message from the timeline.
    let question: i64 = desk
        .sql(&format!(
            "SELECT i.id FROM interactions i JOIN contact_identities ci ON ci.contact_id = i.contact_id \
             WHERE ci.value = '{customer}' AND i.direction = 'inbound' ORDER BY i.occurred_at LIMIT 1"
        ))
        .parse()
        .unwrap();
    let thread = desk.sql(&format!(
        "SELECT thread_key FROM interactions WHERE id = {question}"
    ));
    let answer = desk.ok(
        &[
            "mail",
            "send",
            "--account",
            "shop",
            "--reply-to",
            &question.to_string(),
            "--body",
            "Happy to help: Tuesday 9am?",
        ],
        None,
    );
    assert!(answer.starts_with("sent"), "{answer}");
    let received = server.smtp_messages().unwrap();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].rcpt_to, vec![customer.clone()]);
    let reply = parse(&received[0].data);
    assert!(reply.subject.as_deref().unwrap().starts_with("Re: "));
    let question_id = desk.sql(&format!(
        "SELECT message_id FROM mail_messages WHERE interaction_id = {question}"
    ));
    assert_eq!(reply.in_reply_to, vec![question_id.clone()]);
    assert!(reply.references.contains(&question_id));
    // Recorded at once, in the same thread, as sent.
    let recorded = desk.sql(&format!(
        "SELECT direction, thread_key, metadata ->> '$.delivery' FROM interactions WHERE source_id = '{}'",
        reply.message_key
    ));
    assert_eq!(recorded, format!("outbound|{thread}|sent"));
    // Appended to Sent, and (delivered to ourselves by the SMTP server) also in INBOX: the
    // next sync sees both copies and stores neither again.
    let before = desk.count("SELECT COUNT(*) FROM interactions");
    let out = desk.ok(&["mail", "sync"], None);
    assert!(out.contains("shop/Sent: 1 fetched, 0 new"), "{out}");
    assert_eq!(desk.count("SELECT COUNT(*) FROM interactions"), before);
    assert_eq!(desk.sql("PRAGMA integrity_check"), "ok");
}

#[test]
fn uidvalidity_change_resyncs_without_duplicates() {
    let server = MailServer::start().unwrap();
    let desk = Desk::new();
    let mail: Vec<Vec<u8>> = corpus::mailbox(30, 5).into_iter().map(|g| g.raw).collect();
    server.deliver_many("INBOX", &mail).unwrap();
    desk.add_account(&server, "shop", server.imap_port, &[]);
    desk.ok(&["mail", "sync"], None);
    let stored = desk.count("SELECT COUNT(*) FROM mail_messages");
    assert_eq!(stored, keys(&mail).len());
    let validity = desk.sql("SELECT uid_validity FROM mail_folders WHERE name = 'INBOX'");
    server.reset_uidvalidity("INBOX").unwrap();
    let out = desk.ok(&["mail", "sync"], None);
    assert!(out.contains("UIDVALIDITY changed"), "{out}");
    assert!(
        out.contains(&format!("shop/INBOX: {} fetched, 0 new", mail.len())),
        "{out}"
    );
    assert_ne!(
        desk.sql("SELECT uid_validity FROM mail_folders WHERE name = 'INBOX'"),
        validity
    );
    assert_eq!(desk.count("SELECT COUNT(*) FROM mail_messages"), stored);
    assert_eq!(desk.count("SELECT COUNT(*) FROM interactions"), stored);
}

#[test]
fn tls_trust_and_login_failures_are_told_precisely() {
    let server = MailServer::start().unwrap();
    let desk = Desk::new();
    let port = server.imaps_port.to_string();
    let ca = server.ca_pem.to_str().unwrap();
    let untrusted = server.untrusted_ca_pem.to_str().unwrap();
    let add =
        |name: &str, host: &str, port: &str, security: &str, ca: Option<&str>, password: &str| {
            let mut args = vec![
                "mail",
                "add-account",
                "--name",
                name,
                "--host",
                host,
                "--port",
                port,
                "--security",
                security,
                "--user",
                &server.user,
                "--address",
                OWNER,
                "--password-stdin",
            ];
            if let Some(ca) = ca {
                args.extend(["--ca-file", ca]);
            }
            desk.run(&args, Some(password))
        };
    assert!(
        add("tls", "127.0.0.1", &port, "tls", Some(ca), &server.password)
            .status
            .success()
    );
    let ok = desk.ok(&["mail", "test", "tls"], None);
    assert!(ok.contains("IMAP ok"), "{ok}");
    // STARTTLS on the plain port with the same CA.
    let plain_port = server.imap_port.to_string();
    assert!(add(
        "starttls",
        "localhost",
        &plain_port,
        "starttls",
        Some(ca),
        &server.password
    )
    .status
    .success());
    assert!(desk
        .ok(&["mail", "test", "starttls"], None)
        .contains("IMAP ok"));

    assert!(add(
        "untrusted",
        "127.0.0.1",
        &port,
        "tls",
        Some(untrusted),
        &server.password
    )
    .status
    .success());
    let err = desk.fails(&["mail", "test", "untrusted"], None, 5);
    assert!(err.contains("not trusted"), "{err}");

    assert!(add(
        "wrongpw",
        "127.0.0.1",
        &plain_port,
        "plain",
        None,
        "not-the-password"
    )
    .status
    .success());
    let err = desk.fails(&["mail", "test", "wrongpw"], None, 5);
    assert!(err.contains("refused the login"), "{err}");

    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
        .to_string();
    assert!(add("closed", "127.0.0.1", &closed, "plain", None, "x")
        .status
        .success());
    let err = desk.fails(&["mail", "test", "closed"], None, 5);
    assert!(err.contains("cannot connect to 127.0.0.1"), "{err}");

    // Plain text to anything but this machine is refused before anything is stored.
    let out = add("remote", "192.0.2.1", "143", "plain", None, "x");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("only allowed"));
    let out = add("tls", "127.0.0.1", &port, "tls", Some(ca), "x");
    assert_eq!(out.status.code(), Some(2), "names are unique");
    assert_eq!(desk.count("SELECT COUNT(*) FROM mail_accounts"), 5);
}

#[test]
fn offline_mail_waits_in_the_outbox_and_goes_out_once() {
    let server = MailServer::start().unwrap();
    let desk = Desk::new();
    desk.add_account(&server, "shop", server.imap_port, &[]);
    server.stop_smtp();
    let out = desk.ok(
        &[
            "mail",
            "send",
            "--account",
            "shop",
            "--to",
            "ana@example.com",
            "--subject",
            "Your order",
            "--body",
            "It ships today.",
        ],
        None,
    );
    assert!(out.starts_with("queued"), "{out}");
    assert!(
        out.contains("cannot connect") || out.contains("Connection refused"),
        "{out}"
    );
    // On the timeline already, marked queued.
    assert_eq!(
        desk.sql("SELECT metadata ->> '$.delivery' FROM interactions WHERE subject = 'Your order'"),
        "queued"
    );
    // Still offline: the next sync tries only once it is due, and nothing is lost.
    desk.ok(&["mail", "sync"], None);
    assert_eq!(desk.sql("SELECT state FROM outbox"), "pending");
    server.start_smtp().unwrap();
    desk.sql("UPDATE outbox SET next_attempt_at = 0");
    let out = desk.ok(&["mail", "sync"], None);
    assert!(out.contains("outbox: 1 sent"), "{out}");
    desk.ok(&["mail", "sync"], None);
    desk.ok(&["mail", "sync"], None);
    let received = server.smtp_messages().unwrap();
    assert_eq!(received.len(), 1, "sent exactly once");
    assert_eq!(received[0].rcpt_to, vec!["ana@example.com"]);
    assert_eq!(desk.sql("SELECT state, attempts FROM outbox"), "sent|2");
    assert_eq!(
        desk.sql("SELECT metadata ->> '$.delivery' FROM interactions WHERE subject = 'Your order'"),
        "sent"
    );
}

#[test]
fn a_large_attachment_and_hostile_input_are_stored_not_lost() {
    let server = MailServer::start().unwrap();
    let desk = Desk::new();
    let big = corpus::with_attachment(20 << 20, "big@example.com");
    server.deliver("INBOX", &big).unwrap();
    server
        .deliver("INBOX", b"this is not a mail message at all \xff\xfe")
        .unwrap();
    server.deliver("INBOX", b"From: \r\nSubject: =?bogus?Q?=ZZ?=\r\nDate: 99 Foo 20266 99:99\r\nContent-Type: multipart/mixed; boundary=\"x\"\r\n\r\n--x\r\nbroken").unwrap();
    desk.add_account(&server, "shop", server.imap_port, &[]);
    desk.ok(&["mail", "sync"], None);
    assert_eq!(desk.count("SELECT COUNT(*) FROM mail_messages"), 3);
    assert_eq!(
        desk.sql("SELECT metadata ->> '$.attachments[0].size' FROM interactions WHERE subject = 'Plans (large)'"),
        (20 << 20).to_string()
    );
    assert!(desk.count("SELECT COUNT(*) FROM mail_messages WHERE parse_note IS NOT NULL") >= 2);
    // The raw bytes are kept (compressed) and read back exactly.
    let raw_size: usize = desk
        .sql("SELECT raw_size FROM mail_messages WHERE message_id = 'big@example.com'")
        .parse()
        .unwrap();
    assert!(raw_size > 20 << 20);
}
