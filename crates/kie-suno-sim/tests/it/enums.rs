//! Every documented value set and limit is enforced, also where the types crate's
//! open request enums let a client send a new value: 422 with the field, the value
//! and what is accepted, and nothing charged.

use serde_json::{json, Value};

use crate::support::*;

const CB: &str = "https://example.com/cb";

/// `body` is refused with 422 naming `field` (and `value`), and costs nothing.
async fn refused(sim: &kie_suno_sim::SimHandle, path: &str, body: Value, needles: &[&str]) {
    let before = sim.stats().credits_remaining;
    let tasks = sim.stats().tasks_created.values().sum::<u64>();
    let (status, v) = post(sim, path, body.clone()).await;
    assert_eq!(
        (status, v["code"].as_i64()),
        (422, Some(422)),
        "{path} {body}: {v}"
    );
    let msg = v["msg"].as_str().unwrap();
    for needle in needles {
        assert!(msg.contains(needle), "{path}: {msg:?} lacks {needle:?}");
    }
    assert!(!msg.contains("e308"), "{msg}");
    assert_eq!(sim.stats().credits_remaining, before);
    assert_eq!(sim.stats().tasks_created.values().sum::<u64>(), tasks);
}

fn with(mut body: Value, field: &str, value: Value) -> Value {
    body[field] = value;
    body
}

#[tokio::test(start_paused = true)]
async fn models_per_endpoint() {
    let sim = sim(fast()).await;
    let (_, tracks) = finished_music(&sim).await;
    let generate = music_body("x", CB);
    for model in ["chirp-v5", "V3_5", "v5", "V6"] {
        refused(
            &sim,
            "/api/v1/generate",
            with(generate.clone(), "model", json!(model)),
            &["model", model],
        )
        .await;
    }
    let bodies = [
        (
            "/api/v1/generate/extend",
            json!({"defaultParamFlag": false, "audioId": tracks[0], "callBackUrl": CB}),
        ),
        (
            "/api/v1/generate/upload-cover",
            json!({"uploadUrl": "https://example.com/a.mp3", "customMode": false, "instrumental": false, "prompt": "p", "callBackUrl": CB}),
        ),
        (
            "/api/v1/generate/upload-extend",
            json!({"uploadUrl": "https://example.com/a.mp3", "defaultParamFlag": false, "instrumental": false, "callBackUrl": CB}),
        ),
        (
            "/api/v1/generate/mashup",
            json!({"uploadUrlList": ["https://example.com/a.mp3", "https://example.com/b.mp3"], "customMode": false, "prompt": "p", "callBackUrl": CB}),
        ),
        (
            "/api/v1/generate/add-instrumental",
            json!({"uploadUrl": "https://example.com/a.mp3", "title": "t", "tags": "jazz", "negativeTags": "rock", "callBackUrl": CB}),
        ),
        (
            "/api/v1/generate/add-vocals",
            json!({"uploadUrl": "https://example.com/a.mp3", "prompt": "p", "title": "t", "style": "jazz", "negativeTags": "rock", "callBackUrl": CB}),
        ),
    ];
    for (path, body) in bodies.clone() {
        refused(
            &sim,
            path,
            with(body.clone(), "model", json!("chirp-v5")),
            &["model", "chirp-v5"],
        )
        .await;
        let good = if path.contains("add-") {
            "V5_5"
        } else {
            "V4_5"
        };
        submit(&sim, path, with(body, "model", json!(good))).await;
    }
    // The overlays take only V4_5PLUS, V5 and V5_5.
    let instrumental = bodies[4].1.clone();
    refused(
        &sim,
        "/api/v1/generate/add-instrumental",
        with(instrumental, "model", json!("V4")),
        &["model"],
    )
    .await;
}

#[tokio::test(start_paused = true)]
async fn vocal_gender_and_persona_model() {
    let sim = sim(fast()).await;
    let body = music_body("x", CB);
    refused(
        &sim,
        "/api/v1/generate",
        with(body.clone(), "vocalGender", json!("male")),
        &["vocalGender", "male"],
    )
    .await;
    refused(
        &sim,
        "/api/v1/generate",
        with(body.clone(), "personaModel", json!("voice")),
        &["personaModel", "voice"],
    )
    .await;
    // voice_persona only with V5 and V5_5; style_persona with any model (the docs'
    // own example sends it with V4).
    let voice = with(body.clone(), "personaModel", json!("voice_persona"));
    refused(
        &sim,
        "/api/v1/generate",
        voice.clone(),
        &["personaModel", "V4_5"],
    )
    .await;
    submit(&sim, "/api/v1/generate", with(voice, "model", json!("V5"))).await;
    submit(
        &sim,
        "/api/v1/generate",
        with(body.clone(), "personaModel", json!("style_persona")),
    )
    .await;
    submit(
        &sim,
        "/api/v1/generate",
        with(body, "vocalGender", json!("f")),
    )
    .await;
}

#[tokio::test(start_paused = true)]
async fn separation_types_and_stem_names() {
    let sim = sim(fast()).await;
    let (task, tracks) = finished_music(&sim).await;
    let body = json!({"taskId": task, "audioId": tracks[0], "callBackUrl": CB});
    refused(
        &sim,
        "/api/v1/vocal-removal/generate",
        with(body.clone(), "type", json!("split_everything")),
        &["type"],
    )
    .await;
    let advanced = with(body, "type", json!("split_stem_advanced"));
    refused(
        &sim,
        "/api/v1/vocal-removal/generate",
        with(advanced.clone(), "stemName", json!("Kazoo")),
        &["stemName", "Kazoo"],
    )
    .await;
    refused(
        &sim,
        "/api/v1/vocal-removal/generate",
        with(advanced.clone(), "stemName", json!("piano")),
        &["stemName"],
    )
    .await;
    submit(
        &sim,
        "/api/v1/vocal-removal/generate",
        with(advanced, "stemName", json!("Piano")),
    )
    .await;
}

#[tokio::test(start_paused = true)]
async fn an_extension_uses_the_model_of_its_track() {
    let sim = sim(fast()).await;
    let (_, tracks) = finished_music(&sim).await; // made with V4_5
    let body =
        json!({"defaultParamFlag": false, "audioId": tracks[0], "model": "V5", "callBackUrl": CB});
    refused(
        &sim,
        "/api/v1/generate/extend",
        body,
        &["model", "V5", "V4_5"],
    )
    .await;
}

/// The track length of `task`'s first track.
async fn first_track(sim: &kie_suno_sim::SimHandle) -> (String, String, f64) {
    let (task, tracks) = finished_music(sim).await;
    let (_, v) = get(sim, &format!("/api/v1/generate/record-info?taskId={task}")).await;
    let length = v["data"]["response"]["sunoData"][0]["duration"]
        .as_f64()
        .unwrap();
    (task, tracks[0].clone(), length)
}

#[tokio::test(start_paused = true)]
async fn time_limits_are_the_track_and_say_so() {
    let sim = sim(fast()).await;
    let (task, audio, length) = first_track(&sim).await;
    let len = length.to_string();

    // extend: 0 < continueAt < the track's length.
    let extend = json!({"defaultParamFlag": true, "audioId": audio, "model": "V4_5", "prompt": "p",
                        "style": "s", "title": "t", "callBackUrl": CB});
    for at in [-1.0, 0.0, length, length + 60.0] {
        refused(
            &sim,
            "/api/v1/generate/extend",
            with(extend.clone(), "continueAt", json!(at)),
            &["continueAt", &len],
        )
        .await;
    }
    submit(
        &sim,
        "/api/v1/generate/extend",
        with(extend, "continueAt", json!(length / 2.0)),
    )
    .await;

    // upload-extend: the audio is unknown, at most 8 minutes long.
    let upload = json!({"uploadUrl": "https://example.com/a.mp3", "defaultParamFlag": false,
                        "instrumental": false, "model": "V4_5", "callBackUrl": CB});
    refused(
        &sim,
        "/api/v1/generate/upload-extend",
        with(upload, "continueAt", json!(-5)),
        &["continueAt", "480"],
    )
    .await;

    // replace-section: inside the track, at most half of it.
    let replace = json!({"taskId": task, "audioId": audio, "prompt": "p", "tags": "t", "title": "t", "fullLyrics": "[Verse] p",
                         "callBackUrl": CB});
    let section = |start: f64, end: f64| {
        with(
            with(replace.clone(), "infillStartS", json!(start)),
            "infillEndS",
            json!(end),
        )
    };
    refused(
        &sim,
        "/api/v1/generate/replace-section",
        section(-1.0, 20.0),
        &["infillStartS", &len],
    )
    .await;
    refused(
        &sim,
        "/api/v1/generate/replace-section",
        section(length - 5.0, length + 15.0),
        &["infillEndS", &len],
    )
    .await;
    submit(
        &sim,
        "/api/v1/generate/replace-section",
        section(10.0, 30.0),
    )
    .await;

    // persona: the vocal window inside the track.
    let persona = json!({"taskId": task, "audioId": audio, "name": "n", "description": "d"});
    refused(
        &sim,
        "/api/v1/generate/generate-persona",
        with(persona.clone(), "vocalStart", json!(-5)),
        &["vocalStart", &len],
    )
    .await;
    let late = with(
        with(persona, "vocalStart", json!(length - 5.0)),
        "vocalEnd",
        json!(length + 10.0),
    );
    refused(
        &sim,
        "/api/v1/generate/generate-persona",
        late,
        &["vocalEnd", &len],
    )
    .await;
}

#[tokio::test(start_paused = true)]
async fn a_section_longer_than_half_the_track_is_refused() {
    let sim = sim(fast()).await;
    // A 20-second track (`duration`, V5_5 custom mode): half of it is 10 s.
    let body = json!({"customMode": true, "instrumental": true, "style": "ambient", "title": "short",
                      "model": "V5_5", "duration": 20, "callBackUrl": CB});
    let task = submit(&sim, "/api/v1/generate", body).await;
    let v = poll_until(&sim, "/api/v1/generate/record-info", &task, |d| {
        d["status"] == "SUCCESS"
    })
    .await;
    let track = &v["data"]["response"]["sunoData"][0];
    assert_eq!(track["duration"], 20.0);
    let replace = json!({"taskId": task, "audioId": track["id"], "prompt": "p", "tags": "t", "title": "t", "fullLyrics": "[Verse] p",
                         "infillStartS": 0, "infillEndS": 12, "callBackUrl": CB});
    refused(
        &sim,
        "/api/v1/generate/replace-section",
        replace.clone(),
        &["infillEndS - infillStartS", "between 10 and 10", "12"],
    )
    .await;
    submit(
        &sim,
        "/api/v1/generate/replace-section",
        with(replace, "infillEndS", json!(10)),
    )
    .await;
}
