//! The crate's error type: configuration, store and serving failures, each with
//! its typed cause.

/// Everything that can go wrong in this crate outside of a single request
/// (requests are answered with a [`crate::Rejection`] instead).
///
/// The message (`Display`) is this layer's, lowercase; the underlying error is
/// [`source()`](std::error::Error::source), so print the chain (anyhow's `{:#}`,
/// tracing's `error = &e as &dyn Error`) to see both. No variant holds a key or a
/// connection string: a PostgreSQL connection string that does not parse is
/// reported without the parser's message, which can quote it.
///
/// Variants tied to a backend exist only with its feature. Predicates work
/// across them: [`fault`](Self::fault) (whose fault, and so what the receiver
/// answers), [`is_transient`](Self::is_transient), [`is_closed`](Self::is_closed).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An HMAC key is unusable (empty).
    #[error("invalid webhook hmac key: {0}")]
    InvalidKey(&'static str),
    /// A configuration value is unusable; the text names it, never its value.
    #[error("invalid configuration: {0}")]
    Config(&'static str),
    /// The store was closed; nothing more can be written.
    #[error("the callback store is closed")]
    StoreClosed,
    /// The database was migrated by a newer version of this crate.
    #[error("the database schema version {found} is newer than this build supports ({supported})")]
    #[non_exhaustive]
    SchemaTooNew {
        /// The version the database is at.
        found: i64,
        /// The newest version this build knows.
        supported: i64,
    },
    /// An I/O operation failed: binding or serving a socket, starting a thread.
    #[error("i/o error while {context}")]
    #[non_exhaustive]
    Io {
        /// What was being done, e.g. `binding the receiver's socket`.
        context: &'static str,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A store implemented outside this crate failed ([`Error::custom_store`],
    /// [`Error::custom_store_fault`]).
    #[error("callback store error")]
    #[non_exhaustive]
    CustomStore {
        /// The store's own error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync + 'static>,
        /// Whose fault it is.
        fault: Fault,
    },
    /// A value the store indexes is not acceptable (a task id that is empty,
    /// too long, or has control characters): checked the same way by every
    /// store before anything is written. Never holds the value itself.
    #[error("the {field} cannot be stored: {reason}")]
    #[non_exhaustive]
    InvalidInput {
        /// Which field, e.g. `task id`.
        field: &'static str,
        /// Why, e.g. `longer than 128 bytes`.
        reason: &'static str,
    },
    /// The SQLite store failed (open, migration, statement or commit). A failed
    /// `BEGIN` or `COMMIT` fails every request of its batch, each with a copy of
    /// SQLite's error (code, extended code and message).
    #[cfg(feature = "sqlite")]
    #[error("sqlite store error")]
    Sqlite(#[source] rusqlite::Error),
    /// SQLite could not switch the database to WAL mode (a file system without
    /// shared memory, a read-only file, ...).
    #[cfg(feature = "sqlite")]
    #[error("the sqlite journal mode is {mode}, not wal")]
    #[non_exhaustive]
    NotWal {
        /// The journal mode SQLite reported.
        mode: String,
    },
    /// Syncing the SQLite WAL to stable storage failed. After that nothing
    /// written later can be trusted to be on disk (Linux may drop the failed pages
    /// and report the next `fsync` as a success), so this store fails every later
    /// write with this error; reopen it (restart) once the disk is fixed.
    #[cfg(feature = "sqlite")]
    #[error("syncing the sqlite wal failed; the store refuses every later write")]
    WalSync(#[source] std::io::Error),
    /// The PostgreSQL store failed (connection, migration, statement).
    #[cfg(feature = "postgres")]
    #[error("postgres store error")]
    Postgres(#[source] tokio_postgres::Error),
    /// No PostgreSQL connection could be had from the pool (timeout, or
    /// connecting failed).
    #[cfg(feature = "postgres")]
    #[error("no postgres connection available")]
    PostgresPool(#[source] deadpool_postgres::PoolError),
    /// The receiver stopped before the awaited outcome arrived.
    #[cfg(feature = "router")]
    #[error("the receiver stopped before an outcome for task {0} arrived")]
    OutcomeClosed(kie_suno_types::TaskId),
    /// The receiver's serving task panicked or was cancelled.
    #[cfg(feature = "router")]
    #[error("the receiver task failed")]
    ReceiverTask(#[source] tokio::task::JoinError),
}

/// Whose fault a store failure is: what decides the receiver's answer.
///
/// | fault | examples | receiver answers |
/// |---|---|---|
/// | [`Input`](Fault::Input) | PostgreSQL SQLSTATE class 22 (data exception: a NUL byte in text, a value too long), 23 (integrity constraint), 54 (program limit: an index row too large); SQLite `TOOBIG`, `CONSTRAINT`, `MISMATCH`, a failed parameter conversion; [`Error::InvalidInput`] | 422 `unstorable_callback`: the same delivery fails the same way, so KIE must not retry it |
/// | [`Transient`](Fault::Transient) | what [`Error::is_transient`] says | 503 `store_unavailable` |
/// | [`Server`](Fault::Server) | anything else: a closed store, a failed WAL sync, disk full, a schema newer than this build, a SQL error of ours | 503 `store_unavailable`: not the sender's fault, and a retry succeeds once the operator has fixed it |
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Fault {
    /// The sender's data cannot be stored as it is: a retry fails the same way.
    Input,
    /// A retry of the same call may succeed by itself.
    Transient,
    /// The store or its configuration is broken until someone fixes it.
    Server,
}

impl Fault {
    /// A stable lowercase name: `input`, `transient`, `server`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Input => "input",
            Self::Transient => "transient",
            Self::Server => "server",
        }
    }
}

impl std::fmt::Display for Fault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Error {
    /// The error of a store of your own: `transient` says whether a retry may
    /// succeed (what [`is_transient`](Self::is_transient) answers); a
    /// non-transient one is a [`Fault::Server`]. For a value your store cannot
    /// take, use [`Error::custom_store_fault`] with [`Fault::Input`].
    pub fn custom_store(
        source: impl Into<Box<dyn std::error::Error + Send + Sync + 'static>>,
        transient: bool,
    ) -> Self {
        let fault = if transient {
            Fault::Transient
        } else {
            Fault::Server
        };
        Self::custom_store_fault(source, fault)
    }

    /// The error of a store of your own, with whose fault it is.
    pub fn custom_store_fault(
        source: impl Into<Box<dyn std::error::Error + Send + Sync + 'static>>,
        fault: Fault,
    ) -> Self {
        Self::CustomStore {
            source: source.into(),
            fault,
        }
    }

    /// Whose fault this is ([`Fault`]): the sender's data, a passing condition,
    /// or the store itself.
    pub fn fault(&self) -> Fault {
        if self.is_transient() {
            return Fault::Transient;
        }
        let input = match self {
            Self::InvalidInput { .. } => true,
            Self::CustomStore { fault, .. } => *fault == Fault::Input,
            #[cfg(feature = "sqlite")]
            Self::Sqlite(e) => sqlite_input(e),
            #[cfg(feature = "postgres")]
            Self::Postgres(e) => postgres_input(e),
            _ => false,
        };
        if input {
            Fault::Input
        } else {
            Fault::Server
        }
    }

    #[cfg(any(feature = "router", feature = "sqlite"))]
    pub(crate) fn io(context: &'static str, source: std::io::Error) -> Self {
        Self::Io { context, source }
    }

    /// Whether the same call may succeed if retried later: I/O errors, a busy or
    /// locked SQLite database, a lost or refused PostgreSQL connection, a pool
    /// timeout, a serialisation failure or a server shutting down; a custom store's
    /// own answer. Configuration, schema, closed-store and WAL-sync errors are not
    /// transient, nor is a SQLite I/O error (like a failed sync it may have lost
    /// what it reported written).
    ///
    /// The receiver answers 503 to any store failure either way, so that KIE
    /// retries; this is for code that calls a store directly.
    pub fn is_transient(&self) -> bool {
        match self {
            Self::Io { .. } => true,
            Self::CustomStore { fault, .. } => *fault == Fault::Transient,
            #[cfg(feature = "sqlite")]
            Self::Sqlite(e) => matches!(
                e.sqlite_error_code(),
                Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
            ),
            #[cfg(feature = "postgres")]
            Self::Postgres(e) => postgres_transient(e),
            #[cfg(feature = "postgres")]
            Self::PostgresPool(e) => match e {
                deadpool_postgres::PoolError::Timeout(_) => true,
                deadpool_postgres::PoolError::Backend(e) => postgres_transient(e),
                _ => false,
            },
            _ => false,
        }
    }

    /// Whether the store or the receiver is closed: nothing will succeed again
    /// on this instance.
    pub fn is_closed(&self) -> bool {
        match self {
            Self::StoreClosed => true,
            #[cfg(feature = "router")]
            Self::OutcomeClosed(_) => true,
            _ => false,
        }
    }
}

/// Lost or refused connections (an I/O error underneath, or closed), and the
/// SQLSTATEs that say "try again": connection exceptions (class 08),
/// serialisation failure, deadlock, too many connections, server shutting down
/// or starting up.
#[cfg(feature = "postgres")]
fn postgres_transient(e: &tokio_postgres::Error) -> bool {
    use std::error::Error as _;
    if e.is_closed()
        || e.source()
            .is_some_and(|s| s.downcast_ref::<std::io::Error>().is_some())
    {
        return true;
    }
    e.code().is_some_and(|state| {
        let code = state.code();
        code.starts_with("08")
            || matches!(
                code,
                "40001" | "40P01" | "53300" | "57P01" | "57P02" | "57P03"
            )
    })
}

/// SQLSTATE classes 22 (data exception), 23 (integrity constraint violation) and
/// 54 (program limit exceeded): the value is what the server refused.
#[cfg(feature = "postgres")]
fn postgres_input(e: &tokio_postgres::Error) -> bool {
    e.code().is_some_and(|state| {
        let code = state.code();
        code.starts_with("22") || code.starts_with("23") || code.starts_with("54")
    })
}

/// A string or blob over SQLite's length limit, a constraint, a datatype
/// mismatch, a parameter that could not be converted.
#[cfg(feature = "sqlite")]
fn sqlite_input(e: &rusqlite::Error) -> bool {
    use rusqlite::ErrorCode;
    match e {
        rusqlite::Error::ToSqlConversionFailure(_) => true,
        _ => matches!(
            e.sqlite_error_code(),
            Some(ErrorCode::TooBig | ErrorCode::ConstraintViolation | ErrorCode::TypeMismatch)
        ),
    }
}

#[cfg(feature = "sqlite")]
impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        Self::Sqlite(e)
    }
}

#[cfg(feature = "postgres")]
impl From<tokio_postgres::Error> for Error {
    fn from(e: tokio_postgres::Error) -> Self {
        Self::Postgres(e)
    }
}

#[cfg(feature = "postgres")]
impl From<deadpool_postgres::PoolError> for Error {
    fn from(e: deadpool_postgres::PoolError) -> Self {
        match e {
            // What the `Store` contract promises after `close()`.
            deadpool_postgres::PoolError::Closed => Self::StoreClosed,
            other => Self::PostgresPool(other),
        }
    }
}
