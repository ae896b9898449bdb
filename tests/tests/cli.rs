//! The `hearth` binary as a script would use it: real processes, a throwaway data folder,
//! JSON output parsed, exit codes checked, and files proven unchanged after bad input.

#![allow(clippy::unwrap_used)] // a test panics with the error it got

use std::path::Path;

use hearth_e2e::{hearth, hearth_command, hearth_ok as ok};
use serde_json::Value;

fn json(data: &Path, args: &[&str]) -> Value {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    serde_json::from_str(&ok(data, &all)).unwrap()
}

/// Runs a command that must fail with `code`, and returns its error message.
fn fails(data: &Path, args: &[&str], code: i32) -> String {
    let out = hearth(data, args);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(code), "hearth {args:?}: {stderr}");
    assert!(stderr.starts_with("error:"), "a clear message: {stderr}");
    // A cause is printed once: never one the lines above already say.
    let lines: Vec<&str> = stderr.lines().collect();
    for (n, line) in lines.iter().enumerate().skip(1) {
        if let Some(cause) = line.trim().strip_prefix("caused by: ") {
            assert!(!lines[..n].iter().any(|l| l.contains(cause)), "{stderr}");
        }
    }
    assert!(out.stdout.is_empty(), "nothing on stdout when failing");
    stderr
}

#[test]
fn demo_seed_then_search_the_timeline_as_json() {
    let data = tempfile::tempdir().unwrap();
    let seeded = json(
        data.path(),
        &["demo", "seed", "--contacts", "80", "--interactions", "1500"],
    );
    assert_eq!(seeded["interactions"], 1500);
    let page = json(
        data.path(),
        &["timeline", "--search", "refund", "--limit", "5"],
    );
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 5);
    for item in items {
        let text =
            format!("{} {} {}", item["subject"], item["body"], item["summary"]).to_lowercase();
        assert!(text.contains("refund"), "{text}");
    }
    // The cursor continues where the page ended, newest first.
    let key = page["next"]["key"].as_str().unwrap().to_owned();
    let next = json(
        data.path(),
        &[
            "timeline", "--search", "refund", "--limit", "5", "--after", &key,
        ],
    );
    let last = items.last().unwrap()["occurred_at"].as_i64().unwrap();
    assert!(next["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|i| i["occurred_at"].as_i64().unwrap() <= last));

    // Channel and contact filters.
    let sms = json(
        data.path(),
        &["timeline", "--channel", "sms,voice_ai", "--limit", "50"],
    );
    assert!(sms["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|i| i["channel"] == "sms" || i["channel"] == "voice_ai"));
    let contact = &json(data.path(), &["contact", "list", "--limit", "1"])[0];
    let email = contact["identities"][0]["value"]
        .as_str()
        .unwrap()
        .to_owned();
    let theirs = json(data.path(), &["timeline", "--contact", &email]);
    assert!(theirs["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|i| i["contact_id"] == contact["id"]));
}

#[test]
fn a_reader_that_stops_early_ends_the_output_quietly() {
    use std::io::Read;
    use std::process::Stdio;

    let data = tempfile::tempdir().unwrap();
    ok(
        data.path(),
        &["demo", "seed", "--contacts", "80", "--interactions", "1500"],
    );
    let args = ["--json", "timeline", "--limit", "500"];
    // Far more than a pipe holds, so the writer is still writing when the reader leaves.
    let whole = ok(data.path(), &args);
    assert!(whole.len() > 4 * 65_536, "{} bytes", whole.len());
    // `hearth --json timeline --limit 500 | head -c 100`
    let mut child = hearth_command(data.path())
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut head = [0u8; 100];
    child.stdout.take().unwrap().read_exact(&mut head).unwrap();
    // The read end is closed here: hearth's next write fails with EPIPE.
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{:?}: {stderr}", out.status);
    assert!(stderr.is_empty(), "no panic, no message: {stderr}");
    assert!(whole.as_bytes().starts_with(&head));
}

#[test]
fn businesses_are_created_switched_renamed_backed_up_restored_and_trashed() {
    let data = tempfile::tempdir().unwrap();
    let d = data.path();
    let a = json(d, &["business", "new", "Acme Plumbing"]);
    assert_eq!(a["current"], true);
    json(
        d,
        &[
            "business",
            "new",
            "Bolt Electric",
            "--region",
            "GB",
            "--use",
        ],
    );
    let added = json(
        d,
        &[
            "contact",
            "add",
            "--name",
            "Nia",
            "--phone",
            "020 7946 0958",
            "--email",
            "Nia@Bolt.example",
        ],
    );
    assert_eq!(added["identities"][0]["value"], "nia@bolt.example");
    assert_eq!(
        added["identities"][1]["value"], "+442079460958",
        "the business's region applies"
    );
    json(d, &["business", "rename", "Bolt Electric", "Bolt & Sons"]);
    let backup = d.join("bolt.backup.sqlite");
    ok(d, &["business", "backup", backup.to_str().unwrap()]);
    let restored = json(
        d,
        &[
            "business",
            "restore",
            backup.to_str().unwrap(),
            "--name",
            "Bolt copy",
        ],
    );
    let shown = json(
        d,
        &[
            "--business",
            "Bolt copy",
            "contact",
            "show",
            "+442079460958",
        ],
    );
    assert_eq!(shown["name"], "Nia");
    ok(d, &["business", "delete", restored["id"].as_str().unwrap()]);
    let names: Vec<Value> = json(d, &["business", "list"])
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["name"].clone())
        .collect();
    assert_eq!(names, ["Acme Plumbing", "Bolt & Sons"]);
    let trashed: Vec<_> = std::fs::read_dir(d.join("trash"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".sqlite"))
        .collect();
    assert_eq!(trashed.len(), 1, "deleted to the trash folder: {trashed:?}");
}

#[test]
fn phone_region_mail_interval_backups_and_another_data_folder() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(d, &["business", "new", "Acme Plumbing"]);
    ok(d, &["setting", "phone-region", "gb"]);
    let err = fails(d, &["setting", "mail-interval", "5"], 2);
    assert!(err.contains("from 30 to 86400"), "{err}");
    ok(d, &["setting", "mail-interval", "900"]);
    let shown = json(d, &["setting"]);
    assert_eq!(shown["phone-region"], "GB");
    assert_eq!(shown["mail-interval"], "900");
    // A number without a country code is now British.
    let added = json(
        d,
        &[
            "contact",
            "add",
            "--name",
            "Nia",
            "--phone",
            "020 7946 0958",
        ],
    );
    assert_eq!(added["identities"][0]["value"], "+442079460958");

    // Backups land in the folder the listing reads, newest first.
    let first = d.join("backups/first.sqlite");
    ok(d, &["business", "backup", first.to_str().unwrap()]);
    std::thread::sleep(std::time::Duration::from_millis(20));
    let second = d.join("backups/second.sqlite");
    ok(d, &["business", "backup", second.to_str().unwrap()]);
    let listed: Vec<Value> = json(d, &["business", "backups"])
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["path"].clone())
        .collect();
    assert_eq!(listed, [second.to_str().unwrap(), first.to_str().unwrap()]);

    // Another folder: refused when relative, copied once, then chosen.
    let elsewhere = tempfile::tempdir().unwrap();
    let target = elsewhere.path().join("hearth");
    let err = fails(d, &["business", "folder", "relative/place", "--copy"], 2);
    assert!(err.contains("absolute"), "{err}");
    let folder = json(
        d,
        &["business", "folder", target.to_str().unwrap(), "--copy"],
    );
    // HEARTH_DATA_DIR (set by the harness) still wins for this run.
    assert_eq!(folder["source"], "env");
    let chosen = std::fs::read_to_string(d.join(".config/data-dir")).unwrap();
    assert_eq!(chosen.trim(), target.to_str().unwrap());
    let copied: Vec<Value> = json(&target, &["business", "list"])
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["name"].clone())
        .collect();
    assert_eq!(copied, ["Acme Plumbing"]);
    let err = fails(
        d,
        &["business", "folder", target.to_str().unwrap(), "--copy"],
        2,
    );
    assert!(err.contains("holds businesses already"), "{err}");
}

#[test]
fn bad_input_gets_a_clear_error_an_exit_code_and_changes_nothing() {
    let data = tempfile::tempdir().unwrap();
    let d = data.path();
    fails(d, &["timeline"], 3);
    json(d, &["business", "new", "Cafe"]);
    json(
        d,
        &[
            "contact",
            "add",
            "--name",
            "Ann",
            "--email",
            "ann@cafe.example",
        ],
    );
    let business = json(d, &["business", "list"])[0]["path"]
        .as_str()
        .unwrap()
        .to_owned();
    let before = snapshot(d);

    assert!(fails(d, &["--business", "Nope", "timeline"], 3).contains("no business named"));
    assert!(fails(d, &["timeline", "--channel", "fax"], 2).contains("unknown channel"));
    assert!(fails(d, &["timeline", "--since", "2026-02-30"], 2).contains("invalid date"));
    assert!(fails(
        d,
        &["timeline", "--since", "2026-03-01", "--until", "2026-01-01"],
        2
    )
    .contains("date range"));
    assert!(fails(d, &["timeline", "--after", "yesterday"], 2).contains("invalid cursor"));
    assert!(
        fails(d, &["contact", "add", "--name", "X", "--phone", "12"], 2).contains("invalid phone")
    );
    assert!(fails(
        d,
        &["contact", "add", "--name", "X", "--email", "not-an-email"],
        2
    )
    .contains("invalid email"));
    assert!(fails(
        d,
        &[
            "contact",
            "add",
            "--name",
            "Y",
            "--email",
            "ANN@cafe.example"
        ],
        2
    )
    .contains("already belongs"));
    assert!(fails(d, &["contact", "show", "nobody@cafe.example"], 3).contains("not found"));
    assert!(fails(d, &["business", "new", "cafe"], 2).contains("already exists"));
    assert!(
        fails(d, &["business", "new", "Other", "--region", "Narnia"], 2)
            .contains("unknown phone region")
    );
    // Search text that is FTS syntax is searched as words, not an error.
    ok(d, &["timeline", "--search", "\"unbalanced AND (NEAR*"]);
    assert_eq!(snapshot(d), before, "no bad input changed any file");

    // A damaged business file: a clear message and exit code 4, file untouched.
    std::fs::write(&business, b"not a database at all".repeat(500)).unwrap();
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{business}{suffix}"));
    }
    let damaged = std::fs::read(&business).unwrap();
    assert!(fails(d, &["timeline"], 4).contains("corrupt"));
    assert_eq!(std::fs::read(&business).unwrap(), damaged);
}

/// Every file in the data folder with a hash of its content: for a business file, of its
/// full SQL dump (SQLite may move pages between the WAL and the file without changing
/// data); for anything else, of its bytes. SQLite's -wal/-shm and the lock file are skipped.
fn snapshot(dir: &Path) -> Vec<(String, u64)> {
    use std::hash::{Hash, Hasher};
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            let name = path.to_string_lossy().into_owned();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if name.ends_with("-wal") || name.ends_with("-shm") || name.ends_with("registry.lock") {
                continue;
            }
            let content = if name.ends_with(".sqlite") {
                let dump = std::process::Command::new("sqlite3")
                    .args(["-readonly", &name, ".dump"])
                    .output()
                    .expect("sqlite3 is installed");
                assert!(
                    dump.status.success(),
                    "{}",
                    String::from_utf8_lossy(&dump.stderr)
                );
                dump.stdout
            } else {
                std::fs::read(&path).unwrap()
            };
            let mut hasher = std::collections::hash_map::DefaultHasher::new();
            content.hash(&mut hasher);
            files.push((name, hasher.finish()));
        }
    }
    files.sort();
    files
}

#[test]
fn a_database_locked_by_another_program_is_reported_and_works_once_released() {
    use std::io::Write;
    use std::process::{Command, Stdio};

    let data = tempfile::tempdir().unwrap();
    let d = data.path();
    json(d, &["business", "new", "Locked Ltd"]);
    let file = json(d, &["business", "list"])[0]["path"]
        .as_str()
        .unwrap()
        .to_owned();
    // Another program takes the file exclusively and keeps it until its stdin closes.
    let mut holder = Command::new("sqlite3")
        .arg(&file)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("sqlite3 is installed");
    let mut stdin = holder.stdin.take().unwrap();
    writeln!(
        stdin,
        "PRAGMA locking_mode=EXCLUSIVE; BEGIN EXCLUSIVE; SELECT 'locked';"
    )
    .unwrap();
    stdin.flush().unwrap();
    {
        // Wait until it holds the lock (the pragma prints "exclusive" first).
        use std::io::BufRead;
        let lines = std::io::BufReader::new(holder.stdout.as_mut().unwrap()).lines();
        assert!(lines.map(Result::unwrap).any(|line| line == "locked"));
    }
    let message = fails(d, &["timeline"], 4);
    assert!(message.contains("locked"), "{message}");
    drop(stdin);
    holder.wait().unwrap();
    ok(d, &["timeline"]);
}
