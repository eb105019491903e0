//! JSON objects ⇄ generated structs: every listed field is an `Option`, everything else is kept in
//! `extra`, and so is a listed field sent as `null`, so that re-encoding gives back what came.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Map, Value};

/// What [`Object::decode_field`] did with a key.
pub enum FieldRead {
    /// A listed field, decoded into its `Some`.
    Value,
    /// A listed field sent as `null`: its field is `None`.
    Null,
    /// Not a listed field: its value is still to be read.
    NotListed,
}

/// A generated struct: its listed fields, by wire name, and `extra`.
pub trait Object: Default {
    /// Reads the value of `key` into its field when `key` names one.
    fn decode_field<'de, A: MapAccess<'de>>(
        &mut self,
        key: &str,
        map: &mut A,
    ) -> Result<FieldRead, A::Error>;

    /// Writes every listed field that holds a value.
    fn encode_fields<M: SerializeMap>(&self, map: &mut M) -> Result<(), M::Error>;

    /// Whether `key` names a listed field that holds a value (it wins over an `extra` entry).
    fn holds(&self, key: &str) -> bool;

    /// The fields the page does not list, and listed fields sent as `null`.
    fn extra(&self) -> &Map<String, Value>;

    /// Mutable access to [`Object::extra`].
    fn extra_mut(&mut self) -> &mut Map<String, Value>;
}

/// Reads one listed field: `null` leaves it `None` and says so.
pub fn decode_field<'de, A, T>(map: &mut A, field: &mut Option<T>) -> Result<FieldRead, A::Error>
where
    A: MapAccess<'de>,
    T: Deserialize<'de>,
{
    *field = map.next_value()?;
    Ok(match field {
        Some(_) => FieldRead::Value,
        None => FieldRead::Null,
    })
}

/// Writes one listed field, unless it is `None`.
pub fn encode_field<M, T>(map: &mut M, key: &'static str, field: &Option<T>) -> Result<(), M::Error>
where
    M: SerializeMap,
    T: Serialize,
{
    match field {
        Some(value) => map.serialize_entry(key, value),
        None => Ok(()),
    }
}

/// Decodes a generated struct from a JSON object.
pub fn deserialize_object<'de, D, T>(
    deserializer: D,
    expecting: &'static str,
) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Object,
{
    deserializer.deserialize_map(ObjectVisitor {
        expecting,
        object: PhantomData,
    })
}

/// Encodes a generated struct: its fields that hold a value, then the `extra` entries they do not override.
pub fn serialize_object<S, T>(object: &T, serializer: S) -> Result<S::Ok, S::Error>
where
    S: Serializer,
    T: Object,
{
    let mut map = serializer.serialize_map(None)?;
    object.encode_fields(&mut map)?;
    for (key, value) in object.extra() {
        if !object.holds(key) {
            map.serialize_entry(key, value)?;
        }
    }
    map.end()
}

struct ObjectVisitor<T> {
    expecting: &'static str,
    object: PhantomData<T>,
}

impl<'de, T: Object> Visitor<'de> for ObjectVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.expecting)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        let mut object = T::default();
        while let Some(Key(key)) = map.next_key()? {
            match object.decode_field(&key, &mut map)? {
                // A repeated key: the last one wins, as in `serde_json::Value`.
                FieldRead::Value if !object.extra().is_empty() => {
                    object.extra_mut().remove(key.as_ref());
                }
                FieldRead::Value => {}
                FieldRead::Null => {
                    object.extra_mut().insert(key.into_owned(), Value::Null);
                }
                FieldRead::NotListed => {
                    let value = map.next_value()?;
                    object.extra_mut().insert(key.into_owned(), value);
                }
            }
        }
        Ok(object)
    }
}

/// An object key, borrowed from the input when it can be (no allocation for a listed field).
struct Key<'de>(Cow<'de, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;

        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string key")
            }

            fn visit_borrowed_str<E: de::Error>(self, key: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(key)))
            }

            fn visit_str<E: de::Error>(self, key: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(key.to_owned())))
            }

            fn visit_string<E: de::Error>(self, key: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(key)))
            }
        }

        deserializer.deserialize_str(KeyVisitor)
    }
}
