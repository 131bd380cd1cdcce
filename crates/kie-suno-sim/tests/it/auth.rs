//! Bearer auth: any non-empty key by default, one exact key when configured, and
//! KIE's documented 401 body.

use crate::support::*;
use kie_suno_sim::{ErrorStatus, SimConfig};

const DOCUMENTED_401: &str = r#"{"code":401,"msg":"You do not have access permissions"}"#;

async fn raw(sim: &kie_suno_sim::SimHandle, auth: Option<&str>) -> (u16, String) {
    let mut req = reqwest::Client::new()
        .post(format!("{}/api/v1/lyrics", sim.base_url))
        .json(&lyrics_body("hello", "http://127.0.0.1:9/cb"));
    if let Some(a) = auth {
        req = req.header("authorization", a);
    }
    let resp = req.send().await.unwrap();
    (resp.status().as_u16(), resp.text().await.unwrap())
}

#[tokio::test(start_paused = true)]
async fn any_non_empty_key_is_accepted_by_default() {
    let sim = sim(fast()).await;
    assert_eq!(raw(&sim, Some("Bearer whatever")).await.0, 200);
    assert_eq!(raw(&sim, Some("bearer lower-case-scheme")).await.0, 200);
    for bad in [None, Some("Bearer "), Some("Bearer"), Some("Basic abc")] {
        assert_eq!(
            raw(&sim, bad).await,
            (401, DOCUMENTED_401.to_owned()),
            "{bad:?}"
        );
    }
}

#[tokio::test(start_paused = true)]
async fn an_exact_key_rejects_others() {
    let sim = sim(fast().with_api_key("sk-right")).await;
    assert_eq!(raw(&sim, Some("Bearer sk-right")).await.0, 200);
    assert_eq!(
        raw(&sim, Some("Bearer sk-wrong")).await,
        (401, DOCUMENTED_401.to_owned())
    );
    assert_eq!(raw(&sim, Some("Bearer sk-righ")).await.0, 401);
    // Details and credits are guarded too.
    let (status, v) = get(&sim, "/api/v1/chat/credit").await;
    assert_eq!((status, v["code"].as_i64()), (401, Some(401)));
    assert_eq!(
        sim.stats()
            .rejected_with(kie_suno_types::ApiCode::Unauthorized),
        3
    );
}

#[tokio::test(start_paused = true)]
async fn always_ok_mode_puts_the_code_only_in_the_body() {
    let sim = sim(fast()
        .with_api_key("k")
        .with_error_status(ErrorStatus::AlwaysOk))
    .await;
    let (status, body) = raw(&sim, Some("Bearer nope")).await;
    assert_eq!((status, body.as_str()), (200, DOCUMENTED_401));
}

#[test]
fn secrets_stay_out_of_debug_output() {
    let config = SimConfig::default()
        .with_api_key("sk-very-secret-api-key")
        .with_hmac_key("whsec-very-secret-hmac");
    let dbg = format!("{config:?}");
    assert!(!dbg.contains("sk-very-secret-api-key"), "{dbg}");
    assert!(!dbg.contains("whsec-very-secret-hmac"), "{dbg}");
}

#[tokio::test(start_paused = true)]
async fn the_handle_does_not_leak_the_key_either() {
    let sim = sim(fast()
        .with_api_key("sk-very-secret-api-key")
        .with_hmac_key("hm-secret"))
    .await;
    let dbg = format!("{sim:?}");
    assert!(
        !dbg.contains("sk-very-secret-api-key") && !dbg.contains("hm-secret"),
        "{dbg}"
    );
}
