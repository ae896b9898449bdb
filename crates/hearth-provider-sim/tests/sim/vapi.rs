//! Vapi: the unpaged call list, single reads, phone numbers, creating calls, auth.

use std::collections::HashSet;

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use hearth_provider_sim::SimConfig;
use serde_json::{json, Value};

use crate::{calls, client, json, small, start, vapi};

fn ids(items: &[Value]) -> Vec<String> {
    items
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn list_is_a_bare_array_with_default_limit_100_and_max_1000() {
    let sim = start(small()).await;
    assert_eq!(calls(&sim, &[]).await.len(), 100);
    let all = calls(&sim, &[("limit", "1000")]).await;
    assert_eq!(all.len(), 300);
    assert_eq!(ids(&all).into_iter().collect::<HashSet<_>>().len(), 300);
    assert_eq!(calls(&sim, &[("limit", "0")]).await.len(), 0);
    for c in &all {
        for f in ["id", "orgId", "createdAt", "updatedAt", "type", "status"] {
            assert!(c.get(f).is_some(), "{f} missing in {c}");
        }
    }

    let (status, body) = json(vapi(&sim, "/call", &[("limit", "1001")]).await).await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        json!({"message": ["limit must not be greater than 1000"], "error": "Bad Request", "statusCode": 400})
    );
    let (status, body) = json(vapi(&sim, "/call", &[("limit", "lots")]).await).await;
    assert_eq!(status, 400);
    assert!(body["message"][0]
        .as_str()
        .unwrap()
        .contains("must be a number"));
    let (status, body) = json(vapi(&sim, "/call", &[("sortOrder", "DESC")]).await).await;
    assert_eq!(status, 400, "the list endpoint has no sortOrder: {body}");
    let (status, _) = json(vapi(&sim, "/call", &[("updatedAtGt", "last tuesday")]).await).await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn order_and_truncated_subset_are_arbitrary() {
    let sim = start(small()).await;
    let a = ids(&calls(&sim, &[("limit", "1000")]).await);
    let b = ids(&calls(&sim, &[("limit", "1000")]).await);
    assert_ne!(a, b, "order must not be stable");
    let a: HashSet<_> = ids(&calls(&sim, &[("limit", "50")]).await)
        .into_iter()
        .collect();
    let b: HashSet<_> = ids(&calls(&sim, &[("limit", "50")]).await)
        .into_iter()
        .collect();
    assert_ne!(
        a, b,
        "a truncated window must not always give the same items"
    );
}

fn parse(v: &Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(v.as_str().unwrap())
        .unwrap()
        .to_utc()
}

#[tokio::test]
async fn time_filters_partition_the_calls() {
    let sim = start(small()).await;
    let all = calls(&sim, &[("limit", "1000")]).await;
    let mut times: Vec<DateTime<Utc>> = all.iter().map(|c| parse(&c["updatedAt"])).collect();
    times.sort();
    let mid = times[150].to_rfc3339_opts(SecondsFormat::Millis, true);
    let le = calls(&sim, &[("limit", "1000"), ("updatedAtLe", &mid)]).await;
    let gt = calls(&sim, &[("limit", "1000"), ("updatedAtGt", &mid)]).await;
    assert_eq!(le.len() + gt.len(), 300);
    assert!(le.iter().all(|c| parse(&c["updatedAt"]) <= times[150]));
    let lt = calls(&sim, &[("limit", "1000"), ("updatedAtLt", &mid)]).await;
    let ge = calls(&sim, &[("limit", "1000"), ("updatedAtGe", &mid)]).await;
    assert_eq!(lt.len() + ge.len(), 300);
    assert_eq!(le.len() - lt.len(), ge.len() - gt.len());

    // Without milliseconds, and on createdAt.
    let day_ago = (Utc::now() - Duration::days(1)).to_rfc3339_opts(SecondsFormat::Secs, true);
    let recent = calls(&sim, &[("limit", "1000"), ("createdAtGe", &day_ago)]).await;
    assert!(!recent.is_empty() && recent.len() < 300);
    assert!(recent
        .iter()
        .all(|c| parse(&c["createdAt"]) >= Utc::now() - Duration::days(1)));

    let assistant = sim.our_vapi_assistant_id();
    let mine = calls(&sim, &[("limit", "1000"), ("assistantId", &assistant)]).await;
    assert!(!mine.is_empty() && mine.len() < 300);
    assert!(mine.iter().all(|c| c["assistantId"] == assistant.as_str()));
    let number = sim.our_vapi_phone_number_id();
    let on = calls(&sim, &[("limit", "1000"), ("phoneNumberId", &number)]).await;
    assert!(on.iter().all(|c| c["phoneNumberId"] == number.as_str()));
    let one = calls(&sim, &[("id", all[7]["id"].as_str().unwrap())]).await;
    assert_eq!(one.len(), 1);
}

#[tokio::test]
async fn a_thousand_calls_in_one_instant_fill_the_limit() {
    let sim = start(SimConfig {
        vapi_calls: 20,
        ..small()
    })
    .await;
    let t = Utc::now() - Duration::seconds(30);
    let added = sim.add_vapi_calls_at(1_200, t);
    assert_eq!(added.len(), 1_200);
    let at = t.to_rfc3339_opts(SecondsFormat::Millis, true);
    let window = [
        ("limit", "1000"),
        ("updatedAtGe", at.as_str()),
        ("updatedAtLe", at.as_str()),
    ];
    let got = calls(&sim, &window).await;
    assert_eq!(got.len(), 1000);
    assert!(got
        .iter()
        .all(|c| c["updatedAt"] == at.as_str() && c["createdAt"] == at.as_str()));
}

#[tokio::test]
async fn generated_calls_carry_the_awkward_variations() {
    let sim = start(small()).await;
    let all = calls(&sim, &[("limit", "1000")]).await;
    let has = |f: &dyn Fn(&Value) -> bool| all.iter().any(f);
    assert!(has(
        &|c| c["type"] == "webCall" && c.get("customer").is_none()
    ));
    assert!(has(&|c| c["status"] == "in-progress"
        && c.get("endedAt").is_none()
        && c.get("analysis").is_none()));
    let role = |r: &'static str| {
        move |c: &Value| {
            c["artifact"]["messages"]
                .as_array()
                .is_some_and(|m| m.iter().any(|m| m["role"] == r))
        }
    };
    assert!(has(&role("bot")) && has(&role("assistant")) && has(&role("user")));
    assert!(all
        .iter()
        .filter_map(|c| c["artifact"]["messages"].as_array())
        .all(|m| m[0]["role"] == "system"));
    assert!(has(
        &|c| c["artifact"]["recording"]["mono"]["combinedUrl"].is_string()
    ));
    assert!(has(
        &|c| c["artifact"]["recordingUrl"].is_string() && c["artifact"].get("recording").is_none()
    ));
    assert!(has(&|c| c["artifact"]["structuredOutputs"].is_object()));
    assert!(has(&|c| c["analysis"]["successEvaluation"].is_string()));
    assert!(all
        .iter()
        .all(|c| !c["analysis"]["successEvaluation"].is_boolean()));
    assert!(has(&|c| c["status"] == "ended"
        && c.get("analysis").is_none()
        && c.get("artifact").is_some()));
    assert!(has(&|c| c.get("hearthSimFutureField").is_some()));
    assert!(has(&|c| c["cost"].is_f64()));
    assert!(has(&|c| c["customer"]["number"]
        .as_str()
        .is_some_and(|n| n.starts_with("+44"))));
    let transcript = all
        .iter()
        .find_map(|c| c["artifact"]["transcript"].as_str())
        .unwrap();
    assert!(transcript.starts_with("AI: ") && transcript.contains("\nUser: "));

    // Presigned URLs are fresh per response.
    let id = all
        .iter()
        .find(|c| c["artifact"]["presignedMonoUrl"].is_string())
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (_, a) = json(vapi(&sim, &format!("/call/{id}"), &[]).await).await;
    let (_, b) = json(vapi(&sim, &format!("/call/{id}"), &[]).await).await;
    assert_eq!(a["id"], id.as_str());
    assert_ne!(
        a["artifact"]["presignedMonoUrl"],
        b["artifact"]["presignedMonoUrl"]
    );
    assert_eq!(a["artifact"]["recording"], b["artifact"]["recording"]);

    let (status, body) =
        json(vapi(&sim, "/call/00000000-0000-4000-8000-000000000000", &[]).await).await;
    assert_eq!((status, body["statusCode"].as_u64()), (404, Some(404)));
}

#[tokio::test]
async fn phone_numbers_resolve() {
    let sim = start(small()).await;
    let id = sim.our_vapi_phone_number_id();
    let (status, n) = json(vapi(&sim, &format!("/phone-number/{id}"), &[]).await).await;
    assert_eq!(status, 200);
    assert_eq!(n["number"], "+18445550002");
    for f in [
        "id",
        "name",
        "provider",
        "assistantId",
        "orgId",
        "createdAt",
        "updatedAt",
    ] {
        assert!(n.get(f).is_some(), "{f}");
    }
    let (_, all) = json(vapi(&sim, "/phone-number", &[]).await).await;
    assert_eq!(all.as_array().unwrap().len(), 2);
    let (status, _) = json(vapi(&sim, "/phone-number/nope", &[]).await).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn created_calls_echo_queue_and_end_later() {
    let sim = start(SimConfig {
        vapi_calls: 5,
        ..small()
    })
    .await;
    let body = json!({
        "assistantId": sim.our_vapi_assistant_id(),
        "phoneNumberId": sim.our_vapi_phone_number_id(),
        "customer": { "number": "+14155550123", "name": "Dana Reyes" },
        "assistantOverrides": { "variableValues": { "firstName": "Dana" } },
        "name": "crm:contact/4812",
    });
    let post = |b: Value| {
        let url = format!("{}/call", sim.vapi_base());
        async move {
            json(
                client()
                    .post(url)
                    .bearer_auth("sim-vapi-key")
                    .json(&b)
                    .send()
                    .await
                    .unwrap(),
            )
            .await
        }
    };
    let (status, call) = post(body.clone()).await;
    assert_eq!(status, 201, "{call}");
    assert_eq!(call["status"], "queued");
    assert_eq!(call["name"], "crm:contact/4812");
    assert_eq!(call["customer"], body["customer"]);
    assert_eq!(call["assistantOverrides"], body["assistantOverrides"]);
    assert_eq!(call["subscriptionLimits"]["concurrencyLimit"], 10);
    assert_eq!(sim.created_calls(), vec![body.clone()]);
    let id = call["id"].as_str().unwrap().to_owned();

    let touched = sim.touch_vapi_calls(1);
    assert_eq!(touched, vec![id.clone()]);
    let (_, ended) = json(vapi(&sim, &format!("/call/{id}"), &[]).await).await;
    assert_eq!(ended["status"], "ended");
    assert!(ended["artifact"]["transcript"]
        .as_str()
        .unwrap()
        .contains("Dana"));
    assert!(ended["analysis"]["summary"].is_string());
    assert_eq!(ended["name"], "crm:contact/4812");
    assert!(ended["updatedAt"].as_str() > call["updatedAt"].as_str());

    let mut bad = body.clone();
    bad["phoneNumberId"] = json!("5b2a9f10-aaaa-4bbb-8ccc-1234567890ab");
    let (status, err) = post(bad).await;
    assert_eq!(status, 400);
    assert!(
        err["message"].is_string(),
        "a lookup failure has a string message: {err}"
    );
    let mut bad = body.clone();
    bad["customer"]["number"] = json!("415-555-0123");
    let (status, err) = post(bad).await;
    assert_eq!(status, 400);
    assert!(err["message"][0].as_str().unwrap().contains("E.164"));
    let mut bad = body.clone();
    bad.as_object_mut().unwrap().remove("assistantId");
    assert_eq!(post(bad).await.0, 400);
    assert_eq!(sim.created_calls().len(), 1);
}

#[tokio::test]
async fn over_the_concurrency_cap_a_call_is_created_already_ended() {
    let sim = start(SimConfig {
        vapi_calls: 0,
        vapi_concurrency_limit: 2,
        ..small()
    })
    .await;
    let body = json!({
        "assistantId": sim.our_vapi_assistant_id(),
        "phoneNumberId": sim.our_vapi_phone_number_id(),
        "customer": { "number": "+14155550123" },
    });
    let mut last = Value::Null;
    for _ in 0..3 {
        let r = client()
            .post(format!("{}/call", sim.vapi_base()))
            .bearer_auth("sim-vapi-key")
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201);
        last = r.json().await.unwrap();
    }
    assert_eq!(last["status"], "ended");
    assert_eq!(
        last["endedReason"],
        "call.start.error-subscription-concurrency-limit-reached"
    );
    assert_eq!(last["subscriptionLimits"]["concurrencyBlocked"], true);
}

#[tokio::test]
async fn new_and_touched_calls_surface_by_updated_at() {
    let sim = start(small()).await;
    let before =
        (Utc::now() - Duration::milliseconds(1)).to_rfc3339_opts(SecondsFormat::Millis, true);
    let added = sim.add_vapi_calls(3);
    let touched = sim.touch_vapi_calls(4);
    assert_eq!(touched.len(), 4);
    let fresh: HashSet<String> =
        ids(&calls(&sim, &[("limit", "1000"), ("updatedAtGt", &before)]).await)
            .into_iter()
            .collect();
    let expected: HashSet<String> = added.into_iter().chain(touched).collect();
    assert_eq!(fresh, expected);
    assert_eq!(sim.vapi_call_count(), 303);
}

#[tokio::test]
async fn wrong_keys_are_refused() {
    let sim = start(small()).await;
    let r = client()
        .get(format!("{}/call", sim.vapi_base()))
        .bearer_auth("sim-telnyx-key")
        .send()
        .await
        .unwrap();
    let (status, body) = json(r).await;
    assert_eq!(status, 401);
    assert_eq!(body["statusCode"], 401);
    assert!(body["message"].as_str().unwrap().starts_with("Invalid Key"));
    let r = client()
        .get(format!("{}/detail_records", sim.telnyx_base()))
        .send()
        .await
        .unwrap();
    let (status, body) = json(r).await;
    assert_eq!(status, 401);
    assert_eq!(body["errors"][0]["code"], "10009");
    let log = sim.requests();
    assert_eq!(
        log.iter().map(|r| r.status).collect::<Vec<_>>(),
        vec![401, 401]
    );
}
