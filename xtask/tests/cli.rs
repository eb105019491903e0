//! The `xtask` commands as a user runs them: what they print and how they exit.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

#[test]
fn cli_prints_file_line_col_and_exits_1() {
    let dir = std::env::temp_dir().join(format!("xtask-bad-input-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let page = dir.join("jump.md");
    std::fs::write(
        &page,
        concat!(
            "# T\n\n<md-dt-table>\n<md-dt-tbody>\n",
            "<md-dt-tr level=\"0\">\n<md-dt-td>a</md-dt-td>\n<md-dt-td>object</md-dt-td>\n<md-dt-td>x</md-dt-td>\n</md-dt-tr>\n",
            "<md-dt-tr level=\"2\">\n<md-dt-td>b</md-dt-td>\n<md-dt-td>string</md-dt-td>\n<md-dt-td>x</md-dt-td>\n</md-dt-tr>\n",
            "</md-dt-tbody>\n</md-dt-table>\n",
        ),
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("schema")
        .arg(&page)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.starts_with(&format!("{}:10:1: error: level jump", page.display())),
        "{stderr}"
    );
    let good = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("schema")
        .arg(root().join("schema/docs/003_0a4df386a132e874.txt"))
        .output()
        .unwrap();
    assert_eq!(good.status.code(), Some(0));
    let schema: serde_json::Value = serde_json::from_slice(&good.stdout).unwrap();
    assert_eq!(schema["x-lark-page"]["rendering"], "source");
    std::fs::remove_dir_all(&dir).unwrap();
}

fn seed(prefix: &str) -> PathBuf {
    let docs = root().join("schema/docs");
    std::fs::read_dir(&docs)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_name().unwrap().to_string_lossy().starts_with(prefix))
        .expect("a seed page")
}

/// The schema `xtask schema` prints for a page.
fn schema_of(page: &Path) -> serde_json::Value {
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("schema")
        .arg(page)
        .output()
        .unwrap();
    serde_json::from_slice(&output.stdout).unwrap()
}

fn run_cli(args: &[&Path]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("diff")
        .args(args)
        .output()
        .expect("the xtask binary runs");
    (
        output.status.code().expect("an exit status"),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn the_command_exits_with_the_documented_status() {
    let (old, new) = (seed("002"), seed("003"));
    let (code, stdout, _) = run_cli(&[&old, &new]);
    assert_eq!(code, 3, "{stdout}");
    assert!(stdout
        .contains("`event.online_version.scopes[].token_types` (in `app_scope`): field added"));

    assert_eq!(run_cli(&[&new, &new]).0, 0);

    // A breaking change: the newer schema loses a field.
    let dir = std::env::temp_dir().join(format!("xtask-diff-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut schema = schema_of(&new);
    schema["properties"]["event"]["properties"]
        .as_object_mut()
        .unwrap()
        .remove("app_status");
    let (old_json, new_json) = (dir.join("old.schema.json"), dir.join("new.schema.json"));
    std::fs::write(&old_json, schema_of(&new).to_string()).unwrap();
    std::fs::write(&new_json, schema.to_string()).unwrap();
    let (code, stdout, _) = run_cli(&[&old_json, &new_json]);
    assert_eq!(code, 4, "{stdout}");
    assert!(
        stdout.contains("`event.app_status`: field removed"),
        "{stdout}"
    );

    let missing = dir.join("missing.md");
    let (code, _, stderr) = run_cli(&[&missing, &new]);
    assert_eq!(code, 1);
    assert!(stderr.contains("missing.md"), "{stderr}");

    std::fs::write(&new_json, "{\n  \"type\": ").unwrap();
    let (code, _, stderr) = run_cli(&[&old_json, &new_json]);
    assert_eq!(code, 1);
    assert!(stderr.contains("new.schema.json:2:"), "{stderr}");
    std::fs::remove_dir_all(&dir).unwrap();

    assert_eq!(run_cli(&[&old]).0, 2, "a usage error");
    let help = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["diff", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&help.stdout);
    assert!(help.contains("4  at least one breaking change"), "{help}");
}
