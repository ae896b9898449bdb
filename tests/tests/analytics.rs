//! The intelligence models through the real `hearth` binary: VADER scores identical to
//! Python's vaderSentiment on the reference set, sentiment scored for a whole business,
//! and the lifetime-value fit on Hardie's CDNOW orders against the `lifetimes` package.

#![allow(clippy::unwrap_used)] // a test panics with the error it got

use hearth_e2e::Desk;

#[test]
fn hearth_sentiment_prints_pythons_compound_for_every_line() {
    let desk = Desk::new();
    let fixture = include_str!("../../crates/hearth-core/tests/fixtures/vader_reference.tsv");
    // Lines with escapes (tabs, newlines inside a text) cannot travel one per line.
    let rows: Vec<(&str, &str)> = fixture
        .lines()
        .skip(1)
        .filter(|l| !l.contains('\\'))
        .filter_map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            (cols.len() == 5).then(|| (cols[0], cols[4]))
        })
        .collect();
    assert!(rows.len() > 1500, "{}", rows.len());
    let input: String = rows.iter().map(|(t, _)| format!("{t}\n")).collect();
    let out = desk.ok(&["sentiment"], Some(&input));
    let got: Vec<&str> = out.lines().collect();
    assert_eq!(got.len(), rows.len());
    let mismatches: Vec<String> = rows
        .iter()
        .zip(&got)
        .filter(|((_, want), got)| want != *got)
        .map(|((text, want), got)| format!("{text:?}: Python {want}, Hearth {got}"))
        .collect();
    assert!(
        mismatches.is_empty(),
        "{} differ:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}

#[test]
fn rescoring_the_demo_business_scores_the_customers_words() {
    let desk = Desk::new();
    desk.ok(&["demo", "seed", "--business", "Shop"], None);
    // The demo's customers' words are scored as it is built, as synced ones are on arrival.
    let scored = desk.count("SELECT COUNT(*) FROM interactions WHERE sentiment IS NOT NULL");
    assert!(scored > 100, "{scored}");
    // Scores lost (or predating this version) are filled in again, to the same values.
    let before = desk.sql("SELECT group_concat(id || ':' || sentiment) FROM (SELECT id, sentiment FROM interactions WHERE sentiment IS NOT NULL ORDER BY id LIMIT 60)");
    desk.sql("UPDATE interactions SET sentiment = NULL WHERE id IN (SELECT id FROM interactions WHERE sentiment IS NOT NULL ORDER BY id LIMIT 60)");
    let out = desk.ok(&["--json", "rescore"], None);
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["changed"], 60, "{out}");
    let after = desk.sql("SELECT group_concat(id || ':' || sentiment) FROM (SELECT id, sentiment FROM interactions WHERE sentiment IS NOT NULL ORDER BY id LIMIT 60)");
    assert_eq!(before, after);
    // What the business wrote is never scored.
    assert_eq!(
        desk.count("SELECT COUNT(*) FROM interactions WHERE sentiment IS NOT NULL AND direction = 'outbound' AND channel NOT IN ('voice_ai', 'call')"),
        0
    );
    // Scores agree with the CLI's VADER on a sample of inbound texts.
    let sample = desk.sql("SELECT body || char(9) || sentiment FROM interactions WHERE channel = 'sms' AND direction = 'inbound' AND sentiment IS NOT NULL AND body NOT LIKE '%.%' AND body NOT LIKE '%!%' AND body NOT LIKE '%?%' AND instr(body, char(10)) = 0 LIMIT 20");
    for line in sample.lines() {
        let (body, stored) = line.rsplit_once('\t').unwrap();
        let cli = desk.ok(&["sentiment"], Some(&format!("{body}\n")));
        let want: f64 = cli.trim().parse().unwrap();
        let stored: f64 = stored.parse().unwrap();
        assert!((want - stored).abs() < 1e-9, "{body:?}: {stored} vs {want}");
    }
    // A second pass has nothing left to do.
    let again = desk.ok(&["--json", "rescore"], None);
    let report: serde_json::Value = serde_json::from_str(&again).unwrap();
    assert_eq!(report["changed"], 0, "{again}");
}

/// Relative difference.
fn rel(a: f64, b: f64) -> f64 {
    (a - b).abs() / b.abs().max(1e-12)
}

#[test]
fn ltv_fit_on_the_cdnow_orders_matches_lifetimes() {
    let desk = Desk::new();
    // Hardie's CDNOW sample (master id, customer 1..2357, date YYYYMMDD, quantity,
    // dollars), one order a row, imported like any shop export.
    let raw = include_str!("../../crates/hearth-core/tests/fixtures/cdnow/CDNOW_sample.txt");
    let mut csv = String::from("order id,date,total,currency,email\n");
    for (n, line) in raw.lines().enumerate() {
        let cols: Vec<&str> = line.split_whitespace().collect();
        let (customer, day, dollars) = (cols[1].parse::<u32>().unwrap(), cols[2], cols[4]);
        csv.push_str(&format!(
            "{n},{}-{}-{},{dollars},USD,c{customer}@cdnow.example\n",
            &day[..4],
            &day[4..6],
            &day[6..]
        ));
    }
    let file = desk.data.path().join("cdnow.csv");
    std::fs::write(&file, csv).unwrap();
    desk.ok(&["import", "orders", file.to_str().unwrap()], None);

    let out = desk.ok(&["--json", "ltv", "fit", "--as-of", "1997-09-30"], None);
    let got: serde_json::Value = serde_json::from_str(&out).unwrap();
    let reference: serde_json::Value = serde_json::from_str(include_str!(
        "../../crates/hearth-core/tests/fixtures/cdnow/reference.json"
    ))
    .unwrap();
    let want = &reference["daily"];
    let f = |v: &serde_json::Value| v.as_f64().unwrap();
    for p in ["r", "alpha", "a", "b"] {
        let (g, w) = (f(&got["bgnbd"]["params"][p]), f(&want["bgnbd"][p]));
        assert!(rel(g, w) < 1e-4, "BG/NBD {p}: Hearth {g}, lifetimes {w}");
    }
    let (g, w) = (
        f(&got["bgnbd"]["log_likelihood"]),
        f(&want["bgnbd"]["log_likelihood"]),
    );
    assert!((g - w).abs() < 1e-3, "BG/NBD log-likelihood: {g} vs {w}");
    // Gamma-Gamma on cents: p and q are unit-free, v and spend scale by 100.
    let gg = &got["gamma_gamma"]["Ok"];
    assert!(
        rel(f(&gg["params"]["p"]), f(&want["gamma_gamma"]["p"])) < 1e-4,
        "{gg}"
    );
    assert!(
        rel(f(&gg["params"]["q"]), f(&want["gamma_gamma"]["q"])) < 1e-4,
        "{gg}"
    );
    assert!(
        rel(f(&gg["params"]["v"]) / 100.0, f(&want["gamma_gamma"]["v"])) < 1e-4,
        "{gg}"
    );
    // Single customers: P(alive), expected purchases in 39 weeks, spend and 12-month CLV.
    let contacts = got["contacts"].as_array().unwrap();
    for c in want["bgnbd"]["customers"]
        .as_array()
        .unwrap()
        .iter()
        .take(5)
    {
        let id = c["id"].as_u64().unwrap();
        let name = format!("c{id}@cdnow.example");
        let mine = contacts
            .iter()
            .find(|x| x["name"] == name.as_str())
            .unwrap_or_else(|| {
                panic!(
                    "{name} not among {:?}",
                    contacts
                        .iter()
                        .take(3)
                        .map(|x| &x["name"])
                        .collect::<Vec<_>>()
                )
            });
        assert!(
            rel(f(&mine["p_alive"]), f(&c["p_alive"])) < 1e-4,
            "{name} P(alive)"
        );
        assert!(
            rel(
                f(&mine["expected_purchases_39w"]),
                f(&c["expected_purchases"]["273"])
            ) < 1e-4,
            "{name} E[39 weeks]"
        );
        if let Some(g) = want["gamma_gamma"]["customers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["id"] == c["id"])
        {
            let spend = f(&mine["expected_spend_minor"]) / 100.0;
            assert!(
                rel(spend, f(&g["expected_average_profit"])) < 1e-4,
                "{name} spend"
            );
            let clv = f(&mine["clv_12m_minor"]) / 100.0;
            assert!(
                rel(clv, f(&g["clv"][0]["value"])) < 1e-4,
                "{name} CLV {clv}"
            );
        }
    }
    // The table for people.
    let table = desk.ok(
        &["ltv", "fit", "--as-of", "1997-09-30", "--limit", "3"],
        None,
    );
    assert!(
        table.contains("BG/NBD") && table.contains("P(alive)"),
        "{table}"
    );
}
