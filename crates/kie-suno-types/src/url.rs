//! `CallbackUrl` and `HttpUrl`: absolute http(s) URLs, validated once at the edge.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use crate::ValidationError;

fn parse_http_url(field: &'static str, raw: &str) -> Result<url::Url, ValidationError> {
    let url = url::Url::parse(raw).map_err(|e| ValidationError::InvalidUrl {
        field,
        reason: Cow::Owned(e.to_string()),
    })?;
    match url.scheme() {
        "http" | "https" => {}
        other => {
            return Err(ValidationError::InvalidUrl {
                field,
                reason: Cow::Owned(format!("scheme {other:?} is not http or https")),
            })
        }
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(ValidationError::InvalidUrl {
            field,
            reason: Cow::Borrowed("the url has no host"),
        });
    }
    Ok(url)
}

macro_rules! http_url_type {
    ($(#[$meta:meta])* $name:ident, $field:literal) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// Parses and validates an absolute http(s) URL.
            pub fn parse(raw: impl AsRef<str>) -> Result<Self, ValidationError> {
                let raw = raw.as_ref();
                parse_http_url($field, raw)?;
                Ok(Self(raw.to_owned()))
            }

            /// The URL exactly as given.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The parsed URL.
            pub fn to_url(&self) -> url::Url {
                // Validated at construction; parsing again cannot fail, but stay total.
                url::Url::parse(&self.0).unwrap_or_else(|_| {
                    url::Url::parse("http://invalid.invalid/").expect("static url parses")
                })
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

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        #[cfg(feature = "schemars")]
        impl ::schemars::JsonSchema for $name {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }
            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!({
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
    /// The `callBackUrl` of a task: an absolute http(s) URL with a host.
    CallbackUrl,
    "callBackUrl"
);
http_url_type!(
    /// An absolute http(s) URL given as input (an audio or file URL).
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
