//! Why no cluster is running: the machine cannot run one (a reason to skip), or
//! one could have run but failed.

use std::fmt;

/// Why no cluster is running.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ClusterError {
    /// This machine cannot run a throwaway cluster: no server binaries, root
    /// without a `postgres` user to run them as, or initdb refused. Tests skip.
    Unavailable(String),
    /// A cluster could have run but did not: the server did not start, or a
    /// command on it failed.
    Failed(String),
}

impl ClusterError {
    /// Whether the machine cannot run a cluster at all (a reason to skip).
    pub fn is_unavailable(&self) -> bool {
        matches!(self, Self::Unavailable(_))
    }
}

impl fmt::Display for ClusterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unavailable(reason) | Self::Failed(reason) => f.write_str(reason),
        }
    }
}

impl std::error::Error for ClusterError {}
