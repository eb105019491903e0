//! Decoding the seed example (`application.application.app_version.publish_apply_v6`), from the same
//! bytes, in one run: into the typed struct, into `serde_json::Value`, and into `sonic_rs::Value` (a
//! SIMD parser's own DOM: the practical limit of scanning the JSON); then what a delivery costs the
//! dispatcher: reading the envelope's routing fields alone, and the whole typed dispatch (routing
//! fields, typed struct, handler call).

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use lark_events::application::v6::P2ApplicationAppVersionPublishApplyV6;
use lark_events::dispatch::Dispatcher;
use lark_events::envelope::Envelope;
use lark_events::DispatcherExt as _;

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
    group.bench_function("sonic_rs::Value", |b| {
        b.iter(|| sonic_rs::from_slice::<sonic_rs::Value>(black_box(&bytes)).unwrap())
    });
    group.finish();
}

fn dispatch(c: &mut Criterion) {
    let bytes = seed_example();
    let dispatcher = Dispatcher::new()
        .dedup_capacity(0)
        .on_p2_application_app_version_publish_apply_v6(|event| async move {
            black_box(event);
            Ok(())
        });
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let mut group = c.benchmark_group("dispatch seed example");
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.bench_function("envelope routing fields", |b| {
        b.iter(|| Envelope::parse(black_box(&bytes)).unwrap())
    });
    group.bench_function("typed dispatch", |b| {
        b.iter(|| {
            runtime
                .block_on(dispatcher.dispatch(black_box(&bytes)))
                .unwrap()
        })
    });
    group.finish();
}

criterion_group!(benches, decode, dispatch);
criterion_main!(benches);
