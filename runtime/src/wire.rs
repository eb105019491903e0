//! The wire types generated code builds on: lenient integers, timestamps, enums that keep unknown values,
//! structs that keep unknown fields and `null`s, and the macros that give each generated declaration
//! its wire behaviour ([`object!`], [`integer_enum!`], [`string_enum!`], [`flags!`], [`event!`]).
//!
//! The documentation types many integers as `string` (`"1610462759"`) while the official SDKs and real
//! deliveries use JSON numbers. [`Integer`] accepts both and writes back exactly what it read, so a
//! decoded event re-encodes without loss. [`UnixMillis`] and [`UnixSeconds`] add typed accessors.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

mod field;
mod get;
mod macros;
mod object;
mod unlisted;

pub use bitflags::bitflags;
pub use field::{Accepts, Field, Fit, Read};
pub use get::{empty, Empty, Get};
pub use object::{
    decode_field, deserialize_object, encode_field, find_field_mismatches, mismatches,
    serialize_object, FieldRead, Object,
};
pub use unlisted::UnlistedValue;

pub use crate::__wire_callback as callback;
pub use crate::__wire_event as event;
pub use crate::__wire_flags as flags;
pub use crate::__wire_integer_enum as integer_enum;
pub use crate::__wire_object as object;
pub use crate::__wire_string_enum as string_enum;

/// What the macros' expansions name, so that a generated crate needs no dependency of its own on them.
#[doc(hidden)]
pub mod __private {
    pub use serde;
    pub use serde_json;
}

/// A number the platform sends either as a JSON number or as a string, kept exactly as it came:
/// the JSON number as written (`100` stays `100`, never `100.0`), the string as written.
macro_rules! lenient_number {
    ($(#[$doc:meta])* $name:ident, $expecting:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            /// Arrived as a JSON number (kept exactly, even outside the `i64` range).
            Number(serde_json::Number),
            /// Arrived as a JSON string, kept as written (it may not even be numeric).
            String(String),
        }

        impl $name {
            /// Whether it arrived as a JSON string.
            pub fn is_string(&self) -> bool {
                matches!(self, $name::String(_))
            }
        }

        impl Default for $name {
            fn default() -> Self {
                $name::Number(0.into())
            }
        }

        impl From<i64> for $name {
            fn from(value: i64) -> Self {
                $name::Number(value.into())
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self {
                    $name::Number(number) => number.fmt(f),
                    $name::String(text) => f.write_str(text),
                }
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    $name::Number(number) => number.serialize(serializer),
                    $name::String(text) => serializer.serialize_str(text),
                }
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct NumberVisitor;

                impl Visitor<'_> for NumberVisitor {
                    type Value = $name;

                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str($expecting)
                    }

                    fn visit_i64<E: de::Error>(self, value: i64) -> Result<$name, E> {
                        Ok($name::Number(value.into()))
                    }

                    fn visit_u64<E: de::Error>(self, value: u64) -> Result<$name, E> {
                        Ok($name::Number(value.into()))
                    }

                    fn visit_f64<E: de::Error>(self, value: f64) -> Result<$name, E> {
                        serde_json::Number::from_f64(value)
                            .map($name::Number)
                            .ok_or_else(|| E::custom("a number that is not finite"))
                    }

                    fn visit_str<E: de::Error>(self, value: &str) -> Result<$name, E> {
                        Ok($name::String(value.to_owned()))
                    }

                    fn visit_string<E: de::Error>(self, value: String) -> Result<$name, E> {
                        Ok($name::String(value))
                    }
                }

                deserializer.deserialize_any(NumberVisitor)
            }
        }
    };
}

lenient_number!(
    /// An integer sent either as a JSON number or as a string; re-serialized as it came.
    Integer,
    "an integer as a JSON number or string"
);

lenient_number!(
    /// A number (`float`, `double`) sent either as a JSON number, integral or not, or as a string;
    /// re-serialized as it came.
    Float,
    "a number as a JSON number or string"
);

impl Integer {
    /// The value as an `i64`, parsing the string form; `None` when it is not an integer in range.
    pub fn get(&self) -> Option<i64> {
        match self {
            Integer::Number(number) => number.as_i64(),
            Integer::String(text) => text.parse().ok(),
        }
    }
}

impl Float {
    /// The value as an `f64`, parsing the string form; `None` when it is not a number.
    pub fn get(&self) -> Option<f64> {
        match self {
            Float::Number(number) => number.as_f64(),
            Float::String(text) => text.parse().ok(),
        }
    }
}

/// A Unix time in milliseconds (as in `header.create_time`), as a number or a string.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct UnixMillis(pub Integer);

impl UnixMillis {
    /// Milliseconds since the Unix epoch; `None` when the raw value is not an integer.
    pub fn millis(&self) -> Option<i64> {
        self.0.get()
    }

    /// The time as a [`SystemTime`]; `None` when the raw value is not an integer or is negative.
    pub fn to_system_time(&self) -> Option<SystemTime> {
        let millis = u64::try_from(self.millis()?).ok()?;
        UNIX_EPOCH.checked_add(Duration::from_millis(millis))
    }
}

impl From<i64> for UnixMillis {
    fn from(millis: i64) -> Self {
        UnixMillis(millis.into())
    }
}

impl fmt::Display for UnixMillis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A Unix time in seconds (as in a version's `create_time`), as a number or a string.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct UnixSeconds(pub Integer);

impl UnixSeconds {
    /// Seconds since the Unix epoch; `None` when the raw value is not an integer.
    pub fn seconds(&self) -> Option<i64> {
        self.0.get()
    }

    /// The time as a [`SystemTime`]; `None` when the raw value is not an integer or is negative.
    pub fn to_system_time(&self) -> Option<SystemTime> {
        let seconds = u64::try_from(self.seconds()?).ok()?;
        UNIX_EPOCH.checked_add(Duration::from_secs(seconds))
    }
}

impl From<i64> for UnixSeconds {
    fn from(seconds: i64) -> Self {
        UnixSeconds(seconds.into())
    }
}

impl fmt::Display for UnixSeconds {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Deserializes a string enum without allocating for the values it knows: `T::from(&str)` maps a
/// borrowed value (unknown ones are copied into the fallback), `T::from(String)` an owned one.
pub fn deserialize_string_enum<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: for<'a> From<&'a str> + From<String>,
{
    struct StringEnumVisitor<T>(std::marker::PhantomData<T>);

    impl<T> Visitor<'_> for StringEnumVisitor<T>
    where
        T: for<'a> From<&'a str> + From<String>,
    {
        type Value = T;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string")
        }

        fn visit_str<E: de::Error>(self, value: &str) -> Result<T, E> {
            Ok(T::from(value))
        }

        fn visit_string<E: de::Error>(self, value: String) -> Result<T, E> {
            Ok(T::from(value))
        }
    }

    deserializer.deserialize_str(StringEnumVisitor(std::marker::PhantomData))
}

/// Deserializes an integer enum's or a bit set's value from a JSON number or a numeric string.
pub fn deserialize_integer<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: TryFrom<i64> + TryFrom<u64> + std::str::FromStr,
{
    struct IntegerVisitor<T>(std::marker::PhantomData<T>);

    impl<T> Visitor<'_> for IntegerVisitor<T>
    where
        T: TryFrom<i64> + TryFrom<u64> + std::str::FromStr,
    {
        type Value = T;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an integer as a JSON number or a numeric string")
        }

        fn visit_i64<E: de::Error>(self, value: i64) -> Result<T, E> {
            T::try_from(value).map_err(|_| E::invalid_value(de::Unexpected::Signed(value), &self))
        }

        fn visit_u64<E: de::Error>(self, value: u64) -> Result<T, E> {
            T::try_from(value).map_err(|_| E::invalid_value(de::Unexpected::Unsigned(value), &self))
        }

        fn visit_str<E: de::Error>(self, value: &str) -> Result<T, E> {
            value
                .parse()
                .map_err(|_| E::invalid_value(de::Unexpected::Str(value), &self))
        }
    }

    deserializer.deserialize_any(IntegerVisitor(std::marker::PhantomData))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn integer_keeps_its_wire_form() {
        for raw in [
            json!("1610462759"),
            json!(1610462759),
            json!("not a number"),
            json!(18446744073709551615u64),
        ] {
            let value: Integer = serde_json::from_value(raw.clone()).unwrap();
            assert_eq!(serde_json::to_value(&value).unwrap(), raw);
        }
    }

    #[test]
    fn integer_reads_both_forms() {
        let text: Integer = serde_json::from_str("\"42\"").unwrap();
        let number: Integer = serde_json::from_str("42").unwrap();
        assert_eq!((text.get(), number.get()), (Some(42), Some(42)));
        assert!(text.is_string() && !number.is_string());
        assert_eq!(Integer::String("4x".into()).get(), None);
    }

    #[test]
    fn integer_rejects_other_json() {
        assert!(serde_json::from_str::<Integer>("true").is_err());
        assert!(serde_json::from_str::<Integer>("{}").is_err());
    }

    #[test]
    fn float_keeps_integral_numbers_integral() {
        for raw in [json!(100), json!(1.5), json!("2.25")] {
            let value: Float = serde_json::from_value(raw.clone()).unwrap();
            assert_eq!(serde_json::to_value(&value).unwrap(), raw);
        }
        assert_eq!(
            serde_json::from_str::<Float>("\"2.25\"").unwrap().get(),
            Some(2.25)
        );
    }

    #[test]
    fn timestamps_convert() {
        let ms: UnixMillis = serde_json::from_str("\"1608725989000\"").unwrap();
        let s: UnixSeconds = serde_json::from_str("1610462759").unwrap();
        assert_eq!(
            ms.to_system_time(),
            Some(UNIX_EPOCH + Duration::from_millis(1_608_725_989_000))
        );
        assert_eq!(
            s.to_system_time(),
            Some(UNIX_EPOCH + Duration::from_secs(1_610_462_759))
        );
        assert_eq!(UnixSeconds::from(-1).to_system_time(), None);
    }
}
