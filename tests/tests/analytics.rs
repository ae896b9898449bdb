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
        .filter(|(text, _)| text.trim() == *text || !text.is_empty())
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
    desk.ok(&["demo", "seed"], None);
    let before = desk.count("SELECT COUNT(*) FROM interactions WHERE sentiment IS NOT NULL");
    let out = desk.ok(&["rescore"], None);
    assert!(out.contains("changed"), "{out}");
    let scored = desk.count("SELECT COUNT(*) FROM interactions WHERE sentiment IS NOT NULL");
    assert!(scored > before + 100, "{before} → {scored}");
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
