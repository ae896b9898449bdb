//! Mail sync under faults, against the real Dovecot: `kill -9` of the real `hearth` process
//! at random points of a few-thousand-message sync, and a server connection that drops in
//! the middle of a FETCH. Afterwards every message is stored exactly once and the file
//! passes `PRAGMA integrity_check`.

#![allow(clippy::unwrap_used)] // a test panics with the error it got

use std::collections::HashSet;
use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::process::Stdio;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use hearth_core::mail::convert::parse;
use hearth_e2e::corpus;
use hearth_e2e::{Desk, MailServer};

#[test]
fn kill_9_during_sync_twenty_times_then_resume_stores_each_message_once() {
    let server = MailServer::start().unwrap();
    let desk = Desk::new();
    let mail: Vec<Vec<u8>> = corpus::mailbox(3000, 42)
        .into_iter()
        .map(|g| g.raw)
        .collect();
    let expected: HashSet<String> = mail.iter().map(|m| parse(m).message_key).collect();
    server.deliver_many("INBOX", &mail).unwrap();
    desk.add_account(&server, "shop", server.imap_port, &[]);
    // A seeded sequence of kill points: early (during login/listing), mid-batch, late.
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let mut kills = 0;
    let mut progress = Vec::new();
    let mut finished_last_round = false;
    let mut round = 0;
    while kills < 20 && round < 80 {
        round += 1;
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let delay = Duration::from_millis(20 + state % 400);
        if finished_last_round {
            // All stored: give the next round work again. A new UIDVALIDITY makes Hearth
            // fetch the whole folder again, so kills also land while it deduplicates.
            server.reset_uidvalidity("INBOX").unwrap();
        }
        let mut child = desk
            .command(&["mail", "sync", "--batch", "40"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        finished_last_round = child.try_wait().unwrap().is_some();
        if !finished_last_round {
            child.kill().unwrap(); // SIGKILL
            kills += 1;
        }
        child.wait().unwrap();
        let stored: usize = desk
            .sql("SELECT COUNT(*) FROM mail_messages")
            .parse()
            .unwrap();
        progress.push(stored);
        // The recorded high-water UID never runs ahead of what is stored.
        let last_uid: usize = desk
            .sql("SELECT coalesce(max(last_uid), 0) FROM mail_folders WHERE name = 'INBOX'")
            .parse()
            .unwrap();
        let stored_uids: usize = desk
            .sql("SELECT COUNT(*) FROM mail_uids u JOIN mail_folders f ON f.id = u.folder_id WHERE f.name = 'INBOX' AND u.uid_validity = f.uid_validity AND u.uid <= f.last_uid")
            .parse()
            .unwrap();
        assert_eq!(
            stored_uids, last_uid,
            "round {round}: every UID up to the mark is stored"
        );
    }
    assert!(
        kills >= 20,
        "the sync was really interrupted ({kills} kills): {progress:?}"
    );
    desk.sync();
    let stored = desk.stored_keys();
    assert_eq!(stored.len(), expected.len());
    assert_eq!(stored, expected);
    assert_eq!(
        desk.sql("SELECT COUNT(*) FROM interactions")
            .parse::<usize>()
            .unwrap(),
        expected.len()
    );
    assert_eq!(desk.sql("PRAGMA integrity_check"), "ok");
    eprintln!("stored after each kill: {progress:?}");
}

/// A TCP proxy that cuts every connection after `budget` bytes from the server (negative:
/// never), as a flaky network or a crashing server would.
fn cutting_proxy(upstream: u16, budget: Arc<AtomicI64>) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for client in listener.incoming() {
            let Ok(client) = client else { return };
            let Ok(server) = TcpStream::connect(("127.0.0.1", upstream)) else {
                continue;
            };
            let budget = Arc::clone(&budget);
            let (mut c_read, mut s_write) =
                (client.try_clone().unwrap(), server.try_clone().unwrap());
            std::thread::spawn(move || {
                let mut buf = [0u8; 8192];
                while let Ok(n) = c_read.read(&mut buf) {
                    if n == 0 || s_write.write_all(&buf[..n]).is_err() {
                        break;
                    }
                }
                let _ = s_write.shutdown(Shutdown::Both);
            });
            std::thread::spawn(move || {
                let (mut s_read, mut c_write) = (server, client);
                let mut sent = 0i64;
                let limit = budget.load(Ordering::SeqCst);
                let mut buf = [0u8; 8192];
                while let Ok(n) = s_read.read(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    let allowed = if limit < 0 {
                        n
                    } else {
                        (limit - sent).clamp(0, n as i64) as usize
                    };
                    if c_write.write_all(&buf[..allowed]).is_err() || allowed < n {
                        break;
                    }
                    sent += n as i64;
                }
                let _ = c_write.shutdown(Shutdown::Both);
                let _ = s_read.shutdown(Shutdown::Both);
            });
        }
    });
    port
}

#[test]
fn a_connection_dropped_mid_fetch_is_reported_and_resumed_without_loss() {
    let server = MailServer::start().unwrap();
    let desk = Desk::new();
    let mail: Vec<Vec<u8>> = corpus::mailbox(400, 8).into_iter().map(|g| g.raw).collect();
    let expected: HashSet<String> = mail.iter().map(|m| parse(m).message_key).collect();
    server.deliver_many("INBOX", &mail).unwrap();
    let budget = Arc::new(AtomicI64::new(150_000));
    let port = cutting_proxy(server.imap_port, Arc::clone(&budget));
    desk.add_account(&server, "shop", port, &[]);
    let out = desk
        .command(&["mail", "sync", "--batch", "50"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(5), "{stderr}");
    assert!(
        stderr.contains("IMAP") && stderr.contains("127.0.0.1"),
        "the server and the step: {stderr}"
    );
    let partial: usize = desk
        .sql("SELECT COUNT(*) FROM mail_messages")
        .parse()
        .unwrap();
    assert!(
        partial > 0 && partial < expected.len(),
        "some batches landed: {partial}"
    );
    let status =
        desk.sql("SELECT state, last_error IS NOT NULL FROM mail_folders WHERE name = 'INBOX'");
    assert_eq!(status, "error|1", "the status says it failed, not synced");
    budget.store(-1, Ordering::SeqCst);
    desk.sync();
    let stored = desk.stored_keys();
    assert_eq!(stored, expected);
    assert_eq!(
        desk.sql("SELECT state FROM mail_folders WHERE name = 'INBOX'"),
        "idle"
    );
}
