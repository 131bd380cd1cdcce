//! The payloads captured from the live API by the authors of public projects:
//! every file of `/work/shared/kie-api/captured/` (its README says what each
//! parses as), as copied into `crates/kie-suno-types/fixtures/captured/`.

use super::Fixture;

/// Every captured live payload.
pub const CAPTURED: &[Fixture] = &[];
