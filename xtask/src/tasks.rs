//! The two commands of the README: `cargo xtask demo` (the main job) and `cargo xtask test` (every test).

use std::path::Path;
use std::process::{Command, ExitCode};
use std::time::Instant;

/// Runs `program args…` in `root`, output shown as it comes, then how long it took; true when it
/// exits 0.
fn run(root: &Path, program: &str, args: &[&str]) -> bool {
    println!("\n$ {}", shown(program, args));
    let start = Instant::now();
    let mut command = Command::new(program);
    command.args(args).current_dir(root);
    // As the user's own commands run: see `lark_codegen::cargo`.
    lark_codegen::cargo::without_package_variables(&mut command);
    let success = match command.status() {
        Ok(status) => status.success(),
        Err(e) => {
            eprintln!("cannot run {program}: {e}");
            false
        }
    };
    let outcome = if success { "done" } else { "FAILED" };
    println!("{outcome} in {:.1} s", start.elapsed().as_secs_f64());
    success
}

/// `program args…` as a user would type it: the program by its file name.
fn shown(program: &str, args: &[&str]) -> String {
    let name = Path::new(program)
        .file_name()
        .map_or(program.into(), |n| n.to_string_lossy());
    format!("{name} {}", args.join(" "))
}

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned())
}

/// The seed event received end to end: by webhook (encrypted, signed) and over the long connection,
/// through the freshly generated types. Run after `codegen`.
pub fn demo(root: &Path) -> ExitCode {
    println!(
        "\nBuilding and running the demo (the first run compiles its dependencies: a few minutes; \
         cargo shows its progress)."
    );
    let args = ["run", "-p", "integration-tests", "--example", "demo"];
    exit(run(root, &cargo(), &args))
}

/// The corpus tests (every page of `../shared/corpus`), with their output shown. Selected from the
/// whole workspace so that the crates build with the same features as in the full run, not again.
const CORPUS_REPORTS: [&str; 9] = [
    "test",
    "--workspace",
    "--all-features",
    "--test",
    "corpus",
    "--test",
    "formats",
    "--",
    "--nocapture",
];

/// Every test: the Rust suites of the workspace with every feature, then the conformance runs
/// against the official SDKs (webhook vectors through lark-oapi and @larksuiteoapi/node-sdk; the
/// official Python long-connection client against the local protocol server, whole and split, and
/// its acknowledgement of a card callback compared with lark-runtime's).
/// Each conformance script installs the official SDK it drives on first use; the SDKs are installed
/// before the Rust suites, one of which (`tests/tests/api_conformance.rs`) drives lark-oapi's API
/// client.
pub fn test(root: &Path) -> ExitCode {
    let steps: [(&str, &[&str]); 7] = [
        ("bash", &["tests/conformance/run.sh", "--install"]),
        (
            &cargo(),
            &["test", "--workspace", "--all-features", "--no-fail-fast"],
        ),
        // The corpus tests again, quick now that they are built, to show their pass counts.
        (&cargo(), &CORPUS_REPORTS),
        ("bash", &["tests/conformance/run.sh"]),
        ("bash", &["tests/conformance/ws_official_client.sh", "1"]),
        ("bash", &["tests/conformance/ws_official_client.sh", "3"]),
        ("bash", &["tests/conformance/ws_official_callback.sh"]),
    ];
    let failed: Vec<String> = steps
        .iter()
        .filter(|(program, args)| !run(root, program, args))
        .map(|(program, args)| shown(program, args))
        .collect();
    for step in &failed {
        eprintln!("failed: {step}");
    }
    exit(failed.is_empty())
}

fn exit(success: bool) -> ExitCode {
    if success {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
