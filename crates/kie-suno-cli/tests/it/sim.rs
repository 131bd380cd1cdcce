//! `kie-suno sim` as a process, as third-party clients meet it: its task ids across
//! restarts (`--seed`), and the file URLs it hands out behind a proxy
//! (`--public-base-url`).

use std::io::{BufRead as _, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::{json, Value};

/// A running `kie-suno sim` on 127.0.0.1:0, killed when dropped.
struct SimProcess {
    child: Child,
    base: String,
    seed: u64,
}

impl SimProcess {
    fn start(args: &[&str]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_kie-suno"))
            .args(["sim", "--bind", "127.0.0.1:0", "--step-ms", "0"])
            .args(args)
            .env_remove("KIE_SIM_API_KEY")
            .env_remove("KIE_SIM_HMAC_KEY")
            .env_remove("RUST_LOG")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("run kie-suno sim");
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = BufReader::new(stdout).lines();
        let mut next = || lines.next().and_then(Result::ok).unwrap_or_default();
        let listening = next();
        let base = listening
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("first line: {listening:?}"))
            .to_owned();
        let seed_line = next();
        let seed = seed_line
            .strip_prefix("seed: ")
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("second line: {seed_line:?}"));
        Self { child, base, seed }
    }

    async fn post(&self, path: &str, body: Value) -> Value {
        reqwest::Client::new()
            .post(format!("{}{path}", self.base))
            .bearer_auth("any-key")
            .json(&body)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    async fn get(&self, path: &str) -> Value {
        reqwest::Client::new()
            .get(format!("{}{path}", self.base))
            .bearer_auth("any-key")
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    async fn lyrics_task(&self) -> String {
        let sink = format!("{}/sim/sink", self.base);
        let v = self
            .post(
                "/api/v1/lyrics",
                json!({"prompt": "x", "callBackUrl": sink}),
            )
            .await;
        v["data"]["taskId"].as_str().unwrap().to_owned()
    }
}

impl Drop for SimProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test]
async fn restarts_hand_out_new_task_ids_unless_the_seed_is_given() {
    let first = SimProcess::start(&[]);
    let id = first.lyrics_task().await;
    let seed = first.seed;
    drop(first);
    let second = SimProcess::start(&[]);
    assert_ne!(second.seed, seed);
    assert_ne!(
        second.lyrics_task().await,
        id,
        "a restart repeated a task id"
    );
    drop(second);
    let again = SimProcess::start(&["--seed", &seed.to_string()]);
    assert_eq!(again.seed, seed);
    assert_eq!(
        again.lyrics_task().await,
        id,
        "the same seed repeats the run"
    );
}

#[tokio::test]
async fn behind_a_proxy_the_upload_flow_gets_https_urls_served_at_the_sim() {
    use base64::Engine as _;
    let public = "https://sim.example.com";
    let sim = SimProcess::start(&["--public-base-url", public]);
    let bytes = b"ID3 not really an mp3".to_vec();
    let up = sim
        .post(
            "/api/file-base64-upload",
            json!({
                "base64Data": base64::engine::general_purpose::STANDARD.encode(&bytes),
                "uploadPath": "covers",
                "fileName": "mine.mp3",
            }),
        )
        .await;
    let download = up["data"]["downloadUrl"].as_str().unwrap().to_owned();
    assert!(
        download.starts_with(&format!("{public}/sim/files/")),
        "{up}"
    );
    // The proxy forwards the path to the simulator, which serves it.
    let local = download.replacen(public, &sim.base, 1);
    let got = reqwest::get(&local).await.unwrap();
    assert_eq!(got.status(), 200);
    assert_eq!(got.bytes().await.unwrap().as_ref(), bytes.as_slice());

    // A client that only takes https public URLs sends it on as an uploadUrl.
    let created = sim
        .post(
            "/api/v1/generate/upload-cover",
            json!({
                "uploadUrl": download,
                "customMode": false,
                "instrumental": false,
                "prompt": "a cover of my song",
                "model": "V4_5",
                "callBackUrl": format!("{}/sim/sink", sim.base),
            }),
        )
        .await;
    let task = created["data"]["taskId"].as_str().unwrap().to_owned();
    let mut record = Value::Null;
    for _ in 0..200 {
        record = sim
            .get(&format!("/api/v1/generate/record-info?taskId={task}"))
            .await;
        if record["data"]["status"] == "SUCCESS" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let tracks = record["data"]["response"]["sunoData"].as_array().unwrap();
    for track in tracks {
        for key in ["audioUrl", "streamAudioUrl", "imageUrl", "sourceAudioUrl"] {
            let url = track[key].as_str().unwrap_or_default();
            assert!(url.starts_with(public), "{key}: {url}");
            let local = url.replacen(public, &sim.base, 1);
            assert_eq!(reqwest::get(&local).await.unwrap().status(), 200, "{local}");
        }
    }
}
