//! Sealed holders of remote values this version of the crate does not know
//! (STYLE.md 22, after smithy-rs's `UnknownVariantValue`): only parsing builds
//! them, so the `Unknown` variant of an open enum never holds a known value.
//!
//! ```
//! use kie_suno_types::{ApiCode, Model};
//! assert_eq!(Model::from("V5"), Model::V5);
//! let m = Model::from("V9");
//! match &m {
//!     Model::Unknown(v) => assert_eq!(v.as_str(), "V9"),
//!     other => panic!("{other:?}"),
//! }
//! assert_eq!(serde_json::to_string(&m)?, "\"V9\"");
//! assert!(matches!(ApiCode::from_i64(599), ApiCode::Unknown(c) if c.as_i64() == 599));
//! # Ok::<(), serde_json::Error>(())
//! ```
//!
//! Outside the crate an unknown value cannot be made up, so it cannot shadow a
//! known one:
//!
//! ```compile_fail
//! use kie_suno_types::{Model, UnknownValue};
//! let fake = Model::Unknown(UnknownValue("V5".to_owned()));
//! ```
//!
//! ```compile_fail
//! use kie_suno_types::{ApiCode, UnknownInt};
//! let fake = ApiCode::Unknown(UnknownInt(200));
//! ```

use std::fmt;

/// A string value of an open enum (a status, a model, ...) that this version does
/// not know, kept verbatim so it is written back unchanged. Built only by the
/// crate's parsers (`from_wire`, `From<&str>`, `FromStr`, serde).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UnknownValue(String);

impl UnknownValue {
    /// Wraps a value the caller has checked matches no known variant.
    pub(crate) fn new(value: String) -> Self {
        Self(value)
    }

    /// The value as received.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for UnknownValue {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An integer value of an open enum (an envelope code, an integer status flag)
/// that this version does not know, kept so it is written back unchanged. Built
/// only by the crate's parsers (`from_i64`, `From<i64>`, serde).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UnknownInt(i64);

impl UnknownInt {
    /// Wraps a value the caller has checked matches no known variant.
    pub(crate) fn new(value: i64) -> Self {
        Self(value)
    }

    /// The value as received.
    pub fn as_i64(self) -> i64 {
        self.0
    }
}

impl fmt::Display for UnknownInt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}
