//! Using the simulator in a test: a task that only moves when the test says so
//! (`Timing::manual`), a fault keyword, and the counters that prove a billed request was
//! sent exactly once. Written as a program so CI builds and runs it
//! (`cargo run -p kie-suno-sim --example sim_in_a_test`); in your own crate the body of
//! `main` is the body of a `#[tokio::test]`.

use kie_suno_sim::{SimConfig, Simulator, Timing};
use kie_suno_types::TaskId;
use serde_json::{json, Value};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // 127.0.0.1:0, any API key accepted, tasks advance only on `advance()`.
    let sim = Simulator::spawn(SimConfig::new().with_timing(Timing::manual())).await?;
    let http = reqwest::Client::new();

    let created: Value = http
        .post(sim.url("/api/v1/lyrics"))
        .bearer_auth("any-key")
        .json(&json!({"prompt": "a song about rain", "callBackUrl": sim.url("/sim/sink")}))
        .send()
        .await?
        .json()
        .await?;
    let task = TaskId::new(created["data"]["taskId"].as_str().unwrap_or_default());
    assert_eq!(sim.task_status(&task).as_deref(), Some("PENDING"));

    // Step the task to its end, checking each state on the way.
    let mut seen = Vec::new();
    while let Some(status) = sim.advance(&task) {
        seen.push(status.clone());
        if status != "PENDING" {
            break;
        }
    }
    assert_eq!(seen.last().map(String::as_str), Some("SUCCESS"), "{seen:?}");

    // A fault keyword in the prompt makes the task fail the documented way.
    let failing: Value = http
        .post(sim.url("/api/v1/lyrics"))
        .bearer_auth("any-key")
        .json(&json!({"prompt": "rain [sim:sensitive]", "callBackUrl": sim.url("/sim/sink")}))
        .send()
        .await?
        .json()
        .await?;
    let failing = TaskId::new(failing["data"]["taskId"].as_str().unwrap_or_default());
    while let Some(status) = sim.advance(&failing) {
        if status != "PENDING" {
            println!("the [sim:sensitive] task ended as {status}");
            break;
        }
    }

    sim.settle().await; // callbacks in flight are delivered
    assert_eq!(
        sim.count_generate("a song about rain"),
        1,
        "submitted exactly once"
    );
    println!(
        "ok: {task} went through {seen:?}; {} callbacks delivered",
        sim.stats().callbacks_delivered
    );
    sim.shutdown().await;
    Ok(())
}
