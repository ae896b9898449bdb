//! `hearth import orders` with the real binary: a good CSV lands on the right contacts and
//! importing it again changes nothing; a file with bad rows is refused whole, every bad row
//! reported, the business file unchanged; a JSON file shaped like the OpenCart order sync
//! (seed 004) imports.

#![allow(clippy::unwrap_used)] // a test panics with the error it got

use std::path::PathBuf;

use hearth_e2e::{workspace_root, Desk};
use serde_json::Value;

fn fixture(name: &str) -> String {
    let path: PathBuf = workspace_root().join("tests/fixtures/orders").join(name);
    path.to_string_lossy().into_owned()
}

/// The business file's full SQL dump: its content, whatever pages SQLite moved.
fn dump(desk: &Desk) -> String {
    let out = std::process::Command::new("sqlite3")
        .arg("-readonly")
        .arg(desk.db())
        .arg(".dump")
        .output()
        .expect("sqlite3 is installed");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// A desk whose business knows Ann by email and Bob by phone.
fn desk_with_customers() -> Desk {
    let desk = Desk::new();
    desk.ok(
        &[
            "contact",
            "add",
            "--name",
            "Ann Lee",
            "--email",
            "ann@example.com",
        ],
        None,
    );
    desk.ok(
        &[
            "contact",
            "add",
            "--name",
            "Bob Stone",
            "--phone",
            "(415) 555-0199",
        ],
        None,
    );
    desk
}

#[test]
fn a_good_csv_lands_on_the_right_contacts_and_importing_it_again_changes_nothing() {
    let desk = desk_with_customers();
    let good = fixture("good.csv");
    let report: Value =
        serde_json::from_str(&desk.ok(&["--json", "import", "orders", &good], None)).unwrap();
    assert_eq!(report["status"], "imported");
    assert_eq!(report["format"], "csv");
    assert_eq!(report["source"], "csv");
    assert_eq!(report["orders"]["new"], 4);
    assert_eq!(report["contacts"]["created"], 1, "{report}");
    assert_eq!(report["contacts"]["matched"], 2, "{report}");

    // Ann by her email in another case, Bob by his phone written another way, Cy created.
    assert_eq!(
        desk.sql(
            "SELECT o.external_id, c.name FROM orders o JOIN contacts c ON c.id = o.contact_id \
             ORDER BY o.external_id"
        ),
        "1001|Ann Lee\n1002|Bob Stone\n1003|Cy Park\n1004|Cy Park"
    );
    assert_eq!(desk.count("SELECT COUNT(*) FROM contacts"), 3);
    assert_eq!(
        desk.sql("SELECT status FROM contacts WHERE name = 'Cy Park'"),
        "customer"
    );
    assert_eq!(
        desk.sql(
            "SELECT value FROM contact_identities ci JOIN contacts c ON c.id = ci.contact_id \
                  WHERE c.name = 'Cy Park'"
        ),
        "cy@example.com"
    );
    // Exact minor units per currency; statuses mapped; the blank currency is the default.
    assert_eq!(
        desk.sql(
            "SELECT external_id, placed_at, total_minor, currency, status, items FROM orders \
             ORDER BY external_id"
        ),
        "1001|1705314600000|12999|USD|completed|[{\"name\":\"Stand mixer\"}]\n\
         1002|1706778000000|125000|USD|completed|[{\"name\":\"Oven\"}]\n\
         1003|1710028800000|1500|JPY|pending|[{\"name\":\"Sencha\",\"qty\":3}]\n\
         1004|1710115200000|2050|USD|refunded|[]"
    );

    // Each order is on its customer's timeline, with its lines for the details.
    let page: Value =
        serde_json::from_str(&desk.ok(&["--json", "timeline", "--channel", "order"], None))
            .unwrap();
    let items: Vec<(String, String, String)> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["contact_name"].as_str().unwrap().to_owned(),
                i["subject"].as_str().unwrap().to_owned(),
                i["body"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let want = [
        ("Cy Park", "Order 1004", "20.50 USD (refunded)"),
        ("Cy Park", "Order 1003: Sencha", "1500 JPY (pending)"),
        ("Bob Stone", "Order 1002: Oven", "1250.00 USD (completed)"),
        (
            "Ann Lee",
            "Order 1001: Stand mixer",
            "129.99 USD (completed)",
        ),
    ]
    .map(|(a, b, c)| (a.to_owned(), b.to_owned(), c.to_owned()));
    assert_eq!(items, want, "newest first");
    assert_eq!(page["items"][1]["metadata"]["items"][0]["qty"], 3);

    let before = dump(&desk);
    let again = desk.ok(&["import", "orders", &good], None);
    assert!(again.contains("0 new, 0 updated, 4 unchanged"), "{again}");
    assert!(again.contains("0 created, 3 matched"), "{again}");
    assert_eq!(dump(&desk), before, "a second import writes nothing");
}

#[test]
fn a_file_with_bad_rows_is_refused_whole_with_every_bad_row_listed() {
    let desk = desk_with_customers();
    desk.ok(&["import", "orders", &fixture("good.csv")], None);
    let before = dump(&desk);
    let bad = fixture("bad.csv");

    let stderr = desk.fails(&["import", "orders", &bad], None, 2);
    assert!(
        stderr.contains("was not imported, nothing was written: 5 problems in 5 rows"),
        "{stderr}"
    );
    for line in [
        "row 3, column date: 2024-02-30: not a date",
        "row 4, column total: -12.00: a total cannot be negative",
        "row 5, column currency: XYZ: unknown currency",
        "row 6, column total: 1500.5: JPY has no minor unit",
        "row 7, column order_id: 1: order id 1 is also on row 2",
    ] {
        assert!(
            stderr.lines().any(|l| l.starts_with(line)),
            "{line:?} missing from:\n{stderr}"
        );
    }
    assert!(
        !stderr.contains("row 2,"),
        "the good row is not a problem: {stderr}"
    );
    assert_eq!(
        dump(&desk),
        before,
        "nothing was written, not even the good row"
    );

    // Scripts get the same report as JSON on stdout, and the same exit code.
    let out = desk.run(&["--json", "import", "orders", &bad], None);
    assert_eq!(out.status.code(), Some(2));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["status"], "rejected");
    let places: Vec<(u64, &str)> = report["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["row"].as_u64().unwrap(), p["column"].as_str().unwrap()))
        .collect();
    assert_eq!(
        places,
        [
            (3, "date"),
            (4, "total"),
            (5, "currency"),
            (6, "total"),
            (7, "order_id")
        ]
    );
    assert_eq!(dump(&desk), before);

    // A dry run of the bad file is refused the same way; of a good one, writes nothing.
    desk.fails(&["import", "orders", &bad, "--dry-run"], None, 2);
    let dry = desk.ok(
        &["import", "orders", &fixture("opencart.json"), "--dry-run"],
        None,
    );
    assert!(
        dry.contains("Dry run, nothing was written") && dry.contains("2 new"),
        "{dry}"
    );
    assert_eq!(dump(&desk), before);
    // A file that is not there is "not found".
    desk.fails(&["import", "orders", &fixture("missing.csv")], None, 3);
}

#[test]
fn orders_shaped_like_the_opencart_sync_import() {
    let desk = Desk::new();
    let report: Value = serde_json::from_str(&desk.ok(
        &["--json", "import", "orders", &fixture("opencart.json")],
        None,
    ))
    .unwrap();
    assert_eq!(report["format"], "json");
    assert_eq!(report["source"], "opencart");
    assert_eq!(report["orders"]["new"], 2);
    assert_eq!(report["contacts"]["created"], 1);
    assert_eq!(
        desk.sql(
            "SELECT o.source, o.external_id, o.placed_at, o.total_minor, o.currency, o.status, \
                    c.name, json_extract(o.items, '$[0].name') \
             FROM orders o JOIN contacts c ON c.id = o.contact_id ORDER BY o.external_id"
        ),
        "opencart|12345|1705314600000|129999|ZAR|completed|John Doe|Kettle\n\
         opencart|12346|1706854500000|8950|ZAR|cancelled|John Doe|"
    );
    assert_eq!(
        desk.sql("SELECT kind, value FROM contact_identities ORDER BY kind"),
        "email|john@example.com\nphone|+27215550123"
    );
    // Mapped under another source, the same ids are other orders.
    let shop = desk.ok(
        &[
            "import",
            "orders",
            &fixture("opencart.json"),
            "--source",
            "second-shop",
        ],
        None,
    );
    assert!(
        shop.contains("2 new") && shop.contains("1 matched"),
        "{shop}"
    );
    assert_eq!(desk.count("SELECT COUNT(*) FROM orders"), 4);

    // Columns with names Hearth does not know are mapped by name; slashed dates need an order.
    let csv = desk.data.path().join("ledger.csv");
    std::fs::write(
        &csv,
        "Ref,When,Paid (KWD),Buyer\nL-1,31/01/2024,1.250,john@example.com\n",
    )
    .unwrap();
    let csv = csv.to_string_lossy().into_owned();
    let mapped = [
        "import",
        "orders",
        &csv,
        "--map",
        "id=Ref",
        "--map",
        "date=When",
        "--map",
        "total=Paid (KWD)",
        "--map",
        "email=Buyer",
        "--currency",
        "KWD",
    ];
    let stderr = desk.fails(&mapped, None, 2);
    assert!(
        stderr.contains("row 2, column When: 31/01/2024: a date with slashes"),
        "{stderr}"
    );
    let dmy = [&mapped[..], &["--date-format", "dmy"]].concat();
    assert!(desk.ok(&dmy, None).contains("1 new"));
    assert_eq!(
        desk.sql("SELECT placed_at, total_minor, currency FROM orders WHERE external_id = 'L-1'"),
        "1706659200000|1250|KWD"
    );
}
