//! VAPI and Telnyx against the loopback stand-in (`hearth-provider-sim`, the shapes of
//! shared/providers.md), through the real `hearth` binary and a real Secret Service
//! keyring: first and incremental syncs, windows of more than 1000 calls, every fault,
//! no hot loop, sends (SMS, AI calls) with opt-outs and lost answers, and kill -9 mid-ingest.

#![allow(clippy::unwrap_used)] // a test panics with the error it got

use std::collections::HashSet;
use std::process::Stdio;
use std::time::Duration;

use hearth_e2e::Desk;
use hearth_provider_sim::{Fault, Route, Sim, SimConfig};

/// A runtime that hosts the stand-in while the test thread drives the CLI.
fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

fn start(rt: &tokio::runtime::Runtime, cfg: SimConfig) -> Sim {
    rt.block_on(Sim::start(cfg)).unwrap()
}

/// Sets both providers up on `desk` against `sim`.
fn connect(desk: &Desk, sim: &Sim, extra: &[&str]) {
    desk.connect_sim(sim, extra);
}

fn ids(desk: &Desk, channel: &str) -> Vec<String> {
    desk.sql(&format!(
        "SELECT source_id FROM interactions WHERE channel = '{channel}' ORDER BY source_id"
    ))
    .lines()
    .map(str::to_owned)
    .collect()
}

fn set(v: &[String]) -> HashSet<String> {
    v.iter().cloned().collect()
}

/// Each record once, and exactly the sim's.
fn assert_mirrors(desk: &Desk, sim: &Sim) {
    let calls = ids(desk, "voice_ai");
    assert_eq!(calls.len(), set(&calls).len(), "a call stored twice");
    assert_eq!(
        set(&calls),
        set(&sim.vapi_phone_call_ids()),
        "VAPI phone calls"
    );
    let texts = ids(desk, "sms");
    assert_eq!(texts.len(), set(&texts).len(), "a text stored twice");
    assert_eq!(
        set(&texts),
        set(&sim.telnyx_ids("messaging")),
        "Telnyx texts"
    );
    let cdrs = ids(desk, "call");
    assert_eq!(cdrs.len(), set(&cdrs).len(), "a call record stored twice");
    assert_eq!(
        cdrs.len(),
        sim.telnyx_record_count("call-control"),
        "Telnyx call records"
    );
}

#[test]
fn calls_and_texts_land_on_the_right_contacts_with_their_content() {
    let rt = runtime();
    let sim = start(
        &rt,
        SimConfig {
            vapi_calls: 400,
            telnyx_messages: 600,
            telnyx_calls: 80,
            optouts: 5,
            ..SimConfig::default()
        },
    );
    let desk = Desk::new();
    connect(&desk, &sim, &[]);
    let out = desk.ok(&["sync", "vapi"], None);
    assert!(out.contains("vapi: "), "{out}");
    let out = desk.ok(&["sync", "telnyx"], None);
    assert!(
        out.contains("telnyx_sms: ") && out.contains("telnyx_optouts: "),
        "{out}"
    );
    assert_mirrors(&desk, &sim);

    // Contacts by number, named from VAPI's customer.name.
    for (number, name) in sim.customers().into_iter().take(40) {
        let owner = desk.sql(&format!(
            "SELECT c.name FROM contacts c JOIN contact_identities i ON i.contact_id = c.id \
             WHERE i.kind = 'phone' AND i.value = '{number}'"
        ));
        if owner.is_empty() {
            continue; // no call or text with this customer
        }
        assert_eq!(owner.lines().count(), 1, "{number} has one contact");
        if let Some(name) = name {
            let calls_named = desk.count(&format!(
                "SELECT COUNT(*) FROM interactions WHERE channel = 'voice_ai' \
                 AND json_extract(metadata, '$.customer_name') = '{}'",
                name.replace('\'', "''")
            ));
            if calls_named > 0 {
                assert_eq!(owner, name, "{number} is named from its calls");
            }
        }
        // Every interaction with that number is on that contact.
        let strays = desk.count(&format!(
            "SELECT COUNT(*) FROM interactions i WHERE (json_extract(metadata, '$.customer_number') = '{number}' \
             OR json_extract(metadata, '$.their_number') = '{number}') AND contact_id IS NOT \
             (SELECT contact_id FROM contact_identities WHERE kind = 'phone' AND value = '{number}')"
        ));
        assert_eq!(strays, 0, "{number}'s records are all on its contact");
    }
    // Ended calls carry transcripts, customer turns apart, and a summary or outputs.
    let ended = desk.count("SELECT COUNT(*) FROM interactions WHERE channel = 'voice_ai' AND json_extract(metadata, '$.status') = 'ended'");
    assert!(ended > 100, "{ended}");
    let with_text = desk.count("SELECT COUNT(*) FROM interactions WHERE channel = 'voice_ai' AND json_extract(metadata, '$.status') = 'ended' AND body LIKE '%User:%' AND json_extract(metadata, '$.customer_text') IS NOT NULL");
    assert!(
        with_text * 10 >= ended * 8,
        "{with_text} of {ended} ended calls have transcripts"
    );
    let leaked = desk.count("SELECT COUNT(*) FROM interactions WHERE channel = 'voice_ai' AND json_extract(metadata, '$.customer_text') LIKE 'AI:%'");
    assert_eq!(leaked, 0, "the agent's words never count as the customer's");
    assert!(
        desk.count(
            "SELECT COUNT(*) FROM interactions WHERE channel = 'voice_ai' AND summary IS NOT NULL"
        ) > 0
    );
    assert!(desk.count("SELECT COUNT(*) FROM interactions WHERE channel = 'voice_ai' AND json_extract(metadata, '$.structured_outputs') IS NOT NULL") > 0);
    assert_eq!(desk.count("SELECT COUNT(*) FROM interactions WHERE metadata LIKE '%presigned%' OR metadata LIKE '%X-Amz%'"), 0, "expiring URLs are not kept");
    // Texts: inbound bodies within 10 days, "not available" before, none guessed.
    let young_inbound = desk.count(&format!(
        "SELECT COUNT(*) FROM interactions WHERE channel = 'sms' AND direction = 'inbound' AND occurred_at > {}",
        hearth_core::now_ms() - 9 * 86_400_000
    ));
    let young_with_body = desk.count(&format!(
        "SELECT COUNT(*) FROM interactions WHERE channel = 'sms' AND direction = 'inbound' AND occurred_at > {} AND body IS NOT NULL",
        hearth_core::now_ms() - 9 * 86_400_000
    ));
    assert!(
        young_inbound > 20 && young_with_body == young_inbound,
        "{young_with_body} of {young_inbound}"
    );
    let old = desk.count(&format!(
        "SELECT COUNT(*) FROM interactions WHERE channel = 'sms' AND direction = 'inbound' AND occurred_at < {}",
        hearth_core::now_ms() - 11 * 86_400_000
    ));
    let old_marked = desk.count(&format!(
        "SELECT COUNT(*) FROM interactions WHERE channel = 'sms' AND direction = 'inbound' AND occurred_at < {} \
         AND body IS NULL AND json_extract(metadata, '$.body_state') = 'unavailable'",
        hearth_core::now_ms() - 11 * 86_400_000
    ));
    assert!(old > 20 && old_marked == old, "{old_marked} of {old}");
    // Money is exact: cost strings kept, micro-units stored.
    assert_eq!(desk.count("SELECT COUNT(*) FROM interactions WHERE channel = 'sms' AND json_extract(metadata, '$.cost') IS NOT NULL AND cost_micros IS NULL"), 0);
    // Opt-outs mirrored.
    let optouts = desk.ok(&["optouts", "--json"], None);
    let rows: serde_json::Value = serde_json::from_str(&optouts).unwrap();
    let mirrored: HashSet<&str> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["address"].as_str().unwrap())
        .collect();
    for number in sim.optouts() {
        assert!(
            mirrored.contains(number.as_str()),
            "{number} mirrored: {optouts}"
        );
    }
    // The keys went to the keyring only.
    let db = std::fs::read(desk.db()).unwrap();
    for key in ["sim-vapi-key", "sim-telnyx-key"] {
        assert!(
            !db.windows(key.len()).any(|w| w == key.as_bytes()),
            "{key} in the business file"
        );
    }
    // The timeline shows them.
    let timeline = desk.ok(&["timeline", "--channel", "voice_ai,sms", "--json"], None);
    assert!(
        timeline.contains("AI call"),
        "{}",
        &timeline[..timeline.len().min(500)]
    );
}

#[test]
fn incremental_syncs_pick_up_exactly_the_new_and_changed_records() {
    let rt = runtime();
    let sim = start(
        &rt,
        SimConfig {
            vapi_calls: 300,
            telnyx_messages: 300,
            telnyx_calls: 20,
            ..SimConfig::default()
        },
    );
    let desk = Desk::new();
    connect(&desk, &sim, &[]);
    desk.ok(&["sync", "vapi"], None);
    desk.ok(&["sync", "telnyx"], None);
    let before_calls = ids(&desk, "voice_ai").len();
    let before_texts = ids(&desk, "sms").len();
    // Nothing new: the overlap re-reads records but writes nothing.
    let out = desk.ok(&["--json", "sync", "vapi"], None);
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["feeds"][0][1]["written"], 0, "{out}");

    std::thread::sleep(Duration::from_millis(20));
    let new_calls = sim.add_vapi_calls(25);
    let touched = sim.touch_vapi_calls(10);
    let new_texts = sim.add_telnyx_messages(30);
    let changed = sim.change_telnyx_statuses(10);
    // Calls are listed up to now - 5 s: let the new ones age past that.
    std::thread::sleep(Duration::from_secs(6));
    let out = desk.ok(&["--json", "sync", "vapi"], None);
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    let calls = ids(&desk, "voice_ai");
    let phone_new = new_calls
        .iter()
        .filter(|id| set(&sim.vapi_phone_call_ids()).contains(*id))
        .count();
    assert_eq!(calls.len(), before_calls + phone_new, "{out}");
    for id in &touched {
        if set(&sim.vapi_phone_call_ids()).contains(id) {
            let status = desk.sql(&format!("SELECT json_extract(metadata, '$.updated_at') FROM interactions WHERE source_id = '{id}'"));
            assert_eq!(
                status,
                sim.vapi_call(id).unwrap()["updatedAt"].as_str().unwrap(),
                "{id} updated"
            );
        }
    }
    let written = report["feeds"][0][1]["written"].as_u64().unwrap();
    assert!(
        written as usize <= phone_new + touched.len(),
        "only new and changed rows are written: {out}"
    );
    assert!(written as usize >= phone_new, "{out}");

    desk.ok(&["sync", "telnyx"], None);
    let texts = ids(&desk, "sms");
    assert_eq!(texts.len(), before_texts + new_texts.len());
    for id in &changed {
        let status = desk.sql(&format!(
            "SELECT json_extract(metadata, '$.status') FROM interactions WHERE source_id = '{id}'"
        ));
        assert_eq!(
            status,
            sim.telnyx_record(id).unwrap()["status"].as_str().unwrap(),
            "{id} status followed"
        );
    }
    assert_mirrors(&desk, &sim);
}

#[test]
fn a_window_of_more_than_1000_calls_is_bisected_and_fetched_whole() {
    let rt = runtime();
    let sim = start(
        &rt,
        SimConfig {
            vapi_calls: 50,
            telnyx_messages: 0,
            telnyx_calls: 0,
            optouts: 0,
            ..SimConfig::default()
        },
    );
    let desk = Desk::new();
    connect(&desk, &sim, &[]);
    desk.ok(&["sync", "vapi"], None);
    // 2,600 calls updated within ten milliseconds: any window holding them overflows, down
    // to single milliseconds.
    let at = chrono::Utc::now() - chrono::Duration::seconds(1);
    for ms in 0..10 {
        sim.add_vapi_calls_at(260, at + chrono::Duration::milliseconds(ms));
    }
    std::thread::sleep(Duration::from_secs(6));
    sim.clear_requests();
    desk.ok(&["sync", "vapi"], None);
    assert_mirrors(&desk, &sim);
    let full = sim
        .requests()
        .iter()
        .filter(|r| r.path.starts_with("/vapi/call?"))
        .count();
    assert!(full >= 3, "the window was split ({full} list requests)");

    // 1,001 calls in one millisecond cannot be listed: a clear error, not a loop.
    let at = chrono::Utc::now() - chrono::Duration::seconds(1);
    sim.add_vapi_calls_at(1001, at);
    std::thread::sleep(Duration::from_secs(6));
    let err = desk.fails(&["sync", "vapi"], None, 5);
    assert!(err.contains("one millisecond"), "{err}");
}

#[test]
fn every_fault_is_survived_and_every_record_arrives_once() {
    let rt = runtime();
    let sim = start(
        &rt,
        SimConfig {
            vapi_calls: 600,
            telnyx_messages: 400,
            telnyx_calls: 40,
            ..SimConfig::default()
        },
    );
    let desk = Desk::new();
    connect(&desk, &sim, &["--timeout-secs", "2"]);
    let faults = [
        Fault::TooManyRequests {
            ratelimit_reset_secs: Some(1),
            retry_after_secs: None,
        },
        Fault::TooManyRequests {
            ratelimit_reset_secs: None,
            retry_after_secs: Some(1),
        },
        Fault::TooManyRequests {
            ratelimit_reset_secs: None,
            retry_after_secs: None,
        },
        Fault::ServerError(500),
        Fault::ServerError(503),
        Fault::Slow(Duration::from_secs(4)),
        Fault::Truncated,
        Fault::Malformed,
        Fault::HtmlErrorPage(502),
    ];
    for (i, fault) in faults.iter().enumerate() {
        // Alternate the routes so list pages and single fetches both see each fault; one
        // fault per request in flight, so each read is retried through it.
        let (v, t) = if i % 2 == 0 {
            (Route::VapiListCalls, Route::TelnyxDetailRecords)
        } else {
            (Route::VapiPhoneNumber, Route::TelnyxGetMessage)
        };
        sim.inject(v, fault.clone(), 1);
        sim.inject(t, fault.clone(), 1);
        sim.inject(Route::TelnyxOptouts, fault.clone(), 1);
        let out = desk.run(&["sync", "vapi"], None);
        if !out.status.success() {
            for r in sim.requests().iter().rev().take(12) {
                eprintln!(
                    "{} {} {} {:?}",
                    r.method,
                    &r.path[..r.path.len().min(90)],
                    r.status,
                    r.fault
                );
            }
            panic!(
                "fault {i} {fault:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        desk.ok(&["sync", "telnyx"], None);
        if i == 1 {
            // New records arrive between faults.
            sim.add_vapi_calls(40);
            sim.add_telnyx_messages(40);
            std::thread::sleep(Duration::from_secs(6));
        }
    }
    // Every fault on the list routes (9 × VAPI calls, Telnyx records, opt-outs), and those
    // single fetches that happened (phone numbers are cached after the first).
    let faulted = sim.requests().iter().filter(|r| r.fault.is_some()).count();
    assert!(faulted >= 15, "the faults were met ({faulted})");
    assert_mirrors(&desk, &sim);
    let statuses: Vec<u16> = sim.requests().iter().map(|r| r.status).collect();
    for code in [429, 500, 502, 503] {
        assert!(
            statuses.contains(&code),
            "the sim answered {code}: {statuses:?}"
        );
    }
    assert_eq!(desk.sql("PRAGMA integrity_check"), "ok");
}

#[test]
fn a_persistent_error_gives_up_after_five_tries_with_the_servers_words() {
    let rt = runtime();
    let sim = start(
        &rt,
        SimConfig {
            vapi_calls: 20,
            telnyx_messages: 20,
            telnyx_calls: 0,
            optouts: 0,
            ..SimConfig::default()
        },
    );
    let desk = Desk::new();
    connect(&desk, &sim, &[]);
    sim.inject(Route::VapiListCalls, Fault::HtmlErrorPage(502), 1000);
    sim.clear_requests();
    let err = desk.fails(&["sync", "vapi"], None, 5);
    assert!(
        err.contains("unavailable") && err.contains("502") && err.contains("<"),
        "{err}"
    );
    assert_eq!(sim.requests().len(), 5, "five attempts, then stop");
    let listed = desk.ok(&["provider", "list"], None);
    assert!(
        listed.contains("error:") && listed.contains("502"),
        "{listed}"
    );
    // A refusal (bad key) is not retried at all.
    sim.clear_faults();
    desk.ok(
        &["provider", "set", "telnyx", "--key-stdin"],
        Some("wrong-key"),
    );
    sim.clear_requests();
    let err = desk.fails(&["sync", "telnyx"], None, 5);
    assert!(err.contains("refused the API key"), "{err}");
    assert_eq!(sim.requests().len(), 1, "no retry on 401");
    // With the right key again, the sync recovers and the error is cleared.
    desk.ok(
        &["provider", "set", "telnyx", "--key-stdin"],
        Some("sim-telnyx-key"),
    );
    desk.ok(&["sync", "telnyx"], None);
    let listed = desk.ok(&["provider", "list"], None);
    let telnyx: Vec<&str> = listed
        .lines()
        .skip_while(|l| !l.starts_with("telnyx"))
        .take(2)
        .collect();
    assert!(
        !telnyx.is_empty() && !telnyx.join("\n").contains("error:"),
        "{listed}"
    );
}

#[test]
fn texts_and_ai_calls_go_out_once_and_opt_outs_are_honoured() {
    let rt = runtime();
    let sim = start(
        &rt,
        SimConfig {
            vapi_calls: 10,
            telnyx_messages: 10,
            telnyx_calls: 0,
            optouts: 0,
            ..SimConfig::default()
        },
    );
    let desk = Desk::new();
    connect(&desk, &sim, &["--timeout-secs", "2"]);
    let (dana, _) = sim.customers()[3].clone();
    let out = desk.ok(
        &[
            "sms",
            "send",
            "--to",
            &dana,
            "--text",
            "Confirming Thursday 3pm. Reply STOP to opt out.",
        ],
        None,
    );
    assert!(out.starts_with("sent"), "{out}");
    assert_eq!(sim.sent_messages().len(), 1);
    assert_eq!(sim.sent_messages()[0]["to"], dana.as_str());
    let body = desk.sql("SELECT body FROM interactions WHERE channel = 'sms' AND direction = 'outbound' AND body LIKE 'Confirming%'");
    assert!(body.starts_with("Confirming Thursday"), "{body}");
    // The poll brings its record (no body there): still one row, the text kept.
    desk.ok(&["sync", "telnyx"], None);
    assert_eq!(
        desk.count("SELECT COUNT(*) FROM interactions WHERE body LIKE 'Confirming Thursday%'"),
        1
    );

    // An AI call with the assistant's variables and our reference in `name`.
    let out = desk.ok(
        &[
            "call",
            "start",
            "--to",
            &dana,
            "--name",
            "Dana Reyes",
            "--var",
            "firstName=Dana",
        ],
        None,
    );
    assert!(out.starts_with("sent"), "{out}");
    let created = sim.created_calls();
    assert_eq!(created.len(), 1);
    assert_eq!(
        created[0]["assistantOverrides"]["variableValues"]["firstName"],
        "Dana"
    );
    assert!(created[0]["name"]
        .as_str()
        .unwrap()
        .starts_with("hearth:call:"));
    sim.touch_vapi_calls(1000);
    std::thread::sleep(Duration::from_secs(6));
    desk.ok(&["sync", "vapi"], None);
    assert_mirrors(&desk, &sim);

    // A lost answer: accepted by the provider, never confirmed. Not re-sent; the sync settles it.
    sim.inject(Route::TelnyxSendMessage, Fault::AcceptThenDrop, 1);
    let out = desk.ok(
        &[
            "sms",
            "send",
            "--to",
            &dana,
            "--text",
            "Running 10 minutes late",
        ],
        None,
    );
    assert!(out.starts_with("unknown"), "{out}");
    desk.ok(&["sync", "telnyx"], None);
    assert_eq!(sim.sent_messages().len(), 2, "not sent twice");
    let state = desk.sql("SELECT state FROM outbox ORDER BY id DESC LIMIT 1");
    assert_eq!(state, "sent", "settled from the provider's records");
    assert_eq!(
        desk.count("SELECT COUNT(*) FROM interactions WHERE body = 'Running 10 minutes late'"),
        1
    );
    sim.inject(Route::VapiCreateCall, Fault::AcceptThenDrop, 1);
    let out = desk.ok(&["call", "start", "--to", &dana], None);
    assert!(out.starts_with("unknown"), "{out}");
    std::thread::sleep(Duration::from_secs(6));
    desk.ok(&["sync", "vapi"], None);
    assert_eq!(sim.created_calls().len(), 2, "not called twice");
    assert_eq!(
        desk.sql("SELECT state FROM outbox ORDER BY id DESC LIMIT 1"),
        "sent"
    );

    // STOP by text: mirrored, then sends to that number are refused here.
    sim.inbound_sms(&dana, "STOP");
    desk.ok(&["sync", "telnyx"], None);
    let err = desk.fails(&["sms", "send", "--to", &dana, "--text", "hello?"], None, 2);
    assert!(err.contains("opted out"), "{err}");
    assert_eq!(sim.sent_messages().len(), 2);
    // Opted out at Telnyx before Hearth heard of it: 40300, recorded, not retried.
    let (eve, _) = sim.customers()[5].clone();
    sim.inbound_sms(&eve, "STOP");
    let out = desk.run(
        &["sms", "send", "--to", &eve, "--text", "Your order shipped"],
        None,
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        !out.status.success() && stdout.contains("failed") && stdout.contains("40300"),
        "{stdout}"
    );
    let optouts = desk.ok(&["optouts"], None);
    assert!(
        optouts.contains(&eve) && optouts.contains("send_refused"),
        "{optouts}"
    );
    assert_eq!(
        desk.sql("SELECT attempts FROM outbox ORDER BY id DESC LIMIT 1"),
        "1"
    );
}

#[test]
fn kill_9_during_a_long_ingest_then_resume_stores_every_record_once() {
    let rt = runtime();
    let sim = start(
        &rt,
        SimConfig {
            vapi_calls: 12_000,
            telnyx_messages: 12_000,
            telnyx_calls: 500,
            optouts: 20,
            ..SimConfig::default()
        },
    );
    let desk = Desk::new();
    connect(&desk, &sim, &[]);
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    for round in 0..8 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let provider = if round % 2 == 0 { "vapi" } else { "telnyx" };
        let mut child = desk
            .command(&["sync", provider])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(150 + state % 900));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
    }
    desk.ok(&["sync", "vapi"], None);
    desk.ok(&["sync", "telnyx"], None);
    assert_mirrors(&desk, &sim);
    assert_eq!(desk.sql("PRAGMA integrity_check"), "ok");
}

#[test]
fn the_background_poller_backs_off_instead_of_hammering_a_failing_provider() {
    use std::sync::Arc;

    use hearth_core::providers::job::ProviderJob;
    use hearth_core::providers::{configure, Provider, ProviderSettings};
    use hearth_core::secrets::MemorySecrets;

    let rt = runtime();
    let sim = start(
        &rt,
        SimConfig {
            vapi_calls: 30,
            telnyx_messages: 0,
            telnyx_calls: 0,
            optouts: 0,
            ..SimConfig::default()
        },
    );
    rt.block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let store = hearth_core::Store::create(&dir.path().join("b.sqlite"))
            .await
            .unwrap();
        let secrets = Arc::new(MemorySecrets::default());
        configure(
            &store,
            secrets.as_ref(),
            Provider::Vapi,
            Some(&sim.vapi_base()),
            ProviderSettings::default(),
            Some("sim-vapi-key"),
        )
        .await
        .unwrap();
        sim.inject(Route::VapiListCalls, Fault::ServerError(500), 10_000);
        sim.clear_requests();
        let events: Arc<dyn hearth_core::events::EventSink> =
            Arc::new(hearth_core::events::NoEvents);
        let job = ProviderJob::start(
            store.clone(),
            secrets.clone(),
            events,
            Duration::from_millis(100),
        );
        // One poll: five attempts over ~7.5 s of backoff, then a 30 s pause.
        tokio::time::sleep(Duration::from_secs(12)).await;
        assert_eq!(sim.requests().len(), 5, "one poll's attempts, then waiting");
        let account = store.provider_account("vapi").await.unwrap().unwrap();
        assert!(account.last_error.unwrap().contains("500"));
        assert!(
            account.retry_at.unwrap() > hearth_core::now_ms() + 10_000,
            "retry in ≥ 30 s"
        );
        // The fault clears; "Sync now" skips the wait and the calls arrive.
        sim.clear_faults();
        job.sync_now().await;
        let mut stored = 0;
        for _ in 0..50 {
            tokio::time::sleep(Duration::from_millis(200)).await;
            stored = store.count_interactions().await.unwrap();
            if stored as usize == sim.vapi_phone_call_ids().len() {
                break;
            }
        }
        assert_eq!(stored as usize, sim.vapi_phone_call_ids().len());
        assert_eq!(
            store
                .provider_account("vapi")
                .await
                .unwrap()
                .unwrap()
                .last_error,
            None
        );
        job.stop(Duration::from_secs(5)).await;
    });
}
