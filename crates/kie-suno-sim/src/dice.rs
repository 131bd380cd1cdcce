//! The seeded fault generator: every run-wide fault probability (`Faults::submit_500`,
//! `poll_500`, `task_failure`, `drop_callback`, `duplicate_callback`) is drawn here,
//! so the same seed and the same order of draws fail the same way.

use std::sync::Mutex;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::sync::lock;

/// One generator per simulator, shared by the routes and the callback courier.
#[derive(Debug)]
pub(crate) struct Dice(Mutex<StdRng>);

impl Dice {
    /// A generator seeded with `seed` (`Faults::seed`).
    pub(crate) fn new(seed: u64) -> Self {
        Self(Mutex::new(StdRng::seed_from_u64(seed)))
    }

    /// True with probability `p`; 0 and 1 draw nothing.
    pub(crate) fn chance(&self, p: f64) -> bool {
        if p <= 0.0 {
            return false;
        }
        if p >= 1.0 {
            return true;
        }
        lock(&self.0).gen_bool(p)
    }
}
