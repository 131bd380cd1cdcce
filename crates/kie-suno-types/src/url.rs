//! `CallbackUrl` and `HttpUrl`: absolute http(s) URLs, validated once at the edge
//! by a small, strict checker (no URL parsing library, so no IDNA tables).
//!
//! What is accepted: `http://` or `https://` (the scheme in any case), then a host,
//! an optional port, and an optional path, query and fragment:
//!
//! - the host is a name (dot-separated labels of ASCII letters, digits, `-` and
//!   `_`, no label empty or starting or ending with `-`, at most 63 bytes a label
//!   and 253 in all, one trailing dot allowed), a dotted-quad IPv4 address
//!   (`192.0.2.1`, no leading zeros), or an IPv6 address in brackets (`[::1]`, no
//!   zone id). A name whose last label is numeric (`1.2.3`, `0x7f`) must be an IPv4
//!   address, so that no name can be read as an address by someone else's parser.
//!   Non-ASCII names are refused: give the punycode form (`xn--...`), which is
//!   checked for shape like any label but not decoded;
//! - the port, when present, is 1 to 65535 (`host:` with an empty port is refused);
//! - userinfo (`user:password@host`) is refused: credentials in a URL end up in
//!   logs, and `https://good.example@evil.example/` reads as the wrong host;
//! - nowhere whitespace or control characters; after the host, only the
//!   printable characters (non-ASCII and the ASCII ones RFC 3986 wants encoded,
//!   `"`, `<`, `>`, `^`, `` ` ``, `{`, `|`, `}`, `[`, `]`, are accepted as WHATWG
//!   parsers accept them; HTTP clients percent-encode them when sending), `%` only
//!   as `%XX`, at most one `#`; a backslash must be percent-encoded (`%5C`), since
//!   parsers disagree on whether it is a `/`.
//!
//! The URL is kept exactly as given (never normalised), so it serialises back
//! unchanged. Everything accepted here is also accepted by the WHATWG URL parser
//! (the `url` crate) as an http(s) URL with that host, punycode labels aside; the
//! tests check it on hand-picked and generated inputs.

use std::borrow::Cow;
use std::net::{Ipv4Addr, Ipv6Addr};

use serde::{Deserialize, Serialize};

use crate::ValidationError;

/// Why `raw` is not an absolute http(s) URL.
fn check_http_url(raw: &str) -> Result<(), Cow<'static, str>> {
    if raw.is_empty() {
        return Err("the url is empty".into());
    }
    if raw.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("whitespace and control characters are not allowed".into());
    }
    let Some((scheme, rest)) = raw.split_once("://") else {
        return Err("the url is not absolute (no scheme://)".into());
    };
    if !(scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https")) {
        return Err(format!("scheme {scheme:?} is not http or https").into());
    }
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    if authority.contains('@') {
        return Err("userinfo (user:password@) is not allowed".into());
    }
    let (host, port) = split_port(authority)?;
    check_host(host)?;
    if let Some(port) = port {
        check_port(port)?;
    }
    check_tail(tail).map_err(Cow::Borrowed)
}

/// Splits `host[:port]` / `[v6][:port]`.
fn split_port(authority: &str) -> Result<(&str, Option<&str>), Cow<'static, str>> {
    let (host, after) = if authority.starts_with('[') {
        match authority.find(']') {
            Some(i) => authority.split_at(i + 1),
            None => return Err("unclosed [ in the host".into()),
        }
    } else {
        match authority.find(':') {
            Some(i) => authority.split_at(i),
            None => (authority, ""),
        }
    };
    match after.strip_prefix(':') {
        Some(port) => Ok((host, Some(port))),
        None if after.is_empty() => Ok((host, None)),
        None => Err("unexpected characters after the host".into()),
    }
}

fn check_port(port: &str) -> Result<(), Cow<'static, str>> {
    if port.is_empty() || port.len() > 5 || !port.bytes().all(|b| b.is_ascii_digit()) {
        return Err("the port must be a number from 1 to 65535".into());
    }
    match port.parse::<u32>() {
        Ok(1..=65535) => Ok(()),
        _ => Err("the port must be a number from 1 to 65535".into()),
    }
}

fn check_host(host: &str) -> Result<(), Cow<'static, str>> {
    if host.is_empty() {
        return Err("the url has no host".into());
    }
    if let Some(inner) = host.strip_prefix('[') {
        let inner = inner.strip_suffix(']').unwrap_or(inner);
        return inner
            .parse::<Ipv6Addr>()
            .map(drop)
            .map_err(|_| "invalid IPv6 address in brackets".into());
    }
    if !host.is_ascii() {
        return Err("the host must be ASCII (give a name in its punycode form, xn--...)".into());
    }
    let name = host.strip_suffix('.').unwrap_or(host);
    let last = name.rsplit('.').next().unwrap_or(name);
    if is_numeric_label(last) {
        return name
            .parse::<Ipv4Addr>()
            .map(drop)
            .map_err(|_| "a numeric host must be a dotted-quad IPv4 address".into());
    }
    if name.len() > 253 {
        return Err("the host name is longer than 253 characters".into());
    }
    for label in name.split('.') {
        if label.is_empty() {
            return Err("the host name has an empty label".into());
        }
        if label.len() > 63 {
            return Err("a label of the host name is longer than 63 characters".into());
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err("a label of the host name starts or ends with '-'".into());
        }
        if !label
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return Err("the host name may hold only letters, digits, '-', '_' and '.'".into());
        }
    }
    Ok(())
}

/// A label the WHATWG host parser would read as a number: digits, or `0x` hex.
fn is_numeric_label(label: &str) -> bool {
    let hex = label
        .strip_prefix("0x")
        .or_else(|| label.strip_prefix("0X"));
    match hex {
        Some(h) => h.bytes().all(|b| b.is_ascii_hexdigit()),
        None => !label.is_empty() && label.bytes().all(|b| b.is_ascii_digit()),
    }
}

/// Path, query and fragment: RFC 3986 characters, `%XX`, at most one `#`.
fn check_tail(tail: &str) -> Result<(), &'static str> {
    let bytes = tail.as_bytes();
    let mut in_fragment = false;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'%' => {
                let hex = bytes.get(i + 1..i + 3);
                if !hex.is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit)) {
                    return Err("'%' must start a percent-encoded byte (%XX)");
                }
                i += 3;
                continue;
            }
            b'#' if in_fragment => return Err("more than one '#'"),
            b'#' => in_fragment = true,
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' => {}
            b'-' | b'.' | b'_' | b'~' | b'!' | b'$' | b'&' | b'\'' | b'(' | b')' | b'*' | b'+'
            | b',' | b';' | b'=' | b':' | b'@' | b'/' | b'?' => {}
            // Non-ASCII (whitespace and controls were refused before).
            0x80.. => {}
            // Read as '/' by WHATWG parsers and as a plain byte by others: ambiguous.
            b'\\' => {
                return Err("a backslash after the host must be percent-encoded (%5C)");
            }
            // `"`, `<`, `>`, `^`, backtick, `{`, `|`, `}`, `[`, `]`: outside RFC 3986, but
            // accepted by WHATWG parsers and percent-encoded by HTTP clients when sent.
            _ => {}
        }
        i += 1;
    }
    Ok(())
}

pub(crate) fn parse_http_url(field: &'static str, raw: &str) -> Result<(), ValidationError> {
    check_http_url(raw).map_err(|reason| ValidationError::InvalidUrl { field, reason })
}

macro_rules! http_url_type {
    ($(#[$meta:meta])* $name:ident, $field:literal) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// Validates an absolute http(s) URL (the rules are in the module docs).
            pub fn parse(raw: impl AsRef<str>) -> Result<Self, ValidationError> {
                let raw = raw.as_ref();
                parse_http_url($field, raw)?;
                Ok(Self(raw.to_owned()))
            }

            /// The URL exactly as given.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = ValidationError;
            fn try_from(raw: String) -> Result<Self, Self::Error> {
                parse_http_url($field, &raw)?;
                Ok(Self(raw))
            }
        }

        impl TryFrom<&str> for $name {
            type Error = ValidationError;
            fn try_from(raw: &str) -> Result<Self, Self::Error> {
                Self::parse(raw)
            }
        }

        impl From<$name> for String {
            fn from(u: $name) -> String {
                u.0
            }
        }

        impl crate::request::FromRaw<String> for $name {
            fn from_raw(field: &'static str, raw: String) -> Result<Self, ValidationError> {
                parse_http_url(field, &raw)?;
                Ok(Self(raw))
            }
            fn into_raw(self) -> String {
                self.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        #[cfg(feature = "schemars")]
        impl ::schemars::JsonSchema for $name {
            fn schema_name() -> Cow<'static, str> {
                stringify!($name).into()
            }
            fn json_schema(_: &mut ::schemars::SchemaGenerator) -> ::schemars::Schema {
                ::schemars::json_schema!({
                    "type": "string",
                    "format": "uri",
                    "pattern": "^[hH][tT][tT][pP][sS]?://[^/?#\\s]+",
                    "description": "An absolute http or https URL"
                })
            }
        }
    };
}

http_url_type!(
    /// The `callBackUrl` of a task: an absolute http(s) URL, by the rules of
    /// [`HttpUrl`].
    CallbackUrl,
    "callBackUrl"
);
http_url_type!(
    /// An absolute http(s) URL given as input (an audio or file URL).
    ///
    /// Accepted: `http://` / `https://` (any case), a host name, dotted-quad
    /// IPv4 or `[IPv6]`, an optional port 1-65535, then RFC 3986 characters.
    /// Refused: userinfo (`user:pass@`), whitespace and control characters,
    /// non-ASCII host names (use punycode), and after the host an unencoded `\`
    /// or a `%` that does not start `%XX`. The text is kept as given, never
    /// normalised.
    ///
    /// ```
    /// use kie_suno_types::HttpUrl;
    /// assert!(HttpUrl::parse("HTTPS://cdn.example.com:8443/a%20b.mp3?x=1#t").is_ok());
    /// assert!(HttpUrl::parse("http://[2001:db8::1]/a.mp3").is_ok());
    /// assert!(HttpUrl::parse("https://user:pw@example.com/").is_err());
    /// assert!(HttpUrl::parse("ftp://example.com/a.mp3").is_err());
    /// ```
    HttpUrl,
    "url"
);

impl HttpUrl {
    /// Validates `raw` reporting errors under the given wire field name.
    pub fn parse_field(field: &'static str, raw: impl AsRef<str>) -> Result<Self, ValidationError> {
        let raw = raw.as_ref();
        parse_http_url(field, raw)?;
        Ok(Self(raw.to_owned()))
    }
}
