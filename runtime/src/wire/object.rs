//! JSON objects ⇄ generated structs: every listed field is an `Option`, everything else is kept in
//! `extra`, and so is a listed field sent as `null` or with a value that does not fit its type, so
//! that re-encoding gives back what came and a value of the wrong shape never fails the event.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserialize, DeserializeSeed, Deserializer, MapAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Map, Value};

use super::field::{push_key, Field, Fit, Read};

/// What [`Object::decode_field`] did with a key.
pub enum FieldRead {
    /// A listed field, decoded into its `Some`.
    Value,
    /// A listed field whose value, as it came, belongs in `extra`: `null` or a value that does not
    /// fit its type (its field is `None`), or one read from another form (its field holds it).
    Kept(Value),
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

    /// The fields the page does not list, listed fields sent as `null` or with a value that does not
    /// fit their type, and the form a value came in when it was read from another one.
    fn extra(&self) -> &Map<String, Value>;

    /// Mutable access to [`Object::extra`].
    fn extra_mut(&mut self) -> &mut Map<String, Value>;
}

/// Reads one listed field: `null`, or a value that does not fit its type, leaves it `None` and
/// hands the value back to be kept; so does a value read from another form, which also fills it.
pub fn decode_field<'de, A, T>(map: &mut A, field: &mut Option<T>) -> Result<FieldRead, A::Error>
where
    A: MapAccess<'de>,
    T: Field,
{
    Ok(match map.next_value_seed(Read::<T>::new())? {
        Fit::Exact(value) => {
            *field = Some(value);
            FieldRead::Value
        }
        Fit::Converted(value, raw) => {
            *field = Some(value);
            FieldRead::Kept(raw)
        }
        Fit::Mismatched(raw) => {
            *field = None;
            FieldRead::Kept(raw)
        }
    })
}

/// Writes one listed field, unless it is `None`: as it came when `extra` holds the form it was read
/// from (and the field still holds the value read from it), else as its type encodes it.
pub fn encode_field<M, T>(
    map: &mut M,
    key: &'static str,
    field: &Option<T>,
    extra: &Map<String, Value>,
) -> Result<(), M::Error>
where
    M: SerializeMap,
    T: Field + PartialEq + Serialize,
{
    let Some(value) = field else {
        return Ok(());
    };
    match extra.get(key) {
        Some(raw) if reads_as(raw, value) => map.serialize_entry(key, raw),
        _ => map.serialize_entry(key, value),
    }
}

/// Whether `raw` is another form of `value`.
fn reads_as<T: Field + PartialEq>(raw: &Value, value: &T) -> bool {
    matches!(Read::<T>::new().deserialize(raw), Ok(Fit::Converted(read, _)) if read == *value)
}

/// Finds the mismatches of one listed field (see [`Field::find_mismatches`]): the field itself
/// when it is `None` and `extra` keeps a value other than `null` for it, else inside its value.
pub fn find_field_mismatches<T: Field>(
    key: &str,
    field: &Option<T>,
    extra: &Map<String, Value>,
    path: &mut String,
    found: &mut Vec<String>,
) {
    let len = path.len();
    push_key(path, key);
    match field {
        Some(value) => value.find_mismatches(path, found),
        None if extra.get(key).is_some_and(|raw| !raw.is_null()) => found.push(path.clone()),
        None => {}
    }
    path.truncate(len);
}

/// The paths of the values, in `object` and at every depth below it, that did not fit their type.
pub fn mismatches<T: Field>(object: &T) -> Vec<String> {
    let mut found = Vec::new();
    object.find_mismatches(&mut String::new(), &mut found);
    found
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
                FieldRead::Kept(raw) => {
                    object.extra_mut().insert(key.into_owned(), raw);
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
