//! The API-key check every route starts with: `Authorization: Bearer <key>` against
//! `SimConfig::auth` (any non-empty key, or one key compared in constant time).

use axum::http::{header, HeaderMap};
use secrecy::ExposeSecret as _;
use subtle::ConstantTimeEq as _;

use crate::config::Auth;

/// Whether `headers` carry a bearer token that `auth` accepts.
pub(crate) fn authorized(auth: &Auth, headers: &HeaderMap) -> bool {
    let Some(value) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let mut parts = value.trim().splitn(2, ' ');
    let scheme = parts.next().unwrap_or_default();
    let token = parts.next().unwrap_or_default().trim();
    if !scheme.eq_ignore_ascii_case("bearer") || token.is_empty() {
        return false;
    }
    match auth {
        Auth::AnyKey => true,
        Auth::Exact(key) => bool::from(token.as_bytes().ct_eq(key.expose_secret().as_bytes())),
    }
}
