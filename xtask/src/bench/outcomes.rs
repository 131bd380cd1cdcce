//! `bench outcomes`: callback-to-waiter latency. A waiter waits for one task on
//! instance W; a signed terminal callback for it is posted to instance A; the
//! figure is the time from just before the POST until the waiter returns
//! (the POST's round trip included). Three set-ups: one SQLite instance, one
//! PostgreSQL instance, and two PostgreSQL instances (A receives, B waits: the
//! push is `LISTEN`/`NOTIFY`, the recheck timer is off). Two waits each: "poll
//! now" on the signed callback (no confirmer), and the confirmed outcome (a
//! confirmer answering record-info at once, in process: the store's path of
//! job, claim, finish and push, without the API's round trip).

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use kie_suno_callbacks::{
    signed_headers, ConfirmPolicy, ConfirmRequest, Keys, PostgresOptions, PostgresStore, Receiver,
    ReceiverConfig, RecordInfo, RemoteState, Serving, SqliteOptions, SqliteStore, Store,
};
use kie_suno_types::TaskId;
use secrecy::SecretString;

use super::args::Args;
use super::load::BENCH_HMAC_KEY;
use super::pg;
use super::stats::{self, percentile};

fn keys() -> Result<Keys> {
    Ok(Keys::new([SecretString::from(BENCH_HMAC_KEY.to_owned())])?)
}

fn body(task: &str) -> String {
    serde_json::json!({"code": 200, "msg": "All generated successfully.",
        "data": {"callbackType": "complete", "task_id": task, "data": [
            {"text": "[Verse]\nlatency", "title": "Latency", "status": "complete",
             "error_message": ""}]}})
    .to_string()
}

fn config(confirm: bool) -> Result<ReceiverConfig> {
    let mut c = ReceiverConfig::new()
        .keys(keys()?)
        .outcome_recheck(None)
        .metrics(false);
    if confirm {
        c = c
            .confirmer(|r: ConfirmRequest| async move {
                Ok(RecordInfo::new(
                    RemoteState::Succeeded,
                    serde_json::json!({"taskId": r.task_id.as_str(), "status": "SUCCESS",
                        "response": {"data": [{"text": "[Verse]\nlatency", "title": "Latency"}]}}),
                ))
            })
            .confirm_policy(ConfirmPolicy::default().idle_poll(Duration::from_secs(3600)));
    }
    Ok(c)
}

async fn serve(
    store: Arc<dyn Store>,
    confirm: bool,
) -> Result<(Serving, tokio::sync::oneshot::Sender<()>)> {
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let serving = Receiver::new(config(confirm)?, store)
        .serve("127.0.0.1:0".parse()?, async {
            let _ = stopped.await;
        })
        .await?;
    Ok((serving, stop))
}

/// `n` sequential samples: waiter on `waiting`, callback posted to `receiving`.
async fn sample(
    receiving: &Serving,
    waiting: &Serving,
    confirm: bool,
    n: usize,
    tag: &str,
) -> Result<Vec<u64>> {
    let http = reqwest::Client::new();
    let url = format!("http://{}/callbacks/lyrics", receiving.local_addr());
    let key = SecretString::from(BENCH_HMAC_KEY.to_owned());
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let task = TaskId::new(format!("lat{tag}{i:06}"));
        let outcomes = waiting.outcomes();
        let waited = task.clone();
        let waiter = tokio::spawn(async move {
            if confirm {
                outcomes.wait_final(&waited).await.map(|_| ())
            } else {
                outcomes.wait(&waited, 0).await.map(|_| ())
            }
        });
        // Let the waiter park on its first (empty) read.
        tokio::time::sleep(Duration::from_millis(3)).await;
        let ts = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)?
            .as_secs();
        let mut req = http
            .post(&url)
            .header("content-type", "application/json")
            .body(body(task.as_str()));
        for (name, value) in signed_headers(&key, &task, ts) {
            req = req.header(name, value);
        }
        let started = Instant::now();
        let res = req.send().await?;
        anyhow::ensure!(
            res.status().is_success(),
            "callback answered {}",
            res.status()
        );
        tokio::time::timeout(Duration::from_secs(30), waiter)
            .await
            .context("the waiter did not settle within 30 s")???;
        out.push(u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX));
    }
    out.sort_unstable();
    Ok(out)
}

fn row(label: &str, wait: &str, us: &[u64]) -> Vec<String> {
    vec![
        label.to_owned(),
        wait.to_owned(),
        us.len().to_string(),
        stats::ms(percentile(us, 50.0)),
        stats::ms(percentile(us, 90.0)),
        stats::ms(percentile(us, 99.0)),
        stats::ms(us.last().copied().unwrap_or(0)),
    ]
}

pub(crate) fn run(args: &Args) -> Result<()> {
    let n: usize = args.get("samples", 300)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    println!("bench outcomes: callback-to-waiter latency, {n} sequential samples per row");
    let mut rows = Vec::new();
    runtime.block_on(async {
        for confirm in [false, true] {
            let wait = if confirm { "confirmed" } else { "poll now" };
            let dir = tempfile::tempdir()?;
            let store = Arc::new(
                SqliteStore::open(dir.path().join("lat.db"), SqliteOptions::default()).await?,
            );
            let (a, stop) = serve(store, confirm).await?;
            rows.push(row(
                "SQLite, one instance",
                wait,
                &sample(&a, &a, confirm, n, "s").await?,
            ));
            let _ = stop.send(());
            a.wait().await?;
        }
        Ok::<_, anyhow::Error>(())
    })?;
    if args.flag("no-postgres") {
        println!("PostgreSQL skipped (--no-postgres)");
    } else {
        match pg::start()? {
            Err(why) => println!("PostgreSQL skipped: {why}"),
            Ok(cluster) => runtime.block_on(async {
                for confirm in [false, true] {
                    let wait = if confirm { "confirmed" } else { "poll now" };
                    let url = cluster
                        .create_db(if confirm { "latc" } else { "latp" })
                        .await?;
                    let open = || PostgresStore::connect(&url, PostgresOptions::default());
                    let (sa, sb) = (Arc::new(open().await?), Arc::new(open().await?));
                    let (a, stop_a) = serve(sa, confirm).await?;
                    // B receives nothing and confirms nothing: its waiters hear of
                    // A's commits only through the push.
                    let (b, stop_b) = serve(sb, false).await?;
                    rows.push(row(
                        "PostgreSQL, one instance",
                        wait,
                        &sample(&a, &a, confirm, n, "p").await?,
                    ));
                    rows.push(row(
                        "PostgreSQL, A -> B",
                        wait,
                        &sample(&a, &b, confirm, n, "x").await?,
                    ));
                    let _ = (stop_a.send(()), stop_b.send(()));
                    a.wait().await?;
                    b.wait().await?;
                }
                Ok::<_, anyhow::Error>(())
            })?,
        }
    }
    print!(
        "{}",
        stats::table_left(
            &[
                "set-up",
                "settles on",
                "samples",
                "p50",
                "p90",
                "p99",
                "max"
            ],
            &rows,
            2
        )
    );
    Ok(())
}
