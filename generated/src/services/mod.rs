//! One module per service and version (written by `cargo xtask codegen`).
