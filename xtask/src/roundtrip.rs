//! `cargo xtask roundtrip DIR`: the check a user runs on their pages after a documentation update,
//! before committing: event pages and API pages alike. Thin glue over `lark_codegen::roundtrip`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use lark_codegen::roundtrip::{self, Setup};

/// Generates the events crate from the pages of `dir` into `out` and the API crate into `out/api`,
/// builds them in `target_dir` (both by default under `target/roundtrip/`), and round-trips every
/// page's examples through them: an event page's example, an API page's parameter values, request
/// body and response examples. Prints each failure with its page and JSON path, then
/// `round trip: N of M pages` (with `(E events, A APIs; K without an example)` when there are API
/// pages); exits 0 when all pass, else 1.
pub fn run(dir: &Path, out: Option<PathBuf>, target_dir: Option<PathBuf>) -> ExitCode {
    let root = crate::repo_root();
    let scratch = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| root.join("target"), PathBuf::from)
        .join("roundtrip");
    let variant_names = root.join("schema/variant-names.json");
    let setup = Setup {
        docs_dir: dir.to_path_buf(),
        out: out.unwrap_or_else(|| scratch.join("crate")),
        target_dir: target_dir.unwrap_or_else(|| scratch.join("target")),
        runtime_dir: root.join("runtime"),
        variant_names: std::fs::read_to_string(variant_names).ok(),
        lockfile: Some(root.join("Cargo.lock")),
    };
    eprintln!(
        "Generating the crates from {} into {} (the API crate, for API pages, in api/) and \
         building them (the first build compiles their dependencies: a minute or more) …",
        dir.display(),
        setup.out.display()
    );
    match roundtrip::run(&setup) {
        Ok(report) => {
            crate::print_warnings(&report.warnings);
            print!("{report}");
            if report.all_passed() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}
