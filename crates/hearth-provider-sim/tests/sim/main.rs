//! The sim driven over real HTTP, as the provider clients will drive it. One test binary
//! (modules below) keeps link time down.
#![allow(clippy::unwrap_used)] // a test panics with the error it got

mod faults;
mod scale;
mod telnyx;
mod vapi;

use std::time::Duration;

use hearth_provider_sim::{Sim, SimConfig};
use reqwest::{Client, Response};
use serde_json::Value;

pub async fn start(cfg: SimConfig) -> Sim {
    Sim::start(cfg).await.expect("sim starts")
}

pub fn small() -> SimConfig {
    SimConfig {
        vapi_calls: 300,
        telnyx_messages: 400,
        telnyx_calls: 60,
        optouts: 4,
        ..SimConfig::default()
    }
}

/// reqwest without a crypto provider of its own (as the workspace builds it) needs one.
pub fn install_crypto() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

pub fn client() -> Client {
    install_crypto();
    Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .expect("client")
}

pub async fn vapi(sim: &Sim, path: &str, query: &[(&str, &str)]) -> Response {
    client()
        .get(format!("{}{path}", sim.vapi_base()))
        .bearer_auth("sim-vapi-key")
        .query(query)
        .send()
        .await
        .expect("vapi request")
}

pub async fn telnyx(sim: &Sim, path: &str, query: &[(&str, &str)]) -> Response {
    client()
        .get(format!("{}{path}", sim.telnyx_base()))
        .bearer_auth("sim-telnyx-key")
        .query(query)
        .send()
        .await
        .expect("telnyx request")
}

pub async fn json(r: Response) -> (u16, Value) {
    let status = r.status().as_u16();
    let body = r.json().await.expect("json body");
    (status, body)
}

/// Every item of a bare Vapi array.
pub async fn calls(sim: &Sim, query: &[(&str, &str)]) -> Vec<Value> {
    let (status, body) = json(vapi(sim, "/call", query).await).await;
    assert_eq!(status, 200, "{body}");
    body.as_array().expect("bare array").clone()
}

#[test]
fn sim_can_be_shared_across_threads() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<Sim>();
}

#[tokio::test]
async fn unknown_paths_are_404_and_logged() {
    let sim = start(small()).await;
    let r = client()
        .get(format!("http://{}/nope", sim.addr()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let (status, body) = json(vapi(&sim, "/assistant", &[]).await).await;
    assert_eq!((status, body["statusCode"].as_u64()), (404, Some(404)));
    let (status, body) = json(telnyx(&sim, "/calls", &[]).await).await;
    assert_eq!(
        (status, body["errors"][0]["code"].as_str()),
        (404, Some("10005"))
    );
    let log = sim.requests();
    assert_eq!(log.len(), 3);
    assert!(log.iter().all(|r| r.route.is_none() && r.status == 404));
}

#[tokio::test]
async fn the_dev_ticker_keeps_data_flowing() {
    let sim = start(small()).await;
    let (calls, texts) = (sim.vapi_call_count(), sim.telnyx_record_count("messaging"));
    sim.dev_ticker(
        Duration::from_millis(40),
        tokio::time::sleep(Duration::from_millis(300)),
    )
    .await;
    assert!(sim.vapi_call_count() > calls);
    assert!(sim.telnyx_record_count("messaging") > texts + 4);
    sim.stop().await;
}
