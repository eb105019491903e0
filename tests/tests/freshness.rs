//! `generated/` matches what `cargo xtask codegen` would write, and `--check` notices when it does not.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use integration_tests::seeds::repo_root;
use integration_tests::target_dir;
use lark_codegen::pipeline::{compute, drift, Target};

fn xtask(args: &[&str]) -> Output {
    // Without the variables cargo sets for this test, as the next cargo command run outside the
    // tests goes (`lark_codegen::cargo`): else ring and everything above it would build again.
    lark_codegen::cargo::command()
        .args(["run", "--quiet", "--package", "xtask", "--", "codegen"])
        .args(args)
        .current_dir(repo_root())
        .output()
        .expect("cargo runs")
}

fn scratch_dir(name: &str) -> PathBuf {
    let dir = target_dir().join(name);
    if dir.exists() {
        fs::remove_dir_all(&dir).unwrap();
    }
    fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn generated_crate_is_fresh() {
    let root = repo_root();
    let target = Target::in_repo(&root);
    let names = fs::read_to_string(root.join("schema/variant-names.json")).ok();
    let output =
        compute(&root.join("schema/docs"), &target, names).expect("the seed pages generate");
    let stale = drift(&output, &target).unwrap();
    assert!(
        stale.is_empty(),
        "generated files are stale, run `cargo xtask codegen` and commit: {stale:?}"
    );
}

#[test]
fn check_fails_when_a_generated_file_is_stale() {
    let scratch = scratch_dir("freshness");
    let (docs, out) = (scratch.join("docs"), scratch.join("out"));
    fs::create_dir_all(&docs).unwrap();
    for entry in fs::read_dir(repo_root().join("schema/docs")).unwrap() {
        let path = entry.unwrap().path();
        fs::copy(&path, docs.join(path.file_name().unwrap())).unwrap();
    }
    let (docs, out) = (docs.to_str().unwrap(), out.to_str().unwrap());
    assert!(xtask(&["--docs", docs, "--out", out]).status.success());
    assert!(
        xtask(&["--check", "--docs", docs, "--out", out])
            .status
            .success(),
        "fresh output must pass"
    );

    let module = Path::new(out).join("src/services/application/v6.rs");
    let text = fs::read_to_string(&module).unwrap();
    fs::write(
        &module,
        text.replace("pub struct UserId", "pub struct UserIdentity"),
    )
    .unwrap();
    let check = xtask(&["--check", "--docs", docs, "--out", out]);
    assert!(!check.status.success(), "a stale file must fail the check");
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&check.stdout),
        String::from_utf8_lossy(&check.stderr)
    );
    assert!(
        said.contains("v6.rs"),
        "the check names the stale file: {said}"
    );
}
