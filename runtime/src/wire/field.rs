//! Reading a field's value without ever failing on its shape: a value of a JSON kind the field's
//! type reads is decoded as it streams (nothing is buffered); any other value is captured as it
//! came, to be kept in the struct's `extra`.

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use serde::de::value::{BorrowedStrDeserializer, MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Deserializer, IntoDeserializer, MapAccess, SeqAccess,
    Visitor,
};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// What reading a value into a [`Field`] type gave.
#[derive(Debug, PartialEq)]
pub enum Fit<T> {
    /// The value, which re-encodes as it came.
    Exact(T),
    /// The value, read from another form than the one it encodes to (an integer enum sent as a
    /// numeric string), and the value as it came.
    Converted(T, Value),
    /// A value the type does not read (or `null`), as it came.
    Mismatched(Value),
}

/// The JSON kinds a [`Field`] type reads; a value of any other kind does not fit it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Accepts {
    /// Strings: `String`, string enums.
    String,
    /// `true` and `false`.
    Bool,
    /// Numbers and strings, each re-encoded as it came: [`Integer`](super::Integer),
    /// [`Float`](super::Float), the timestamps.
    NumberOrString,
    /// Numbers, and numeric strings read as their number (a [`Fit::Converted`]): integer enums and
    /// bit sets.
    Number,
    /// Arrays: `Vec`.
    Array,
    /// Objects: generated structs, `BTreeMap`.
    Object,
    /// Every value, `null` included: `serde_json::Value`.
    Any,
}

/// A type a generated struct's field can have: which JSON kinds it reads, and how it reads arrays
/// and objects. The macros implement it for generated types.
pub trait Field: DeserializeOwned {
    /// The JSON kinds it reads.
    const ACCEPTS: Accepts;

    /// Reads an array, for a type that accepts them.
    fn read_array<'de, A: SeqAccess<'de>>(seq: A) -> Result<Fit<Self>, A::Error> {
        Self::deserialize(SeqAccessDeserializer::new(seq)).map(Fit::Exact)
    }

    /// Reads an object, for a type that accepts them.
    fn read_object<'de, A: MapAccess<'de>>(map: A) -> Result<Fit<Self>, A::Error> {
        Self::deserialize(MapAccessDeserializer::new(map)).map(Fit::Exact)
    }

    /// Appends to `found` the path of each value inside this one that did not fit its type, `path`
    /// being this value's own.
    fn find_mismatches(&self, _path: &mut String, _found: &mut Vec<String>) {}
}

/// Reads one value into a `T`, or captures it: a [`DeserializeSeed`] giving a [`Fit`]. It fails
/// only when the JSON itself does.
pub struct Read<T>(PhantomData<T>);

impl<T> Read<T> {
    /// A reader of `T`.
    pub fn new() -> Self {
        Read(PhantomData)
    }
}

impl<T> Default for Read<T> {
    fn default() -> Self {
        Read::new()
    }
}

impl<'de, T: Field> DeserializeSeed<'de> for Read<T> {
    type Value = Fit<T>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Fit<T>, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<T: Field> Read<T> {
    /// Reads a scalar of a kind `T` `reads`; one it does not, or fails to decode, is captured.
    fn scalar<'de, D>(
        reads: bool,
        value: D,
        raw: impl FnOnce() -> Value,
    ) -> Result<Fit<T>, D::Error>
    where
        D: Deserializer<'de>,
    {
        if !reads {
            return Ok(Fit::Mismatched(raw()));
        }
        Ok(match T::deserialize(value) {
            Ok(value) => Fit::Exact(value),
            Err(_) => Fit::Mismatched(raw()),
        })
    }

    /// Reads a string: numeric-only types read it as their number, converted.
    fn string<'de, D>(value: D, text: &str) -> Result<Fit<T>, D::Error>
    where
        D: Deserializer<'de>,
    {
        let raw = || Value::String(text.to_owned());
        match T::ACCEPTS {
            Accepts::Number => Ok(match T::deserialize(value) {
                Ok(value) => Fit::Converted(value, raw()),
                Err(_) => Fit::Mismatched(raw()),
            }),
            accepts => Self::scalar(
                matches!(
                    accepts,
                    Accepts::String | Accepts::NumberOrString | Accepts::Any
                ),
                value,
                raw,
            ),
        }
    }
}

fn reads_number(accepts: Accepts) -> bool {
    matches!(
        accepts,
        Accepts::NumberOrString | Accepts::Number | Accepts::Any
    )
}

impl<'de, T: Field> Visitor<'de> for Read<T> {
    type Value = Fit<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Fit<T>, E> {
        Self::scalar(T::ACCEPTS == Accepts::Any, ().into_deserializer(), || {
            Value::Null
        })
    }

    fn visit_bool<E: de::Error>(self, value: bool) -> Result<Fit<T>, E> {
        let reads = matches!(T::ACCEPTS, Accepts::Bool | Accepts::Any);
        Self::scalar(reads, value.into_deserializer(), || Value::Bool(value))
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Fit<T>, E> {
        Self::scalar(reads_number(T::ACCEPTS), value.into_deserializer(), || {
            value.into()
        })
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Fit<T>, E> {
        Self::scalar(reads_number(T::ACCEPTS), value.into_deserializer(), || {
            value.into()
        })
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Fit<T>, E> {
        Self::scalar(reads_number(T::ACCEPTS), value.into_deserializer(), || {
            value.into()
        })
    }

    fn visit_borrowed_str<E: de::Error>(self, value: &'de str) -> Result<Fit<T>, E> {
        Self::string(BorrowedStrDeserializer::new(value), value)
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Fit<T>, E> {
        Self::string(value.into_deserializer(), value)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Fit<T>, A::Error> {
        match T::ACCEPTS {
            Accepts::Array | Accepts::Any => T::read_array(seq),
            _ => Value::deserialize(SeqAccessDeserializer::new(seq)).map(Fit::Mismatched),
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Fit<T>, A::Error> {
        match T::ACCEPTS {
            Accepts::Object | Accepts::Any => T::read_object(map),
            _ => Value::deserialize(MapAccessDeserializer::new(map)).map(Fit::Mismatched),
        }
    }
}

/// The items of an array (or the values of an object), read one by one: typed while each one fits,
/// and also as they came from the first one that does not re-encode as it came.
struct Items<T> {
    typed: Option<Vec<T>>,
    raw: Option<Vec<Value>>,
}

impl<T: Serialize> Items<T> {
    fn with_capacity(capacity: usize) -> Self {
        Items {
            typed: Some(Vec::with_capacity(capacity)),
            raw: None,
        }
    }

    fn push<E: de::Error>(&mut self, item: Fit<T>) -> Result<(), E> {
        match item {
            Fit::Exact(value) => {
                if let Some(raw) = &mut self.raw {
                    raw.push(serde_json::to_value(&value).map_err(E::custom)?);
                }
                if let Some(typed) = &mut self.typed {
                    typed.push(value);
                }
            }
            Fit::Converted(value, raw) => {
                self.raw_mut()?.push(raw);
                if let Some(typed) = &mut self.typed {
                    typed.push(value);
                }
            }
            Fit::Mismatched(raw) => {
                self.raw_mut()?.push(raw);
                self.typed = None;
            }
        }
        Ok(())
    }

    /// The items as they came, starting them from the typed ones (which re-encode as they came).
    fn raw_mut<E: de::Error>(&mut self) -> Result<&mut Vec<Value>, E> {
        let raw = match self.raw.take() {
            Some(raw) => raw,
            None => {
                let typed = self.typed.iter().flatten();
                let raw = typed.map(serde_json::to_value).collect::<Result<_, _>>();
                raw.map_err(E::custom)?
            }
        };
        Ok(self.raw.insert(raw))
    }

    /// The typed items when each one fits, and the items as they came when one did not re-encode
    /// as it came.
    fn finish(self) -> (Option<Vec<T>>, Option<Vec<Value>>) {
        (self.typed, self.raw)
    }
}

/// At most this many items are reserved ahead from a size hint.
const RESERVE_AT_MOST: usize = 1024;

impl<T: Field + Serialize> Field for Vec<T> {
    const ACCEPTS: Accepts = Accepts::Array;

    /// An item that does not fit makes the whole array not fit: it is kept as it came.
    fn read_array<'de, A: SeqAccess<'de>>(mut seq: A) -> Result<Fit<Self>, A::Error> {
        let capacity = seq.size_hint().unwrap_or(0).min(RESERVE_AT_MOST);
        let mut items = Items::with_capacity(capacity);
        while let Some(item) = seq.next_element_seed(Read::new())? {
            items.push(item)?;
        }
        Ok(match items.finish() {
            (Some(typed), None) => Fit::Exact(typed),
            (Some(typed), Some(raw)) => Fit::Converted(typed, Value::Array(raw)),
            (None, raw) => Fit::Mismatched(Value::Array(raw.unwrap_or_default())),
        })
    }

    fn find_mismatches(&self, path: &mut String, found: &mut Vec<String>) {
        for (index, item) in self.iter().enumerate() {
            let len = path.len();
            path.push_str(&format!("[{index}]"));
            item.find_mismatches(path, found);
            path.truncate(len);
        }
    }
}

impl<T: Field + Serialize> Field for BTreeMap<String, T> {
    const ACCEPTS: Accepts = Accepts::Object;

    /// A value that does not fit makes the whole object not fit: it is kept as it came.
    fn read_object<'de, A: MapAccess<'de>>(mut map: A) -> Result<Fit<Self>, A::Error> {
        let mut keys = Vec::new();
        let mut items = Items::with_capacity(0);
        while let Some(key) = map.next_key::<String>()? {
            keys.push(key);
            items.push(map.next_value_seed(Read::new())?)?;
        }
        let as_object = |raw: Option<Vec<Value>>| -> Value {
            let entries = keys.iter().cloned().zip(raw.unwrap_or_default());
            Value::Object(entries.collect::<Map<_, _>>())
        };
        Ok(match items.finish() {
            (Some(typed), None) => Fit::Exact(keys.into_iter().zip(typed).collect()),
            (Some(typed), raw) => {
                let raw = as_object(raw);
                Fit::Converted(keys.into_iter().zip(typed).collect(), raw)
            }
            (None, raw) => Fit::Mismatched(as_object(raw)),
        })
    }

    fn find_mismatches(&self, path: &mut String, found: &mut Vec<String>) {
        for (key, value) in self {
            let len = path.len();
            push_key(path, key);
            value.find_mismatches(path, found);
            path.truncate(len);
        }
    }
}

/// Appends `key` to a mismatch path (`a.b`).
pub(crate) fn push_key(path: &mut String, key: &str) {
    if !path.is_empty() {
        path.push('.');
    }
    path.push_str(key);
}

macro_rules! leaf_fields {
    ($($type:ty: $accepts:ident),* $(,)?) => {
        $(impl Field for $type {
            const ACCEPTS: Accepts = Accepts::$accepts;
        })*
    };
}

leaf_fields!(
    String: String,
    bool: Bool,
    super::Integer: NumberOrString,
    super::Float: NumberOrString,
    super::UnixMillis: NumberOrString,
    super::UnixSeconds: NumberOrString,
    Value: Any,
);
