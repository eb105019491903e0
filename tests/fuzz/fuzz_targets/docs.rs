//! Any bytes through the doc parser and the schema writer: see `lark_fuzz::docs`.

#![no_main]

libfuzzer_sys::fuzz_target!(|bytes: &[u8]| lark_fuzz::docs::run(bytes));
