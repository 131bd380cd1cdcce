//! Starting and stopping: drop and `shutdown()` stop the server; `serve_with_shutdown`
//! returns when its signal fires.

use std::time::Duration;

use kie_suno_sim::{SimConfig, Simulator};

async fn refused(url: &str) -> bool {
    for _ in 0..400 {
        match reqwest::Client::new().get(url).send().await {
            Err(e) if e.is_connect() => return true,
            _ => tokio::time::sleep(Duration::from_millis(5)).await,
        }
    }
    false
}

#[tokio::test(start_paused = true)]
async fn dropping_the_handle_stops_the_server() {
    let sim = Simulator::spawn(SimConfig::default()).await.unwrap();
    let url = sim.url("/api/v1/chat/credit");
    assert_eq!(
        reqwest::Client::new()
            .get(&url)
            .bearer_auth("k")
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    drop(sim);
    assert!(refused(&url).await, "still answering after drop");
}

#[tokio::test(start_paused = true)]
async fn shutdown_waits_for_the_server() {
    let sim = Simulator::spawn(SimConfig::default()).await.unwrap();
    let url = sim.url("/api/v1/chat/credit");
    sim.shutdown().await;
    assert!(refused(&url).await);
}

#[tokio::test(start_paused = true)]
async fn serve_returns_when_its_signal_fires() {
    let bind = "127.0.0.1:0".parse().unwrap();
    let result = kie_suno_sim::serve_with_shutdown(SimConfig::default(), bind, async {}).await;
    assert!(result.is_ok());
}

#[tokio::test(start_paused = true)]
async fn a_taken_port_is_a_bind_error() {
    let sim = Simulator::spawn(SimConfig::default()).await.unwrap();
    let err = Simulator::spawn_on(sim.addr, SimConfig::default())
        .await
        .unwrap_err();
    assert!(matches!(err, kie_suno_sim::SimError::Bind { .. }), "{err}");
    assert!(err.to_string().starts_with("cannot bind"));
}

#[tokio::test(start_paused = true)]
async fn a_wildcard_bind_is_reported_as_loopback() {
    let sim = Simulator::spawn_on("0.0.0.0:0".parse().unwrap(), SimConfig::default())
        .await
        .unwrap();
    assert!(
        sim.base_url.starts_with("http://127.0.0.1:"),
        "{}",
        sim.base_url
    );
}
