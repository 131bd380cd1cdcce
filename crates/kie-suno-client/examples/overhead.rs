//! Measures the per-call overhead of the client against a raw reqwest call to the
//! same endpoint, over loopback, against a minimal keep-alive HTTP server that
//! answers every request with the documented lyrics record.
//!
//! `cargo run --release -p kie-suno-client --example overhead [calls]`
//! Prints figures; asserts nothing about time.
//!
//! Both kinds share one reqwest client with a 30 s timeout: a per-request timer
//! costs about a microsecond on a multi-thread runtime, and the client always
//! sets one (its `timeout`), so a raw call without any timer would not be a like
//! for like comparison.

use std::time::{Duration, Instant};

use kie_suno_client::types::{LyricsRecord, TaskId};
use kie_suno_client::{Client, RetryPolicy};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// The documented record-info body (kie-suno-types' `fixtures` feature).
fn body() -> &'static str {
    kie_suno_client::types::fixtures::documented("lyrics-record-info.success.json").unwrap_or("{}")
}

/// A keep-alive HTTP/1.1 server that ignores the request and answers [`body`].
async fn serve(listener: TcpListener) {
    let body = body();
    let response = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    );
    loop {
        let Ok((mut sock, _)) = listener.accept().await else {
            return;
        };
        let response = response.clone();
        tokio::spawn(async move {
            let mut buf = vec![0u8; 8192];
            let mut filled = 0;
            loop {
                let Ok(n) = sock.read(&mut buf[filled..]).await else {
                    return;
                };
                if n == 0 {
                    return;
                }
                filled += n;
                // Requests here have no body: one request ends at the blank line.
                while let Some(end) = buf[..filled].windows(4).position(|w| w == b"\r\n\r\n") {
                    if sock.write_all(response.as_bytes()).await.is_err() {
                        return;
                    }
                    buf.copy_within(end + 4..filled, 0);
                    filled -= end + 4;
                }
                if filled == buf.len() {
                    return;
                }
            }
        });
    }
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v.get(v.len() / 2).copied().unwrap_or_default()
}

#[tokio::main(flavor = "multi_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let calls: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(5000);
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(serve(listener));
    let base = format!("http://{addr}");

    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()?;
    let client = Client::builder()
        .api_key("bench-key")
        .base_url(base.clone())
        .http_client(http.clone())
        .retry_policy(RetryPolicy::default())
        .build()?;
    let id = TaskId::new("11dc****8b0f");
    let url = format!("{base}/api/v1/lyrics/record-info");

    #[derive(serde::Deserialize)]
    struct Env {
        code: i64,
        data: Option<LyricsRecord>,
    }

    let raw = || async {
        let resp = http
            .get(&url)
            .bearer_auth("bench-key")
            .query(&[("taskId", id.as_str())])
            .send()
            .await?;
        let bytes = resp.bytes().await?;
        let env: Env = serde_json::from_slice(&bytes)?;
        assert_eq!(env.code, 200);
        Ok::<_, Box<dyn std::error::Error>>(env.data.map(|d| d.task_id))
    };
    let typed = || async { client.lyrics().details(&id).await.map(|r| r.task_id) };

    // Warm up both paths (connection pool, allocator).
    for _ in 0..200 {
        raw().await?;
        typed().await?;
    }
    let (mut raw_t, mut typed_t) = (Vec::with_capacity(calls), Vec::with_capacity(calls));
    for _ in 0..calls {
        // Interleaved so both see the same machine noise.
        let t = Instant::now();
        raw().await?;
        raw_t.push(t.elapsed());
        let t = Instant::now();
        typed().await?;
        typed_t.push(t.elapsed());
    }
    let (r, c) = (median(raw_t.clone()), median(typed_t.clone()));
    let (rs, cs): (Duration, Duration) = (raw_t.iter().sum(), typed_t.iter().sum());
    println!("calls per kind: {calls}");
    println!("raw reqwest  median {r:?}  total {rs:?}");
    println!("client       median {c:?}  total {cs:?}");
    println!(
        "ratio client/raw: median {:.3}, total {:.3}",
        c.as_secs_f64() / r.as_secs_f64(),
        cs.as_secs_f64() / rs.as_secs_f64()
    );
    Ok(())
}
