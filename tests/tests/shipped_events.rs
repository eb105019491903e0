//! Every page in `schema/docs/` through the crate users import: each page's example (when it has a
//! valid one) decodes into the typed variant of `AnyEvent` for its event type, and re-encodes to the
//! same JSON.

use std::fs;

use integration_tests::json_diff::first_difference;
use integration_tests::seeds::repo_root;
use lark_events::AnyEvent;
use serde_json::Value;

#[test]
fn every_example_decodes_into_its_type_and_round_trips() {
    let dir = repo_root().join("schema/json");
    let mut paths: Vec<_> = fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    paths.sort();
    let (mut passed, mut without_example, mut failures) = (0, 0, Vec::new());
    for path in &paths {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let schema: Value = serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap();
        if schema.get("x-lark-event").is_none() {
            continue;
        }
        let Some(example) = schema["examples"].get(0) else {
            without_example += 1;
            continue;
        };
        let body = serde_json::to_vec(example).unwrap();
        let outcome = match AnyEvent::from_slice(&body) {
            Ok(AnyEvent::Unknown(_)) => Err("decoded as Unknown: no type for its event".to_owned()),
            Ok(event) => {
                let back = serde_json::to_value(&event).unwrap();
                first_difference(example, &back).map_or(Ok(()), Err)
            }
            Err(err) => Err(format!("decode: {err}")),
        };
        match outcome {
            Ok(()) => passed += 1,
            Err(why) => failures.push(format!("{name}: {why}")),
        }
    }
    println!(
        "shipped crate: {passed} examples round-trip, {} fail, {without_example} pages without a valid example",
        failures.len()
    );
    for failure in &failures {
        println!("  {failure}");
    }
    assert!(
        passed >= 249,
        "the event pages of schema/docs/ are in the crate: {passed}"
    );
    assert!(failures.is_empty(), "{failures:#?}");
}
