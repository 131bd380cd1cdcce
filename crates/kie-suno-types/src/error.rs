//! The crate's error type: a request that failed validation at construction.

use std::borrow::Cow;

/// A request value broke a documented rule. Names the field and the limit.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ValidationError {
    /// A required field is absent or empty.
    #[error("{field} is required{}", when.as_ref().map(|w| format!(" {w}")).unwrap_or_default())]
    Missing {
        /// Wire name of the field.
        field: &'static str,
        /// The condition that makes it required, e.g. `when customMode is true`.
        when: Option<Cow<'static, str>>,
    },
    /// A text is longer than allowed (counted in characters, not bytes).
    #[error("{field} is too long: {actual} characters, the limit is {max}{}", context.as_ref().map(|c| format!(" ({c})")).unwrap_or_default())]
    TooLong {
        /// Wire name of the field.
        field: &'static str,
        /// The limit in characters.
        max: usize,
        /// The length found, in characters.
        actual: usize,
        /// Why this limit applies, e.g. `model V4`.
        context: Option<Cow<'static, str>>,
    },
    /// A number is outside its documented range (`max` is `f64::MAX` when only
    /// a minimum is documented).
    #[error("{field} must be {}, got {actual}", range_text(*.min, *.max))]
    OutOfRange {
        /// Wire name of the field.
        field: &'static str,
        /// Inclusive lower bound.
        min: f64,
        /// Inclusive upper bound.
        max: f64,
        /// The value found.
        actual: f64,
    },
    /// A URL is not an absolute http(s) URL.
    #[error("{field} must be an absolute http or https url: {reason}")]
    InvalidUrl {
        /// Wire name of the field.
        field: &'static str,
        /// What is wrong with it.
        reason: Cow<'static, str>,
    },
    /// A field is set where the documented rules forbid it, or a value is not allowed.
    #[error("{field} is not allowed: {reason}")]
    NotAllowed {
        /// Wire name of the field.
        field: &'static str,
        /// Why.
        reason: Cow<'static, str>,
    },
}

impl ValidationError {
    /// The wire name of the offending field.
    pub fn field(&self) -> &'static str {
        match self {
            Self::Missing { field, .. }
            | Self::TooLong { field, .. }
            | Self::OutOfRange { field, .. }
            | Self::InvalidUrl { field, .. }
            | Self::NotAllowed { field, .. } => field,
        }
    }

    pub(crate) fn missing(field: &'static str) -> Self {
        Self::Missing { field, when: None }
    }

    pub(crate) fn missing_when(field: &'static str, when: &'static str) -> Self {
        Self::Missing {
            field,
            when: Some(Cow::Borrowed(when)),
        }
    }
}

/// "between 10 and 60", or "at least 10" when there is no upper bound.
fn range_text(min: f64, max: f64) -> String {
    if max == f64::MAX || max.is_infinite() {
        format!("at least {min}")
    } else {
        format!("between {min} and {max}")
    }
}

/// Checks that `value` has at most `max` characters (Unicode scalar values).
pub(crate) fn check_len(
    field: &'static str,
    value: &str,
    max: usize,
    context: Option<Cow<'static, str>>,
) -> Result<(), ValidationError> {
    // Fast path: a string of at most `max` bytes has at most `max` characters.
    if value.len() <= max {
        return Ok(());
    }
    let actual = value.chars().count();
    if actual > max {
        return Err(ValidationError::TooLong {
            field,
            max,
            actual,
            context,
        });
    }
    Ok(())
}

/// Checks that `value` is within `[min, max]` (and is a finite number).
pub(crate) fn check_range(
    field: &'static str,
    value: f64,
    min: f64,
    max: f64,
) -> Result<(), ValidationError> {
    if value.is_finite() && value >= min && value <= max {
        Ok(())
    } else {
        Err(ValidationError::OutOfRange {
            field,
            min,
            max,
            actual: value,
        })
    }
}

/// Checks that a required text is present and not blank.
pub(crate) fn check_required(field: &'static str, value: &str) -> Result<(), ValidationError> {
    if value.trim().is_empty() {
        Err(ValidationError::missing(field))
    } else {
        Ok(())
    }
}
