//! Lenient wire values: times in three encodings, numbers that are sometimes strings,
//! and the record-info `param` field (a JSON document inside a string).

use std::fmt;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A time as the API sends it: `"2025-01-01 00:00:00"`, ISO 8601
/// (`"2025-01-15T10:35:27.000Z"`) or integer epoch milliseconds.
///
/// The original encoding is kept so a value serialises back unchanged;
/// [`KieTime::to_unix_millis`] interprets it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KieTime {
    /// Integer milliseconds since the Unix epoch.
    EpochMillis(i64),
    /// A textual time, kept verbatim.
    Text(String),
}

impl KieTime {
    /// The time as Unix milliseconds, or `None` when the text is not a time we
    /// can read.
    ///
    /// Texts read: RFC 3339 (`2025-01-15T10:35:27.000Z`, `+08:00`), the same
    /// without a zone or with a space for the `T` (`2025-01-01 00:00:00`, read
    /// as UTC: the docs do not name a zone), and digit strings (epoch
    /// milliseconds). Dates are range-checked.
    ///
    /// ```
    /// use kie_suno_types::KieTime;
    /// let t = KieTime::Text("2025-01-15T10:35:27.000Z".into());
    /// assert_eq!(t.to_unix_millis(), Some(1_736_937_327_000));
    /// assert_eq!(KieTime::Text("2025-01-15 10:35:27".into()).to_unix_millis(), t.to_unix_millis());
    /// assert_eq!(KieTime::EpochMillis(5).to_unix_millis(), Some(5));
    /// assert_eq!(KieTime::Text("2025-02-30 00:00:00".into()).to_unix_millis(), None);
    /// ```
    pub fn to_unix_millis(&self) -> Option<i64> {
        match self {
            Self::EpochMillis(ms) => Some(*ms),
            Self::Text(s) => crate::time::text_to_unix_millis(s),
        }
    }

    /// The time in UTC, or `None` when the text is not a time we can read (see
    /// [`KieTime::to_unix_millis`]) or is out of chrono's range. Feature `chrono`.
    #[cfg(feature = "chrono")]
    pub fn to_utc(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        chrono::DateTime::from_timestamp_millis(self.to_unix_millis()?)
    }
}

#[cfg(feature = "chrono")]
impl From<chrono::DateTime<chrono::Utc>> for KieTime {
    fn from(t: chrono::DateTime<chrono::Utc>) -> Self {
        Self::EpochMillis(t.timestamp_millis())
    }
}

impl Serialize for KieTime {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::EpochMillis(ms) => s.serialize_i64(*ms),
            Self::Text(t) => s.serialize_str(t),
        }
    }
}

impl<'de> Deserialize<'de> for KieTime {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = KieTime;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a time as text or epoch milliseconds")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<KieTime, E> {
                Ok(KieTime::EpochMillis(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<KieTime, E> {
                i64::try_from(v)
                    .map(KieTime::EpochMillis)
                    .map_err(|_| E::custom("epoch milliseconds out of range"))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<KieTime, E> {
                if v.is_finite() && v.fract() == 0.0 && v.abs() < 9.0e15 {
                    Ok(KieTime::EpochMillis(v as i64))
                } else {
                    Err(E::custom("epoch milliseconds must be a whole number"))
                }
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<KieTime, E> {
                Ok(KieTime::Text(v.to_owned()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<KieTime, E> {
                Ok(KieTime::Text(v))
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(feature = "schemars")]
impl ::schemars::JsonSchema for KieTime {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "KieTime".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A time: \"2025-01-01 00:00:00\", ISO 8601, or integer epoch milliseconds",
            "type": ["string", "integer"]
        })
    }
}

/// A number the API sends either as a JSON number or as a string of digits
/// (`"0.036458333333333336"`, `"1"`). The original encoding is kept.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum LenientNumber {
    /// Sent as a JSON number.
    Number(serde_json::Number),
    /// Sent as a string; kept verbatim.
    Text(String),
}

impl LenientNumber {
    /// The value as `f64`, or `None` when the text is not a number.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Self::Number(n) => n.as_f64(),
            Self::Text(t) => t.trim().parse::<f64>().ok().filter(|v| v.is_finite()),
        }
    }

    /// The value as `i64`, when it is a whole number.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Self::Number(n) => n.as_i64(),
            Self::Text(t) => t.trim().parse::<i64>().ok(),
        }
    }
}

impl From<f64> for LenientNumber {
    fn from(v: f64) -> Self {
        serde_json::Number::from_f64(v)
            .map(Self::Number)
            .unwrap_or_else(|| Self::Text(v.to_string()))
    }
}

impl From<i64> for LenientNumber {
    fn from(v: i64) -> Self {
        Self::Number(v.into())
    }
}

impl Serialize for LenientNumber {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Number(n) => n.serialize(s),
            Self::Text(t) => s.serialize_str(t),
        }
    }
}

impl<'de> Deserialize<'de> for LenientNumber {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = LenientNumber;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number or a string holding a number")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<LenientNumber, E> {
                Ok(LenientNumber::Number(v.into()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<LenientNumber, E> {
                Ok(LenientNumber::Number(v.into()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<LenientNumber, E> {
                serde_json::Number::from_f64(v)
                    .map(LenientNumber::Number)
                    .ok_or_else(|| E::custom("not a finite number"))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<LenientNumber, E> {
                if v.trim().parse::<f64>().is_ok() {
                    Ok(LenientNumber::Text(v.to_owned()))
                } else {
                    Err(E::invalid_value(de::Unexpected::Str(v), &self))
                }
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(feature = "schemars")]
impl ::schemars::JsonSchema for LenientNumber {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "LenientNumber".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A number, sometimes sent as a string of digits",
            "anyOf": [
                { "type": "number" },
                { "type": "string", "pattern": "^\\s*[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?\\s*$" }
            ]
        })
    }
}

/// Deserialises an optional integer sent as a number, a digit string, or null.
pub fn opt_int_or_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    match Option::<LenientNumber>::deserialize(d)? {
        None => Ok(None),
        Some(n) => n
            .as_i64()
            .or_else(|| n.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64))
            .map(Some)
            .ok_or_else(|| de::Error::custom("expected an integer")),
    }
}

/// The record-info `param` field: the original request as a JSON document
/// inside a string. Kept raw; [`RawParam::parse`] reads it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(::schemars::JsonSchema))]
#[serde(transparent)]
pub struct RawParam(String);

impl RawParam {
    /// Wraps a raw string.
    pub fn new(raw: impl Into<String>) -> Self {
        Self(raw.into())
    }

    /// Serialises `value` into the string form the API uses.
    pub fn from_value<T: Serialize>(value: &T) -> Result<Self, serde_json::Error> {
        serde_json::to_string(value).map(Self)
    }

    /// The string exactly as sent.
    pub fn raw(&self) -> &str {
        &self.0
    }

    /// Parses the embedded JSON document into `T` (for example `serde_json::Value`
    /// or a request type).
    pub fn parse<T: serde::de::DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_str(&self.0)
    }

    /// Parses the embedded document as an untyped JSON value.
    pub fn value(&self) -> Result<serde_json::Value, serde_json::Error> {
        self.parse()
    }
}
