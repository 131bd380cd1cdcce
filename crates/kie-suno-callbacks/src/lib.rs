//! Callback receiver for the KIE.AI Suno API (the crate docs are the README below).
#![doc = include_str!("../README.md")]

mod confirm;
mod error;
mod outcomes;
mod receiver;
mod record;
mod rejection;
mod router;
pub mod store;
mod verify;

use std::time::{SystemTime, UNIX_EPOCH};

use kie_suno_types::{Callback, CallbackFamily, ParseError};

pub use confirm::{ConfirmError, ConfirmRequest, Confirmer, Verdict};
pub use error::Error;
pub use outcomes::{CallbackEvent, Outcomes};
pub use receiver::{Receiver, ReceiverConfig, Serving, DEFAULT_BIND, DEFAULT_BODY_LIMIT};
pub use record::{
    is_secret_header, storable_headers, Confirmation, NewCallback, Recorded, StoreStats,
    StoredCallback,
};
pub use rejection::Rejection;
pub use router::{callback_path, router, ReceiverState, ROUTE};
pub use store::postgres::{PostgresOptions, PostgresStore};
pub use store::sqlite::{SqliteOptions, SqliteStore, Synchronous};
pub use store::Store;
pub use verify::{
    sign, signed_headers, verify, Keys, Verified, VerifyError, DEFAULT_WINDOW, SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
};

/// Parses a raw callback body as the family's typed callback
/// ([`kie_suno_types::parse`]), mapped to the receiver's rejection: not JSON ->
/// [`Rejection::MalformedJson`] (400), JSON of the wrong shape ->
/// [`Rejection::InvalidCallback`] (422).
pub fn parse(family: CallbackFamily, body: &[u8]) -> Result<Callback, Rejection> {
    kie_suno_types::parse(family, body).map_err(|e| match e {
        ParseError::Syntax(_) => Rejection::MalformedJson,
        _ => Rejection::InvalidCallback,
    })
}

pub(crate) fn system_ms(t: SystemTime) -> i64 {
    t.duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

pub(crate) fn now_ms() -> i64 {
    system_ms(SystemTime::now())
}
