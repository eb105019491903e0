//! Decoding the seed example (`application.application.app_version.publish_apply_v6`), from the same
//! bytes, in one run: into the typed struct, into `serde_json::Value`, and into `sonic_rs::Value` (a
//! SIMD parser's own DOM: the practical limit of scanning the JSON); then what a delivery costs the
//! dispatcher: reading the envelope's routing fields alone, and the whole typed dispatch (routing
//! fields, typed struct, handler call) of the body in two member orders: as the platform sends it
//! (`schema`, `header`, `event`: decoded in one pass) and with `event` first (as `serde_json` writes
//! the example, keys sorted: the routing fields read first, then the event decoded).

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use lark_events::application::v6::P2ApplicationAppVersionPublishApplyV6;
use lark_events::dispatch::Dispatcher;
use lark_events::envelope::Envelope;
use lark_events::DispatcherExt as _;

/// The example of the seed page, as the schema records it.
fn seed_value() -> serde_json::Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../schema/json/003_0a4df386a132e874.schema.json"
    );
    let mut schema: serde_json::Value =
        serde_json::from_slice(&std::fs::read(path).expect("the seed schema")).unwrap();
    schema["examples"][0].take()
}

/// The example body, its keys sorted (`event` first).
fn seed_example() -> Vec<u8> {
    serde_json::to_vec(&seed_value()).unwrap()
}

/// The example body with its members in the platform's order: `schema`, `header`, `event`.
fn seed_in_platform_order() -> Vec<u8> {
    let example = seed_value();
    format!(
        r#"{{"schema":{},"header":{},"event":{}}}"#,
        example["schema"], example["header"], example["event"]
    )
    .into_bytes()
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
    let platform_order = seed_in_platform_order();
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
    group.bench_function("typed dispatch, platform order", |b| {
        b.iter(|| {
            runtime
                .block_on(dispatcher.dispatch(black_box(&platform_order)))
                .unwrap()
        })
    });
    group.bench_function("typed dispatch, event first", |b| {
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
