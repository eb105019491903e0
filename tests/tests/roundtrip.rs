//! Each seed's example → typed struct → JSON gives back the original body.

use integration_tests::json_diff::first_difference;
use integration_tests::seeds;
use lark_events::application::v6::P2ApplicationAppVersionPublishApplyV6 as PublishApply;

#[test]
fn every_seed_example_round_trips() {
    let examples = seeds::examples();
    assert!(
        examples.len() >= 3,
        "expected the three seeds, got {}",
        examples.len()
    );
    for (file, example) in examples {
        assert_eq!(
            example["header"]["event_type"],
            PublishApply::EVENT_TYPE,
            "{file}"
        );
        let typed: PublishApply =
            serde_json::from_value(example.clone()).unwrap_or_else(|err| panic!("{file}: {err}"));
        let back = serde_json::to_value(&typed).unwrap();
        if let Some(difference) = first_difference(&example, &back) {
            panic!("{file}: {difference}");
        }
        let data = typed.event.as_ref().expect("an event part");
        assert!(
            data.extra.is_empty(),
            "{file}: fields the page does not list: {:?}",
            data.extra.keys()
        );
    }
}

#[test]
fn typed_accessors_read_the_example() {
    let (_, example) = seeds::examples().into_iter().next().unwrap();
    let typed: PublishApply = serde_json::from_value(example).unwrap();
    let header = typed.header.unwrap();
    assert_eq!(
        header.create_time.unwrap().millis(),
        Some(1_608_725_989_000)
    );
    let version = typed.event.unwrap().online_version.unwrap();
    assert_eq!(version.create_time.unwrap().seconds(), Some(1_610_462_759));
    assert_eq!(version.status.map(i64::from), Some(1));
}
