//! Callback receiver for the KIE.AI Suno API (the crate docs are the README below).
#![doc = include_str!("../README.md")]

mod clock;
#[cfg(feature = "router")]
mod confirm;
mod error;
mod event;
#[cfg(feature = "router")]
mod metrics;
#[cfg(feature = "router")]
mod ops;
#[cfg(feature = "router")]
mod outcomes;
mod parse;
#[cfg(feature = "router")]
mod receiver;
mod record;
mod rejection;
#[cfg(feature = "router")]
mod rejections;
#[cfg(feature = "router")]
mod router;
#[cfg(feature = "router")]
mod serve;
pub mod store;
#[cfg(feature = "router")]
mod untrusted;
mod validate;
mod verify;
#[cfg(feature = "router")]
mod worker;

#[cfg(feature = "router")]
pub use confirm::{
    disagreement, ConfirmError, ConfirmPolicy, ConfirmRequest, Confirmer, RecordInfo, RemoteState,
};
pub use error::{Error, Fault};
pub use event::{ConfirmJob, ConfirmResult, OutcomeEvent, OutcomeKind, Pruned};
#[cfg(feature = "router")]
pub use metrics::{Metrics, METRICS_CONTENT_TYPE};
#[cfg(feature = "router")]
pub use ops::{Endpoints, HEALTHZ_PATH, METRICS_PATH, READYZ_PATH};
#[cfg(feature = "router")]
pub use outcomes::{OutcomeStream, Outcomes, Settled};
pub use parse::parse;
#[cfg(feature = "router")]
pub use receiver::{
    Background, Receiver, ReceiverConfig, Serving, DEFAULT_BIND, DEFAULT_BODY_LIMIT,
    DEFAULT_BODY_READ_TIMEOUT, DEFAULT_DRAIN_LIMIT, DEFAULT_FD_RESERVE,
    DEFAULT_HEADER_READ_TIMEOUT, DEFAULT_IDLE_TIMEOUT, DEFAULT_MAX_CONNECTIONS,
    DEFAULT_MAX_IN_FLIGHT,
};
pub use record::{
    is_secret_header, storable_headers, Confirmation, NewCallback, Recorded, StoreStats,
    StoredCallback, Trust,
};
pub use rejection::Rejection;
#[cfg(feature = "router")]
pub use rejections::{Reason, Rejections};
#[cfg(feature = "router")]
pub use router::{callback_path, router, ReceiverState, ROUTE};
#[cfg(feature = "postgres")]
pub use store::postgres::{PostgresOptions, PostgresStore};
#[cfg(feature = "sqlite")]
pub use store::sqlite::{SqliteOptions, SqliteStore, Synchronous};
pub use store::{BoxFuture, Store, Wake};
pub use validate::{
    check_stage, check_task_id, foreign_family, json_depth_within, InvalidValue, Stage,
    MAX_JSON_DEPTH, MAX_STAGE_LEN, MAX_TASK_ID_LEN,
};
pub use verify::{
    sign, signed_headers, verify, Keys, Verified, VerifyError, DEFAULT_WINDOW, SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
};
