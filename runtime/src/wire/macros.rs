//! The macros generated code calls, one per declaration, so that a generated module reads as its
//! declarations and doc comments while the wire behaviour is written (and tested) once, here.
//!
//! Each macro takes the declared item's name (an enum's followed by the name of the enum of its
//! listed values) and, in Rust's own struct-literal syntax, what it needs to know about the item
//! (`Name { field, r#type: "type" }`), so that the call formats like code.

/// Gives a generated struct (every listed field an `Option`, plus `extra`) its wire behaviour:
/// `Serialize` and `Deserialize` through [`Object`](crate::wire::Object). Fields are listed by
/// identifier; a field whose wire name differs from its identifier is written `ident: "wire name"`.
///
/// ```
/// # use lark_runtime::wire;
/// #[derive(Debug, Default, PartialEq)]
/// pub struct Operator {
///     pub user_id: Option<String>,
///     pub r#type: Option<wire::Integer>,
///     pub extra: serde_json::Map<String, serde_json::Value>,
/// }
/// wire::object!(Operator { user_id, r#type: "type" });
///
/// let operator: Operator = serde_json::from_str(r#"{"type": "2", "user_id": null, "more": 1}"#)?;
/// assert_eq!(operator.r#type, Some(wire::Integer::String("2".into())));
/// let sent = serde_json::json!({"type": "2", "user_id": null, "more": 1});
/// assert_eq!(serde_json::to_value(&operator)?, sent);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[doc(hidden)]
#[macro_export]
macro_rules! __wire_object {
    ($name:ident { $($field:ident $(: $wire:literal)?),* $(,)? }) => {
        impl $crate::wire::Object for $name {
            #[allow(unused_variables)]
            fn decode_field<'de, A: $crate::wire::__private::serde::de::MapAccess<'de>>(
                &mut self,
                key: &str,
                map: &mut A,
            ) -> ::core::result::Result<$crate::wire::FieldRead, A::Error> {
                match key {
                    $($crate::__wire_name!($field $($wire)?) => {
                        $crate::wire::decode_field(map, &mut self.$field)
                    })*
                    _ => ::core::result::Result::Ok($crate::wire::FieldRead::NotListed),
                }
            }

            #[allow(unused_variables)]
            fn encode_fields<M: $crate::wire::__private::serde::ser::SerializeMap>(
                &self,
                encoder: &mut M,
            ) -> ::core::result::Result<(), M::Error> {
                $($crate::wire::encode_field(
                    encoder,
                    $crate::__wire_name!($field $($wire)?),
                    &self.$field,
                    &self.extra,
                )?;)*
                ::core::result::Result::Ok(())
            }

            #[allow(unused_variables)]
            fn holds(&self, key: &str) -> bool {
                match key {
                    $($crate::__wire_name!($field $($wire)?) => self.$field.is_some(),)*
                    _ => false,
                }
            }

            fn extra(&self) -> &$crate::wire::__private::serde_json::Map<
                ::std::string::String,
                $crate::wire::__private::serde_json::Value,
            > {
                &self.extra
            }

            fn extra_mut(&mut self) -> &mut $crate::wire::__private::serde_json::Map<
                ::std::string::String,
                $crate::wire::__private::serde_json::Value,
            > {
                &mut self.extra
            }
        }

        impl $crate::wire::Empty for $name {
            type Out<'a> = &'a Self;

            fn read(value: ::core::option::Option<&Self>) -> &Self {
                value.unwrap_or_else(|| $crate::wire::empty())
            }
        }

        impl $crate::wire::Field for $name {
            const ACCEPTS: $crate::wire::Accepts = $crate::wire::Accepts::Object;

            #[allow(unused_variables)]
            fn find_mismatches(
                &self,
                path: &mut ::std::string::String,
                found: &mut ::std::vec::Vec<::std::string::String>,
            ) {
                $($crate::wire::find_field_mismatches(
                    $crate::__wire_name!($field $($wire)?),
                    &self.$field,
                    &self.extra,
                    path,
                    found,
                );)*
            }
        }

        impl $name {
            /// The paths (`event.scopes[0].level`) of the values, here and at every depth below,
            /// that did not fit their documented type: each one's field is `None` and the value is
            /// kept as it came in the `extra` of the struct that lists it (so it re-encodes as it
            /// came). An array with an item that does not fit is kept whole.
            pub fn mismatches(&self) -> ::std::vec::Vec<::std::string::String> {
                $crate::wire::mismatches(self)
            }
        }

        impl $crate::wire::__private::serde::Serialize for $name {
            fn serialize<S: $crate::wire::__private::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::core::result::Result<S::Ok, S::Error> {
                $crate::wire::serialize_object(self, serializer)
            }
        }

        impl<'de> $crate::wire::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::wire::__private::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::core::result::Result<Self, D::Error> {
                $crate::wire::deserialize_object(deserializer, concat!("struct ", stringify!($name)))
            }
        }
    };
}

/// The wire name of a field: the one given, or the identifier itself.
#[doc(hidden)]
#[macro_export]
macro_rules! __wire_name {
    ($field:ident) => {
        stringify!($field)
    };
    ($field:ident $wire:literal) => {
        $wire
    };
}

/// Gives a generated integer enum (its listed variants plus `Unlisted(UnlistedValue<i64>)`) and
/// the enum of its listed values (the same variants, without `Unlisted`) their value, label,
/// conversions, `Display` and serde, from `Variant: (value, "label")` entries.
///
/// ```
/// # use lark_runtime::wire;
/// #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
/// pub enum AppStatus {
///     Disabled,
///     Enabled,
///     Unlisted(wire::UnlistedValue<i64>),
/// }
/// #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
/// pub enum AppStatusListed {
///     Disabled,
///     Enabled,
/// }
/// wire::integer_enum!(AppStatus, AppStatusListed {
///     Disabled: (0, "停用状态"),
///     Enabled: (1, "启用状态"),
/// });
///
/// assert_eq!(AppStatus::from(1), AppStatus::Enabled);
/// assert_eq!(serde_json::from_str::<AppStatus>("3")?.value(), 3);
/// // A listed value's label is a `&'static str`; only an unlisted value has none.
/// assert_eq!(AppStatusListed::Disabled.label(), "停用状态");
/// assert_eq!(AppStatus::Enabled.listed(), Some(AppStatusListed::Enabled));
/// assert_eq!(AppStatus::from(3).listed(), None);
/// assert_eq!(AppStatus::from(AppStatusListed::Enabled).label(), Some("启用状态"));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[doc(hidden)]
#[macro_export]
macro_rules! __wire_integer_enum {
    ($name:ident, $listed:ident { $($variant:ident: ($value:literal, $label:literal)),* $(,)? }) => {
        impl $name {
            /// The value on the wire.
            pub fn value(self) -> i64 {
                match self {
                    $(Self::$variant => $value,)*
                    Self::Unlisted(value) => *value.get(),
                }
            }

            $crate::__wire_listed!($name, $listed { $($variant),* });
        }

        impl $listed {
            /// The value on the wire.
            pub fn value(self) -> i64 {
                match self {
                    $(Self::$variant => $value,)*
                }
            }

            $crate::__wire_label!($($variant: $label),*);
        }

        impl ::core::convert::From<$listed> for $name {
            fn from(listed: $listed) -> Self {
                match listed {
                    $($listed::$variant => Self::$variant,)*
                }
            }
        }

        impl ::core::convert::From<i64> for $name {
            fn from(value: i64) -> Self {
                match value {
                    $($value => Self::$variant,)*
                    other => Self::Unlisted($crate::wire::UnlistedValue::__unlisted(other)),
                }
            }
        }

        impl ::core::convert::From<$name> for i64 {
            fn from(value: $name) -> i64 {
                value.value()
            }
        }

        impl ::core::fmt::Display for $name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                ::core::fmt::Display::fmt(&self.value(), f)
            }
        }

        impl $crate::wire::__private::serde::Serialize for $name {
            fn serialize<S: $crate::wire::__private::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::core::result::Result<S::Ok, S::Error> {
                serializer.serialize_i64(self.value())
            }
        }

        impl<'de> $crate::wire::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::wire::__private::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::core::result::Result<Self, D::Error> {
                $crate::wire::deserialize_integer::<D, i64>(deserializer).map(Self::from)
            }
        }

        impl $crate::wire::Empty for $name {
            type Out<'a> = ::core::option::Option<&'a Self>;

            fn read(value: ::core::option::Option<&Self>) -> ::core::option::Option<&Self> {
                value
            }
        }

        impl $crate::wire::Field for $name {
            const ACCEPTS: $crate::wire::Accepts = $crate::wire::Accepts::Number;
        }
    };
}

/// Gives a generated string enum (its listed variants plus `Unlisted(UnlistedValue<String>)`) and
/// the enum of its listed values (the same variants, without `Unlisted`) their value, label,
/// conversions, `Display` and serde, from `Variant: ("value", "label")` entries.
///
/// ```
/// # use lark_runtime::wire;
/// #[derive(Debug, Clone, PartialEq, Eq, Hash)]
/// pub enum Level {
///     Normal,
///     Unlisted(wire::UnlistedValue<String>),
/// }
/// #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
/// pub enum LevelListed {
///     Normal,
/// }
/// wire::string_enum!(Level, LevelListed { Normal: ("normal", "普通权限") });
///
/// assert_eq!(Level::from("normal"), Level::Normal);
/// assert_eq!(serde_json::from_str::<Level>(r#""high""#)?.as_str(), "high");
/// assert_eq!(String::from(Level::Normal), "normal");
/// // A listed value's label is a `&'static str`; only an unlisted value has none.
/// assert_eq!(LevelListed::Normal.label(), "普通权限");
/// assert_eq!(Level::from("normal").listed().map(LevelListed::label), Some("普通权限"));
/// assert_eq!(Level::from("high").label(), None);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[doc(hidden)]
#[macro_export]
macro_rules! __wire_string_enum {
    ($name:ident, $listed:ident { $($variant:ident: ($value:literal, $label:literal)),* $(,)? }) => {
        impl $name {
            /// The value on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $value,)*
                    Self::Unlisted(value) => value.get(),
                }
            }

            $crate::__wire_listed!($name, $listed { $($variant),* });
        }

        impl $listed {
            /// The value on the wire.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $value,)*
                }
            }

            $crate::__wire_label!($($variant: $label),*);
        }

        impl ::core::convert::From<$listed> for $name {
            fn from(listed: $listed) -> Self {
                match listed {
                    $($listed::$variant => Self::$variant,)*
                }
            }
        }

        impl ::core::convert::From<&str> for $name {
            fn from(value: &str) -> Self {
                match value {
                    $($value => Self::$variant,)*
                    other => Self::Unlisted($crate::wire::UnlistedValue::__unlisted(other.to_owned())),
                }
            }
        }

        impl ::core::convert::From<::std::string::String> for $name {
            fn from(value: ::std::string::String) -> Self {
                match value.as_str() {
                    $($value => Self::$variant,)*
                    _ => Self::Unlisted($crate::wire::UnlistedValue::__unlisted(value)),
                }
            }
        }

        impl ::core::convert::From<$name> for ::std::string::String {
            fn from(value: $name) -> ::std::string::String {
                match value {
                    $name::Unlisted(value) => value.into_inner(),
                    listed => listed.as_str().to_owned(),
                }
            }
        }

        impl ::core::fmt::Display for $name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl $crate::wire::__private::serde::Serialize for $name {
            fn serialize<S: $crate::wire::__private::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::core::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> $crate::wire::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::wire::__private::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::core::result::Result<Self, D::Error> {
                $crate::wire::deserialize_string_enum(deserializer)
            }
        }

        impl $crate::wire::Empty for $name {
            type Out<'a> = ::core::option::Option<&'a Self>;

            fn read(value: ::core::option::Option<&Self>) -> ::core::option::Option<&Self> {
                value
            }
        }

        impl $crate::wire::Field for $name {
            const ACCEPTS: $crate::wire::Accepts = $crate::wire::Accepts::String;
        }
    };
}

/// The methods of an enum that lead to its listed values, and the conversion back.
#[doc(hidden)]
#[macro_export]
macro_rules! __wire_listed {
    ($name:ident, $listed:ident { $($variant:ident),* }) => {
        /// The listed value, whose `label()` is the page's label; `None` for an unlisted value.
        pub fn listed(&self) -> ::core::option::Option<$listed> {
            match self {
                $(Self::$variant => ::core::option::Option::Some($listed::$variant),)*
                Self::Unlisted(_) => ::core::option::Option::None,
            }
        }

        /// The page's label of a listed value, `None` for an unlisted one: `listed()` then
        /// `label()`, for a value that may be either.
        pub fn label(&self) -> ::core::option::Option<&'static str> {
            self.listed().map($listed::label)
        }
    };
}

/// The label method of an enum of listed values.
#[doc(hidden)]
#[macro_export]
macro_rules! __wire_label {
    ($($variant:ident: $label:literal),*) => {
        /// The page's label of the value.
        pub fn label(self) -> &'static str {
            match self {
                $(Self::$variant => $label,)*
            }
        }
    };
}

/// Gives a generated bit set (declared with [`bitflags!`](crate::wire::bitflags), its listed bits
/// only) its `Display` and serde: written as the integer, read keeping unknown bits
/// (`from_bits_retain`). So `all()` and `from_bits` know the listed bits only, as `bitflags`
/// documents, while a value with other bits decodes and re-encodes whole.
///
/// ```
/// # use lark_runtime::wire;
/// wire::bitflags! {
///     #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
///     pub struct Mode: u64 {
///         const SIDEBAR = 1;
///         const PC = 2;
///     }
/// }
/// wire::flags!(Mode);
///
/// assert_eq!(Mode::all().bits(), 3);
/// assert_eq!(Mode::from_bits(64), None);
/// let mode: Mode = serde_json::from_str("65")?;
/// assert_eq!(mode, Mode::SIDEBAR | Mode::from_bits_retain(64));
/// assert_eq!(serde_json::to_string(&mode)?, "65");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[doc(hidden)]
#[macro_export]
macro_rules! __wire_flags {
    ($name:ident) => {
        impl ::core::fmt::Display for $name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                ::core::fmt::Display::fmt(&self.bits(), f)
            }
        }

        impl $crate::wire::__private::serde::Serialize for $name {
            fn serialize<S: $crate::wire::__private::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::core::result::Result<S::Ok, S::Error> {
                serializer.serialize_u64(self.bits())
            }
        }

        impl<'de> $crate::wire::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::wire::__private::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::core::result::Result<Self, D::Error> {
                $crate::wire::deserialize_integer::<D, u64>(deserializer)
                    .map(Self::from_bits_retain)
            }
        }

        impl $crate::wire::Empty for $name {
            type Out<'a> = Self;

            fn read(value: ::core::option::Option<&Self>) -> Self {
                value.copied().unwrap_or(Self::empty())
            }
        }

        impl $crate::wire::Field for $name {
            const ACCEPTS: $crate::wire::Accepts = $crate::wire::Accepts::Number;
        }
    };
}

/// Makes a generated struct an [`Event`](crate::Event) of the given `header.event_type`, with the
/// type also as an inherent constant (`P2…::EVENT_TYPE`).
#[doc(hidden)]
#[macro_export]
macro_rules! __wire_event {
    ($name:ident { event_type: $event_type:literal $(,)? }) => {
        $crate::__wire_event!(@type $name $event_type {});
    };
    ($name:ident { event_type: $event_type:literal, header $(,)? }) => {
        $crate::__wire_event!(@type $name $event_type {
            fn header(&self) -> $crate::event::HeaderRef<'_> {
                use $crate::event::__private::{millis, Get as _};
                let header = self.header.get();
                let mut routing = $crate::event::HeaderRef::default();
                routing.event_id = header.event_id.get();
                routing.create_time = millis(&header.create_time);
                routing.token = header.token.get();
                routing.app_id = header.app_id.get();
                routing.tenant_key = header.tenant_key.get();
                routing
            }
        });
    };
    ($name:ident { event_type: $event_type:literal, schema_1: [$($data:ident),* $(,)?] $(,)? }) => {
        $crate::__wire_event!(@type $name $event_type {
            fn header(&self) -> $crate::event::HeaderRef<'_> {
                use $crate::event::__private::{seconds_text_as_millis, Get as _};
                let mut routing = $crate::event::HeaderRef::default();
                routing.event_id = self.uuid.get();
                routing.create_time = seconds_text_as_millis(self.ts.get());
                routing.token = self.token.get();
                $(routing.$data = self.event.get().$data.get();)*
                routing
            }
        });
    };
    (@type $name:ident $event_type:literal { $($header:tt)* }) => {
        impl $name {
            #[doc = concat!("The event type, as in `header.event_type`: `", $event_type, "`.")]
            pub const EVENT_TYPE: &'static str = $event_type;
        }

        impl $crate::Event for $name {
            const EVENT_TYPE: &'static str = $event_type;

            $($header)*
        }
    };
}

/// Makes a generated event struct a [`Callback`](crate::callback::Callback) whose handler answers
/// with the given response struct (the page's `响应回调的结构体`).
#[doc(hidden)]
#[macro_export]
macro_rules! __wire_callback {
    ($name:ident { response: $response:ident $(,)? }) => {
        impl $crate::callback::Callback for $name {
            type Response = $response;
        }
    };
}
