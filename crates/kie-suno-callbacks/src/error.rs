//! The crate's error type: configuration, store and serving failures.

/// Everything that can go wrong in this crate outside of a single request
/// (requests are answered with a [`crate::Rejection`] instead).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An HMAC key is unusable (empty).
    #[error("invalid webhook hmac key: {0}")]
    InvalidKey(&'static str),
    /// A configuration value is out of range.
    #[error("invalid configuration: {0}")]
    Config(String),
    /// The SQLite store failed (open, migration, statement or commit).
    #[error("sqlite store error: {0}")]
    Sqlite(String),
    /// The PostgreSQL store failed (connection, migration, statement).
    #[error("postgres store error: {0}")]
    Postgres(String),
    /// The store was closed; nothing more can be written.
    #[error("the callback store is closed")]
    StoreClosed,
    /// Binding or serving the socket failed.
    #[error("i/o error: {0}")]
    Io(String),
    /// The receiver stopped before the awaited outcome arrived.
    #[error("the receiver stopped before an outcome for task {0} arrived")]
    OutcomeClosed(String),
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        Self::Sqlite(e.to_string())
    }
}

impl From<tokio_postgres::Error> for Error {
    fn from(e: tokio_postgres::Error) -> Self {
        Self::Postgres(e.to_string())
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Self::Io(e.to_string())
    }
}
