//! Callback receiver for the KIE.AI Suno API (the crate docs are the README below).
#![doc = include_str!("../README.md")]

mod clock;
#[cfg(feature = "router")]
mod confirm;
mod error;
mod event;
#[cfg(feature = "router")]
mod outcomes;
mod parse;
#[cfg(feature = "router")]
mod receiver;
mod record;
mod rejection;
#[cfg(feature = "router")]
mod router;
#[cfg(feature = "router")]
mod worker;
pub mod store;
mod verify;

#[cfg(feature = "router")]
pub use confirm::{
    disagreement, ConfirmError, ConfirmPolicy, ConfirmRequest, Confirmer, RecordInfo, RemoteState,
};
pub use error::Error;
pub use event::{ConfirmJob, ConfirmResult, OutcomeEvent, OutcomeKind, Pruned};
#[cfg(feature = "router")]
pub use outcomes::{OutcomeStream, Outcomes, Settled};
pub use parse::parse;
#[cfg(feature = "router")]
pub use receiver::{
    Background, Receiver, ReceiverConfig, Serving, DEFAULT_BIND, DEFAULT_BODY_LIMIT,
};
pub use record::{
    is_secret_header, storable_headers, Confirmation, NewCallback, Recorded, StoreStats,
    StoredCallback, Trust,
};
pub use rejection::Rejection;
#[cfg(feature = "router")]
pub use router::{callback_path, router, ReceiverState, ROUTE};
#[cfg(feature = "postgres")]
pub use store::postgres::{PostgresOptions, PostgresStore};
#[cfg(feature = "sqlite")]
pub use store::sqlite::{SqliteOptions, SqliteStore, Synchronous};
pub use store::{BoxFuture, Store, Wake};
pub use verify::{
    sign, signed_headers, verify, Keys, Verified, VerifyError, DEFAULT_WINDOW, SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
};
