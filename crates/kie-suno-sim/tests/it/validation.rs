//! Invalid requests get the documented codes: 413 for a too-long lyrics prompt,
//! 422 for validation errors, 400 for a body that is not JSON.

use serde_json::json;

use crate::support::*;

async fn check(path: &str, body: serde_json::Value, code: i64, msg_part: &str) {
    let sim = sim(fast()).await;
    let (status, v) = post(&sim, path, body).await;
    assert_eq!(v["code"], code, "{v}");
    assert_eq!(i64::from(status), code);
    assert!(v["msg"].as_str().unwrap().contains(msg_part), "{v}");
    assert!(v["data"].is_null());
    assert_eq!(sim.stats().tasks_created.values().sum::<u64>(), 0);
    assert_eq!(sim.stats().credits_remaining, 10_000, "nothing charged");
}

#[tokio::test(start_paused = true)]
async fn a_too_long_lyrics_prompt_is_413() {
    let prompt = "x".repeat(201);
    check(
        "/api/v1/lyrics",
        lyrics_body(&prompt, "https://example.com/cb"),
        413,
        "too long",
    )
    .await;
}

#[tokio::test(start_paused = true)]
async fn a_200_character_prompt_is_fine() {
    let sim = sim(fast()).await;
    let prompt = "é".repeat(200);
    submit(
        &sim,
        "/api/v1/lyrics",
        lyrics_body(&prompt, "http://127.0.0.1:9/cb"),
    )
    .await;
}

#[tokio::test(start_paused = true)]
async fn a_bad_callback_url_is_422() {
    check(
        "/api/v1/lyrics",
        lyrics_body("ok", "ftp://example.com/cb"),
        422,
        "callBackUrl",
    )
    .await;
    check(
        "/api/v1/lyrics",
        lyrics_body("ok", "not a url"),
        422,
        "callBackUrl",
    )
    .await;
}

#[tokio::test(start_paused = true)]
async fn missing_fields_are_422() {
    // callBackUrl is optional on lyrics (newest docs), required on generate music
    // (the live API answers 422 without it).
    let mut body = music_body("ok", "https://example.com/cb");
    body.as_object_mut().unwrap().remove("callBackUrl");
    check("/api/v1/generate", body, 422, "callBackUrl").await;
    check(
        "/api/v1/lyrics",
        json!({"callBackUrl": "https://example.com/cb"}),
        422,
        "prompt",
    )
    .await;
    check(
        "/api/v1/lyrics",
        lyrics_body("   ", "https://example.com/cb"),
        422,
        "prompt",
    )
    .await;
}

#[tokio::test(start_paused = true)]
async fn music_rules_come_from_the_types() {
    let mut body = music_body("x", "https://example.com/cb");
    body["customMode"] = json!(true);
    check("/api/v1/generate", body, 422, "style").await;
    let mut body = music_body("x", "https://example.com/cb");
    body["styleWeight"] = json!(1.5);
    check("/api/v1/generate", body, 422, "styleWeight").await;
    let mut body = music_body("x", "https://example.com/cb");
    body.as_object_mut().unwrap().remove("model");
    check("/api/v1/generate", body, 422, "model").await;
}

#[tokio::test(start_paused = true)]
async fn a_body_that_is_not_json_is_400() {
    let sim = sim(fast()).await;
    let (status, v) = post_raw(&sim, "/api/v1/lyrics", "{not json".into(), Some(KEY)).await;
    assert_eq!((status, v["code"].as_i64()), (400, Some(400)));
}

#[tokio::test(start_paused = true)]
async fn an_unknown_sim_keyword_is_422_naming_the_known_ones() {
    check(
        "/api/v1/lyrics",
        lyrics_body("x [sim:typo]", "https://example.com/cb"),
        422,
        "[sim:drop-callback]",
    )
    .await;
}

#[tokio::test(start_paused = true)]
async fn media_requests_need_a_finished_parent() {
    check(
        "/api/v1/wav/generate",
        json!({"taskId": "nope", "audioId": "a", "callBackUrl": "https://example.com/cb"}),
        422,
        "not a music task",
    )
    .await;
    check(
        "/api/v1/midi/generate",
        json!({"taskId": "nope", "callBackUrl": "https://example.com/cb"}),
        422,
        "separation",
    )
    .await;
}

#[tokio::test(start_paused = true)]
async fn unknown_paths_and_methods_are_404_envelopes() {
    let sim = sim(fast()).await;
    let (status, v) = post(&sim, "/api/v1/nope", json!({})).await;
    assert_eq!((status, v["code"].as_i64()), (404, Some(404)));
    let (status, v) = get(&sim, "/api/v1/lyrics").await;
    assert_eq!((status, v["code"].as_i64()), (404, Some(404)));
}
