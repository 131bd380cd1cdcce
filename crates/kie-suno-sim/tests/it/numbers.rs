//! Numbers as the docs write them: durations with two decimals (`198.44`, never
//! `201.07999999999998`), and MIDI note times as numbers in record-info and as
//! numbers or numeric strings in the callback, as its example mixes them.

use serde_json::{json, Value};

use crate::support::*;

/// `d` is written with at most two decimals.
fn two_decimals(d: &Value) -> bool {
    let text = d.to_string();
    d.is_number() && text.split_once('.').is_none_or(|(_, frac)| frac.len() <= 2)
}

#[tokio::test(start_paused = true)]
async fn every_duration_has_two_decimals() {
    let rx = Receiver::start().await;
    let sim = sim(fast().with_rate_limit(None)).await;
    let mut durations = Vec::new();
    for i in 0..30 {
        let task = submit(
            &sim,
            "/api/v1/generate",
            music_body(&format!("song {i}"), &rx.url),
        )
        .await;
        let v = poll_until(&sim, "/api/v1/generate/record-info", &task, |d| {
            d["status"] == "SUCCESS"
        })
        .await;
        let tracks = v["data"]["response"]["sunoData"]
            .as_array()
            .unwrap()
            .clone();
        durations.extend(tracks.iter().map(|t| t["duration"].clone()));
        if i == 0 {
            let sep = submit(
                &sim,
                "/api/v1/vocal-removal/generate",
                json!({"taskId": task, "audioId": tracks[0]["id"], "type": "split_stem", "callBackUrl": rx.url}),
            )
            .await;
            let v = poll_until(&sim, "/api/v1/vocal-removal/record-info", &sep, |d| {
                d["successFlag"] == "SUCCESS"
            })
            .await;
            let origin = v["data"]["response"]["originData"].as_array().unwrap();
            durations.extend(origin.iter().map(|o| o["duration"].clone()));
        }
    }
    for cb in rx.wait_for(91).await {
        if let Some(tracks) = cb.body["data"]["data"].as_array() {
            durations.extend(tracks.iter().map(|t| t["duration"].clone()));
        }
    }
    assert!(durations.len() > 150);
    let noisy: Vec<_> = durations.iter().filter(|d| !two_decimals(d)).collect();
    assert!(noisy.is_empty(), "{noisy:?}");
}

#[tokio::test(start_paused = true)]
async fn midi_note_times_come_as_numbers_and_as_strings() {
    let rx = Receiver::start().await;
    let sim = sim(fast()).await;
    let (task, tracks) = finished_music(&sim).await;
    let sep = submit(
        &sim,
        "/api/v1/vocal-removal/generate",
        json!({"taskId": task, "audioId": tracks[0], "callBackUrl": "http://127.0.0.1:9/cb"}),
    )
    .await;
    poll_until(&sim, "/api/v1/vocal-removal/record-info", &sep, |d| {
        d["successFlag"] == "SUCCESS"
    })
    .await;
    let midi = submit(
        &sim,
        "/api/v1/midi/generate",
        json!({"taskId": sep, "callBackUrl": rx.url}),
    )
    .await;
    let v = poll_until(&sim, "/api/v1/midi/record-info", &midi, |d| {
        d["successFlag"] == 1
    })
    .await;
    let notes = |data: &Value| -> Vec<Value> {
        data["instruments"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|i| i["notes"].as_array().unwrap().clone())
            .collect()
    };
    let record_notes = notes(&v["data"]["midiData"]);
    assert!(record_notes
        .iter()
        .all(|n| n["start"].is_number() && n["end"].is_number()));

    let cb = rx.wait_for(1).await.remove(0).body;
    let cb_notes = notes(&cb["data"]);
    let times: Vec<&Value> = cb_notes
        .iter()
        .flat_map(|n| [&n["start"], &n["end"]])
        .collect();
    assert!(times.iter().any(|t| t.is_string()), "no string times");
    assert!(times.iter().any(|t| t.is_number()), "no number times");
    // Strings are numbers in disguise, and both forms agree with the record.
    for (r, c) in record_notes.iter().zip(&cb_notes) {
        for key in ["start", "end"] {
            let c = match &c[key] {
                Value::String(s) => s.parse::<f64>().unwrap(),
                other => other.as_f64().unwrap(),
            };
            assert_eq!(r[key].as_f64().unwrap(), c);
            assert!(
                two_decimals(&r[key]) || r[key].to_string().split_once('.').unwrap().1.len() <= 3
            );
        }
    }
    let typed: kie_suno_types::MidiCallback = serde_json::from_value(cb).unwrap();
    assert!(typed.data.instruments.is_some());
}
