//! The first difference between two JSON values, as a key path (`$.event.scopes[0].level`).
//!
//! Kept free of any dependency but `serde_json`: the corpus test copies this file into the crate it
//! generates.

use serde_json::Value;

/// `None` when the values are equal; otherwise where and how they first differ.
pub fn first_difference(expected: &Value, actual: &Value) -> Option<String> {
    difference_at("$", expected, actual)
}

fn difference_at(path: &str, expected: &Value, actual: &Value) -> Option<String> {
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
    use super::*;
    use serde_json::json;

    #[test]
    fn reports_the_key_path() {
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
    }
}
