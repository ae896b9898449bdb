//! Every fault kind, on the wire.

use std::time::{Duration, Instant};

use hearth_provider_sim::{Fault, Route, SimConfig};
use serde_json::{json, Value};

use crate::{client, json, small, start, telnyx, vapi};

#[tokio::test]
async fn rate_limits_carry_the_asked_for_headers_and_are_consumed() {
    let sim = start(small()).await;
    let limit = Fault::TooManyRequests {
        ratelimit_reset_secs: Some(7),
        retry_after_secs: None,
    };
    sim.inject(Route::TelnyxDetailRecords, limit, 1);
    sim.inject(
        Route::VapiListCalls,
        Fault::TooManyRequests {
            ratelimit_reset_secs: None,
            retry_after_secs: Some(2),
        },
        2,
    );

    let r = telnyx(
        &sim,
        "/detail_records",
        &[("filter[record_type]", "messaging")],
    )
    .await;
    assert_eq!(r.headers()["x-ratelimit-reset"], "7");
    assert!(r.headers().get("retry-after").is_none());
    let (status, body) = json(r).await;
    assert_eq!(status, 429);
    assert_eq!(
        body,
        json!({"errors": [{"code": "10011", "title": "Too many requests", "detail": "You have exceeded the maximum number of allowed requests."}]})
    );
    assert_eq!(
        telnyx(
            &sim,
            "/detail_records",
            &[("filter[record_type]", "messaging")]
        )
        .await
        .status(),
        200
    );

    // A fault for another route does not fire here.
    assert_eq!(vapi(&sim, "/call/nope", &[]).await.status(), 404);
    for _ in 0..2 {
        let r = vapi(&sim, "/call", &[]).await;
        assert_eq!(r.headers()["retry-after"], "2");
        assert!(r.headers().get("x-ratelimit-reset").is_none());
        let (status, body) = json(r).await;
        assert_eq!(status, 429);
        assert_eq!(
            body,
            json!({"message": "Rate limit exceeded", "statusCode": 429, "error": "Too Many Requests"})
        );
    }
    assert_eq!(vapi(&sim, "/call", &[]).await.status(), 200);

    let log = sim.requests();
    let statuses: Vec<u16> = log.iter().map(|r| r.status).collect();
    assert_eq!(statuses, vec![429, 200, 404, 429, 429, 200]);
    assert_eq!(log[0].route, Some(Route::TelnyxDetailRecords));
    assert!(log[0].path.starts_with("/telnyx/v2/detail_records?filter"));
    assert_eq!(log[1].fault, None);
}

#[tokio::test]
async fn server_errors_and_html_pages() {
    let sim = start(small()).await;
    sim.inject(Route::Any, Fault::ServerError(503), 2);
    sim.inject(Route::Any, Fault::HtmlErrorPage(502), 1);
    let (status, body) = json(vapi(&sim, "/call", &[]).await).await;
    assert_eq!(status, 503);
    assert_eq!(body["statusCode"], 503);
    let (status, body) = json(telnyx(&sim, "/messaging_optouts", &[]).await).await;
    assert_eq!(status, 503);
    assert_eq!(body["errors"][0]["code"], "10007");
    let r = vapi(&sim, "/call", &[]).await;
    assert_eq!(r.status(), 502);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    let page = r.text().await.unwrap();
    assert!(page.starts_with("<!DOCTYPE html>") && page.contains("Cloudflare"));
}

#[tokio::test]
async fn slow_then_normal() {
    let sim = start(small()).await;
    sim.inject(
        Route::VapiPhoneNumber,
        Fault::Slow(Duration::from_millis(300)),
        1,
    );
    let t = Instant::now();
    let (status, _) = json(vapi(&sim, "/phone-number", &[]).await).await;
    assert_eq!(status, 200);
    assert!(t.elapsed() >= Duration::from_millis(300));
}

#[tokio::test]
async fn truncated_and_malformed_bodies() {
    let sim = start(small()).await;
    let id = sim.our_vapi_phone_number_id();
    let whole = vapi(&sim, &format!("/phone-number/{id}"), &[])
        .await
        .bytes()
        .await
        .unwrap();
    sim.inject(Route::VapiPhoneNumber, Fault::Truncated, 1);
    let r = vapi(&sim, &format!("/phone-number/{id}"), &[]).await;
    assert_eq!(r.status(), 200);
    let len: usize = r.headers()["content-length"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    let cut = r.bytes().await.unwrap();
    assert_eq!(cut.len(), len);
    assert_eq!(cut.len(), whole.len() / 2);
    assert!(serde_json::from_slice::<Value>(&cut).is_err());

    sim.inject(Route::TelnyxDetailRecords, Fault::Malformed, 1);
    let r = telnyx(
        &sim,
        "/detail_records",
        &[("filter[record_type]", "messaging")],
    )
    .await;
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/json"));
    assert!(r.json::<Value>().await.is_err());
    sim.inject(Route::VapiListCalls, Fault::Malformed, 1);
    assert_eq!(
        vapi(&sim, "/call", &[]).await.text().await.unwrap(),
        "[{\"id\":}"
    );
}

#[tokio::test]
async fn accept_then_drop_sends_but_never_answers() {
    let sim = start(SimConfig {
        optouts: 0,
        ..small()
    })
    .await;
    let to = sim.customers()[1].0.clone();
    sim.inject(Route::TelnyxSendMessage, Fault::AcceptThenDrop, 1);
    let body = json!({ "from": sim.our_telnyx_number(), "to": to, "text": "Did this go out?" });
    let url = format!("{}/messages", sim.telnyx_base());
    let err = client()
        .post(&url)
        .bearer_auth("sim-telnyx-key")
        .json(&body)
        .send()
        .await;
    assert!(err.is_err(), "the reply must be lost: {err:?}");
    assert_eq!(sim.sent_messages(), vec![body]);
    let q = [
        ("filter[record_type]", "messaging"),
        ("filter[cld]", to.as_str()),
        ("sort", "-created_at"),
    ];
    let (_, recs) = json(telnyx(&sim, "/detail_records", &q).await).await;
    assert!(recs["data"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["direction"] == "outbound" && r["status"] == "delivered"));
    let log = sim.requests();
    assert_eq!(
        (log[0].status, log[0].fault.clone()),
        (0, Some(Fault::AcceptThenDrop))
    );
    // The server is fine afterwards.
    assert_eq!(vapi(&sim, "/phone-number", &[]).await.status(), 200);
}

#[tokio::test]
async fn accept_then_hang_sends_and_times_out() {
    let sim = start(small()).await;
    sim.inject(Route::VapiCreateCall, Fault::AcceptThenHang, 1);
    let body = json!({
        "assistantId": sim.our_vapi_assistant_id(),
        "phoneNumberId": sim.our_vapi_phone_number_id(),
        "customer": { "number": "+14155550123" },
    });
    crate::install_crypto();
    let quick = reqwest::Client::builder()
        .timeout(Duration::from_millis(400))
        .build()
        .unwrap();
    let err = quick
        .post(format!("{}/call", sim.vapi_base()))
        .bearer_auth("sim-vapi-key")
        .json(&body)
        .send()
        .await;
    assert!(err.is_err_and(|e| e.is_timeout()));
    assert_eq!(sim.created_calls().len(), 1);
    assert_eq!(sim.vapi_call_count(), 301);
    let t = Instant::now();
    sim.stop().await;
    assert!(
        t.elapsed() < Duration::from_secs(2),
        "a hung request must not hold up stop"
    );
}

#[tokio::test]
async fn a_dropped_reply_is_a_closed_socket_with_no_bytes() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let sim = start(small()).await;
    sim.inject(Route::VapiPhoneNumber, Fault::AcceptThenDrop, 1);
    let mut s = tokio::net::TcpStream::connect(sim.addr()).await.unwrap();
    let req =
        "GET /vapi/phone-number HTTP/1.1\r\nhost: x\r\nauthorization: Bearer sim-vapi-key\r\n\r\n";
    s.write_all(req.as_bytes()).await.unwrap();
    let mut got = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(5), s.read_to_end(&mut got)).await;
    assert!(read.is_ok(), "the server must close the connection");
    assert!(
        got.is_empty(),
        "no byte of a response: {}",
        String::from_utf8_lossy(&got)
    );
}
