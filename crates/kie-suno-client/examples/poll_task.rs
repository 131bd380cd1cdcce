//! Polls one lyrics or music task until it settles and prints the outcome.
//!
//! ```text
//! KIE_API_KEY=... cargo run -p kie-suno-client --example poll_task -- <task-id> [lyrics|music]
//! ```
//!
//! `KIE_API_KEY` is required; `KIE_BASE_URL` points the client elsewhere, e.g. at
//! the simulator (`kie-suno sim`, then `KIE_BASE_URL=http://127.0.0.1:<port>`).
//! Exit codes: 0 settled successfully, 1 the task failed or the wait gave up,
//! 2 usage or configuration error.

use std::process::ExitCode;
use std::time::Duration;

use kie_suno_client::types::TaskId;
use kie_suno_client::{Client, ClientError, ConfigError, WaitOptions, ENV_API_KEY};

const USAGE: &str = "usage: poll_task <task-id> [lyrics|music]";

#[derive(Debug, Clone, Copy)]
enum Family {
    Lyrics,
    Music,
}

#[tokio::main]
async fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(task_id) = args.next().filter(|id| !id.trim().is_empty()) else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    let family = match args.next().as_deref() {
        None | Some("lyrics") => Family::Lyrics,
        Some("music") => Family::Music,
        Some(other) => {
            eprintln!("unknown task family {other:?}\n{USAGE}");
            return ExitCode::from(2);
        }
    };

    // KIE_API_KEY (required), KIE_BASE_URL and KIE_UPLOAD_BASE_URL (optional).
    let client = match Client::from_env() {
        Ok(client) => client,
        Err(ClientError::Config(ConfigError::MissingEnv(var))) if var == ENV_API_KEY => {
            eprintln!(
                "error: {ENV_API_KEY} is not set: export your API key \
                 (https://kie.ai/api-key), or run `kie-suno sim` and point \
                 KIE_BASE_URL at it with any key"
            );
            return ExitCode::from(2);
        }
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };

    let task_id = TaskId::new(task_id);
    let options = WaitOptions::new()
        .with_delays(Duration::from_secs(5), Duration::from_secs(30))
        .with_deadline(Duration::from_secs(10 * 60))
        .on_status(|status| eprintln!("status: {status}"));
    let result = match family {
        Family::Lyrics => poll_lyrics(&client, &task_id, options).await,
        Family::Music => poll_music(&client, &task_id, options).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            match &e {
                ClientError::TaskFailed(f) if f.is_content_policy() => {
                    eprintln!("hint: the prompt was rejected by the content filter");
                }
                ClientError::WaitDeadline { .. } => {
                    eprintln!("hint: the task may still finish; run this again later");
                }
                _ => {}
            }
            ExitCode::FAILURE
        }
    }
}

async fn poll_lyrics(
    client: &Client,
    task_id: &TaskId,
    options: WaitOptions,
) -> Result<(), ClientError> {
    let record = client.lyrics().details(task_id).await?;
    println!("lyrics task {task_id}: {}", record.status.as_str());
    let outcome = client.lyrics().wait(task_id, options).await?;
    for (i, variation) in outcome.variations().iter().enumerate() {
        let title = variation.title.as_deref().unwrap_or("(untitled)");
        println!("--- variation {}: {title}", i + 1);
        println!("{}", variation.text.as_deref().unwrap_or_default());
    }
    Ok(())
}

async fn poll_music(
    client: &Client,
    task_id: &TaskId,
    options: WaitOptions,
) -> Result<(), ClientError> {
    let record = client.music().details(task_id).await?;
    println!("music task {task_id}: {}", record.status.as_str());
    let outcome = client.music().wait(task_id, options).await?;
    println!("reached {}", outcome.status().as_str());
    for (i, track) in outcome.tracks().iter().enumerate() {
        let title = track.title.as_deref().unwrap_or("(untitled)");
        let url = track.audio_url.as_deref().unwrap_or("(no audio url yet)");
        println!("--- track {}: {title}\n{url}", i + 1);
    }
    Ok(())
}
