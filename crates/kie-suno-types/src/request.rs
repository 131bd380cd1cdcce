//! The machinery of the request types: `validated_request!`, which generates a
//! request (valid by construction, getters only), its builder (setters that
//! cannot fail, in any order, and one validation point, `build()`), and a
//! `Deserialize` that goes through the very same `build()`.

use crate::ValidationError;

/// A validated field type and the raw form its builder holds (a URL as a
/// `String`, ...). `from_raw` is where the raw form is checked, in `build()`;
/// `into_raw` gives it back for `into_builder()`.
pub(crate) trait FromRaw<R>: Sized {
    /// Checks `raw`, reporting errors under the wire field name `field`.
    fn from_raw(field: &'static str, raw: R) -> Result<Self, ValidationError>;
    /// The raw form, as the builder holds it.
    fn into_raw(self) -> R;
}

/// Emits `item` after the doc attributes found in the attribute list (the
/// other attributes, serde's and schemars', are dropped), or after `fallback`
/// when there are none.
macro_rules! keep_docs {
    (($fallback:expr) [] { $($item:tt)* }) => {
        #[doc = $fallback]
        $($item)*
    };
    (($fallback:expr) [$($docs:tt)+] { $($item:tt)* }) => {
        $($docs)+
        $($item)*
    };
    (($fallback:expr) [$($docs:tt)*] { $($item:tt)* } #[doc = $d:tt] $($rest:tt)*) => {
        $crate::request::keep_docs! { ($fallback) [$($docs)* #[doc = $d]] { $($item)* } $($rest)* }
    };
    (($fallback:expr) [$($docs:tt)*] { $($item:tt)* } #[$($other:tt)*] $($rest:tt)*) => {
        $crate::request::keep_docs! { ($fallback) [$($docs)*] { $($item)* } $($rest)* }
    };
}

/// A request type, valid by construction (STYLE.md 8, 9).
///
/// Generates:
///
/// - the request struct: private fields, `Serialize` (+ `JsonSchema`), a getter
///   per field, `to_builder()` / `into_builder()`, and a `Deserialize` that reads
///   the wire form into the builder and calls `build()`: invalid JSON is
///   refused with the same [`ValidationError`] as invalid setters;
/// - the builder: the same fields in their raw form (URLs as strings), a setter
///   per field that cannot fail, and `build()`, the one validation point: it
///   checks the raw fields (URLs, ...) in declaration order, then the request's
///   own `fn check(&self)` (the cross-field rules);
/// - a private wire twin that only deserialises.
///
/// The request module writes `builder(required...)` and `check()`.
///
/// A field is `kind name: Type [as Raw = "wireName"] => setter [= "default"]`.
/// Kinds: `req` (getter `&T`), `opt` (`Option<&T>`), `copy` (`T`), `opt_copy`
/// (`Option<T>`), `text` (a `String`, getter `&str`), `opt_text`
/// (`Option<&str>`), `list` (a `Vec<T>`, getter `&[T]`). `opt*` fields are
/// unset by default and left out of the JSON then. `as Raw = "wireName"`: the
/// builder holds `Raw`, checked by `FromRaw` in `build()` and reported under
/// `wireName`. `= "default"` documents the setter's default.
macro_rules! validated_request {
    (
        $(#[$meta:meta])*
        pub struct $name:ident with $builder:ident via $wire:ident {
            $(
                $(#[$($fattr:tt)*])*
                $kind:ident $field:ident : $ty:ty $(as $raw:ty = $wname:literal)?
                    => $setter:ident $(= $default:literal)?
            ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, ::serde::Serialize)]
        #[cfg_attr(feature = "schemars", derive(::schemars::JsonSchema))]
        #[serde(rename_all = "camelCase")]
        pub struct $name {
            $(
                $(#[$($fattr)*])*
                $field: $crate::request::validated_request!(@ty $kind $ty),
            )*
        }

        #[doc = concat!(
            "A [`", stringify!($name), "`] being put together: start with [`",
            stringify!($name), "::builder`], set fields in any order with setters that ",
            "cannot fail, then [`", stringify!($builder), "::build`] checks every rule ",
            "at once. A request already built changes through [`", stringify!($name),
            "::into_builder`]."
        )]
        #[derive(Debug, Clone, PartialEq)]
        #[must_use = "a builder does nothing until `build()` is called"]
        pub struct $builder {
            $( $field: $crate::request::validated_request!(@bty $kind $ty $(, $raw)?), )*
        }

        // The wire twin derives `JsonSchema` only so the fields' `#[schemars]`
        // attributes are understood; its schema is never used.
        #[derive(::serde::Deserialize)]
        #[cfg_attr(feature = "schemars", derive(::schemars::JsonSchema))]
        #[serde(rename_all = "camelCase")]
        struct $wire {
            $(
                $(#[$($fattr)*])*
                $field: $crate::request::validated_request!(@bty $kind $ty $(, $raw)?),
            )*
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let w = <$wire as ::serde::Deserialize>::deserialize(d)?;
                $builder { $( $field: w.$field, )* }
                    .build()
                    .map_err(<D::Error as ::serde::de::Error>::custom)
            }
        }

        impl $name {
            $(
                $crate::request::validated_request!(@getter $kind $field $ty [$(#[$($fattr)*])*]);
            )*

            /// A builder holding a copy of this request's values, to change some
            /// and build again.
            pub fn to_builder(&self) -> $builder {
                self.clone().into_builder()
            }

            /// A builder holding this request's values, to change some and build
            /// again.
            pub fn into_builder(self) -> $builder {
                $builder {
                    $( $field: $crate::request::validated_request!(@back $kind self.$field $(, $raw)?), )*
                }
            }
        }

        impl $builder {
            $(
                $crate::request::validated_request!(
                    @setter $kind $field $setter $ty $(, $raw)? [$($default)?] [$(#[$($fattr)*])*]
                );
            )*

            /// Checks every documented rule and builds the request: the one
            /// validation point. The raw fields (URLs, ...) are checked first, in
            /// declaration order, then the rules between fields.
            pub fn build(self) -> Result<$name, $crate::ValidationError> {
                let value = $name {
                    $( $field: $crate::request::validated_request!(@conv $kind self.$field, $ty $(, $raw, $wname)?), )*
                };
                value.check()?;
                Ok(value)
            }
        }
    };

    // Storage in the request.
    (@ty opt $ty:ty) => { Option<$ty> };
    (@ty opt_copy $ty:ty) => { Option<$ty> };
    (@ty opt_text $ty:ty) => { Option<$ty> };
    (@ty list $ty:ty) => { Vec<$ty> };
    (@ty $kind:ident $ty:ty) => { $ty };

    // Storage in the builder and the wire twin.
    (@bty $kind:ident $ty:ty, $raw:ty) => { $crate::request::validated_request!(@ty $kind $raw) };
    (@bty $kind:ident $ty:ty) => { $crate::request::validated_request!(@ty $kind $ty) };

    // Builder -> request, checking raw fields.
    (@conv opt $v:expr, $ty:ty, $raw:ty, $w:literal) => {
        match $v {
            Some(r) => Some(<$ty as $crate::request::FromRaw<$raw>>::from_raw($w, r)?),
            None => None,
        }
    };
    (@conv list $v:expr, $ty:ty, $raw:ty, $w:literal) => {
        $v.into_iter()
            .map(|r| <$ty as $crate::request::FromRaw<$raw>>::from_raw($w, r))
            .collect::<Result<Vec<$ty>, $crate::ValidationError>>()?
    };
    (@conv $kind:ident $v:expr, $ty:ty, $raw:ty, $w:literal) => {
        <$ty as $crate::request::FromRaw<$raw>>::from_raw($w, $v)?
    };
    (@conv $kind:ident $v:expr, $ty:ty) => { $v };

    // Request -> builder.
    (@back opt $v:expr, $raw:ty) => { $v.map($crate::request::FromRaw::<$raw>::into_raw) };
    (@back list $v:expr, $raw:ty) => {
        $v.into_iter().map($crate::request::FromRaw::<$raw>::into_raw).collect()
    };
    (@back $kind:ident $v:expr, $raw:ty) => { $crate::request::FromRaw::<$raw>::into_raw($v) };
    (@back $kind:ident $v:expr) => { $v };

    // Getters, documented with the field's docs.
    (@getter $kind:ident $field:ident $ty:ty [$($attrs:tt)*]) => {
        $crate::request::validated_request!(@getter_fn $kind $field $ty [$($attrs)*]);
    };
    (@getter_fn req $field:ident $ty:ty [$($attrs:tt)*]) => {
        $crate::request::validated_request!(@getter_doc $field [$($attrs)*]
            pub fn $field(&self) -> &$ty { &self.$field });
    };
    (@getter_fn opt $field:ident $ty:ty [$($attrs:tt)*]) => {
        $crate::request::validated_request!(@getter_doc $field [$($attrs)*]
            pub fn $field(&self) -> Option<&$ty> { self.$field.as_ref() });
    };
    (@getter_fn copy $field:ident $ty:ty [$($attrs:tt)*]) => {
        $crate::request::validated_request!(@getter_doc $field [$($attrs)*]
            pub fn $field(&self) -> $ty { self.$field });
    };
    (@getter_fn opt_copy $field:ident $ty:ty [$($attrs:tt)*]) => {
        $crate::request::validated_request!(@getter_doc $field [$($attrs)*]
            pub fn $field(&self) -> Option<$ty> { self.$field });
    };
    (@getter_fn text $field:ident $ty:ty [$($attrs:tt)*]) => {
        $crate::request::validated_request!(@getter_doc $field [$($attrs)*]
            pub fn $field(&self) -> &str { &self.$field });
    };
    (@getter_fn opt_text $field:ident $ty:ty [$($attrs:tt)*]) => {
        $crate::request::validated_request!(@getter_doc $field [$($attrs)*]
            pub fn $field(&self) -> Option<&str> { self.$field.as_deref() });
    };
    (@getter_fn list $field:ident $ty:ty [$($attrs:tt)*]) => {
        $crate::request::validated_request!(@getter_doc $field [$($attrs)*]
            pub fn $field(&self) -> &[$ty] { &self.$field });
    };
    (@getter_doc $field:ident [$($attrs:tt)*] $($fn:tt)*) => {
        $crate::request::keep_docs! {
            (concat!("The `", stringify!($field), "` field."))
            []
            { $($fn)* }
            $($attrs)*
        }
    };

    // Setters, documented with the field's docs and the default. `copy` kinds
    // take the value itself, the others anything `Into` the builder's form.
    (@setter copy $field:ident $setter:ident $ty:ty $(, $raw:ty)? [$($d:literal)?] [$($a:tt)*]) => {
        $crate::request::validated_request!(@setter_doc copy $field [$($d)?] [$($a)*]
            pub fn $setter(mut self, value: $ty) -> Self {
                self.$field = value;
                self
            });
    };
    (@setter opt_copy $field:ident $setter:ident $ty:ty $(, $raw:ty)? [$($d:literal)?] [$($a:tt)*]) => {
        $crate::request::validated_request!(@setter_doc opt_copy $field [$($d)?] [$($a)*]
            pub fn $setter(mut self, value: $ty) -> Self {
                self.$field = Some(value);
                self
            });
    };
    (@setter list $field:ident $setter:ident $ty:ty, $raw:ty [$($d:literal)?] [$($a:tt)*]) => {
        $crate::request::validated_request!(@setter_list $field $setter $raw [$($d)?] [$($a)*]);
    };
    (@setter list $field:ident $setter:ident $ty:ty [$($d:literal)?] [$($a:tt)*]) => {
        $crate::request::validated_request!(@setter_list $field $setter $ty [$($d)?] [$($a)*]);
    };
    (@setter $kind:ident $field:ident $setter:ident $ty:ty, $raw:ty [$($d:literal)?] [$($a:tt)*]) => {
        $crate::request::validated_request!(@setter_into $kind $field $setter $raw [$($d)?] [$($a)*]);
    };
    (@setter $kind:ident $field:ident $setter:ident $ty:ty [$($d:literal)?] [$($a:tt)*]) => {
        $crate::request::validated_request!(@setter_into $kind $field $setter $ty [$($d)?] [$($a)*]);
    };
    (@setter_list $field:ident $setter:ident $t:ty [$($d:literal)?] [$($a:tt)*]) => {
        $crate::request::validated_request!(@setter_doc list $field [$($d)?] [$($a)*]
            pub fn $setter(mut self, values: impl IntoIterator<Item = impl Into<$t>>) -> Self {
                self.$field = values.into_iter().map(Into::into).collect();
                self
            });
    };
    (@setter_into opt $field:ident $setter:ident $t:ty [$($d:literal)?] [$($a:tt)*]) => {
        $crate::request::validated_request!(@setter_opt_into opt $field $setter $t [$($d)?] [$($a)*]);
    };
    (@setter_into opt_text $field:ident $setter:ident $t:ty [$($d:literal)?] [$($a:tt)*]) => {
        $crate::request::validated_request!(@setter_opt_into opt_text $field $setter $t [$($d)?] [$($a)*]);
    };
    (@setter_into $kind:ident $field:ident $setter:ident $t:ty [$($d:literal)?] [$($a:tt)*]) => {
        $crate::request::validated_request!(@setter_doc $kind $field [$($d)?] [$($a)*]
            pub fn $setter(mut self, value: impl Into<$t>) -> Self {
                self.$field = value.into();
                self
            });
    };
    (@setter_opt_into $kind:ident $field:ident $setter:ident $t:ty [$($d:literal)?] [$($a:tt)*]) => {
        $crate::request::validated_request!(@setter_doc $kind $field [$($d)?] [$($a)*]
            pub fn $setter(mut self, value: impl Into<$t>) -> Self {
                self.$field = Some(value.into());
                self
            });
    };
    (@setter_doc $kind:ident $field:ident [$($d:literal)?] [$($a:tt)*] $($fn:tt)*) => {
        $crate::request::keep_docs! {
            (concat!("Sets `", stringify!($field), "`."))
            []
            {
                #[doc = ""]
                #[doc = $crate::request::validated_request!(@default $kind $($d)?)]
                $($fn)*
            }
            $($a)*
        }
    };

    // The setter's default line.
    (@default $kind:ident $default:literal) => { concat!("Default: `", $default, "`.") };
    (@default opt) => { "Default: unset (left out of the request)." };
    (@default opt_copy) => { "Default: unset (left out of the request)." };
    (@default opt_text) => { "Default: unset (left out of the request)." };
    (@default $kind:ident) => { "Required: given to `builder`; this replaces it." };
}

pub(crate) use keep_docs;
pub(crate) use validated_request;
