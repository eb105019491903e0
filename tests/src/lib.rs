//! Tests across the stages live in `tests/`; this library holds what they share.

pub mod corpus;
pub mod json_diff;
pub mod seeds;

use std::path::PathBuf;

/// Where cargo builds: `CARGO_TARGET_DIR`, else `target/` in the repository. Tests put scratch
/// crates and output there.
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| seeds::repo_root().join("target"), PathBuf::from)
}
