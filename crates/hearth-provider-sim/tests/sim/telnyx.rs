//! Telnyx: detail-record paging and filters, the 10-day body rule, sends, STOP blocks.

use std::collections::HashSet;

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use hearth_provider_sim::SimConfig;
use serde_json::{json, Value};

use crate::{client, json, small, start, telnyx};

const MSG: (&str, &str) = ("filter[record_type]", "messaging");

fn at(v: &Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(v.as_str().unwrap())
        .unwrap()
        .to_utc()
}

#[tokio::test]
async fn mdr_pages_walk_every_record_once() {
    let sim = start(small()).await;
    let total = sim.telnyx_record_count("messaging");
    assert_eq!(total, 400);
    let (status, first) = json(telnyx(&sim, "/detail_records", &[MSG]).await).await;
    assert_eq!(status, 200);
    assert_eq!(
        first["meta"],
        json!({"page_number": 1, "page_size": 20, "total_pages": 20, "total_results": 400})
    );

    let mut seen = HashSet::new();
    let mut last: Option<DateTime<Utc>> = None;
    for page in 1..=8 {
        let p = page.to_string();
        let q = [
            MSG,
            ("page[size]", "50"),
            ("page[number]", p.as_str()),
            ("sort", "-created_at"),
        ];
        let (_, body) = json(telnyx(&sim, "/detail_records", &q).await).await;
        assert_eq!(body["meta"]["total_pages"], 8);
        for r in body["data"].as_array().unwrap() {
            assert_eq!(r["record_type"], "message_detail_record");
            assert!(r.get("id").is_none() && r.get("text").is_none() && r.get("body").is_none());
            assert!(r["cost"].is_string() && r["rate"].is_string() && r["currency"] == "USD");
            let t = at(&r["created_at"]);
            assert!(last.is_none_or(|l| t <= l), "-created_at is newest first");
            last = Some(t);
            assert!(seen.insert(r["uuid"].as_str().unwrap().to_owned()));
        }
    }
    assert_eq!(seen.len(), 400);
    let (_, beyond) =
        json(telnyx(&sim, "/detail_records", &[MSG, ("page[number]", "99")]).await).await;
    assert_eq!(beyond["data"], json!([]));

    let (status, err) =
        json(telnyx(&sim, "/detail_records", &[MSG, ("page[size]", "51")]).await).await;
    assert_eq!(status, 400);
    assert!(err["errors"][0]["code"].is_string());
    let (status, _) = json(telnyx(&sim, "/detail_records", &[("page[size]", "10")]).await).await;
    assert_eq!(status, 400, "filter[record_type] is required");
}

#[tokio::test]
async fn filters_work_and_misshapen_ones_silently_match_nothing() {
    let sim = start(small()).await;
    let count = |q: Vec<(&'static str, String)>| {
        let sim = &sim;
        async move {
            let q: Vec<(&str, &str)> = q.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let (status, body) = json(telnyx(sim, "/detail_records", &q).await).await;
            assert_eq!(status, 200, "{body}");
            body["meta"]["total_results"].as_u64().unwrap()
        }
    };
    let msg = || (MSG.0, MSG.1.to_owned());
    let week_ago = Utc::now() - Duration::days(7);
    let date = week_ago.format("%Y-%m-%d").to_string();
    let datetime = week_ago.to_rfc3339_opts(SecondsFormat::Secs, true);
    let by_date = count(vec![msg(), ("filter[created_at][gte]", date.clone())]).await;
    let by_time = count(vec![msg(), ("filter[created_at][gte]", datetime.clone())]).await;
    assert!(by_date > 0 && by_date < 400 && by_time <= by_date);
    let older = count(vec![msg(), ("filter[created_at][lt]", datetime.clone())]).await;
    assert_eq!(by_time + older, 400);
    let inbound = count(vec![msg(), ("filter[direction]", "inbound".into())]).await;
    let outbound = count(vec![msg(), ("filter[direction]", "outbound".into())]).await;
    assert_eq!(inbound + outbound, 400);
    assert!(inbound > 100 && outbound > 100);
    let ours = sim.our_telnyx_number();
    assert_eq!(count(vec![msg(), ("filter[cli]", ours)]).await, outbound);
    assert!(count(vec![msg(), ("filter[status]", "delivered".into())]).await > 0);
    assert!(count(vec![msg(), ("filter[cld][starts_with]", "+1415".into())]).await > 0);
    assert!(count(vec![msg(), ("filter[updated_at][gte]", datetime.clone())]).await >= by_time);

    assert_eq!(
        count(vec![msg(), ("filter[date_range][gte]", date.clone())]).await,
        0
    );
    assert_eq!(
        count(vec![msg(), ("filter[created_at][after]", date.clone())]).await,
        0
    );
    assert_eq!(
        count(vec![msg(), ("filter[colour]", "blue".into())]).await,
        0
    );
    assert!(count(vec![msg(), ("filter[date_range]", "last_30_days".into())]).await > 0);

    let (status, _) = json(
        telnyx(
            &sim,
            "/detail_records",
            &[MSG, ("filter[created_at][gte]", "soon")],
        )
        .await,
    )
    .await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn voice_records_vary_their_field_names() {
    let sim = start(small()).await;
    let q = [
        ("filter[record_type]", "call-control"),
        ("page[size]", "50"),
        ("sort", "created_at"),
    ];
    let (_, body) = json(telnyx(&sim, "/detail_records", &q).await).await;
    assert_eq!(body["meta"]["total_results"], 60);
    let data = body["data"].as_array().unwrap();
    assert!(data.iter().any(|r| r.get("cli").is_some()));
    assert!(data.iter().any(|r| r.get("caller_number").is_some()));
    assert!(data.iter().any(|r| r.get("hangup_cause").is_none()));
    assert!(data
        .iter()
        .all(|r| r["billed_sec"].is_u64() && r["cost"].is_string()));
    let (_, other) = json(
        telnyx(
            &sim,
            "/detail_records",
            &[("filter[record_type]", "webrtc")],
        )
        .await,
    )
    .await;
    assert_eq!(other["meta"]["total_results"], 0);
}

#[tokio::test]
async fn bodies_are_served_for_ten_days_only() {
    let sim = start(small()).await;
    let q = [
        MSG,
        ("page[size]", "50"),
        ("sort", "created_at"),
        ("filter[direction]", "inbound"),
    ];
    let (_, oldest) = json(telnyx(&sim, "/detail_records", &q).await).await;
    let old = &oldest["data"][0];
    assert!(at(&old["created_at"]) < Utc::now() - Duration::days(10));
    let (status, err) = json(
        telnyx(
            &sim,
            &format!("/messages/{}", old["uuid"].as_str().unwrap()),
            &[],
        )
        .await,
    )
    .await;
    assert_eq!(status, 404);
    assert_eq!(err["errors"][0]["code"], "10005");

    let q = [
        MSG,
        ("page[size]", "1"),
        ("sort", "-created_at"),
        ("filter[direction]", "inbound"),
    ];
    let (_, newest) = json(telnyx(&sim, "/detail_records", &q).await).await;
    let id = newest["data"][0]["uuid"].as_str().unwrap().to_owned();
    let (status, msg) = json(telnyx(&sim, &format!("/messages/{id}"), &[]).await).await;
    assert_eq!(status, 200);
    assert_eq!(msg["data"]["id"], id.as_str());
    assert_eq!(msg["data"]["direction"], "inbound");
    assert!(!msg["data"]["text"].as_str().unwrap().is_empty());
}

async fn send(sim: &hearth_provider_sim::Sim, body: Value) -> (u16, Value) {
    let r = client()
        .post(format!("{}/messages", sim.telnyx_base()))
        .bearer_auth("sim-telnyx-key")
        .json(&body)
        .send()
        .await
        .unwrap();
    json(r).await
}

#[tokio::test]
async fn a_send_is_a_200_and_becomes_an_mdr() {
    let sim = start(small()).await;
    let (to, _) = sim.customers()[3].clone();
    let body = json!({ "from": sim.our_telnyx_number(), "to": to, "text": "Hi, confirming Thursday 3pm." });
    let (status, sent) = send(&sim, body.clone()).await;
    assert_eq!(status, 200);
    let d = &sent["data"];
    assert_eq!(
        (d["record_type"].as_str(), d["direction"].as_str()),
        (Some("message"), Some("outbound"))
    );
    assert_eq!(d["to"][0]["status"], "queued");
    assert_eq!(d["to"][0]["phone_number"], to.as_str());
    assert_eq!(d["from"]["phone_number"], "+18445550001");
    assert_eq!(d["cost"]["currency"], "USD");
    assert!(d["cost"]["amount"].is_string());
    assert_eq!(sim.sent_messages(), vec![body]);
    let id = d["id"].as_str().unwrap().to_owned();

    let (_, got) = json(telnyx(&sim, &format!("/messages/{id}"), &[]).await).await;
    assert_eq!(got["data"]["text"], "Hi, confirming Thursday 3pm.");
    let q = [
        MSG,
        ("filter[cld]", to.as_str()),
        ("page[size]", "50"),
        ("sort", "-created_at"),
    ];
    let (_, recs) = json(telnyx(&sim, "/detail_records", &q).await).await;
    let mdr = &recs["data"][0];
    assert_eq!(mdr["uuid"], id.as_str());
    assert_eq!(mdr["status"], "delivered");

    let (status, err) = send(
        &sim,
        json!({ "from": sim.our_telnyx_number(), "to": "555-0123", "text": "x" }),
    )
    .await;
    assert_eq!(
        (status, err["errors"][0]["code"].as_str()),
        (400, Some("10002"))
    );
    let (status, err) = send(&sim, json!({ "from": sim.our_telnyx_number(), "to": to })).await;
    assert_eq!(
        (status, err["errors"][0]["code"].as_str()),
        (400, Some("10004"))
    );
    assert_eq!(sim.sent_messages().len(), 1);
}

#[tokio::test]
async fn stop_blocks_sends_until_start() {
    let sim = start(SimConfig {
        optouts: 0,
        ..small()
    })
    .await;
    let (who, _) = sim.customers()[5].clone();
    let ours = sim.our_telnyx_number();
    sim.inbound_sms(&who, "  Stop All ");
    assert_eq!(sim.optouts(), vec![who.clone()]);

    let (status, err) = send(&sim, json!({ "from": ours, "to": who, "text": "Hello?" })).await;
    assert_eq!(status, 409);
    assert_eq!(err["errors"][0]["code"], "40300");
    assert_eq!(err["errors"][0]["title"], "Blocked due to STOP message");
    assert_eq!(
        err["errors"][0]["detail"],
        format!("Messages cannot be sent from '{ours}' to '{who}' due to an existing block rule.")
    );

    let (_, list) = json(
        telnyx(
            &sim,
            "/messaging_optouts",
            &[("filter[from]", ours.as_str())],
        )
        .await,
    )
    .await;
    assert_eq!(list["meta"]["total_results"], 1);
    assert_eq!(list["data"][0]["to"], who.as_str());
    assert_eq!(list["data"][0]["from"], ours.as_str());
    assert_eq!(list["data"][0]["keyword"], "STOP ALL");
    let soon = (Utc::now() + Duration::hours(1)).to_rfc3339_opts(SecondsFormat::Secs, true);
    let (_, later) = json(
        telnyx(
            &sim,
            "/messaging_optouts",
            &[("created_at[gte]", soon.as_str())],
        )
        .await,
    )
    .await;
    assert_eq!(later["meta"]["total_results"], 0);
    let (_, wrong) = json(
        telnyx(
            &sim,
            "/messaging_optouts",
            &[("filter[created_at][gte]", "2020-01-01")],
        )
        .await,
    )
    .await;
    assert_eq!(
        wrong["data"],
        json!([]),
        "detail_records spelling silently matches nothing here"
    );
    let (status, _) =
        json(telnyx(&sim, "/messaging_optouts", &[("page[size]", "251")]).await).await;
    assert_eq!(status, 400);

    sim.inbound_sms(&who, "start");
    assert!(sim.optouts().is_empty());
    assert_eq!(
        send(
            &sim,
            json!({ "from": ours, "to": who, "text": "Welcome back" })
        )
        .await
        .0,
        200
    );
}

#[tokio::test]
async fn generated_optouts_and_status_changes() {
    let sim = start(SimConfig {
        optouts: 6,
        ..small()
    })
    .await;
    let (_, list) = json(telnyx(&sim, "/messaging_optouts", &[("page[size]", "250")]).await).await;
    assert_eq!(list["meta"]["total_results"], 6);
    assert!(list["data"]
        .as_array()
        .unwrap()
        .iter()
        .any(|o| o["keyword"].is_null()));
    let stops = json(
        telnyx(
            &sim,
            "/detail_records",
            &[MSG, ("filter[direction]", "inbound"), ("page[size]", "50")],
        )
        .await,
    )
    .await
    .1;
    assert!(stops["meta"]["total_results"].as_u64().unwrap() > 0);

    let since = Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true);
    let changed = sim.change_telnyx_statuses(3);
    assert_eq!(changed.len(), 3);
    let q = [
        MSG,
        ("filter[updated_at][gte]", since.as_str()),
        ("page[size]", "50"),
    ];
    let (_, body) = json(telnyx(&sim, "/detail_records", &q).await).await;
    let got: HashSet<String> = body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["uuid"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(got, changed.iter().cloned().collect());
    assert!(body["data"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["created_at"] != r["updated_at"]));

    let added = sim.add_telnyx_messages(4);
    assert_eq!(sim.telnyx_record_count("messaging"), 404);
    let q = [
        MSG,
        ("filter[created_at][gte]", since.as_str()),
        ("page[size]", "50"),
    ];
    let minus = (Utc::now() - Duration::seconds(5)).to_rfc3339_opts(SecondsFormat::Secs, true);
    let (_, body) = json(
        telnyx(
            &sim,
            "/detail_records",
            &[q[0], ("filter[created_at][gte]", minus.as_str()), q[2]],
        )
        .await,
    )
    .await;
    let got: HashSet<String> = body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["uuid"].as_str().unwrap().to_owned())
        .collect();
    assert!(added.iter().all(|id| got.contains(id)));
}
