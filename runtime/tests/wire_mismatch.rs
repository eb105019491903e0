//! A value that does not fit its documented type never fails the event: its field reads `None`,
//! `mismatches()` names it, and the struct re-encodes exactly as it came, at every depth. Integer
//! enums and bit sets read numeric strings, and re-encode them as strings.

use std::collections::BTreeMap;

use lark_runtime::wire;
use serde_json::{json, Value};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Owner {
    pub id: Option<String>,
    pub extra: serde_json::Map<String, Value>,
}
wire::object!(Owner { id });

/// Depth 3.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Bottom {
    pub name: Option<String>,
    pub enabled: Option<bool>,
    pub owner: Option<Owner>,
    pub tags: Option<Vec<String>>,
    pub extra: serde_json::Map<String, Value>,
}
wire::object!(Bottom {
    name,
    enabled,
    owner,
    tags
});

/// Depth 2.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Middle {
    pub name: Option<String>,
    pub enabled: Option<bool>,
    pub owner: Option<Owner>,
    pub bottom: Option<Bottom>,
    pub bottoms: Option<Vec<Bottom>>,
    pub extra: serde_json::Map<String, Value>,
}
wire::object!(Middle {
    name,
    enabled,
    owner,
    bottom,
    bottoms
});

/// Depth 1.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Top {
    pub name: Option<String>,
    pub enabled: Option<bool>,
    pub owner: Option<Owner>,
    pub middle: Option<Middle>,
    pub status: Option<Status>,
    pub statuses: Option<Vec<Status>>,
    pub level: Option<Level>,
    pub mode: Option<Mode>,
    pub count: Option<wire::Integer>,
    pub labels: Option<BTreeMap<String, Status>>,
    pub extra: serde_json::Map<String, Value>,
}
wire::object!(Top {
    name,
    enabled,
    owner,
    middle,
    status,
    statuses,
    level,
    mode,
    count,
    labels,
});

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    Disabled,
    Enabled,
    Unlisted(wire::UnlistedValue<i64>),
}
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StatusListed {
    Disabled,
    Enabled,
}
wire::integer_enum!(
    Status,
    StatusListed {
        Disabled: (0, "停用"),
        Enabled: (1, "启用")
    }
);

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Level {
    Normal,
    Unlisted(wire::UnlistedValue<String>),
}
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LevelListed {
    Normal,
}
wire::string_enum!(
    Level,
    LevelListed {
        Normal: ("normal", "普通")
    }
);

wire::bitflags! {
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub struct Mode: u64 {
        const SIDEBAR = 1;
        const PC = 2;
    }
}
wire::flags!(Mode);

fn bottom() -> Value {
    json!({"name": "b", "enabled": true, "owner": {"id": "o3"}, "tags": ["t"]})
}

/// A body in which every value fits its type.
fn fitting() -> Value {
    json!({
        "name": "top",
        "enabled": false,
        "owner": {"id": "o1"},
        "middle": {
            "name": "m",
            "enabled": true,
            "owner": {"id": "o2"},
            "bottom": bottom(),
            "bottoms": [bottom(), bottom()],
        },
        "status": 1,
        "statuses": [0, 1],
        "level": "normal",
        "mode": 3,
        "count": "42",
        "labels": {"a": 0, "b": 1},
    })
}

/// Decodes `body`, checks that it re-encodes exactly as it came, and returns it.
fn decode(body: &Value) -> Top {
    let top: Top = serde_json::from_value(body.clone()).expect("never fails on a value's shape");
    assert_eq!(serde_json::to_value(&top).unwrap(), *body);
    let from_text: Top = serde_json::from_str(&body.to_string()).unwrap();
    assert_eq!(from_text, top, "the same from text as from a Value");
    top
}

/// `body` with the value at `pointer` replaced.
fn with(pointer: &str, value: Value) -> Value {
    let mut body = fitting();
    *body.pointer_mut(pointer).expect("a pointer into the body") = value;
    body
}

#[test]
fn a_fitting_body_has_no_mismatch() {
    let top = decode(&fitting());
    assert!(top.mismatches().is_empty());
    let middle = top.middle.unwrap();
    assert_eq!(middle.bottoms.unwrap().len(), 2);
    assert_eq!(middle.bottom.unwrap().enabled, Some(true));
}

/// An array where an object is documented, an object where a string is, a string where a boolean
/// is: at depth 1, 2 and 3, and inside an array.
#[test]
fn a_value_that_does_not_fit_reads_none_is_named_and_is_kept() {
    let array = json!([{"id": "o"}]);
    let object = json!({"text": "t"});
    let string = json!("true");
    type Get = fn(&Top) -> bool;
    let cases: [(&str, &Value, &str, Get); 9] = [
        ("/owner", &array, "owner", |t| t.owner.is_none()),
        ("/name", &object, "name", |t| t.name.is_none()),
        ("/enabled", &string, "enabled", |t| t.enabled.is_none()),
        ("/middle/owner", &array, "middle.owner", |t| {
            t.middle.as_ref().unwrap().owner.is_none()
        }),
        ("/middle/name", &object, "middle.name", |t| {
            t.middle.as_ref().unwrap().name.is_none()
        }),
        ("/middle/enabled", &string, "middle.enabled", |t| {
            t.middle.as_ref().unwrap().enabled.is_none()
        }),
        ("/middle/bottom/owner", &array, "middle.bottom.owner", |t| {
            bottom_of(t).owner.is_none()
        }),
        ("/middle/bottom/name", &object, "middle.bottom.name", |t| {
            bottom_of(t).name.is_none()
        }),
        (
            "/middle/bottom/enabled",
            &string,
            "middle.bottom.enabled",
            |t| bottom_of(t).enabled.is_none(),
        ),
    ];
    for (pointer, value, path, is_none) in cases {
        let body = with(pointer, value.clone());
        let top = decode(&body);
        assert!(is_none(&top), "{pointer}: the field reads None");
        assert_eq!(top.mismatches(), [path], "{pointer}");
    }
}

fn bottom_of(top: &Top) -> &Bottom {
    top.middle.as_ref().unwrap().bottom.as_ref().unwrap()
}

/// The mismatch is in the `extra` of the struct that lists the field, under its wire name.
#[test]
fn the_value_is_kept_in_the_extra_of_its_struct() {
    let top = decode(&with("/middle/bottom/enabled", json!("yes")));
    assert_eq!(bottom_of(&top).extra["enabled"], "yes");
    assert!(top.extra.is_empty() && top.middle.unwrap().extra.is_empty());
}

/// An item that does not fit keeps the whole array, as it came, in `extra`; one inside an item
/// that fits stays in that item.
#[test]
fn inside_arrays() {
    let top = decode(&with("/middle/bottoms/1", json!(["not", "an object"])));
    let middle = top.middle.as_ref().unwrap();
    assert!(middle.bottoms.is_none());
    assert_eq!(middle.extra["bottoms"][0], bottom());
    assert_eq!(top.mismatches(), ["middle.bottoms"]);

    let top = decode(&with(
        "/middle/bottoms/1/tags/0",
        json!({"not": "a string"}),
    ));
    assert_eq!(top.mismatches(), ["middle.bottoms[1].tags"]);

    let top = decode(&with("/middle/bottoms/0/enabled", json!("false")));
    assert_eq!(top.mismatches(), ["middle.bottoms[0].enabled"]);

    let top = decode(&with("/middle/bottoms/0/tags/0", Value::Null));
    assert_eq!(top.mismatches(), ["middle.bottoms[0].tags"]);
}

/// Every JSON kind where each type is documented.
#[test]
fn every_kind_everywhere() {
    let kinds = [
        json!(null),
        json!(true),
        json!(-3),
        json!(18446744073709551615u64),
        json!(2.5),
        json!("text"),
        json!("7"),
        json!([1, {"a": [null]}]),
        json!({"a": {"b": []}}),
    ];
    let pointers = [
        "/name",
        "/enabled",
        "/owner",
        "/middle",
        "/status",
        "/statuses",
        "/statuses/0",
        "/level",
        "/mode",
        "/count",
        "/labels",
        "/labels/a",
        "/middle/bottoms",
        "/middle/bottoms/0",
        "/middle/bottom/tags/0",
    ];
    for pointer in pointers {
        for kind in &kinds {
            decode(&with(pointer, kind.clone()));
        }
    }
}

#[test]
fn a_listed_null_is_no_mismatch() {
    let top = decode(&with("/middle/bottom/owner", Value::Null));
    assert!(bottom_of(&top).owner.is_none());
    assert!(top.mismatches().is_empty());
}

#[test]
fn enums_and_bit_sets_read_numeric_strings() {
    assert_eq!(
        serde_json::from_str::<Status>(r#""1""#).unwrap(),
        Status::Enabled
    );
    assert_eq!(
        serde_json::from_str::<Status>(r#""-4""#).unwrap().value(),
        -4
    );
    assert_eq!(serde_json::from_str::<Mode>(r#""3""#).unwrap(), Mode::all());
    assert_eq!(serde_json::from_str::<Mode>(r#""8""#).unwrap().bits(), 8);
    assert!(serde_json::from_str::<Status>(r#""one""#).is_err());
    assert!(serde_json::from_str::<Mode>("-1").is_err());

    let body = with("/status", json!("0"));
    let body = {
        let mut body = body;
        body["mode"] = json!("5");
        body["statuses"] = json!(["1", 0, "2"]);
        body["labels"] = json!({"a": "1", "b": 0});
        body
    };
    let top = decode(&body);
    assert_eq!(top.status, Some(Status::Disabled));
    assert_eq!(top.mode.map(|mode| mode.bits()), Some(5));
    let statuses = top.statuses.as_ref().unwrap();
    assert_eq!(statuses[..2], [Status::Enabled, Status::Disabled]);
    assert_eq!(statuses[2].value(), 2);
    assert_eq!(top.labels.as_ref().unwrap()["a"], Status::Enabled);
    assert!(top.mismatches().is_empty());
}

/// A numeric string is written back as it came only while the field holds the value read from it.
#[test]
fn a_changed_enum_is_written_as_its_number() {
    let mut top = decode(&with("/status", json!("0")));
    top.status = Some(Status::Enabled);
    assert_eq!(serde_json::to_value(&top).unwrap()["status"], 1);
}

#[test]
fn a_string_that_is_not_a_number_does_not_fit_an_enum() {
    let top = decode(&with("/status", json!("enabled")));
    assert_eq!(top.status, None);
    assert_eq!(top.mismatches(), ["status"]);
    let top = decode(&with("/mode", json!(-1)));
    assert_eq!(top.mismatches(), ["mode"]);
    let top = decode(&with("/labels/b", json!("enabled")));
    assert_eq!(top.mismatches(), ["labels"]);
    assert_eq!(top.extra["labels"], json!({"a": 0, "b": "enabled"}));
}

/// A repeated key: the last one wins, whether it fits or not.
#[test]
fn a_repeated_key_keeps_the_last() {
    let top: Top = serde_json::from_str(r#"{"name": "a", "name": [1]}"#).unwrap();
    assert_eq!(top.name, None);
    assert_eq!(serde_json::to_value(&top).unwrap(), json!({"name": [1]}));
    let top: Top = serde_json::from_str(r#"{"name": [1], "name": "a"}"#).unwrap();
    assert_eq!(top.name.as_deref(), Some("a"));
    assert_eq!(serde_json::to_value(&top).unwrap(), json!({"name": "a"}));
}

#[test]
fn broken_json_still_fails() {
    assert!(serde_json::from_str::<Top>(r#"{"owner": [1, }"#).is_err());
    assert!(serde_json::from_str::<Top>(r#"{"middle": {"name": "#).is_err());
}
