//! JSON helpers of the round trip: compact text that tells a decoding error's position as a JSON
//! path, and the first difference between two values.

use serde_json::Value;

/// A JSON value as compact text, with the byte range and JSON path of every value in it, so that a
/// decoding error's position can be told as a path.
pub(super) struct Compact {
    pub(super) text: String,
    /// `(start, end, path)`: the bytes `start..end` of `text` are the value at `path`.
    spans: Vec<(usize, usize, String)>,
}

impl Compact {
    /// `value`'s text, its paths from `$`.
    pub(super) fn of(value: &Value) -> Compact {
        Compact::at(value, "$")
    }

    /// `value`'s text, its paths from `root` (`$.data`: the value is the `data` of a larger one).
    pub(super) fn at(value: &Value, root: &str) -> Compact {
        let mut compact = Compact {
            text: String::new(),
            spans: Vec::new(),
        };
        compact.push(value, root.to_owned());
        compact
    }

    fn push(&mut self, value: &Value, path: String) {
        let start = self.text.len();
        match value {
            Value::Object(map) => {
                self.text.push('{');
                for (index, (key, item)) in map.iter().enumerate() {
                    if index > 0 {
                        self.text.push(',');
                    }
                    self.text.push_str(&Value::from(key.as_str()).to_string());
                    self.text.push(':');
                    self.push(item, format!("{path}.{key}"));
                }
                self.text.push('}');
            }
            Value::Array(items) => {
                self.text.push('[');
                for (index, item) in items.iter().enumerate() {
                    if index > 0 {
                        self.text.push(',');
                    }
                    self.push(item, format!("{path}[{index}]"));
                }
                self.text.push(']');
            }
            scalar => self.text.push_str(&scalar.to_string()),
        }
        self.spans.push((start, self.text.len(), path));
    }

    /// The path of the value a serde_json error at `column` (of the only line) is about. serde_json
    /// reports the byte just after a value it read and then refused (a scalar of the wrong type,
    /// a number out of range), or the first byte of a value it refused on sight (a container).
    pub(super) fn path_at(&self, column: usize) -> &str {
        let just_read = self.spans.iter().find(|(_, end, _)| *end == column);
        let around = || {
            self.spans
                .iter()
                .filter(|(start, end, _)| (*start..*end).contains(&column))
                .min_by_key(|(start, end, _)| end - start)
        };
        just_read
            .or_else(around)
            .map_or("$", |(_, _, path)| path.as_str())
    }

    /// A serde_json error decoding this text, told as `{path}: decode: {message}` (the message
    /// without its position).
    pub(super) fn decode_error(&self, message: &str, line: usize, column: usize) -> String {
        let message = message
            .strip_suffix(&format!(" at line {line} column {column}"))
            .unwrap_or(message);
        format!("{}: decode: {message}", self.path_at(column))
    }
}

/// `None` when the values are equal; otherwise where and how they first differ, as a JSON path
/// (`$.event.scopes[0].level: expected 1, got 2`).
pub fn first_difference(expected: &Value, actual: &Value) -> Option<String> {
    difference_at("$", expected, actual)
}

/// [`first_difference`], its paths from `path`.
pub(super) fn difference_at(path: &str, expected: &Value, actual: &Value) -> Option<String> {
    match (expected, actual) {
        (Value::Object(left), Value::Object(right)) => {
            for (key, value) in left {
                let child = format!("{path}.{key}");
                match right.get(key) {
                    Some(other) => {
                        if let Some(found) = difference_at(&child, value, other) {
                            return Some(found);
                        }
                    }
                    None => return Some(format!("{child}: missing (expected {value})")),
                }
            }
            right
                .keys()
                .find(|key| !left.contains_key(*key))
                .map(|key| format!("{path}.{key}: unexpected (got {})", right[key]))
        }
        (Value::Array(left), Value::Array(right)) => {
            for (index, (value, other)) in left.iter().zip(right).enumerate() {
                if let Some(found) = difference_at(&format!("{path}[{index}]"), value, other) {
                    return Some(found);
                }
            }
            (left.len() != right.len())
                .then(|| format!("{path}: {} items expected, got {}", left.len(), right.len()))
        }
        _ if expected == actual => None,
        _ => Some(format!("{path}: expected {expected}, got {actual}")),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use serde_json::json;

    #[test]
    fn differences_by_key_path() {
        let a = json!({"event": {"scopes": [{"level": 1}], "x": "1"}});
        assert_eq!(first_difference(&a, &a), None);
        let b = json!({"event": {"scopes": [{"level": 2}], "x": "1"}});
        assert_eq!(
            first_difference(&a, &b).unwrap(),
            "$.event.scopes[0].level: expected 1, got 2"
        );
        let c = json!({"event": {"scopes": [{"level": 1}], "x": 1}});
        assert_eq!(
            first_difference(&a, &c).unwrap(),
            "$.event.x: expected \"1\", got 1"
        );
        let d = json!({"event": {"scopes": [{"level": 1}]}});
        assert_eq!(
            first_difference(&a, &d).unwrap(),
            "$.event.x: missing (expected \"1\")"
        );
        assert_eq!(
            first_difference(&d, &a).unwrap(),
            "$.event.x: unexpected (got \"1\")"
        );
        let e = json!({"event": {"scopes": [], "x": "1"}});
        assert_eq!(
            first_difference(&a, &e).unwrap(),
            "$.event.scopes: 1 items expected, got 0"
        );
        assert_eq!(
            difference_at("$.data", &json!({"x": 1}), &json!({"x": 2})).unwrap(),
            "$.data.x: expected 1, got 2"
        );
    }

    #[test]
    fn error_positions_as_paths() {
        let error_of = |compact: &Compact| {
            serde_json::from_str::<BTreeMap<String, Vec<Option<u8>>>>(&compact.text).unwrap_err()
        };
        let path_of_error = |value: Value| {
            let compact = Compact::of(&value);
            compact.path_at(error_of(&compact).column()).to_owned()
        };
        // A container where another type is expected: refused on its first byte.
        assert_eq!(path_of_error(json!({"a": [], "s": {"x": 1}})), "$.s");
        // A scalar of the wrong type or out of range: read, then refused.
        assert_eq!(path_of_error(json!({"a": [null, "x"]})), "$.a[1]");
        assert_eq!(path_of_error(json!({"a": [1, null, 300]})), "$.a[2]");
        // Keys are escaped as JSON strings, and the text is what serde_json writes.
        let value = json!({"k\"ey": [1, "two", {"x": null}]});
        assert_eq!(Compact::of(&value).text, value.to_string());
        // From another root, and told without serde_json's position.
        let compact = Compact::at(&json!({"a": [1, "x"]}), "$.data");
        let error = error_of(&compact);
        assert_eq!(
            compact.decode_error(&error.to_string(), error.line(), error.column()),
            "$.data.a[1]: decode: invalid type: string \"x\", expected u8"
        );
    }
}
