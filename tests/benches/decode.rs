//! Decoding the seed example (`application.application.app_version.publish_apply_v6`): into the typed
//! struct against into `serde_json::Value`, from the same bytes, in one run.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use lark_events::application::v6::P2ApplicationAppVersionPublishApplyV6;

/// The example body of the seed page, as the schema records it.
fn seed_example() -> Vec<u8> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../schema/json/003_0a4df386a132e874.schema.json"
    );
    let schema: serde_json::Value =
        serde_json::from_slice(&std::fs::read(path).expect("the seed schema")).unwrap();
    serde_json::to_vec(&schema["examples"][0]).unwrap()
}

fn decode(c: &mut Criterion) {
    let bytes = seed_example();
    let mut group = c.benchmark_group("decode seed example");
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.bench_function("typed struct", |b| {
        b.iter(|| {
            serde_json::from_slice::<P2ApplicationAppVersionPublishApplyV6>(black_box(&bytes))
                .unwrap()
        })
    });
    group.bench_function("serde_json::Value", |b| {
        b.iter(|| serde_json::from_slice::<serde_json::Value>(black_box(&bytes)).unwrap())
    });
    group.finish();
}

criterion_group!(benches, decode);
criterion_main!(benches);
