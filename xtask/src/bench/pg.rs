//! `bench receiver`'s throwaway PostgreSQL cluster: the testkit's launcher
//! ([`kie_suno_testkit::pg`]) with the bench's settings: fsync and
//! synchronous_commit on (the server's defaults), 200 connections.

use anyhow::Result;
pub(crate) use kie_suno_testkit::pg::Cluster;
use kie_suno_testkit::pg::Options;

/// Starts a cluster, or says why none can be started here (`Ok(Err(reason))`);
/// a cluster that could have run but failed to start is an error.
pub(crate) fn start() -> Result<std::result::Result<Cluster, String>> {
    let options = Options::new()
        .prefix("kie-bench-pg-")
        .fsync(true)
        .max_connections(200);
    match Cluster::start(&options) {
        Ok(cluster) => Ok(Ok(cluster)),
        Err(e) if e.is_unavailable() => Ok(Err(e.to_string())),
        Err(e) => Err(e.into()),
    }
}
