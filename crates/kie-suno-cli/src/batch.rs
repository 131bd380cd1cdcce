//! `kie-suno batch FILE`: many tasks from a file, submitted at the rate limit, each
//! followed to its outcome (callbacks or polling), one JSON line per task on stdout.
//!
//! Every line is checked before anything is submitted. Each line has a key in the
//! ledger: the file (its canonical path), the request the line stands for (family and
//! body, hashed) and which occurrence of that request in the file it is. Running the
//! same file again resumes: a line whose key is in the ledger is never submitted again
//! (finished ones are printed from the ledger, pending ones are waited for, unknown ones
//! are reported); only lines refused by the API (nothing billed) are submitted anew.

use std::collections::{BTreeSet, HashMap};
use std::io::{IsTerminal, Read, Write};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use anyhow::Context;
use futures::stream::{FuturesUnordered, StreamExt};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use kie_suno_client::{ClientError, Limiter, RateLimit, TokioClock};
use kie_suno_types::{
    CallbackFamily, CoverImageRequest, GenerateLyricsRequest, GenerateMusicRequest,
    GenerateSoundsRequest, MidiRequest, MusicVideoRequest, SeparationRequest, TaskId, WavRequest,
};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::args::{BatchArgs, Global};
use crate::embedded::Env;
use crate::exit::{TasksFailed, Usage};
use crate::family::Family;
use crate::ledger::{rfc3339, Entry, Ledger, LocalId, State};
use crate::output::Spinner;
use crate::track::{self, Interrupts};

/// One task of the file.
#[derive(Debug, Clone)]
struct Item {
    /// 1-based line number.
    line: usize,
    family: Family,
    /// The request as written (no callback URL added yet).
    body: Value,
    /// The ledger key (none when reading stdin).
    key: Option<String>,
}

/// Reads and checks the file; every line must make a valid request.
fn read_items(args: &BatchArgs) -> anyhow::Result<Vec<Item>> {
    let stdin = args.file.as_os_str() == "-";
    let text = if stdin {
        let mut s = String::new();
        std::io::stdin()
            .read_to_string(&mut s)
            .context("cannot read the batch from stdin")?;
        s
    } else {
        std::fs::read_to_string(&args.file)
            .with_context(|| format!("cannot read the batch file {}", args.file.display()))?
    };
    let file_id = if stdin {
        None
    } else {
        let path = std::fs::canonicalize(&args.file)
            .with_context(|| format!("cannot resolve {}", args.file.display()))?;
        Some(hex16(path.to_string_lossy().as_bytes()))
    };
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut items = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let at = || format!("{}:{}", args.file.display(), i + 1);
        let (family, body) = parse_line(line, args).map_err(|e| Usage(format!("{}: {e}", at())))?;
        // The check a submission would make, now, before anything is billed.
        check(
            family,
            with_callback(body.clone(), Some("https://example.com/cb")),
        )
        .map_err(|e| Usage(format!("{}: {e}", at())))?;
        let content = hex16(
            json!({"family": family.name(), "request": body})
                .to_string()
                .as_bytes(),
        );
        let n = seen.entry(content.clone()).or_insert(0);
        *n += 1;
        let key = file_id.as_ref().map(|f| format!("{f}:{content}:{n}"));
        items.push(Item {
            line: i + 1,
            family,
            body,
            key,
        });
    }
    if items.is_empty() {
        anyhow::bail!(Usage(format!(
            "{}: no tasks in the file",
            args.file.display()
        )));
    }
    Ok(items)
}

fn hex16(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .take(8)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A line: JSON (`{"family": F, "request": {...}}` or a bare request of
/// `--family`), else a prompt for `--family`.
fn parse_line(line: &str, args: &BatchArgs) -> Result<(Family, Value), String> {
    if line.starts_with('{') {
        let value: Value =
            serde_json::from_str(line).map_err(|e| format!("not a JSON object: {e}"))?;
        let wrapped = value.get("request").is_some()
            && value
                .as_object()
                .is_some_and(|o| o.keys().all(|k| k == "family" || k == "request"));
        if !wrapped {
            return Ok((args.family, value));
        }
        let family = match value.get("family") {
            None => args.family,
            Some(Value::String(name)) => Family::parse(name).ok_or_else(|| {
                format!(
                    "unknown family {name:?}: use one of {}",
                    Family::ALL.map(Family::name).join(", ")
                )
            })?,
            Some(other) => return Err(format!("\"family\" must be a string, not {other}")),
        };
        let request = value.get("request").cloned().unwrap_or(Value::Null);
        if !request.is_object() {
            return Err("\"request\" must be a JSON object".to_owned());
        }
        return Ok((family, request));
    }
    let body = match args.family {
        Family::Lyrics => json!({ "prompt": line }),
        Family::Music => json!({
            "prompt": line, "model": args.model, "customMode": false, "instrumental": false,
        }),
        Family::Sounds => json!({ "prompt": line, "model": args.model }),
        other => {
            return Err(format!(
                "a prompt line makes a lyrics, music or sounds task, not {other}: write JSON \
                 Lines of full requests"
            ))
        }
    };
    Ok((args.family, body))
}

fn with_callback(mut body: Value, url: Option<&str>) -> Value {
    if let (Some(obj), Some(url)) = (body.as_object_mut(), url) {
        obj.entry("callBackUrl")
            .or_insert_with(|| Value::String(url.to_owned()));
    }
    body
}

fn typed<R: DeserializeOwned + Serialize>(body: Value) -> Result<Value, String> {
    let request: R = serde_json::from_value(body).map_err(|e| e.to_string())?;
    serde_json::to_value(&request).map_err(|e| e.to_string())
}

/// The request through its family's typed request (`build()`'s rules), as sent.
fn check(family: Family, body: Value) -> Result<Value, String> {
    match family {
        Family::Lyrics => typed::<GenerateLyricsRequest>(body),
        Family::Music => typed::<GenerateMusicRequest>(body),
        Family::Sounds => typed::<GenerateSoundsRequest>(body),
        Family::CoverImage => typed::<CoverImageRequest>(body),
        Family::Wav => typed::<WavRequest>(body),
        Family::Separation => typed::<SeparationRequest>(body),
        Family::Midi => typed::<MidiRequest>(body),
        Family::Video => typed::<MusicVideoRequest>(body),
    }
}

fn callback_family(family: Family) -> Option<CallbackFamily> {
    Some(match family {
        Family::Lyrics => CallbackFamily::Lyrics,
        Family::Music => CallbackFamily::Music,
        Family::Sounds => return None,
        Family::CoverImage => CallbackFamily::CoverImage,
        Family::Wav => CallbackFamily::Wav,
        Family::Separation => CallbackFamily::Separation,
        Family::Midi => CallbackFamily::Midi,
        Family::Video => CallbackFamily::Video,
    })
}

/// The callback URL of a family: on the embedded simulator the local receiver's
/// route of that family; else the URL given (KIE calls it for every family).
fn callback_url(env: &Env, family: Family) -> Option<String> {
    let base = env.callback_url.as_deref()?;
    if !env.simulated {
        return Some(base.to_owned());
    }
    let cf = callback_family(family)?;
    let url = url::Url::parse(base).ok()?;
    url.join(&kie_suno_callbacks::callback_path(cf))
        .ok()
        .map(String::from)
}

/// The JSON line printed for a task.
fn line_of(item: &Item, entry: Option<&Entry>) -> Value {
    let Some(e) = entry else {
        return json!({"line": item.line, "family": item.family.name(), "state": "not-submitted"});
    };
    json!({
        "line": item.line,
        "family": e.family.name(),
        "task_id": e.task_id,
        "state": e.state.name(),
        "status": e.status,
        "submitted_at": e.submitted_at_ms.map(rfc3339),
        "error": e.error,
        "outcome": e.outcome,
    })
}

/// Shared by the tasks of a run.
struct Run<'a> {
    env: &'a Env,
    ledger: &'a Ledger,
    bar: ProgressBar,
    timeout: Duration,
    /// Task ids submitted and not finished (for the interrupt message).
    running: Arc<Mutex<BTreeSet<String>>>,
}

impl Run<'_> {
    fn say(&self, line: &str) {
        self.bar.suspend(|| eprintln!("{line}"));
    }

    /// Submits an item whose intent is written, then follows it.
    async fn submit(&self, item: Item, local: LocalId, body: Value) -> Value {
        let subscription = self.env.subscribe();
        let posted = self.env.client.post_task(item.family.submit(), &body).await;
        let task_id = match posted {
            Ok(id) => id,
            Err(e) => {
                let state = track::fate(&e);
                let message = track::error_chain(&e);
                if let Err(le) = self.ledger.not_submitted(local, state, &message) {
                    self.say(&format!("warning: line {}: {le:#}", item.line));
                }
                if state == State::Unknown {
                    self.say(&format!(
                        "warning: line {}: the request may have been billed without an \
                         answer: kept as ledger entry {local}",
                        item.line
                    ));
                }
                return self.finished(&item, local);
            }
        };
        self.say(&format!(
            "line {}: task {task_id} submitted ({})",
            item.line, item.family
        ));
        if let Err(e) = self.ledger.submitted(local, task_id.as_str()) {
            self.say(&format!("warning: line {}: {e:#}", item.line));
        }
        self.follow(item, local, task_id, subscription).await
    }

    /// Waits for a submitted task and records its outcome.
    async fn follow(
        &self,
        item: Item,
        local: LocalId,
        task_id: TaskId,
        subscription: Option<crate::embedded::Subscription>,
    ) -> Value {
        self.running
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(task_id.to_string());
        let quiet = Spinner::start(false, "");
        let options = self
            .env
            .wait_options(&task_id, self.timeout, subscription, &quiet);
        let outcome = track::wait(&self.env.client, item.family, &task_id, options).await;
        match &outcome {
            Ok(s) => track::record(self.ledger, &task_id, Ok((&s.record, s.state, &s.status))),
            Err(e) => {
                track::record::<Value>(self.ledger, &task_id, Err(e));
                if !matches!(e, ClientError::TaskFailed(_)) {
                    let status = self
                        .ledger
                        .task(task_id.as_str())
                        .ok()
                        .flatten()
                        .and_then(|e| e.status)
                        .unwrap_or_else(|| "PENDING".to_owned());
                    let msg = track::error_chain(e);
                    let _ = self.ledger.outcome(
                        task_id.as_str(),
                        State::Pending,
                        &status,
                        None,
                        Some(&msg),
                    );
                }
            }
        }
        self.running
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(task_id.as_str());
        self.finished(&item, local)
    }

    fn finished(&self, item: &Item, local: LocalId) -> Value {
        self.bar.inc(1);
        line_of(item, self.ledger.local(local).ok().flatten().as_ref())
    }
}

fn emit(line: &Value) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{line}")?;
    out.flush().context("cannot write to stdout")
}

fn progress(enabled: bool, total: usize) -> ProgressBar {
    if !enabled || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(
        Some(u64::try_from(total).unwrap_or(u64::MAX)),
        ProgressDrawTarget::stderr(),
    );
    bar.set_style(
        ProgressStyle::with_template("{prefix} [{elapsed}] {wide_bar} {pos}/{len} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.set_prefix("batch");
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

/// Runs a batch file.
pub async fn run(global: &Global, args: BatchArgs) -> anyhow::Result<()> {
    Env::check_timeout(global, args.follow.timeout, args.follow.poll_interval)?;
    let items = read_items(&args)?;
    let ledger = track::open_ledger(global)?;
    let mut global = global.clone();
    global.self_paced = true;
    // Lyrics: the one family whose callback URL is optional, so a batch without
    // --callback-url is followed by polling; a line that needs a URL carries its own.
    let env = Env::for_task(&global, &args.follow, CallbackFamily::Lyrics)
        .await?
        .with_poll(Duration::from_secs(args.follow.poll_interval));
    let result = drive(&global, &env, &ledger, &args, items).await;
    env.close().await;
    result
}

async fn drive(
    global: &Global,
    env: &Env,
    ledger: &Ledger,
    args: &BatchArgs,
    items: Vec<Item>,
) -> anyhow::Result<()> {
    let total = items.len();
    let (n, secs) = args.rate;
    let limiter = Limiter::new(RateLimit::new(n, Duration::from_secs_f64(secs)));
    let run = Run {
        env,
        ledger,
        bar: progress(!global.quiet, total),
        timeout: Duration::from_secs(args.follow.timeout),
        running: Arc::new(Mutex::new(BTreeSet::new())),
    };
    let mut interrupts = Interrupts::install()?;
    let running = Arc::clone(&run.running);
    let work = async {
        let mut lines: Vec<Value> = Vec::new();
        let mut pending = FuturesUnordered::new();
        let mut queue = Vec::new();
        let mut resumed = 0usize;
        for item in items {
            let known = match &item.key {
                Some(k) => ledger.by_batch_key(k)?,
                None => None,
            };
            match known {
                None => queue.push((item, None)),
                Some(e) if e.state == State::Refused => queue.push((item, Some(e.local_id))),
                Some(e) => {
                    resumed += 1;
                    match (e.task_id.clone(), e.state.is_final()) {
                        (Some(id), false) => pending.push(futures::future::Either::Left(
                            run.follow(item, e.local_id, TaskId::new(id), env.subscribe()),
                        )),
                        _ => {
                            run.bar.inc(1);
                            let line = line_of(&item, Some(&e));
                            emit(&line)?;
                            lines.push(line);
                        }
                    }
                }
            }
        }
        if resumed > 0 {
            run.say(&format!(
                "resuming: {resumed} of {total} line(s) already in the ledger {} are not submitted again",
                ledger.path().display()
            ));
        }
        // Every line to submit, with its callback URL, checked before the first POST.
        let mut ready = Vec::with_capacity(queue.len());
        for (item, retry) in queue {
            let url = callback_url(env, item.family);
            let body = check(
                item.family,
                with_callback(item.body.clone(), url.as_deref()),
            )
            .map_err(|e| Usage(format!("{}:{}: {e}", args.file.display(), item.line)))?;
            ready.push((item, retry, body));
        }
        let mut queue = ready.into_iter();
        let mut next = queue.next();
        loop {
            tokio::select! {
                biased;
                Some(line) = pending.next(), if !pending.is_empty() => {
                    emit(&line)?;
                    lines.push(line);
                }
                _ = limiter.acquire(&TokioClock), if next.is_some() => {
                    let Some((item, retry, body)) = next.take() else { continue };
                    next = queue.next();
                    let local = match retry {
                        Some(id) => { ledger.reintent(id)?; id }
                        None => ledger.intent(item.family, &body, item.key.as_deref())?,
                    };
                    pending.push(futures::future::Either::Right(run.submit(item, local, body)));
                }
                else => break,
            }
        }
        anyhow::Ok(lines)
    };
    let lines = interrupts
        .guard(
            || {
                running
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .iter()
                    .cloned()
                    .collect()
            },
            env.simulated,
            work,
        )
        .await;
    run.bar.finish_and_clear();
    let lines = lines??;
    let bad = lines
        .iter()
        .filter(|l| l.get("state").and_then(Value::as_str) != Some(State::Succeeded.name()))
        .count();
    if !global.quiet {
        eprintln!(
            "batch: {} of {total} task(s) succeeded",
            total.saturating_sub(bad)
        );
    }
    if bad > 0 {
        anyhow::bail!(TasksFailed(format!(
            "{bad} of {total} task(s) did not succeed (see their JSON lines); running the same \
             batch again resumes it without submitting a line twice"
        )));
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap
mod tests {
    use clap::Parser;

    use super::*;
    use crate::args::{Cli, Command};

    fn args(extra: &[&str]) -> BatchArgs {
        let mut argv = vec!["kie-suno", "batch", "f.txt"];
        argv.extend_from_slice(extra);
        match Cli::try_parse_from(argv).map(|c| c.command) {
            Ok(Command::Batch(b)) => b,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn lines_are_prompts_wrapped_requests_or_bare_requests() {
        let a = args(&[]);
        assert_eq!(a.rate, (20, 10.2));
        let (f, body) = parse_line("a song", &a).unwrap();
        assert_eq!((f, body), (Family::Lyrics, json!({"prompt": "a song"})));
        let (f, body) = parse_line(
            r#"{"family":"music","request":{"prompt":"p","model":"V5","customMode":false,"instrumental":false}}"#,
            &a,
        )
        .unwrap();
        assert_eq!(f, Family::Music);
        assert_eq!(body["model"], "V5");
        let (f, _) = parse_line(
            r#"{"prompt":"p","model":"V5"}"#,
            &args(&["--family", "sounds"]),
        )
        .unwrap();
        assert_eq!(f, Family::Sounds);
        assert!(parse_line(r#"{"family":"nope","request":{}}"#, &a)
            .unwrap_err()
            .contains("unknown family"));
        assert!(parse_line("a prompt", &args(&["--family", "wav"])).is_err());
        assert!(parse_line("{not json", &a).is_err());
    }

    #[test]
    fn a_request_breaking_a_rule_is_refused_by_the_check() {
        let long = "x".repeat(201);
        assert!(check(Family::Lyrics, json!({"prompt": long})).is_err());
        let ok = check(
            Family::Lyrics,
            with_callback(json!({"prompt": "p"}), Some("https://e.com/c")),
        );
        assert_eq!(ok.unwrap()["callBackUrl"], "https://e.com/c");
        // A callback URL of the line's own is kept.
        let own = with_callback(
            json!({"prompt": "p", "callBackUrl": "https://mine/"}),
            Some("x"),
        );
        assert_eq!(own["callBackUrl"], "https://mine/");
    }

    #[test]
    fn rates_are_checked() {
        let parse = |s: &str| {
            Cli::try_parse_from(["kie-suno", "batch", "f", "--rate", s]).map(|c| match c.command {
                Command::Batch(b) => b.rate,
                _ => (0, 0.0),
            })
        };
        assert_eq!(parse("20/1").unwrap(), (20, 1.0));
        assert_eq!(parse("5/2.5s").unwrap(), (5, 2.5));
        assert!(parse("0/10").is_err());
        assert!(parse("20").is_err());
        assert!(parse("20/-1").is_err());
    }
}
