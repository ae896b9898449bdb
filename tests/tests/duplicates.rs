//! The duplicate finder and merge through the real `hearth` binary: a person entered twice
//! (a Gmail address with dots and a +tag, a name written two ways) is found with its
//! reasons, merged (their texts and orders follow), and the merge undone exactly.

#![allow(clippy::unwrap_used)] // a test panics with the error it got

use hearth_e2e::Desk;

#[test]
fn duplicates_are_found_merged_and_the_merge_undone() {
    let desk = Desk::new();
    let id = |out: String| -> i64 {
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        v["id"].as_i64().unwrap()
    };
    let ann = id(desk.ok(
        &[
            "--json",
            "contact",
            "add",
            "--name",
            "Ann Lee",
            "--email",
            "ann.lee@gmail.com",
            "--phone",
            "+14155550132",
        ],
        None,
    ));
    let annie = id(desk.ok(
        &[
            "--json",
            "contact",
            "add",
            "--name",
            "Annie Lee",
            "--email",
            "annlee+shop@gmail.com",
            "--company",
            "Lee Bakery",
        ],
        None,
    ));
    desk.ok(
        &[
            "contact",
            "add",
            "--name",
            "Carla Diaz",
            "--email",
            "carla@example.com",
        ],
        None,
    );

    let found: serde_json::Value =
        serde_json::from_str(&desk.ok(&["--json", "contact", "duplicates"], None)).unwrap();
    let pairs = found.as_array().unwrap();
    assert_eq!(pairs.len(), 1, "{found:#}");
    assert_eq!(pairs[0]["a"]["id"], ann);
    assert_eq!(pairs[0]["b"]["id"], annie);
    let reasons = pairs[0]["reasons"].to_string();
    assert!(reasons.contains("same mailbox"), "{reasons}");

    let text = desk.ok(
        &["contact", "merge", &ann.to_string(), &annie.to_string()],
        None,
    );
    assert!(
        text.starts_with(&format!("merged #{annie} into #{ann} Ann Lee")),
        "{text}"
    );
    let merge_id: i64 = text
        .trim()
        .rsplit(' ')
        .next()
        .unwrap()
        .trim_end_matches(')')
        .parse()
        .unwrap();
    // The second address now finds Ann; the company came along.
    let shown: serde_json::Value = serde_json::from_str(&desk.ok(
        &["--json", "contact", "show", "annlee+shop@gmail.com"],
        None,
    ))
    .unwrap();
    assert_eq!(shown["id"], ann);
    assert_eq!(shown["company"], "Lee Bakery");
    assert_eq!(
        desk.ok(&["contact", "duplicates"], None).trim(),
        "no probable duplicates"
    );
    // Merging into itself is refused as bad input.
    desk.fails(
        &["contact", "merge", &ann.to_string(), &annie.to_string()],
        None,
        2,
    );

    let text = desk.ok(&["contact", "unmerge", &merge_id.to_string()], None);
    assert!(
        text.contains(&format!("#{annie} Annie Lee stands on its own again")),
        "{text}"
    );
    let shown: serde_json::Value = serde_json::from_str(&desk.ok(
        &["--json", "contact", "show", "annlee+shop@gmail.com"],
        None,
    ))
    .unwrap();
    assert_eq!(shown["id"], annie);
    let ann_now: serde_json::Value =
        serde_json::from_str(&desk.ok(&["--json", "contact", "show", &ann.to_string()], None))
            .unwrap();
    assert_eq!(ann_now["company"], serde_json::Value::Null);
    desk.fails(&["contact", "unmerge", &merge_id.to_string()], None, 2);
}
