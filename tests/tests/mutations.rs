//! The seed example, mutated the ways real deliveries differ from their page (keys dropped, unknown
//! keys, `null`s, strings for numbers, values of another kind), always decodes and re-encodes
//! exactly as it came. A seeded generator, so a failure names the case that reproduces it.

use lark_events::application::v6::P2ApplicationAppVersionPublishApplyV6;
use lark_events::AnyEvent;
use serde_json::{json, Value};

/// Bodies to try, each with up to `MAX_MUTATIONS` mutations.
const CASES: u64 = 2000;
const MAX_MUTATIONS: u64 = 4;

fn seed_example() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../schema/json/003_0a4df386a132e874.schema.json"
    );
    let schema: Value = serde_json::from_slice(&std::fs::read(path).expect("the seed schema"))
        .expect("the seed schema is JSON");
    schema["examples"][0].clone()
}

/// xorshift64*: deterministic, and enough to pick paths and mutations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, bound: u64) -> u64 {
        self.next() % bound
    }
}

/// The JSON pointer of every value inside `value` (the body itself is always an object).
fn pointers(value: &Value, at: String, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, item) in map {
                pointers(
                    item,
                    format!("{at}/{}", key.replace('~', "~0").replace('/', "~1")),
                    out,
                );
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                pointers(item, format!("{at}/{index}"), out);
            }
        }
        _ => {}
    }
    if !at.is_empty() {
        out.push(at);
    }
}

/// Applies one mutation to the value at a random place in `body`.
fn mutate(body: &mut Value, rng: &mut Rng) {
    let mut all = Vec::new();
    pointers(body, String::new(), &mut all);
    let pointer = &all[rng.below(all.len() as u64) as usize];
    let mutation = rng.below(7);
    if mutation == 0 {
        // Drop the key.
        let (parent, key) = pointer.rsplit_once('/').unwrap_or(("", ""));
        if let Some(Value::Object(map)) = body.pointer_mut(parent) {
            map.remove(&key.replace("~1", "/").replace("~0", "~"));
        }
        return;
    }
    let target = body.pointer_mut(pointer).expect("a pointer just listed");
    match mutation {
        // An unknown key.
        1 => {
            if let Value::Object(map) = target {
                map.insert(format!("unlisted_{}", rng.below(100)), json!({"n": 1}));
            }
        }
        2 => *target = Value::Null,
        // A string for a number.
        3 => {
            if target.is_number() {
                *target = Value::String(target.to_string());
            }
        }
        // An array for an object (or for anything else).
        4 => *target = Value::Array(vec![target.take()]),
        // An object for a string (or for anything else).
        5 => *target = json!({"text": target.take()}),
        // A string for a boolean (or for anything else).
        _ => *target = Value::String(target.to_string()),
    }
}

#[test]
fn every_mutation_decodes_and_re_encodes_as_it_came() {
    let seed = seed_example();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut routed = 0;
    for case in 0..CASES {
        let mut body = seed.clone();
        for _ in 0..=rng.below(MAX_MUTATIONS) {
            mutate(&mut body, &mut rng);
        }
        let bytes = serde_json::to_vec(&body).unwrap();

        let event: P2ApplicationAppVersionPublishApplyV6 = serde_json::from_slice(&bytes)
            .unwrap_or_else(|error| panic!("case {case} does not decode: {error}\n{body}"));
        let again = serde_json::to_value(&event).unwrap();
        assert_eq!(again, body, "case {case} re-encodes differently");

        // `AnyEvent` reads the routing fields strictly first (`schema`, `header`, and `event`
        // must be an object, see envelope.rs): only bodies that keep them.
        if body["schema"] == seed["schema"]
            && body["header"] == seed["header"]
            && body["event"].is_object()
        {
            let any = AnyEvent::from_slice(&bytes)
                .unwrap_or_else(|error| panic!("case {case} is no AnyEvent: {error}\n{body}"));
            assert!(matches!(
                any,
                AnyEvent::P2ApplicationAppVersionPublishApplyV6(_)
            ));
            assert_eq!(serde_json::to_value(&any).unwrap(), body, "case {case}");
            routed += 1;
        }
    }
    assert!(routed > CASES / 4, "many cases reach AnyEvent: {routed}");
}

#[test]
fn a_mismatch_is_visible_from_the_event() {
    let mut body = seed_example();
    body["event"]["online_version"]["remark"]["visibility"]["is_all"] = json!("false");
    body["event"]["under_audit_version"]["scopes"] = json!({"scope": "x"});
    body["event"]["app_status"] = json!("1");
    let event: P2ApplicationAppVersionPublishApplyV6 =
        serde_json::from_value(body.clone()).unwrap();
    assert_eq!(
        event.mismatches(),
        [
            "event.online_version.remark.visibility.is_all",
            "event.under_audit_version.scopes",
        ]
    );
    let data = event.event.as_ref().unwrap();
    assert_eq!(data.app_status.map(i64::from), Some(1));
    assert_eq!(serde_json::to_value(&event).unwrap(), body);
}
