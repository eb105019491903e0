//! A bit set knows its listed bits only (`all()`, `from_bits`), as `bitflags` documents, and still
//! keeps any other bit it is given or decodes, writing it back exactly.

use lark_runtime::wire;
use serde_json::json;

wire::bitflags! {
    /// Declared as the generator declares a bit set: its listed bits only.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub struct Mode: u64 {
        const SIDEBAR = 1;
        const PC = 2;
        const MAIN_NAVIGATION = 4;
    }
}
wire::flags!(Mode);

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Gadget {
    pub mode: Option<Mode>,
    pub extra: serde_json::Map<String, serde_json::Value>,
}
wire::object!(Gadget { mode });

#[test]
fn all_is_the_listed_bits() {
    let listed = Mode::SIDEBAR.bits() | Mode::PC.bits() | Mode::MAIN_NAVIGATION.bits();
    assert_eq!(Mode::all().bits(), listed);
    assert_eq!(Mode::all().bits(), 7);
}

#[test]
fn from_bits_refuses_an_unlisted_bit() {
    assert_eq!(Mode::from_bits(64), None);
    assert_eq!(Mode::from_bits(65), None);
    assert_eq!(
        Mode::from_bits(5),
        Some(Mode::SIDEBAR | Mode::MAIN_NAVIGATION)
    );
    assert_eq!(Mode::from_bits_truncate(65), Mode::SIDEBAR);
}

#[test]
fn from_bits_retain_round_trips_through_serde() {
    let mode = Mode::from_bits_retain(64 | 1);
    assert!(mode.contains(Mode::SIDEBAR));
    assert!(!Mode::all().contains(mode));
    let text = serde_json::to_string(&mode).unwrap();
    assert_eq!(text, "65");
    let back: Mode = serde_json::from_str(&text).unwrap();
    assert_eq!(back, mode);
    assert_eq!(back.bits(), 65);
}

#[test]
fn decoding_keeps_an_unlisted_bit() {
    let body = json!({"mode": 72});
    let gadget: Gadget = serde_json::from_value(body.clone()).unwrap();
    let mode = gadget.mode.unwrap();
    assert_eq!(mode.bits(), 72);
    assert!(mode.contains(Mode::from_bits_retain(64)));
    assert!(gadget.mismatches().is_empty());
    assert_eq!(serde_json::to_value(&gadget).unwrap(), body);

    let from_string: Gadget = serde_json::from_value(json!({"mode": "66"})).unwrap();
    assert_eq!(from_string.mode.map(|mode| mode.bits()), Some(66));
    assert_eq!(
        serde_json::to_value(&from_string).unwrap(),
        json!({"mode": "66"})
    );
}
