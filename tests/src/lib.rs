//! Tests across the stages live in `tests/`; this library holds what they share.

pub mod seeds;

use std::path::PathBuf;

/// The first difference between two JSON values, as a JSON path: the comparison of
/// `cargo xtask roundtrip`, which the round-trip tests here share.
pub mod json_diff {
    pub use lark_codegen::roundtrip::first_difference;
}

/// Where cargo builds: `CARGO_TARGET_DIR`, else `target/` in the repository. Tests put scratch
/// crates and output there.
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| seeds::repo_root().join("target"), PathBuf::from)
}
