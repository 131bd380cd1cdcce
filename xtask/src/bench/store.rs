//! The independent read-back that compares what a store holds with what got a 200 (the
//! servers under test that wire the receiver to a store are `xtask::serve`).

use std::collections::HashMap;
use std::fmt;
use std::path::Path;

use anyhow::{Context, Result};

use super::load::Plan;

/// What a store holds compared with what the load generator saw acknowledged.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Check {
    /// Deliveries answered 200.
    pub(crate) acked_deliveries: usize,
    /// Distinct (task id, stage) among them.
    pub(crate) acked_unique: usize,
    /// Acknowledged repeats (deliveries whose key had been acknowledged before).
    pub(crate) acked_repeats: usize,
    /// Rows in the store.
    pub(crate) rows: u64,
    /// Acknowledged keys with no row.
    pub(crate) lost: usize,
    /// Keys with more than one row.
    pub(crate) duplicated: usize,
    /// Repeats the store recorded for the acknowledged keys, when it counts deliveries.
    pub(crate) recorded_repeats: Option<u64>,
    /// Every delivery got a 200, so the recorded repeats must equal the acknowledged ones
    /// (otherwise a delivery that failed may still have been counted).
    pub(crate) exact_repeats: bool,
}

impl Check {
    /// No loss, no duplicate and, when the store counts deliveries, every acknowledged
    /// repeat counted.
    pub(crate) fn is_clean(&self) -> bool {
        self.lost == 0
            && self.duplicated == 0
            && self.recorded_repeats.is_none_or(|r| {
                if self.exact_repeats {
                    r == self.acked_repeats as u64
                } else {
                    r >= self.acked_repeats as u64
                }
            })
    }
}

impl fmt::Display for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "acknowledged {} deliveries = {} unique + {} repeats; stored rows {}; lost {}; duplicated {}",
            self.acked_deliveries, self.acked_unique, self.acked_repeats, self.rows, self.lost, self.duplicated
        )?;
        if let Some(r) = self.recorded_repeats {
            write!(f, "; repeats recorded by the store {r}")?;
        }
        Ok(())
    }
}

/// Rows per key as read back from a store.
#[derive(Debug, Default)]
pub(crate) struct Stored {
    /// `(task id, stage)` -> number of rows.
    pub(crate) rows_per_key: HashMap<(String, String), u64>,
    /// Total rows.
    pub(crate) rows: u64,
    /// `(task id, stage)` -> deliveries the store counted, when it counts them.
    pub(crate) deliveries_per_key: Option<HashMap<(String, String), u64>>,
}

/// Compares the acknowledged deliveries of each `(plan, statuses)` run
/// (`statuses[i] == 200`) with `stored`. Every plan delivery is a lyrics callback, stage
/// `complete`.
pub(crate) fn evaluate(runs: &[(&Plan, &[u16])], stored: &Stored) -> Check {
    let mut acked: HashMap<(String, String), u64> = HashMap::new();
    let mut all_ok = true;
    for (plan, statuses) in runs {
        for (d, s) in plan.deliveries.iter().zip(statuses.iter()) {
            if *s == 200 {
                *acked
                    .entry((d.task_id.clone(), "complete".to_owned()))
                    .or_default() += 1;
            } else {
                all_ok = false;
            }
        }
    }
    let mut check = evaluate_keys(&acked, stored);
    check.exact_repeats = all_ok;
    check
}

/// Compares acknowledged keys (with how many deliveries of each got a 200) with `stored`.
pub(crate) fn evaluate_keys(acked: &HashMap<(String, String), u64>, stored: &Stored) -> Check {
    let acked_deliveries: u64 = acked.values().sum();
    let lost = acked
        .keys()
        .filter(|k| stored.rows_per_key.get(*k).copied().unwrap_or(0) == 0)
        .count();
    let duplicated = stored.rows_per_key.values().filter(|n| **n > 1).count();
    let recorded_repeats = stored.deliveries_per_key.as_ref().map(|per_key| {
        acked
            .keys()
            .map(|k| per_key.get(k).copied().unwrap_or(0).saturating_sub(1))
            .sum()
    });
    Check {
        acked_deliveries: acked_deliveries as usize,
        acked_unique: acked.len(),
        acked_repeats: (acked_deliveries as usize).saturating_sub(acked.len()),
        rows: stored.rows,
        lost,
        duplicated,
        recorded_repeats,
        exact_repeats: false,
    }
}

/// Reads the SQLite file back (read-only) and compares it with the acknowledged deliveries.
pub(crate) fn check_sqlite(db: &Path, runs: &[(&Plan, &[u16])]) -> Result<Check> {
    let stored = read_sqlite(db)?;
    Ok(evaluate(runs, &stored))
}

/// Reads the PostgreSQL database back and compares it with the acknowledged deliveries.
pub(crate) async fn check_postgres(url: &str, runs: &[(&Plan, &[u16])]) -> Result<Check> {
    let stored = read_postgres(url).await?;
    Ok(evaluate(runs, &stored))
}

/// Rows per (task id, stage) in a receiver's SQLite file, opened read-only.
pub(crate) fn read_sqlite(db: &Path) -> Result<Stored> {
    let conn = rusqlite::Connection::open_with_flags(
        db,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .with_context(|| format!("opening {} read-only", db.display()))?;
    let rows: i64 = conn.query_row("SELECT count(*) FROM kie_suno_callbacks", [], |r| r.get(0))?;
    let mut stmt = conn.prepare(
        "SELECT task_id, stage, count(*), sum(deliveries) FROM kie_suno_callbacks GROUP BY task_id, stage",
    )?;
    let mut stored = Stored {
        rows: u64::try_from(rows)?,
        deliveries_per_key: Some(HashMap::new()),
        ..Stored::default()
    };
    let mut it = stmt.query([])?;
    while let Some(row) = it.next()? {
        let key: (String, String) = (row.get(0)?, row.get(1)?);
        let n: i64 = row.get(2)?;
        let deliveries: i64 = row.get(3)?;
        stored.add(key, n, deliveries)?;
    }
    Ok(stored)
}

/// Rows per (task id, stage) in a receiver's PostgreSQL database.
pub(crate) async fn read_postgres(url: &str) -> Result<Stored> {
    let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .context("connecting to PostgreSQL for the read-back")?;
    let conn = tokio::spawn(connection);
    let rows: i64 = client
        .query_one("SELECT count(*) FROM kie_suno_callbacks", &[])
        .await?
        .get(0);
    let mut stored = Stored {
        rows: u64::try_from(rows)?,
        deliveries_per_key: Some(HashMap::new()),
        ..Stored::default()
    };
    for row in client
        .query(
            "SELECT task_id, stage, count(*), sum(deliveries)::BIGINT FROM kie_suno_callbacks GROUP BY task_id, stage",
            &[],
        )
        .await?
    {
        stored.add((row.get(0), row.get(1)), row.get(2), row.get(3))?;
    }
    drop(client);
    let _ = conn.await;
    Ok(stored)
}

impl Stored {
    fn add(&mut self, key: (String, String), rows: i64, deliveries: i64) -> Result<()> {
        if let Some(per_key) = self.deliveries_per_key.as_mut() {
            per_key.insert(key.clone(), u64::try_from(deliveries)?);
        }
        self.rows_per_key.insert(key, u64::try_from(rows)?);
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap
mod tests {
    use super::*;

    fn key(id: &str) -> (String, String) {
        (id.to_owned(), "complete".to_owned())
    }

    #[test]
    fn lost_duplicated_and_repeats_are_counted() {
        let acked: HashMap<_, _> = [(key("a"), 2), (key("b"), 1), (key("c"), 1)].into();
        let stored = Stored {
            rows_per_key: [(key("a"), 1), (key("b"), 2), (key("x"), 1)].into(),
            rows: 4,
            deliveries_per_key: Some([(key("a"), 2), (key("b"), 2), (key("x"), 1)].into()),
        };
        let c = evaluate_keys(&acked, &stored);
        assert_eq!(c.acked_deliveries, 4);
        assert_eq!(c.acked_unique, 3);
        assert_eq!(c.acked_repeats, 1);
        assert_eq!(c.lost, 1, "c was acknowledged and is missing");
        assert_eq!(c.duplicated, 1, "b has two rows");
        assert_eq!(c.recorded_repeats, Some(2));
        assert!(!c.is_clean());
    }

    #[test]
    fn exact_repeats_must_match_when_every_delivery_got_a_200() {
        let acked: HashMap<_, _> = [(key("a"), 2)].into();
        let stored = Stored {
            rows_per_key: [(key("a"), 1)].into(),
            rows: 1,
            deliveries_per_key: Some([(key("a"), 3)].into()),
        };
        let mut c = evaluate_keys(&acked, &stored);
        assert!(c.is_clean(), "a failed delivery may have been counted");
        c.exact_repeats = true;
        assert!(!c.is_clean(), "3 deliveries recorded, 2 sent");
    }
}
