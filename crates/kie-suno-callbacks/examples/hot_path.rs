//! Times the pure parts of the request path on one signed lyrics callback:
//! `verify`, `parse`, the header filter.
//!
//! `cargo run --release -p kie-suno-callbacks --example hot_path`

use std::time::{Duration, Instant, UNIX_EPOCH};

use http::HeaderMap;
use kie_suno_callbacks::{parse, storable_headers, verify, Keys};
use kie_suno_testkit::signed::Signer;
use kie_suno_testkit::{now_secs, signature_headers, DOC_TASK, LYRICS_SUCCESS as BODY};
use kie_suno_types::CallbackFamily;
use secrecy::{ExposeSecret as _, SecretString};

fn time(label: &str, n: u32, mut f: impl FnMut()) {
    let started = Instant::now();
    for _ in 0..n {
        f();
    }
    let per = started.elapsed().as_nanos() as f64 / f64::from(n);
    println!("{label:<28} {:>8.0} ns", per);
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let key = SecretString::from("bench-key");
    let keys = Keys::new([key.clone()])?;
    let ts = now_secs();
    let now = UNIX_EPOCH + Duration::from_secs(ts);
    let signer = Signer::new(key.expose_secret().as_bytes());
    let mut headers = HeaderMap::new();
    headers.insert("content-type", "application/json".parse()?);
    headers.insert("user-agent", "kie-callback/1.0".parse()?);
    for (name, value) in signature_headers(&signer, DOC_TASK, ts) {
        headers.insert(name, value.parse()?);
    }
    headers.insert("host", "127.0.0.1:1234".parse()?);
    headers.insert("content-length", BODY.len().to_string().parse()?);
    let body = BODY.as_bytes();
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
    time("storable_headers", n, || {
        std::hint::black_box(storable_headers(&headers));
    });
    Ok(())
}
