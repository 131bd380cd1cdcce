//! [`parse`]: a raw callback body as the family's typed callback, with the
//! receiver's rejection on failure.

use kie_suno_types::{Callback, CallbackFamily, ParseError};

use crate::rejection::Rejection;
use crate::validate::{json_depth_within, MAX_JSON_DEPTH};

/// Parses a raw callback body as the family's typed callback
/// ([`kie_suno_types::parse`]), mapped to the receiver's rejection: nested
/// deeper than [`MAX_JSON_DEPTH`] -> [`Rejection::JsonTooDeep`] (400), not JSON
/// -> [`Rejection::MalformedJson`] (400), JSON of the wrong shape ->
/// [`Rejection::InvalidCallback`] (422).
pub fn parse(family: CallbackFamily, body: &[u8]) -> Result<Callback, Rejection> {
    if !json_depth_within(body, MAX_JSON_DEPTH) {
        return Err(Rejection::JsonTooDeep);
    }
    parse_checked(family, body)
}

/// [`parse`] for a body already checked with [`json_depth_within`].
pub(crate) fn parse_checked(family: CallbackFamily, body: &[u8]) -> Result<Callback, Rejection> {
    kie_suno_types::parse(family, body).map_err(|e| match e {
        ParseError::Syntax(_) => Rejection::MalformedJson,
        _ => Rejection::InvalidCallback,
    })
}
