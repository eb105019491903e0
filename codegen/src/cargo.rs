//! Running cargo from a tool or a test as the user's own cargo commands run.
//!
//! Cargo hands a package it runs (`cargo xtask`, a test) variables of its own (`CARGO_MANIFEST_DIR`,
//! `CARGO_PKG_NAME`, `OUT_DIR`, …). Some build scripts watch them (ring's does), so a cargo command
//! that inherits them rebuilds such a dependency, and everything above it, and the next command
//! without them rebuilds it again. Commands started here go without them.

use std::process::Command;

/// Cargo (the one that started this process, else `cargo` on the path), without the package
/// variables.
pub fn command() -> Command {
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    without_package_variables(&mut command);
    command
}

/// Removes from `command`'s environment the variables cargo sets for the package it runs.
pub fn without_package_variables(command: &mut Command) -> &mut Command {
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy();
        let set_for_a_package = name.starts_with("CARGO_PKG_")
            || matches!(
                name.as_ref(),
                "CARGO_MANIFEST_DIR"
                    | "CARGO_MANIFEST_PATH"
                    | "CARGO_MANIFEST_LINKS"
                    | "CARGO_CRATE_NAME"
                    | "CARGO_BIN_NAME"
                    | "CARGO_PRIMARY_PACKAGE"
                    | "CARGO_TARGET_TMPDIR"
                    | "OUT_DIR"
            );
        if set_for_a_package {
            command.env_remove(name.as_ref());
        }
    }
    command
}
