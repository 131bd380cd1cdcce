//! The push between instances: a dedicated connection `LISTEN`s on the outcome
//! channel and hands every notified cursor to the wake function (0: "look again"); it reconnects
//! (with backoff) when the connection drops, and wakes once after each
//! (re)connect so nothing committed while it was away is missed.

use std::time::Duration;

use futures::StreamExt;
use tokio_postgres::{AsyncMessage, NoTls};

use super::sql::CHANNEL;
use crate::store::Wake;
use crate::Error;

/// Connects, `LISTEN`s, and spawns the task that follows the notifications.
/// Resolves once the first `LISTEN` is in place.
pub(super) async fn start(config: tokio_postgres::Config, wake: Wake) -> Result<(), Error> {
    let first = listen_once(&config, &wake).await?;
    tokio::spawn(async move {
        let mut session = Some(first);
        let mut delay = Duration::from_millis(100);
        loop {
            if let Some(s) = session.take() {
                let _ = s.await;
                tracing::warn!("the postgres LISTEN connection dropped; reconnecting");
            }
            tokio::time::sleep(delay).await;
            match listen_once(&config, &wake).await {
                Ok(s) => {
                    delay = Duration::from_millis(100);
                    session = Some(s);
                }
                Err(e) => {
                    delay = (delay * 2).min(Duration::from_secs(10));
                    tracing::warn!(
                        error = &e as &dyn std::error::Error,
                        "postgres LISTEN reconnect failed"
                    );
                }
            }
        }
    });
    Ok(())
}

/// One listening connection: the returned handle finishes when it drops.
async fn listen_once(
    config: &tokio_postgres::Config,
    wake: &Wake,
) -> Result<tokio::task::JoinHandle<()>, Error> {
    let (client, mut connection) = config.connect(NoTls).await?;
    let wake_task = wake.clone();
    // The client is parked in this channel, whose receiver the follower holds: it
    // lives (and so does the session) exactly as long as the connection is followed.
    let (client_tx, client_rx) = tokio::sync::oneshot::channel::<tokio_postgres::Client>();
    let follow = tokio::spawn(async move {
        let mut messages = futures::stream::poll_fn(move |cx| connection.poll_message(cx));
        let _client = client_rx;
        while let Some(message) = messages.next().await {
            match message {
                Ok(AsyncMessage::Notification(n)) => {
                    if let Ok(cursor) = n.payload().parse::<i64>() {
                        wake_task(cursor);
                    }
                }
                Ok(_) => {}
                Err(e) => {
                    tracing::warn!(
                        error = &e as &dyn std::error::Error,
                        "postgres LISTEN connection failed"
                    );
                    break;
                }
            }
        }
    });
    client.batch_execute(&format!("LISTEN {CHANNEL}")).await?;
    // Whatever was committed before the LISTEN took effect: wake the readers once
    // (they re-read from their own cursors).
    let _ = client_tx.send(client);
    wake(0);
    Ok(follow)
}
