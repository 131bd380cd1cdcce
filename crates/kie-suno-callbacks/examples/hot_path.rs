//! Times the pure parts of the request path on one signed lyrics callback:
//! `verify`, `parse`, the input checks (JSON depth, task id, family shape), the
//! header filter. Needs no feature of this crate.
//!
//! `cargo run --release -p kie-suno-callbacks --no-default-features --example hot_path`

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use http::HeaderMap;
use kie_suno_callbacks::{
    check_task_id, foreign_family, json_depth_within, parse, storable_headers, verify, Keys,
    MAX_JSON_DEPTH,
};
use kie_suno_types::signature::{sign, SIGNATURE_HEADER, TIMESTAMP_HEADER};
use kie_suno_types::CallbackFamily;
use secrecy::{ExposeSecret as _, SecretString};

/// The task id of the documented lyrics callback.
const DOC_TASK: &str = "3b66882fde0a5d398bd269cab6d9542b";

fn time(label: &str, n: u32, mut f: impl FnMut()) {
    let started = Instant::now();
    for _ in 0..n {
        f();
    }
    let per = started.elapsed().as_nanos() as f64 / f64::from(n);
    println!("{label:<28} {:>8.0} ns", per);
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let body = kie_suno_types::fixtures::documented("lyrics-callback.success.json")
        .ok_or("the documented lyrics callback is missing")?
        .as_bytes();
    let key = SecretString::from("bench-key");
    let keys = Keys::new([key.clone()])?;
    let ts = SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs();
    let now = UNIX_EPOCH + Duration::from_secs(ts);
    let mut headers = HeaderMap::new();
    headers.insert("content-type", "application/json".parse()?);
    headers.insert("user-agent", "kie-callback/1.0".parse()?);
    headers.insert(TIMESTAMP_HEADER, ts.to_string().parse()?);
    let signature = sign(key.expose_secret().as_bytes(), DOC_TASK, ts);
    headers.insert(SIGNATURE_HEADER, signature.parse()?);
    headers.insert("host", "127.0.0.1:1234".parse()?);
    headers.insert("content-length", body.len().to_string().parse()?);
    verify(body, &headers, &keys, now)?;
    let n = 200_000;
    time("utf-8 check", n, || {
        std::hint::black_box(std::str::from_utf8(std::hint::black_box(body)).is_ok());
    });
    time("callback_key", n, || {
        std::hint::black_box(kie_suno_types::callback_key(body).ok());
    });
    time("verify (incl. callback_key)", n, || {
        std::hint::black_box(verify(body, &headers, &keys, now).ok());
    });
    time("parse lyrics", n, || {
        std::hint::black_box(parse(CallbackFamily::Lyrics, body).ok());
    });
    time("json_depth_within", n, || {
        std::hint::black_box(json_depth_within(
            std::hint::black_box(body),
            MAX_JSON_DEPTH,
        ));
    });
    time("check_task_id", n, || {
        std::hint::black_box(check_task_id(std::hint::black_box(DOC_TASK)).is_ok());
    });
    time("foreign_family", n, || {
        std::hint::black_box(foreign_family(
            CallbackFamily::Lyrics,
            std::hint::black_box(body),
        ));
    });
    time("storable_headers", n, || {
        std::hint::black_box(storable_headers(&headers));
    });
    Ok(())
}
