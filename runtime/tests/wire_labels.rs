//! A listed value's label is a `&'static str`; only an unlisted value has none.

use lark_runtime::wire;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Status {
    Disabled,
    Enabled,
    Unlisted(wire::UnlistedValue<i64>),
}
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
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
#[non_exhaustive]
pub enum Level {
    Normal,
    Unlisted(wire::UnlistedValue<String>),
}
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LevelListed {
    Normal,
}
wire::string_enum!(
    Level,
    LevelListed {
        Normal: ("normal", "普通权限")
    }
);

#[test]
fn a_listed_value_has_a_static_label() {
    let label: &'static str = LevelListed::Normal.label();
    assert_eq!(label, "普通权限");
    assert_eq!(StatusListed::Enabled.label(), "启用");
    assert_eq!(LevelListed::Normal.as_str(), "normal");
    assert_eq!(StatusListed::Disabled.value(), 0);
}

#[test]
fn mapping_a_received_value_gives_one_option() {
    let level: Option<Level> = serde_json::from_str(r#""normal""#).unwrap();
    let label = level
        .as_ref()
        .and_then(Level::listed)
        .map(LevelListed::label);
    assert_eq!(label, Some("普通权限"));
    assert_eq!(level.as_ref().and_then(Level::label), Some("普通权限"));
}

#[test]
fn only_an_unlisted_value_has_no_label() {
    let unlisted = Status::from(7);
    assert_eq!(unlisted.listed(), None);
    assert_eq!(unlisted.label(), None);
    assert_eq!(Level::from("high").listed(), None);
    assert_eq!(Status::from(1).listed(), Some(StatusListed::Enabled));
}

#[test]
fn a_listed_value_converts_to_its_enum() {
    assert_eq!(Status::from(StatusListed::Enabled), Status::Enabled);
    assert_eq!(Level::from(LevelListed::Normal), Level::Normal);
    let listed = [StatusListed::Disabled, StatusListed::Enabled];
    for value in listed {
        assert_eq!(Status::from(value).listed(), Some(value));
        assert_eq!(Status::from(value.value()), Status::from(value));
    }
}
