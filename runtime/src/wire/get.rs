//! Reading a nested field in one expression: every generated field is an `Option`, and [`Get::get`]
//! reads one as its empty value when it is absent, so a chain needs no `unwrap` and no `and_then`:
//!
//! ```
//! use lark_runtime::wire::{self, Get};
//!
//! #[derive(Debug, Clone, PartialEq, Default)]
//! pub struct Version {
//!     pub app_name: Option<String>,
//!     pub extra: serde_json::Map<String, serde_json::Value>,
//! }
//! wire::object!(Version { app_name });
//!
//! #[derive(Debug, Clone, PartialEq, Default)]
//! pub struct Data {
//!     pub online_version: Option<Version>,
//!     pub scopes: Option<Vec<String>>,
//!     pub extra: serde_json::Map<String, serde_json::Value>,
//! }
//! wire::object!(Data { online_version, scopes });
//!
//! let data: Data = serde_json::from_str(r#"{"online_version": {"app_name": "Bot"}}"#)?;
//! assert_eq!(data.online_version.get().app_name.get(), "Bot");
//! assert!(data.scopes.get().is_empty());
//! assert_eq!(Data::default().online_version.get().app_name.get(), "");
//! # Ok::<(), serde_json::Error>(())
//! ```
//!
//! What an absent value reads as, by type: a struct, its empty value (every field absent); a
//! string, `""`; a list, `[]`; a map, an empty map; a boolean, `false`; JSON of any kind, `null`;
//! an integer, a number or a timestamp, `None` (and `None` too when the value is not numeric); an
//! enum, `None`; a bit set, no bits. A value that did not fit its type reads as absent here (the
//! struct's `mismatches()` says where it went).

use std::any::{Any, TypeId};
use std::collections::{BTreeMap, HashMap};
use std::sync::{OnceLock, RwLock};

use serde_json::Value;

use super::{Float, Integer, UnixMillis, UnixSeconds};

/// Reads an optional field as its value, or its empty value when absent: `field.get()`.
pub trait Get {
    /// What the field reads as.
    type Out<'a>
    where
        Self: 'a;

    /// The value, or its empty value when absent.
    fn get(&self) -> Self::Out<'_>;
}

impl<T: Empty> Get for Option<T> {
    type Out<'a>
        = T::Out<'a>
    where
        T: 'a;

    fn get(&self) -> T::Out<'_> {
        T::read(self.as_ref())
    }
}

/// How a field's type reads through [`Get`], present or absent. The macros implement it for
/// generated types.
pub trait Empty {
    /// What the value reads as.
    type Out<'a>
    where
        Self: 'a;

    /// The value, or its empty value for `None`.
    fn read(value: Option<&Self>) -> Self::Out<'_>;
}

/// The empty value of `T` (its `Default`), one per type for the life of the process.
pub fn empty<T: Default + Send + Sync + 'static>() -> &'static T {
    type Values = HashMap<TypeId, &'static (dyn Any + Send + Sync)>;
    static VALUES: OnceLock<RwLock<Values>> = OnceLock::new();
    let values = VALUES.get_or_init(Default::default);
    let id = TypeId::of::<T>();
    let found = values
        .read()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .get(&id)
        .copied();
    let value = found.unwrap_or_else(|| {
        *values
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .entry(id)
            .or_insert_with(|| Box::leak(Box::new(T::default())))
    });
    value
        .downcast_ref()
        .expect("the value stored under a type's id has that type")
}

impl Empty for String {
    type Out<'a> = &'a str;

    fn read(value: Option<&Self>) -> &str {
        value.map_or("", String::as_str)
    }
}

impl Empty for bool {
    type Out<'a> = bool;

    fn read(value: Option<&Self>) -> bool {
        value.copied().unwrap_or(false)
    }
}

impl Empty for Integer {
    type Out<'a> = Option<i64>;

    fn read(value: Option<&Self>) -> Option<i64> {
        value.and_then(Integer::get)
    }
}

impl Empty for Float {
    type Out<'a> = Option<f64>;

    fn read(value: Option<&Self>) -> Option<f64> {
        value.and_then(Float::get)
    }
}

impl Empty for UnixMillis {
    type Out<'a> = Option<&'a UnixMillis>;

    fn read(value: Option<&Self>) -> Option<&Self> {
        value
    }
}

impl Empty for UnixSeconds {
    type Out<'a> = Option<&'a UnixSeconds>;

    fn read(value: Option<&Self>) -> Option<&Self> {
        value
    }
}

impl Empty for Value {
    type Out<'a> = &'a Value;

    fn read(value: Option<&Self>) -> &Value {
        static NULL: Value = Value::Null;
        value.unwrap_or(&NULL)
    }
}

impl<T> Empty for Vec<T> {
    type Out<'a>
        = &'a [T]
    where
        T: 'a;

    fn read(value: Option<&Self>) -> &[T] {
        value.map_or(&[], Vec::as_slice)
    }
}

impl<T: Send + Sync + 'static> Empty for BTreeMap<String, T> {
    type Out<'a> = &'a BTreeMap<String, T>;

    fn read(value: Option<&Self>) -> &Self {
        value.unwrap_or_else(|| empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absent_values_read_as_empty() {
        assert_eq!(None::<String>.get(), "");
        assert!(!None::<bool>.get());
        assert_eq!(None::<Integer>.get(), None);
        assert_eq!(None::<Value>.get(), &Value::Null);
        assert!(None::<Vec<Integer>>.get().is_empty());
        assert!(None::<BTreeMap<String, bool>>.get().is_empty());
    }

    #[test]
    fn present_values_read_as_they_are() {
        assert_eq!(Some("a".to_owned()).get(), "a");
        assert!(Some(true).get());
        assert_eq!(Some(Integer::String("7".into())).get(), Some(7));
        assert_eq!(Some(Integer::String("x".into())).get(), None);
        assert_eq!(Some(vec![true]).get(), &[true]);
    }

    #[test]
    fn one_empty_value_per_type() {
        let first: &'static BTreeMap<String, bool> = empty();
        let second: &'static BTreeMap<String, bool> = empty();
        assert!(std::ptr::eq(first, second));
        let other: &'static String = empty();
        assert!(other.is_empty());
    }
}
