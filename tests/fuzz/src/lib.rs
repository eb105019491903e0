//! The fuzz targets' checks, one module per target; `fuzz_targets/` hands them libFuzzer's input.

#[cfg(feature = "docs")]
pub mod docs;
#[cfg(feature = "webhook")]
pub mod webhook;
