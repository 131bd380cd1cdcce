//! The fixture manifest: which wire type each documented example, each captured
//! live payload and each negative sample must be read as (by its name in the
//! registry of every public wire type, `kie_suno_types::schemas`). Shared by
//! `cargo xtask verify` / `codegen` and by the `#[test]`s in `xtask/tests/it`.
//!
//! One file per set: `documented` (the docs' examples), `captured` (bodies
//! captured from the live API by public projects), `negative` (hand-written
//! invalid samples).

mod captured;
mod documented;
mod negative;

use kie_suno_types::CallbackFamily as F;

pub use captured::CAPTURED;
pub use documented::DOCUMENTED;
pub use negative::NEGATIVE;

/// Where a fixture comes from, and so which folder of
/// `crates/kie-suno-types/fixtures/` holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Origin {
    /// An example the upstream docs show (`fixtures/documented/`).
    Documented,
    /// A body captured from the live API (`fixtures/captured/`).
    Captured,
}

impl Origin {
    /// The folder name under `crates/kie-suno-types/fixtures/`, also the name of
    /// the insta test that snapshots the set.
    pub fn dir_name(self) -> &'static str {
        match self {
            Self::Documented => "documented",
            Self::Captured => "captured",
        }
    }
}

/// A fixture: file name (as upstream), where it comes from, wire type, and the
/// callback family when it is a callback body.
#[derive(Debug, Clone, Copy)]
pub struct Fixture {
    /// File name in `fixtures/documented/` or `fixtures/captured/`.
    pub file: &'static str,
    /// Which set (and folder) it belongs to.
    pub origin: Origin,
    /// Registry name of its wire type.
    pub ty: &'static str,
    /// The callback family, for callback bodies (also checked with `parse`).
    pub family: Option<F>,
}

const fn fx(file: &'static str, ty: &'static str, family: Option<F>) -> Fixture {
    Fixture {
        file,
        origin: Origin::Documented,
        ty,
        family,
    }
}

const fn cap(file: &'static str, ty: &'static str) -> Fixture {
    Fixture {
        file,
        origin: Origin::Captured,
        ty,
        family: None,
    }
}

/// Every fixture of both sets: the documented ones, then the captured ones.
pub fn all_fixtures() -> impl Iterator<Item = &'static Fixture> {
    DOCUMENTED.iter().chain(CAPTURED)
}

/// What the JSON Schema of a negative sample's type can say about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchemaVerdict {
    /// The schema rejects it too.
    Rejects,
    /// The schema cannot express the rule; the reason is recorded. Verify checks
    /// the schema indeed accepts the sample, so this list stays honest.
    CannotExpress(&'static str),
    /// The sample is not JSON, so no schema applies.
    NotJson,
}

/// A hand-written invalid sample: file, the type it must be rejected as, the
/// callback family when it is a callback body, and the schema's verdict.
#[derive(Debug, Clone, Copy)]
pub struct Negative {
    /// File name in `fixtures/negative/`.
    pub file: &'static str,
    /// Registry name of the type that must reject it.
    pub ty: &'static str,
    /// The callback family, for callback bodies (`parse` must reject it too).
    pub family: Option<F>,
    /// What the schema says.
    pub schema: SchemaVerdict,
    /// A fragment the serde error must contain: the sample is rejected for the
    /// reason it was written for (naming the field and the limit), not by accident.
    pub reason: &'static str,
}

const fn neg(
    file: &'static str,
    ty: &'static str,
    family: Option<F>,
    schema: SchemaVerdict,
    reason: &'static str,
) -> Negative {
    Negative {
        file,
        ty,
        family,
        schema,
        reason,
    }
}

/// The registry of every public wire type lives in `kie_suno_types::schemas`
/// (the CLI's `kie-suno schema` uses it too); re-exported here under the names
/// the checks use.
pub use kie_suno_types::schemas::{wire_type, Decoded, WireType, ALL as TYPES};
