//! Verifies one callback by hand, with no router and no store: raw headers and
//! body in, the verified key (or the rejection the receiver would answer) out.
//! Needs no feature of this crate, so it builds with `--no-default-features`.
//!
//! Give it a request as received (an optional request line such as
//! `POST /callbacks/lyrics HTTP/1.1`, the header lines, a blank line, the body)
//! on stdin, and the webhook HMAC key in `KIE_WEBHOOK_HMAC_KEY`:
//!
//! ```text
//! KIE_WEBHOOK_HMAC_KEY=... cargo run -p kie-suno-callbacks --no-default-features \
//!     --example verify_by_hand < request.txt
//! ```
//!
//! With no input (stdin is a terminal) it makes two requests itself from the
//! documented lyrics callback and a demo key: one signed now, which verifies, and
//! the same one arriving an hour later, which is rejected as a replay.
//!
//! Exit status: 0 verified, 1 rejected, 2 unusable input.

use std::io::{IsTerminal as _, Read as _};
use std::process::ExitCode;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http::{HeaderMap, HeaderName, HeaderValue};
use kie_suno_callbacks::{parse, sign, verify, Keys, SIGNATURE_HEADER, TIMESTAMP_HEADER};
use kie_suno_types::CallbackFamily;
use secrecy::SecretString;

/// A request as received.
struct Raw {
    /// The family, from a request line's `/callbacks/<family>` path.
    family: Option<CallbackFamily>,
    headers: HeaderMap,
    body: Vec<u8>,
}

/// Splits a raw request at its first blank line; header names and values are
/// checked as HTTP would check them.
fn split(raw: &[u8]) -> Result<Raw, String> {
    let (head, body) = match find(raw, b"\r\n\r\n") {
        Some(i) => (&raw[..i], &raw[i + 4..]),
        None => match find(raw, b"\n\n") {
            Some(i) => (&raw[..i], &raw[i + 2..]),
            None => return Err("no blank line between the headers and the body".to_owned()),
        },
    };
    let head = std::str::from_utf8(head).map_err(|_| "the headers are not utf-8".to_owned())?;
    let mut family = None;
    let mut headers = HeaderMap::new();
    for (n, line) in head.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if n == 0 && line.contains(" HTTP/") {
            // `POST /kie/callbacks/lyrics HTTP/1.1`: the family is the last segment.
            family = line
                .split_whitespace()
                .nth(1)
                .and_then(|path| path.rsplit('/').next())
                .and_then(CallbackFamily::from_slug);
            continue;
        }
        let (name, value) = line
            .split_once(':')
            .ok_or_else(|| format!("header line {} has no colon", n + 1))?;
        let name = HeaderName::from_bytes(name.trim().as_bytes())
            .map_err(|_| format!("header line {} has an invalid name", n + 1))?;
        let value = HeaderValue::from_str(value.trim())
            .map_err(|_| format!("header line {} has an invalid value", n + 1))?;
        headers.append(name, value);
    }
    Ok(Raw {
        family,
        headers,
        body: body.to_vec(),
    })
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Verifies (and, when the family is known, parses) one request; true when
/// the receiver would accept it.
fn check(raw: &Raw, keys: &Keys, now: SystemTime) -> bool {
    match verify(&raw.body, &raw.headers, keys, now) {
        Ok(v) => {
            println!(
                "verified: task {}, stage {}, code {}, signed at {} with key #{}",
                v.key.task_id,
                v.key.stage,
                v.key
                    .code
                    .map_or("none".to_owned(), |c| c.as_i64().to_string()),
                v.timestamp,
                v.key_index
            );
            let Some(family) = raw.family else {
                return true;
            };
            match parse(family, &raw.body) {
                Ok(callback) => {
                    println!(
                        "parsed: a {family} callback, {}",
                        if callback.is_success() {
                            "success"
                        } else {
                            "failure"
                        }
                    );
                    true
                }
                Err(rejection) => {
                    println!(
                        "rejected: {} {}",
                        rejection.status().as_u16(),
                        rejection.body()
                    );
                    false
                }
            }
        }
        Err(e) => {
            // The reason is for the log; the sender only gets the fixed answer.
            let rejection = e.rejection();
            println!(
                "rejected ({e}): {} {}",
                rejection.status().as_u16(),
                rejection.body()
            );
            false
        }
    }
}

/// The documented lyrics callback signed with `key` at `ts`, as raw text.
fn demo_request(key: &str, ts: u64) -> Result<Vec<u8>, String> {
    let body = kie_suno_types::fixtures::documented("lyrics-callback.success.json")
        .ok_or("the documented lyrics callback is missing")?;
    let task = "3b66882fde0a5d398bd269cab6d9542b";
    let signature = sign(key.as_bytes(), task, ts);
    Ok(format!(
        "POST /callbacks/lyrics HTTP/1.1\r\ncontent-type: application/json\r\n\
         {TIMESTAMP_HEADER}: {ts}\r\n{SIGNATURE_HEADER}: {signature}\r\n\r\n{body}"
    )
    .into_bytes())
}

fn run() -> Result<bool, String> {
    let now = SystemTime::now();
    if std::io::stdin().is_terminal() {
        let key = "demo-webhook-key";
        let keys = Keys::new([SecretString::from(key)]).map_err(|e| e.to_string())?;
        let ts = now
            .duration_since(UNIX_EPOCH)
            .map_err(|e| e.to_string())?
            .as_secs();
        println!("no request on stdin: the documented lyrics callback, signed now");
        let raw = split(&demo_request(key, ts)?)?;
        let fresh = check(&raw, &keys, now);
        println!("\nthe same request an hour later (a replay)");
        let replayed = check(&raw, &keys, now + Duration::from_secs(3600));
        return Ok(fresh && !replayed);
    }
    let key = std::env::var("KIE_WEBHOOK_HMAC_KEY")
        .ok()
        .filter(|k| !k.trim().is_empty())
        .ok_or("set KIE_WEBHOOK_HMAC_KEY to the webhookHmacKey from the KIE settings page")?;
    let keys = Keys::new([SecretString::from(key.trim().to_owned())]).map_err(|e| e.to_string())?;
    let mut raw = Vec::new();
    std::io::stdin()
        .read_to_end(&mut raw)
        .map_err(|e| format!("cannot read stdin: {e}"))?;
    Ok(check(&split(&raw)?, &keys, now))
}

fn main() -> ExitCode {
    match run() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("verify_by_hand: {e}");
            ExitCode::from(2)
        }
    }
}
