//! Any request through the webhook: see `lark_fuzz::webhook`.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| lark_fuzz::webhook::run(data));
