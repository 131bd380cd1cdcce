//! `kie-suno download` and `--download` as a child process against a simulator on
//! 127.0.0.1:0 whose clock the test moves: every file of a music task with its
//! SHA-256 in the ledger, a second run that skips them, a partial file resumed with
//! a range request, a part file that is not a prefix started again, expired files
//! (the file host's 404 and a task past 14 days) as a typed error with exit 10, and
//! the warning two days before the end.

use std::path::Path;
use std::process::Output;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use kie_suno_sim::{SimClock, SimConfig, SimHandle, Simulator, Timing};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

const DAY: i64 = 24 * 60 * 60;

/// A clock the test moves, and the simulator's view of it.
#[derive(Clone)]
struct Clock(Arc<Mutex<DateTime<Utc>>>);

impl Clock {
    fn at_offset(days: i64) -> (Self, SimClock) {
        let now = Utc::now() + chrono::Duration::seconds(days * DAY);
        let cell = Arc::new(Mutex::new(now));
        let read = Arc::clone(&cell);
        (Self(cell), SimClock::from_fn(move || *read.lock().unwrap()))
    }

    fn advance_days(&self, days: i64) {
        *self.0.lock().unwrap() += chrono::Duration::seconds(days * DAY);
    }
}

async fn sim_with(clock: SimClock) -> SimHandle {
    Simulator::spawn(
        SimConfig::new()
            .with_timing(Timing::instant())
            .with_clock(clock)
            .with_rate_limit(None),
    )
    .await
    .unwrap()
}

/// A finished music task on `sim`; returns its id and its record.
async fn finished_music(sim: &SimHandle) -> (String, Value) {
    let body = json!({
        "prompt": "a song about coffee",
        "customMode": false,
        "instrumental": false,
        "model": "V5",
        "callBackUrl": format!("{}/sim/sink", sim.base_url),
    });
    let id = submit_settled(sim, "/api/v1/generate", body).await;
    let record = record_info(sim, "/api/v1/generate/record-info", &id).await;
    assert_eq!(record["data"]["status"], "SUCCESS", "{record}");
    (id, record["data"].clone())
}

/// The simulator's record-info answer for task `id` at `path`.
async fn record_info(sim: &SimHandle, path: &str, id: &str) -> Value {
    reqwest::Client::new()
        .get(format!("{}{path}?taskId={id}", sim.base_url))
        .bearer_auth("k")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

async fn fetch(url: &str) -> Vec<u8> {
    let r = reqwest::get(url).await.unwrap();
    assert_eq!(r.status().as_u16(), 200, "{url}");
    r.bytes().await.unwrap().to_vec()
}

fn sha(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Runs `kie-suno` (off the async runtime, which serves the simulator) with no key,
/// the ledger in `dir`.
async fn kie_suno(dir: &Path, args: Vec<String>) -> Output {
    let ledger = dir.join("ledger.db");
    tokio::task::spawn_blocking(move || {
        std::process::Command::new(env!("CARGO_BIN_EXE_kie-suno"))
            .args(&args)
            .env_remove("KIE_API_KEY")
            .env_remove("KIE_BASE_URL")
            .env_remove("KIE_CALLBACK_URL")
            .env_remove("RUST_LOG")
            .env("KIE_SUNO_LEDGER", ledger)
            .output()
            .unwrap()
    })
    .await
    .unwrap()
}

fn download_args(sim: &SimHandle, id: &str, dir: &Path) -> Vec<String> {
    vec![
        "--base-url".into(),
        sim.base_url.clone(),
        "--json".into(),
        "download".into(),
        id.into(),
        "--family".into(),
        "music".into(),
        "--dir".into(),
        dir.join("out").display().to_string(),
    ]
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// The `files` of the one task of a `download --json` report, by name.
fn files(out: &Output) -> Vec<Value> {
    let report: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}\n{}", text(&out.stdout), text(&out.stderr)));
    report["tasks"][0]["files"].as_array().unwrap().clone()
}

fn named<'a>(files: &'a [Value], name: &str) -> &'a Value {
    files
        .iter()
        .find(|f| f["name"] == name)
        .unwrap_or_else(|| panic!("no {name} in {files:?}"))
}

fn ledger_downloads(dir: &Path, id: &str) -> Vec<(String, i64, String)> {
    let conn = rusqlite::Connection::open(dir.join("ledger.db")).unwrap();
    let mut stmt = conn
        .prepare("SELECT path, size, sha256 FROM downloads WHERE task_id = ?1 ORDER BY path")
        .unwrap();
    stmt.query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_file_is_downloaded_hashed_recorded_and_skipped_the_second_time() {
    let dir = tempfile::tempdir().unwrap();
    let (_clock, sim_clock) = Clock::at_offset(0);
    let sim = sim_with(sim_clock).await;
    let (id, record) = finished_music(&sim).await;
    let tracks = record["response"]["sunoData"].as_array().unwrap();
    assert_eq!(tracks.len(), 2);

    let out = kie_suno(dir.path(), download_args(&sim, &id, dir.path())).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let got = files(&out);
    assert_eq!(got.len(), 6, "{got:?}");
    for (i, track) in tracks.iter().enumerate() {
        for (key, name) in [
            ("audioUrl", "audio.mp3"),
            ("streamAudioUrl", "stream-audio.mp3"),
            ("imageUrl", "image.png"),
        ] {
            let url = track[key].as_str().unwrap();
            let want = fetch(url).await;
            let f = named(&got, &format!("{}-{name}", i + 1));
            assert_eq!(f["url"], url);
            assert_eq!(f["sha256"], sha(&want));
            assert_eq!(f["bytes"], want.len());
            assert_eq!(f["skipped"], false);
            assert_eq!(f["resumedFrom"], 0);
            let on_disk = std::fs::read(f["path"].as_str().unwrap()).unwrap();
            assert_eq!(on_disk, want, "{name}");
        }
    }
    // Nothing temporary is left; the ledger has each file's size and SHA-256.
    let task_dir = dir.path().join("out").join(&id);
    let left: Vec<String> = std::fs::read_dir(&task_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".part"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
    let recorded = ledger_downloads(dir.path(), &id);
    assert_eq!(recorded.len(), 6, "{recorded:?}");
    for (path, size, sha256) in &recorded {
        let bytes = std::fs::read(path).unwrap();
        assert_eq!(*size, bytes.len() as i64);
        assert_eq!(*sha256, sha(&bytes));
    }

    // A second run finds them complete and fetches nothing; an id given twice is
    // one task.
    let mut twice = download_args(&sim, &id, dir.path());
    twice.push(id.clone());
    let again = kie_suno(dir.path(), twice).await;
    assert!(again.status.success(), "{}", text(&again.stderr));
    let report: Value = serde_json::from_slice(&again.stdout).unwrap();
    assert_eq!(report["tasks"].as_array().unwrap().len(), 1);
    let again = files(&again);
    assert_eq!(again.len(), 6);
    for f in &again {
        assert_eq!(f["skipped"], true, "{f}");
        assert_eq!(
            f["sha256"],
            named(&got, f["name"].as_str().unwrap())["sha256"]
        );
    }
}

/// A finished music task on a fresh simulator, its first track, and the
/// directory its files are downloaded to (made, empty), where a test leaves what
/// an interrupted run would have.
struct Interrupted {
    dir: tempfile::TempDir,
    _clock: Clock,
    sim: SimHandle,
    id: String,
    track: Value,
    task_dir: std::path::PathBuf,
}

impl Interrupted {
    /// Runs `kie-suno download` for the task; the files it reports.
    async fn download(&self) -> Vec<Value> {
        let args = download_args(&self.sim, &self.id, self.dir.path());
        let out = kie_suno(self.dir.path(), args).await;
        assert!(out.status.success(), "{}", text(&out.stderr));
        files(&out)
    }
}

async fn interrupted() -> Interrupted {
    let dir = tempfile::tempdir().unwrap();
    let (clock, sim_clock) = Clock::at_offset(0);
    let sim = sim_with(sim_clock).await;
    let (id, record) = finished_music(&sim).await;
    let track = record["response"]["sunoData"][0].clone();
    let task_dir = dir.path().join("out").join(&id);
    std::fs::create_dir_all(&task_dir).unwrap();
    Interrupted {
        dir,
        _clock: clock,
        sim,
        id,
        track,
        task_dir,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_partial_file_is_resumed_with_a_range_request_and_a_bad_one_restarted() {
    let t = interrupted().await;
    let (id, task_dir) = (&t.id, &t.task_dir);
    let audio = fetch(t.track["audioUrl"].as_str().unwrap()).await;
    let image = fetch(t.track["imageUrl"].as_str().unwrap()).await;
    assert!(audio.len() > 5000, "{}", audio.len());

    // An interrupted run left the first 4000 bytes of the audio, and a part file
    // of the image longer than the image (not a prefix of it: the server answers
    // 416 and the file is fetched again from byte 0).
    std::fs::write(task_dir.join(".1-audio.mp3.part"), &audio[..4000]).unwrap();
    std::fs::write(
        task_dir.join(".1-image.png.part"),
        vec![7u8; image.len() + 10],
    )
    .unwrap();

    let got = t.download().await;
    let resumed = named(&got, "1-audio.mp3");
    assert_eq!(resumed["resumedFrom"], 4000, "{resumed}");
    assert_eq!(resumed["bytes"], audio.len());
    assert_eq!(resumed["sha256"], sha(&audio));
    assert_eq!(std::fs::read(task_dir.join("1-audio.mp3")).unwrap(), audio);
    let restarted = named(&got, "1-image.png");
    assert_eq!(restarted["resumedFrom"], 0, "{restarted}");
    assert_eq!(restarted["sha256"], sha(&image));
    assert_eq!(std::fs::read(task_dir.join("1-image.png")).unwrap(), image);
    assert!(!task_dir.join(".1-audio.mp3.part").exists());
    assert!(!task_dir.join(".1-image.png.part").exists());
    let recorded = ledger_downloads(t.dir.path(), id);
    assert!(
        recorded.iter().any(|(p, s, h)| p.ends_with("1-audio.mp3")
            && *s == audio.len() as i64
            && *h == sha(&audio)),
        "{recorded:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_part_file_is_continued_only_while_its_validator_is_the_hosts() {
    let t = interrupted().await;
    let task_dir = &t.task_dir;
    let url = t.track["audioUrl"].as_str().unwrap();
    let first = reqwest::get(url).await.unwrap();
    let tag = first.headers()["etag"].to_str().unwrap().to_owned();
    let audio = first.bytes().await.unwrap().to_vec();
    let stream = fetch(t.track["streamAudioUrl"].as_str().unwrap()).await;
    let image = fetch(t.track["imageUrl"].as_str().unwrap()).await;
    assert!(audio.len() > 5000 && stream.len() > 5000 && image.len() > 10);

    // The audio's part file began with the host's current tag: continued. The
    // stream's began with a tag the host no longer has (the file changed since):
    // its first 4000 bytes are not trusted, even though a plain range would be
    // served, and the whole file is fetched again. The image's validator is not
    // one this tool writes (not a header value): its part file is not trusted.
    std::fs::write(task_dir.join(".1-audio.mp3.part"), &audio[..4000]).unwrap();
    std::fs::write(task_dir.join(".1-audio.mp3.part.validator"), &tag).unwrap();
    let mut stale = stream[..4000].to_vec();
    stale[100] ^= 0xff;
    std::fs::write(task_dir.join(".1-stream-audio.mp3.part"), &stale).unwrap();
    std::fs::write(
        task_dir.join(".1-stream-audio.mp3.part.validator"),
        "\"an-older-file\"",
    )
    .unwrap();
    let mut wrong = image[..image.len() / 2].to_vec();
    wrong[0] ^= 0xff;
    std::fs::write(task_dir.join(".1-image.png.part"), &wrong).unwrap();
    std::fs::write(task_dir.join(".1-image.png.part.validator"), b"\x01\n").unwrap();

    let got = t.download().await;
    let resumed = named(&got, "1-audio.mp3");
    assert_eq!(resumed["resumedFrom"], 4000, "{resumed}");
    assert_eq!(resumed["sha256"], sha(&audio));
    let restarted = named(&got, "1-stream-audio.mp3");
    assert_eq!(restarted["resumedFrom"], 0, "{restarted}");
    assert_eq!(restarted["sha256"], sha(&stream));
    assert_eq!(
        std::fs::read(task_dir.join("1-stream-audio.mp3")).unwrap(),
        stream
    );
    let image_got = named(&got, "1-image.png");
    assert_eq!(image_got["resumedFrom"], 0, "{image_got}");
    assert_eq!(image_got["sha256"], sha(&image));
    // Nothing is left beside the finished files.
    let mut left: Vec<String> = std::fs::read_dir(task_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    left.sort();
    assert!(left.is_empty(), "{left:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_the_host_no_longer_has_are_an_expired_error() {
    let dir = tempfile::tempdir().unwrap();
    let (clock, sim_clock) = Clock::at_offset(0);
    let sim = sim_with(sim_clock).await;
    let (id, _) = finished_music(&sim).await;
    // On the file host's clock 15 days pass (the record stays: records are kept
    // two months); this machine's clock does not move, so only the 404s tell.
    clock.advance_days(15);
    let out = kie_suno(dir.path(), download_args(&sim, &id, dir.path())).await;
    assert_eq!(out.status.code(), Some(10), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    let err: Value = serde_json::from_str(stderr.lines().last().unwrap())
        .unwrap_or_else(|e| panic!("{e}: {stderr}"));
    assert_eq!(err["error"]["code"], "expired", "{err}");
    assert_eq!(err["error"]["exit"], 10);
    assert!(
        err["error"]["message"]
            .as_str()
            .unwrap()
            .contains("HTTP 404"),
        "{err}"
    );
    assert!(err["error"]["hint"].as_str().unwrap().contains("14 days"));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["tasks"][0]["expired"], true);
    assert_eq!(report["tasks"][0]["files"].as_array().unwrap().len(), 0);
    assert_eq!(report["tasks"][0]["errors"].as_array().unwrap().len(), 6);
    let task_dir = dir.path().join("out").join(&id);
    let left = std::fs::read_dir(&task_dir).unwrap().count();
    assert_eq!(left, 0, "nothing written for expired files");
    assert!(ledger_downloads(dir.path(), &id).is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_task_past_14_days_is_refused_and_one_near_the_end_warned_about() {
    let dir = tempfile::tempdir().unwrap();
    // Tasks made 15 and 13 days ago (the simulator still serves the files: its
    // clock stays in the past).
    let (_c15, old_clock) = Clock::at_offset(-15);
    let old = sim_with(old_clock).await;
    let (old_id, _) = finished_music(&old).await;
    let out = kie_suno(dir.path(), download_args(&old, &old_id, dir.path())).await;
    assert_eq!(out.status.code(), Some(10), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("created 15 days ago"), "{stderr}");
    assert!(!dir.path().join("out").join(&old_id).exists());

    let (_c13, near_clock) = Clock::at_offset(-13);
    let near = sim_with(near_clock).await;
    let (near_id, _) = finished_music(&near).await;
    let out = kie_suno(dir.path(), download_args(&near, &near_id, dir.path())).await;
    let stderr = text(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "warning: task {near_id} was created 13.0 days ago"
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains("deletes its files in about 23 hours"),
        "{stderr}"
    );
    assert_eq!(files(&out).len(), 6);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn music_with_download_saves_the_tracks_on_the_embedded_simulator() {
    let dir = tempfile::tempdir().unwrap();
    let out = kie_suno(
        dir.path(),
        vec![
            "music".into(),
            "--json".into(),
            "a song about tea".into(),
            "--download".into(),
            dir.path().join("songs").display().to_string(),
        ],
    )
    .await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let record: Value = serde_json::from_slice(&out.stdout).unwrap();
    let id = record["taskId"].as_str().unwrap();
    let task_dir = dir.path().join("songs").join(id);
    let mut names: Vec<String> = std::fs::read_dir(&task_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "1-audio.mp3",
            "1-image.png",
            "1-stream-audio.mp3",
            "2-audio.mp3",
            "2-image.png",
            "2-stream-audio.mp3"
        ]
    );
    let recorded = ledger_downloads(dir.path(), id);
    assert_eq!(recorded.len(), 6);
    // The first bytes of an MP3 frame header.
    let audio = std::fs::read(task_dir.join("1-audio.mp3")).unwrap();
    assert_eq!(&audio[..2], &[0xFF, 0xFB]);

    // Stopped at the text stage there is nothing to save yet: said, not failed.
    let out = kie_suno(
        dir.path(),
        vec![
            "music".into(),
            "a song about tea".into(),
            "--stop-at".into(),
            "text".into(),
            "--download".into(),
            dir.path().join("text").display().to_string(),
        ],
    )
    .await;
    let stderr = text(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("has no files yet"), "{stderr}");
}

/// Submits `body` to `path` on `sim` and waits until everything settled; the id.
async fn submit_settled(sim: &SimHandle, path: &str, body: Value) -> String {
    let created: Value = reqwest::Client::new()
        .post(format!("{}{path}", sim.base_url))
        .bearer_auth("k")
        .json(&body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    sim.settle().await;
    created["data"]["taskId"]
        .as_str()
        .unwrap_or_else(|| panic!("{created}"))
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stems_of_a_separation_and_the_notes_of_a_midi_task_are_downloaded() {
    let dir = tempfile::tempdir().unwrap();
    let (_clock, sim_clock) = Clock::at_offset(0);
    let sim = sim_with(sim_clock).await;
    let (music, record) = finished_music(&sim).await;
    let audio_id = record["response"]["sunoData"][0]["id"].as_str().unwrap();
    let sink = format!("{}/sim/sink", sim.base_url);
    let sep = submit_settled(
        &sim,
        "/api/v1/vocal-removal/generate",
        json!({"taskId": music, "audioId": audio_id, "type": "split_stem", "callBackUrl": sink}),
    )
    .await;
    let sep_record = record_info(&sim, "/api/v1/vocal-removal/record-info", &sep).await;
    let stem_id = sep_record["data"]["response"]["originData"][2]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let midi = submit_settled(
        &sim,
        "/api/v1/midi/generate",
        json!({"taskId": sep, "audioId": stem_id, "callBackUrl": sink}),
    )
    .await;

    let mut args = download_args(&sim, &sep, dir.path());
    args.retain(|a| a != "music");
    let at = args.iter().position(|a| a == "--family").unwrap();
    args.insert(at + 1, "separation".into());
    let out = kie_suno(dir.path(), args).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let got = files(&out);
    let drums_url = sep_record["data"]["response"]["drumsUrl"].as_str().unwrap();
    let drums = named(&got, "drums.mp3");
    assert_eq!(drums["url"], drums_url);
    assert_eq!(drums["sha256"], sha(&fetch(drums_url).await));
    assert!(named(&got, "woodwinds.mp3")["bytes"].as_u64().unwrap() > 0);
    assert!(got.len() >= 12, "{got:?}");

    let mut args = download_args(&sim, &midi, dir.path());
    args.retain(|a| a != "music");
    let at = args.iter().position(|a| a == "--family").unwrap();
    args.insert(at + 1, "midi".into());
    let out = kie_suno(dir.path(), args).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let got = files(&out);
    assert_eq!(got.len(), 1, "{got:?}");
    let notes: Value =
        serde_json::from_slice(&std::fs::read(got[0]["path"].as_str().unwrap()).unwrap()).unwrap();
    assert!(
        notes["instruments"][0]["notes"][0]["pitch"].is_u64(),
        "{notes}"
    );
    assert_eq!(ledger_downloads(dir.path(), &midi).len(), 1);

    // A lyrics task has no files: a usage error that says so.
    let mut args = download_args(&sim, &music, dir.path());
    args.retain(|a| a != "music");
    let at = args.iter().position(|a| a == "--family").unwrap();
    args.insert(at + 1, "lyrics".into());
    let out = kie_suno(dir.path(), args).await;
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("no files"),
        "{}",
        text(&out.stderr)
    );
}
