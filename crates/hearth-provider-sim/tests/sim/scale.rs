//! 100k calls and 100k texts: generation and serving stay quick.

use std::time::Instant;

use chrono::{Duration, SecondsFormat, Utc};
use hearth_provider_sim::{Sim, SimConfig};

use crate::{calls, json, telnyx};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hundred_thousand_of_each() {
    let cfg = SimConfig {
        vapi_calls: 100_000,
        telnyx_messages: 100_000,
        telnyx_calls: 10_000,
        optouts: 50,
        ..SimConfig::default()
    };
    let t = Instant::now();
    let sim = Sim::start(cfg).await.unwrap();
    let generated = t.elapsed();
    assert_eq!(sim.vapi_call_count(), 100_000);
    assert_eq!(sim.telnyx_record_count("messaging"), 100_000);

    let t = Instant::now();
    let page = calls(&sim, &[("limit", "1000")]).await;
    let vapi_page = t.elapsed();
    assert_eq!(page.len(), 1000);

    let day = (Utc::now() - Duration::days(1)).to_rfc3339_opts(SecondsFormat::Secs, true);
    let q = [
        ("filter[record_type]", "messaging"),
        ("filter[created_at][gte]", day.as_str()),
        ("page[size]", "50"),
        ("page[number]", "20"),
    ];
    let t = Instant::now();
    let (status, body) = json(telnyx(&sim, "/detail_records", &q).await).await;
    let telnyx_page = t.elapsed();
    assert_eq!(status, 200);
    assert_eq!(body["data"].as_array().unwrap().len(), 50);
    eprintln!(
        "scale: generate 100k calls + 100k MDRs + 10k CDRs {generated:?}; GET /call limit=1000 {vapi_page:?}; \
         detail_records page {telnyx_page:?}"
    );
}
