//! The real-server harness itself, checked with clients that are not Hearth's: a raw IMAP
//! session, `openssl s_client`, a raw SMTP session, `mbsync` and `secret-tool`. If these
//! fail, the mail tests that build on the harness cannot be trusted.
//!
//! Needs (see tests/src/mailserver.rs and tests/src/keyring.rs): dovecot-imapd, isync,
//! openssl, python3 with aiosmtpd 1.4.x, dbus, gnome-keyring, libsecret-tools; run as root.

use std::io::{BufRead, BufReader, Write};
use std::net::{Ipv4Addr, TcpStream};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, ensure, Context, Result};
use hearth_e2e::{MailServer, SecretService};

fn message(n: usize) -> Vec<u8> {
    format!(
        "From: Alice <alice@example.test>\r\nTo: owner@example.test\r\n\
         Subject: Message {n}\r\nMessage-ID: <m{n}@example.test>\r\n\r\nBody {n}\r\n"
    )
    .into_bytes()
}

#[test]
fn imap_login_select_and_special_use() -> Result<()> {
    let server = MailServer::start()?;
    eprintln!("mail servers up in {:?}", server.startup);
    assert_eq!(server.deliver_many("INBOX", (1..=3).map(message))?, 3);
    server.deliver("Sent", &message(4))?;

    let mut imap = server.probe()?;
    let inbox = imap.select("INBOX")?;
    assert_eq!(inbox.exists, 3);
    assert_eq!(inbox.uidnext, 4);
    assert!(inbox.uidvalidity > 0);
    assert_eq!(imap.select("Sent")?.exists, 1);

    let list = imap.command(r#"LIST "" "*" RETURN (SPECIAL-USE)"#)?;
    for (folder, attribute) in [
        ("Sent", r"\Sent"),
        ("Drafts", r"\Drafts"),
        ("Trash", r"\Trash"),
    ] {
        assert!(
            list.iter()
                .any(|l| l.contains(attribute) && l.ends_with(&format!(" {folder}"))),
            "{folder} with {attribute} in {list:#?}"
        );
    }
    let caps = imap.command("CAPABILITY")?.join("\n");
    for cap in ["IDLE", "UIDPLUS", "SPECIAL-USE", "CONDSTORE", "MOVE"] {
        assert!(caps.contains(cap), "{cap} in {caps}");
    }
    imap.logout();
    Ok(())
}

#[test]
fn ten_thousand_messages_load_fast_in_delivery_order() -> Result<()> {
    let server = MailServer::start()?;
    let started = Instant::now();
    let count = server.deliver_many("INBOX", (1..=10_000).map(message))?;
    let written = started.elapsed();
    let mut imap = server.probe()?;
    let selected = imap.select("INBOX")?;
    eprintln!(
        "10,000 messages: written in {written:?}, first SELECT after {:?}",
        started.elapsed()
    );
    assert_eq!((count, selected.exists), (10_000, 10_000));
    for uid in [1, 2, 5_000, 10_000] {
        let fetch = imap.command(&format!(
            "UID FETCH {uid} (BODY.PEEK[HEADER.FIELDS (SUBJECT)])"
        ))?;
        assert!(
            fetch[0].contains(&format!("Subject: Message {uid}\r\n")),
            "UID {uid}: {fetch:#?}"
        );
    }
    Ok(())
}

#[test]
fn imaps_certificate_verifies_for_127_0_0_1_and_localhost() -> Result<()> {
    let server = MailServer::start()?;
    let s_client = |ca: &std::path::Path, check: &[&str]| -> Result<(bool, String)> {
        let out = Command::new("openssl")
            .args(["s_client", "-brief", "-verify_return_error"])
            .args(["-connect", &format!("127.0.0.1:{}", server.imaps_port)])
            .arg("-CAfile")
            .arg(ca)
            .args(check)
            .stdin(Stdio::null())
            .output()
            .context("openssl s_client")?;
        let text = String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&out.stderr);
        Ok((out.status.success(), text))
    };
    for check in [
        ["-verify_ip", "127.0.0.1"],
        ["-verify_hostname", "localhost"],
    ] {
        let (ok, text) = s_client(&server.ca_pem, &check)?;
        assert!(ok && text.contains("Verification: OK"), "{check:?}: {text}");
    }
    let (ok, text) = s_client(&server.untrusted_ca_pem, &["-verify_ip", "127.0.0.1"])?;
    assert!(!ok, "the untrusted CA must fail: {text}");
    assert!(
        text.contains("unable to get local issuer certificate"),
        "{text}"
    );
    Ok(())
}

fn base64(data: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i)) as usize & 63]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// A raw SMTP session: `send` writes a line and returns the full (multi-line) reply.
struct Smtp {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
}

impl Smtp {
    fn connect(port: u16) -> Result<(Smtp, String)> {
        let stream = TcpStream::connect((Ipv4Addr::LOCALHOST, port))?;
        stream.set_read_timeout(Some(Duration::from_secs(10)))?;
        let mut smtp = Smtp {
            reader: BufReader::new(stream.try_clone()?),
            writer: stream,
        };
        let greeting = smtp.reply()?;
        Ok((smtp, greeting))
    }

    fn reply(&mut self) -> Result<String> {
        let mut all = String::new();
        loop {
            let mut line = String::new();
            if self.reader.read_line(&mut line)? == 0 {
                bail!("SMTP connection closed after {all:?}");
            }
            all.push_str(&line);
            if line.as_bytes().get(3) != Some(&b'-') {
                return Ok(all);
            }
        }
    }

    fn send(&mut self, line: &str) -> Result<String> {
        self.writer.write_all(format!("{line}\r\n").as_bytes())?;
        self.reply()
    }

    fn expect(&mut self, line: &str, code: &str) -> Result<String> {
        let reply = self.send(line)?;
        ensure!(
            reply.starts_with(code),
            "{line:?} → {reply:?}, wanted {code}"
        );
        Ok(reply)
    }
}

#[test]
fn smtp_requires_auth_and_delivers_into_the_imap_inbox() -> Result<()> {
    let server = MailServer::start()?;
    let (mut smtp, greeting) = Smtp::connect(server.smtp_port)?;
    assert!(greeting.starts_with("220"), "{greeting}");
    let ehlo = smtp.expect("EHLO client.example.test", "250")?;
    assert!(ehlo.contains("AUTH LOGIN PLAIN"), "{ehlo}");
    smtp.expect("MAIL FROM:<owner@example.test>", "530")?;
    let wrong = base64(format!("\0{}\0wrong", server.user).as_bytes());
    smtp.expect(&format!("AUTH PLAIN {wrong}"), "535")?;
    let right = base64(format!("\0{}\0{}", server.user, server.password).as_bytes());
    smtp.expect(&format!("AUTH PLAIN {right}"), "235")?;
    smtp.expect("MAIL FROM:<owner@example.test>", "250")?;
    smtp.expect("RCPT TO:<bob@example.test>", "250")?;
    smtp.expect("RCPT TO:<carol@example.test>", "250")?;
    smtp.expect("DATA", "354")?;
    let data = b"From: owner@example.test\r\nTo: bob@example.test\r\nSubject: Round trip\r\n\
                 \r\nHello Bob,\r\n.leading dot\r\n";
    // Dot-stuffing on the wire; the server must hand back the original.
    smtp.writer
        .write_all(b"From: owner@example.test\r\nTo: bob@example.test\r\nSubject: Round trip\r\n\r\nHello Bob,\r\n..leading dot\r\n.\r\n")?;
    let queued = smtp.reply()?;
    assert!(queued.starts_with("250"), "{queued}");
    smtp.expect("QUIT", "221")?;

    let received = server.smtp_messages()?;
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].mail_from, "owner@example.test");
    assert_eq!(
        received[0].rcpt_to,
        ["bob@example.test", "carol@example.test"]
    );
    assert_eq!(received[0].data, data);
    assert_eq!(server.smtp_received(), vec![data.to_vec()]);

    let mut imap = server.probe()?;
    assert_eq!(imap.select("INBOX")?.exists, 1);
    let body = imap.command("FETCH 1 BODY.PEEK[]")?;
    assert!(
        body[0].ends_with(&format!("{})", String::from_utf8_lossy(data))),
        "{body:#?}"
    );
    Ok(())
}

#[test]
fn smtp_goes_offline_and_comes_back_on_the_same_port() -> Result<()> {
    let server = MailServer::start()?;
    server.stop_smtp();
    let refused = TcpStream::connect((Ipv4Addr::LOCALHOST, server.smtp_port));
    assert!(refused.is_err(), "SMTP still reachable while stopped");
    server.start_smtp()?;
    let (_, greeting) = Smtp::connect(server.smtp_port)?;
    assert!(greeting.starts_with("220"), "{greeting}");
    Ok(())
}

#[test]
fn uidvalidity_reset_keeps_the_messages() -> Result<()> {
    let server = MailServer::start()?;
    server.deliver_many("INBOX", (1..=2).map(message))?;
    server.deliver_many("Sent", (3..=4).map(message))?;
    let mut imap = server.probe()?;
    let before = imap.select("INBOX")?;
    let sent_before = imap.select("Sent")?;
    imap.logout();

    server.reset_uidvalidity("INBOX")?;
    let mut imap = server.probe()?;
    let after = imap.select("INBOX")?;
    assert!(
        after.uidvalidity > before.uidvalidity,
        "{before:?} → {after:?}"
    );
    assert_eq!((after.exists, after.uidnext), (2, 3));
    assert_eq!(
        imap.select("Sent")?,
        sent_before,
        "other folders keep theirs"
    );

    // Twice in a row (same second) still gives a new value each time.
    imap.logout();
    server.reset_uidvalidity("INBOX")?;
    let again = server.probe()?.select("INBOX")?;
    assert!(
        again.uidvalidity > after.uidvalidity,
        "{after:?} → {again:?}"
    );
    Ok(())
}

#[test]
fn idle_announces_a_delivery() -> Result<()> {
    let server = MailServer::start()?;
    let mut imap = server.probe()?;
    assert_eq!(imap.select("INBOX")?.exists, 0);
    imap.send_line("i1 IDLE")?;
    let continuation = imap.read_response()?;
    assert!(continuation.starts_with('+'), "{continuation}");
    let started = Instant::now();
    server.deliver("INBOX", &message(1))?;
    loop {
        let response = imap.read_response()?;
        if response == "* 1 EXISTS" {
            break;
        }
        ensure!(started.elapsed() < Duration::from_secs(5), "no EXISTS");
    }
    eprintln!("IDLE saw the delivery after {:?}", started.elapsed());
    imap.send_line("DONE")?;
    while !imap.read_response()?.starts_with("i1 OK") {}
    Ok(())
}

#[test]
fn mbsync_pulls_every_folder_over_imaps() -> Result<()> {
    let server = MailServer::start()?;
    server.deliver_many("INBOX", (1..=3).map(message))?;
    server.deliver("Sent", &message(4))?;
    let local = tempfile::tempdir()?;
    let config = local.path().join("mbsyncrc");
    let mail = local.path().join("mail");
    std::fs::create_dir(&mail)?;
    std::fs::write(&config, server.mbsync_config(&mail))?;
    let out = Command::new("mbsync")
        .arg("-c")
        .arg(&config)
        .arg("-a")
        .output()
        .context("cannot run mbsync: apt-get install isync")?;
    assert!(
        out.status.success(),
        "mbsync: {}\n{}",
        String::from_utf8_lossy(&out.stderr),
        server.imap_log_tail()
    );
    let count = |folder: &str| -> Result<usize> {
        let mut n = 0;
        for sub in ["new", "cur"] {
            n += std::fs::read_dir(local.path().join("mail").join(folder).join(sub))?.count();
        }
        Ok(n)
    };
    assert_eq!(count("INBOX")?, 3);
    assert_eq!(count("Sent")?, 1);
    Ok(())
}

#[test]
fn dropping_the_server_stops_it_and_removes_its_folder() -> Result<()> {
    let server = MailServer::start()?;
    let (dir, ports) = (
        server.dir().to_path_buf(),
        [server.imap_port, server.imaps_port, server.smtp_port],
    );
    drop(server);
    assert!(!dir.exists(), "{} left behind", dir.display());
    for port in ports {
        assert!(
            TcpStream::connect((Ipv4Addr::LOCALHOST, port)).is_err(),
            "port {port} still open"
        );
    }
    Ok(())
}

#[test]
fn keyring_stores_and_looks_up_through_secret_tool() -> Result<()> {
    let started = Instant::now();
    let keyring = SecretService::start()?;
    eprintln!("keyring up in {:?}", started.elapsed());
    let env = keyring.env();
    let names: Vec<&str> = env.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        names,
        [
            "DBUS_SESSION_BUS_ADDRESS",
            "XDG_DATA_HOME",
            "XDG_RUNTIME_DIR"
        ]
    );
    let attrs = ["service", "hearth", "user", "owner@example.test"];
    let mut store = vec!["store", "--label", "Hearth test"];
    store.extend(attrs);
    let out = keyring.secret_tool(&store, b"s3cret pass")?;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut lookup = vec!["lookup"];
    lookup.extend(attrs);
    let out = keyring.secret_tool(&lookup, b"")?;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.stdout, b"s3cret pass");
    Ok(())
}
