//! The seed: random by default, so task ids never repeat from one run to the next;
//! fixed, so a run repeats exactly.

use kie_suno_sim::{SimConfig, Timing};

use crate::support::*;

async fn first_ids(config: SimConfig) -> (u64, Vec<String>) {
    let sim = sim(config.with_timing(Timing::manual())).await;
    let mut ids = Vec::new();
    for prompt in ["one", "two"] {
        ids.push(
            submit(
                &sim,
                "/api/v1/lyrics",
                lyrics_body(prompt, "http://127.0.0.1:9/cb"),
            )
            .await,
        );
    }
    (sim.seed(), ids)
}

#[tokio::test(start_paused = true)]
async fn default_runs_have_their_own_seed_and_never_repeat_ids() {
    let (seed_a, a) = first_ids(SimConfig::default()).await;
    let (seed_b, b) = first_ids(SimConfig::default()).await;
    assert_ne!(seed_a, seed_b);
    assert!(a.iter().all(|id| !b.contains(id)), "{a:?} / {b:?}");
    assert_ne!(a[0], a[1]);
}

#[tokio::test(start_paused = true)]
async fn a_given_seed_repeats_the_ids() {
    let (seed, a) = first_ids(SimConfig::default().with_seed(42)).await;
    assert_eq!(seed, 42);
    assert_eq!(a, first_ids(SimConfig::default().with_seed(42)).await.1);
    assert_ne!(a, first_ids(SimConfig::default().with_seed(43)).await.1);
}
