//! Macros that generate open enums (STYLE.md 7) and id newtypes (STYLE.md 9);
//! the request macro is in `request.rs`.

/// An open, string-valued enum mirroring a value set of the remote API.
///
/// Generates `as_str`, `from_wire`, `KNOWN`, `Display`, `FromStr`,
/// `From<&str>`, `From<String>`, serde and schemars impls. An unseen wire value
/// is kept in `Unknown(UnknownValue)` (sealed: only parsing builds one, so
/// `Unknown` never holds a known value) and serialises back unchanged.
macro_rules! open_str_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $value:literal ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        $vis enum $name {
            $( $(#[$vmeta])* $variant, )*
            /// A value this version of the crate does not know, kept verbatim.
            /// Only parsing builds it: a known value always parses to its variant.
            Unknown($crate::UnknownValue),
        }

        impl $name {
            /// Every wire value this version knows.
            pub const KNOWN: &'static [&'static str] = &[$($value),*];

            /// The wire value.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $value, )*
                    Self::Unknown(v) => v.as_str(),
                }
            }

            /// Parses a wire value; never fails. A known value gives its variant.
            pub fn from_wire(s: &str) -> Self {
                Self::known(s).unwrap_or_else(|| Self::Unknown($crate::UnknownValue::new(s.to_owned())))
            }

            fn known(s: &str) -> Option<Self> {
                match s {
                    $( $value => Some(Self::$variant), )*
                    _ => None,
                }
            }

            /// Whether the value is one this version knows.
            pub fn is_known(&self) -> bool {
                !matches!(self, Self::Unknown(_))
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Ok(Self::from_wire(s))
            }
        }

        impl From<&str> for $name {
            /// Parses a wire value, as [`Self::from_wire`].
            fn from(s: &str) -> Self {
                Self::from_wire(s)
            }
        }

        impl From<String> for $name {
            /// Parses a wire value, as [`Self::from_wire`] (an unknown value
            /// keeps the string without copying it).
            fn from(s: String) -> Self {
                Self::known(&s).unwrap_or_else(|| Self::Unknown($crate::UnknownValue::new(s)))
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <::std::borrow::Cow<'de, str> as ::serde::Deserialize>::deserialize(d)?;
                Ok(match s {
                    ::std::borrow::Cow::Borrowed(s) => Self::from_wire(s),
                    ::std::borrow::Cow::Owned(s) => Self::from(s),
                })
            }
        }

        #[cfg(feature = "schemars")]
        impl ::schemars::JsonSchema for $name {
            fn schema_name() -> ::std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }
            fn json_schema(_: &mut ::schemars::SchemaGenerator) -> ::schemars::Schema {
                ::schemars::json_schema!({
                    "description": "Open set: the known values are listed; any other string is kept as an unknown value.",
                    "anyOf": [
                        { "type": "string", "enum": [$($value),*] },
                        { "type": "string" }
                    ]
                })
            }
        }
    };
}

/// A string id newtype, `#[serde(transparent)]`.
macro_rules! id_newtype {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default, ::serde::Serialize, ::serde::Deserialize)]
        #[cfg_attr(feature = "schemars", derive(::schemars::JsonSchema))]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// Wraps a raw id.
            pub fn new(id: impl Into<String>) -> Self {
                Self(id.into())
            }
            /// The raw id.
            pub fn as_str(&self) -> &str {
                &self.0
            }
            /// Unwraps the raw id.
            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<String> for $name {
            fn from(s: String) -> Self {
                Self(s)
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                Self(s.to_owned())
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
}

pub(crate) use id_newtype;
pub(crate) use open_str_enum;
