//! Campaigns through the real `hearth` binary against a real SMTP/IMAP server (aiosmtpd +
//! Dovecot), the provider stand-in and a real keyring: a 500-person email → text → AI call
//! campaign whose engine is killed with SIGKILL at random points at least 20 times, then
//! resumed. Sends are counted at the servers, not in Hearth's tables.

#![allow(clippy::unwrap_used)] // a test panics with the error it got

use std::collections::HashMap;
use std::process::Stdio;
use std::time::{Duration, Instant};

use hearth_e2e::{Desk, MailServer};
use hearth_provider_sim::{Sim, SimConfig};

const PEOPLE: usize = 500;

/// Name, email and E.164 phone of person `i`.
fn person(i: usize) -> (String, String, String) {
    const AREAS: [u32; 5] = [415, 212, 312, 617, 206];
    let area = AREAS[i / 100];
    (
        format!("Customer {i:03}"),
        format!("customer{i:03}@example.com"),
        format!("+1{area}55501{:02}", i % 100),
    )
}

fn spec() -> serde_json::Value {
    let pace = serde_json::json!({ "per_minute": 60000, "burst": 50, "daily_cap": 0 });
    serde_json::json!({
        "name": "Winter win-back",
        "kind": "winback",
        "audience": {},
        "steps": [
            { "channel": "email",
              "email": { "subject": "We miss you, {first_name}",
                         "text": "Hi {first_name},\n{promotion}\n{business_name}",
                         "html": "<p>Hi <b>{first_name}</b>, {promotion}</p><script>alert(1)</script>" } },
            { "channel": "sms", "delay_hours": 0,
              "sms": { "text": "Hi {first_name}, {promotion}" } },
            { "channel": "call", "delay_hours": 0,
              "call": { "variables": { "customerName": "{first_name}", "offer": "{promotion}" } } }
        ],
        "schedule": { "window": null, "email": pace, "sms": pace, "call": pace,
                      "call_concurrency": 1000, "attribution_days": 14 },
        "variables": { "promotion": "20% off this week" }
    })
}

/// How many times each address was contacted, per channel, counted at the servers.
struct Counts {
    email: HashMap<String, usize>,
    sms: HashMap<String, usize>,
    call: HashMap<String, usize>,
}

fn counts(server: &MailServer, sim: &Sim, owner: &str) -> Counts {
    let mut email: HashMap<String, usize> = HashMap::new();
    for m in server.smtp_messages().unwrap() {
        for rcpt in &m.rcpt_to {
            if rcpt != owner {
                *email.entry(rcpt.clone()).or_default() += 1;
            }
        }
    }
    let mut sms: HashMap<String, usize> = HashMap::new();
    for m in sim.sent_messages() {
        *sms.entry(m["to"].as_str().unwrap().to_owned()).or_default() += 1;
    }
    let mut call: HashMap<String, usize> = HashMap::new();
    for c in sim.created_calls() {
        let to = c["customer"]["number"].as_str().unwrap().to_owned();
        *call.entry(to).or_default() += 1;
    }
    Counts { email, sms, call }
}

#[test]
fn kill_9_at_random_points_never_contacts_anyone_twice_or_anyone_who_opted_out() {
    let server = MailServer::start().unwrap();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let sim = rt
        .block_on(Sim::start(SimConfig {
            vapi_calls: 0,
            telnyx_messages: 0,
            telnyx_calls: 0,
            optouts: 0,
            vapi_concurrency_limit: 100_000,
            ..SimConfig::default()
        }))
        .unwrap();
    let desk = Desk::new();
    desk.add_account(&server, "shop", server.imap_port, &[]);
    desk.connect_sim(&sim, &["--timeout-secs", "5"]);
    // The stand-in's records are complete at once: absence is evidence without waiting.
    desk.ok(&["setting", "evidence-wait", "0"], None);
    let owner = hearth_e2e::corpus::OWNER.to_owned();

    // 500 customers from an order export.
    let mut csv =
        String::from("Order Number,Created At,Grand Total,Currency,Status,Customer,Email,Phone\n");
    for i in 0..PEOPLE {
        let (name, email, phone) = person(i);
        csv.push_str(&format!(
            "{},2026-06-01 10:00:00,49.00,USD,paid,{name},{email},{phone}\n",
            5000 + i
        ));
    }
    let file = desk.data.path().join("customers.csv");
    std::fs::write(&file, csv).unwrap();
    desk.ok(&["import", "orders", file.to_str().unwrap()], None);

    // 20 texted STOP before the campaign: left out at selection.
    let before: Vec<usize> = (0..20).map(|k| k * 25).collect();
    for &i in &before {
        sim.inbound_sms(&person(i).2, "STOP");
    }
    desk.ok(&["sync", "telnyx"], None);

    let spec_file = desk.data.path().join("spec.json");
    std::fs::write(&spec_file, spec().to_string()).unwrap();
    let created = desk.ok(
        &["campaign", "create", "--spec", spec_file.to_str().unwrap()],
        None,
    );
    assert!(created.contains("480 recipients, 20 excluded"), "{created}");
    let launched = desk.ok(&["campaign", "launch", "1"], None);
    assert!(launched.contains("480 recipients"), "{launched}");

    // The engine, killed at random points until the campaign is done.
    let mut rng = 0x2545_F491_4F6C_DD1Du64;
    let mut next = move |lo: u64, hi: u64| {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        lo + rng % (hi - lo)
    };
    let engine_log = desk.data.path().join("engine.log");
    let mut kills = 0;
    let mut during: Vec<usize> = Vec::new();
    let started = Instant::now();
    loop {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&engine_log)
            .unwrap();
        let mut child = desk
            .command(&["campaign", "run", "--until-done"])
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(next(150, 700)));
        if child.try_wait().unwrap().is_some() {
            break;
        }
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        kills += 1;
        // Mid-campaign, 10 people who got the email but no text yet text STOP and 10
        // reply "unsubscribe" by email.
        if during.is_empty() {
            let c = counts(&server, &sim, &owner);
            let fresh: Vec<usize> = (0..PEOPLE)
                .filter(|i| !before.contains(i))
                .filter(|&i| {
                    let (_, email, phone) = person(i);
                    c.email.contains_key(&email) && !c.sms.contains_key(&phone)
                })
                .collect();
            if fresh.len() >= 60 {
                during = fresh.iter().step_by(3).take(20).copied().collect();
                for &i in &during[..10] {
                    sim.inbound_sms(&person(i).2, "STOP");
                }
                desk.ok(&["sync", "telnyx"], None);
                let date = chrono::Utc::now().to_rfc2822();
                for &i in &during[10..] {
                    let (name, email, _) = person(i);
                    let raw = format!(
                        "From: {name} <{email}>\r\nTo: {owner}\r\nSubject: unsubscribe\r\n\
                         Date: {date}\r\nMessage-ID: <unsub-{i}@example.com>\r\n\r\nunsubscribe\r\n"
                    );
                    server.deliver("INBOX", raw.as_bytes()).unwrap();
                }
                desk.ok(&["mail", "sync", "shop"], None);
            }
        }
        assert!(kills < 400, "the campaign does not finish");
    }
    let finished = desk.ok(&["campaign", "run", "--until-done"], None);
    eprintln!(
        "{kills} kills over {:.1} s; last run: {finished}",
        started.elapsed().as_secs_f64()
    );
    assert!(
        kills >= 20,
        "only {kills} kills before the campaign finished"
    );
    // How the sends caught in flight by a kill were settled, from the engine's own words.
    let log = std::fs::read_to_string(&engine_log).unwrap();
    let total = |label: &str| -> usize {
        log.lines()
            .filter_map(|l| l.split(label).nth(1))
            .filter_map(|rest| {
                rest.split(|c: char| !c.is_ascii_digit())
                    .find(|w| !w.is_empty())
            })
            .filter_map(|n| n.parse::<usize>().ok())
            .sum()
    };
    let (in_flight, confirmed, again) = (
        log.lines()
            .filter(|l| l.contains("were in flight when Hearth stopped"))
            .count(),
        total("confirmed after a crash "),
        total("sent again after a crash "),
    );
    eprintln!(
        "{in_flight} restarts found sends in flight; {confirmed} confirmed from the servers' records, {again} sent again because no server had them"
    );
    assert!(
        in_flight > 0 && confirmed + again > 0,
        "no kill caught a send in flight: {log}"
    );
    assert_eq!(during.len(), 20, "the mid-campaign opt-outs happened");

    // Counted at the servers.
    let c = counts(&server, &sim, &owner);
    let mut problems = Vec::new();
    for i in 0..PEOPLE {
        let (_, email, phone) = person(i);
        let got = (
            c.email.get(&email).copied().unwrap_or(0),
            c.sms.get(&phone).copied().unwrap_or(0),
            c.call.get(&phone).copied().unwrap_or(0),
        );
        let want = if before.contains(&i) {
            (0, 0, 0)
        } else if during.contains(&i) {
            (1, 0, 0)
        } else {
            (1, 1, 1)
        };
        if got != want {
            problems.push(format!(
                "person {i}: (email, text, call) {got:?}, expected {want:?}"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));

    // What went out: a Bcc copy to the business (the crash evidence), never in the
    // headers; the unsubscribe line and header; no script from the template.
    for m in server.smtp_messages().unwrap() {
        let text = String::from_utf8_lossy(&m.data);
        if !text.contains("We miss you") {
            continue;
        }
        assert!(m.rcpt_to.contains(&owner), "{:?}", m.rcpt_to);
        assert!(!text.contains("\r\nBcc:"), "{text}");
        assert!(text.contains("List-Unsubscribe: <mailto:"), "{text}");
        assert!(text.contains("unsubscribe"), "{text}");
        assert!(!text.contains("<script>"), "{text}");
    }

    // Hearth's own account agrees.
    let status = desk.ok(&["campaign", "status", "1"], None);
    assert!(status.contains("completed"), "{status}");
    assert!(
        status.contains("opted_out 10") || status.contains("opted_out 20"),
        "{status}"
    );
    let csv = desk.ok(&["campaign", "results", "1", "--csv", "-"], None);
    assert_eq!(csv.lines().count(), 481, "{csv}");
    assert_eq!(desk.sql("PRAGMA integrity_check"), "ok");
}
