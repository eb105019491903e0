//! Runs a check program inside a generated crate: the program and its input (one JSON line per
//! case) are written into the crate's `examples/`, then built and run with `--features full`; it
//! prints one JSON line per case.

use std::fs;
use std::path::Path;

use serde::de::DeserializeOwned;

use super::{io_error, Error, Setup};

/// A program to run in a generated crate.
pub(super) struct Program<'a> {
    /// The crate's folder.
    pub(super) crate_dir: &'a Path,
    /// The example's name: `examples/{name}.rs` reads `examples/{name}.jsonl`.
    pub(super) name: &'a str,
    /// The example's source.
    pub(super) source: String,
}

impl Program<'_> {
    /// Writes the program and `cases`, builds and runs it, and reads what it says of each case,
    /// in order.
    pub(super) fn run<T: DeserializeOwned>(
        &self,
        setup: &Setup,
        cases: &[String],
    ) -> Result<Vec<T>, Error> {
        let dir = self.crate_dir.join("examples");
        fs::create_dir_all(&dir).map_err(io_error(&dir))?;
        let data = dir.join(format!("{}.jsonl", self.name));
        let lines: String = cases.iter().map(|case| format!("{case}\n")).collect();
        fs::write(&data, lines).map_err(io_error(&data))?;
        let program = dir.join(format!("{}.rs", self.name));
        fs::write(&program, &self.source).map_err(io_error(&program))?;
        if let Some(lockfile) = &setup.lockfile {
            let copy = self.crate_dir.join("Cargo.lock");
            fs::copy(lockfile, &copy).map_err(io_error(&copy))?;
        }
        let stdout = self.build_and_run(setup)?;
        stdout
            .lines()
            .map(|line| {
                serde_json::from_str(line)
                    .map_err(|err| self.build_error(format!("unexpected output {line:?}: {err}")))
            })
            .collect()
    }

    /// `cargo run --features full --example NAME -- examples/NAME.jsonl`, its standard output.
    fn build_and_run(&self, setup: &Setup) -> Result<String, Error> {
        let target_dir =
            std::path::absolute(&setup.target_dir).map_err(io_error(&setup.target_dir))?;
        let output = crate::cargo::command()
            .args([
                "run",
                "--quiet",
                "--features",
                "full",
                "--example",
                self.name,
            ])
            .arg("--")
            .arg(format!("examples/{}.jsonl", self.name))
            .current_dir(self.crate_dir)
            .env("CARGO_TARGET_DIR", target_dir)
            .output()
            .map_err(io_error(self.crate_dir))?;
        if !output.status.success() {
            return Err(self.build_error(String::from_utf8_lossy(&output.stderr).into_owned()));
        }
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    }

    fn build_error(&self, stderr: String) -> Error {
        Error::Build {
            out: self.crate_dir.to_path_buf(),
            stderr,
        }
    }
}
