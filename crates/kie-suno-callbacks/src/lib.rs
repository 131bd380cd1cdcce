//! Callback receiver for the KIE.AI Suno API (the crate docs are the README below).
#![doc = include_str!("../README.md")]

mod clock;
mod confirm;
mod error;
mod outcomes;
mod parse;
mod receiver;
mod record;
mod rejection;
mod router;
pub mod store;
mod verify;

pub use confirm::{ConfirmError, ConfirmRequest, Confirmer, Verdict};
pub use error::Error;
pub use outcomes::{CallbackEvent, Outcomes};
pub use parse::parse;
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
