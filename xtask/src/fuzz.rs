//! `cargo xtask fuzz TARGET --seconds N`: runs a fuzz target of `tests/fuzz/` for N seconds with
//! cargo-fuzz (libFuzzer), installing cargo-fuzz first when it is missing.
//!
//! On the stable toolchain: `--sanitizer none` (cargo-fuzz's default, AddressSanitizer, needs the
//! nightly `-Zsanitizer`); the coverage instrumentation cargo-fuzz adds is made of stable flags.
//! `--debug-assertions` makes an integer overflow a crash.
//!
//! Each run starts from the corpus earlier runs grew (`tests/fuzz/corpus/TARGET/`, not committed),
//! the seeds taken from `schema/docs/` and the committed reproducers of
//! `tests/fuzz/regressions/TARGET/`.
//! An input that fails is saved in `tests/fuzz/artifacts/TARGET/` and the command exits 1.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Instant, SystemTime};

use clap::ValueEnum;
use lark_codegen::pipeline as codegen;
use lark_schema::docs;

/// The cargo-fuzz release installed when none is.
const CARGO_FUZZ_VERSION: &str = "0.13.2";

/// Longest a single input may take, in seconds, before it counts as a hang.
const INPUT_TIMEOUT_SECS: u32 = 10;

/// A fuzz target of `tests/fuzz/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Target {
    /// Any bytes as a documentation page, through the doc parser and the schema writer.
    Docs,
    /// Any request through the webhook: router, signature, decryption, envelope, typed dispatch.
    Webhook,
}

impl Target {
    fn name(self) -> &'static str {
        match self {
            Target::Docs => "docs",
            Target::Webhook => "webhook",
        }
    }

    /// The target's own libFuzzer options. Pages are cut at 64 KiB, which 97 % of them fit in:
    /// longer inputs slow every run and grow the corpus by megabytes a minute.
    fn options(self) -> &'static [&'static str] {
        match self {
            Target::Docs => &["-max_len=65536"],
            Target::Webhook => &[],
        }
    }
}

/// Runs `target` for `seconds`, passing `extra` to libFuzzer; exits 1 when an input failed.
pub fn run(target: Target, seconds: u64, extra: &[String]) -> ExitCode {
    let root = crate::repo_root();
    let fuzz = CargoFuzz {
        scratch: std::env::var_os("CARGO_TARGET_DIR")
            .map_or_else(|| root.join("target"), PathBuf::from)
            .join("fuzz"),
        name: target.name(),
        root,
    };
    let corpus = fuzz.dir("corpus");
    let regressions = fuzz.dir("regressions");
    let prepared = install_cargo_fuzz()
        // libFuzzer refuses a corpus folder that does not exist.
        .and_then(|()| create(&corpus))
        .and_then(|()| create(&regressions))
        .and_then(|()| {
            let docs = fuzz.root.join("schema/docs");
            match target {
                Target::Docs => Ok(docs),
                Target::Webhook => webhook_seeds(&docs, &fuzz.scratch.join("seeds")),
            }
        });
    let seeds = match prepared {
        Ok(seeds) => seeds,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let mut args: Vec<String> = [&corpus, &seeds, &regressions]
        .map(|d| fuzz.shown(d))
        .into();
    args.push("--".into());
    args.push(format!("-max_total_time={seconds}"));
    args.push(format!("-timeout={INPUT_TIMEOUT_SECS}"));
    args.push("-print_final_stats=1".into());
    args.extend(target.options().iter().map(|option| option.to_string()));
    args.extend(extra.iter().cloned());
    println!("$ {}", fuzz.command_line(&args));
    let started = SystemTime::now();
    let clock = Instant::now();
    let status = fuzz.command(&args).status();
    let elapsed = clock.elapsed().as_secs_f64();
    let name = fuzz.name;
    match status {
        Ok(status) if status.success() => {
            println!("fuzz {name}: no failing input ({elapsed:.0} s with the build)");
            return ExitCode::SUCCESS;
        }
        Ok(_) => {}
        Err(e) => eprintln!("cannot run cargo fuzz: {e}"),
    }
    for input in new_files(&fuzz.dir("artifacts"), started) {
        let input = fuzz.shown(&input);
        let replay = fuzz.command_line(std::slice::from_ref(&input));
        let keep = fuzz.shown(&regressions);
        eprintln!(
            "fuzz {name}: failing input {input}\n  replay: {replay}\n  keep it: cp {input} {keep}/"
        );
    }
    eprintln!("fuzz {name}: FAILED after {elapsed:.0} s");
    ExitCode::FAILURE
}

/// `cargo fuzz run` of one target, built in `scratch`.
struct CargoFuzz {
    root: PathBuf,
    scratch: PathBuf,
    name: &'static str,
}

impl CargoFuzz {
    /// `tests/fuzz/KIND/TARGET`.
    fn dir(&self, kind: &str) -> PathBuf {
        self.root.join("tests/fuzz").join(kind).join(self.name)
    }

    /// The arguments before libFuzzer's inputs and options.
    fn base_args(&self) -> [&str; 10] {
        let name = self.name;
        [
            "fuzz",
            "run",
            "--fuzz-dir",
            "tests/fuzz",
            "--sanitizer",
            "none",
            "--debug-assertions",
            "--features",
            name,
            name,
        ]
    }

    /// The command, run from the repository root.
    fn command(&self, args: &[String]) -> Command {
        let mut command = Command::new(cargo());
        (command.args(self.base_args()).args(args))
            .env("CARGO_TARGET_DIR", &self.scratch)
            .current_dir(&self.root);
        command
    }

    /// The command as a user would type it.
    fn command_line(&self, args: &[String]) -> String {
        format!(
            "CARGO_TARGET_DIR={} cargo {} {}",
            self.shown(&self.scratch),
            self.base_args().join(" "),
            args.join(" ")
        )
    }

    /// `path` relative to the repository when it is inside it.
    fn shown(&self, path: &Path) -> String {
        let relative = path.strip_prefix(&self.root).unwrap_or(path);
        relative.display().to_string()
    }
}

/// Installs cargo-fuzz from crates.io unless `cargo fuzz` already runs.
fn install_cargo_fuzz() -> Result<(), String> {
    let installed = Command::new(cargo()).args(["fuzz", "--version"]).output();
    if let Ok(output) = installed {
        if output.status.success() {
            print!("{}", String::from_utf8_lossy(&output.stdout));
            return Ok(());
        }
    }
    let args = [
        "install",
        "cargo-fuzz",
        "--locked",
        "--version",
        CARGO_FUZZ_VERSION,
    ];
    println!("cargo-fuzz is not installed: $ cargo {}", args.join(" "));
    match Command::new(cargo()).args(args).status() {
        Ok(status) if status.success() => Ok(()),
        Ok(status) => Err(format!("cargo install cargo-fuzz failed ({status})")),
        Err(e) => Err(format!("cannot run cargo: {e}")),
    }
}

/// The prefixes of the webhook target's input format (`tests/fuzz/src/webhook/input.rs`): plain,
/// signed and encrypted bodies, the plain body to an endpoint checking a token, and a raw request.
const PLAIN: &str = "@";
const SIGNED: &str = "B";
const ENCRYPTED: &str = "D";
const PLAIN_WITH_TOKEN: &str = "A";
const RAW: &str = "FPOST /webhook/event\ncontent-type: application/json\n\
                   x-lark-request-timestamp: 1700000000\nx-lark-request-nonce: nonce\n\
                   x-lark-signature: 00\n\n";

/// Writes the webhook target's seeds into `out` (emptied first): every distinct example body of the
/// event pages of `docs_dir`, sent each way the input format has.
fn webhook_seeds(docs_dir: &Path, out: &Path) -> Result<PathBuf, String> {
    if out.exists() {
        std::fs::remove_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    }
    create(out)?;
    let mut pages: Vec<PathBuf> = std::fs::read_dir(docs_dir)
        .map_err(|e| format!("{}: {e}", docs_dir.display()))?
        .filter_map(|entry| Some(entry.ok()?.path()))
        .collect();
    pages.sort();
    let mut seen = HashSet::new();
    for page in &pages {
        // A page the parser refuses has no example to give; codegen reports it.
        let Ok(parsed) = docs::parse_file_with(page, codegen::options()) else {
            continue;
        };
        // Server API pages document calls, not deliveries.
        if parsed.page.api.is_some() {
            continue;
        }
        let Some(example) = parsed.page.example.map(|example| example.to_string()) else {
            continue;
        };
        if !seen.insert(example.clone()) {
            continue;
        }
        let stem = page.file_stem().unwrap_or_default().to_string_lossy();
        for (suffix, prefix) in [
            ("plain", PLAIN),
            ("signed", SIGNED),
            ("encrypted", ENCRYPTED),
            ("token", PLAIN_WITH_TOKEN),
            ("raw", RAW),
        ] {
            let file = out.join(format!("{stem}.{suffix}"));
            std::fs::write(&file, format!("{prefix}{example}"))
                .map_err(|e| format!("{}: {e}", file.display()))?;
        }
    }
    println!(
        "{} webhook seeds: the {} distinct examples of the event pages, sent 5 ways",
        seen.len() * 5,
        seen.len()
    );
    Ok(out.to_path_buf())
}

/// The files of `dir` modified since `since`.
fn new_files(dir: &Path, since: SystemTime) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .filter(|entry| {
            (entry.metadata().and_then(|m| m.modified())).is_ok_and(|modified| modified >= since)
        })
        .map(|entry| entry.path())
        .collect();
    files.sort();
    files
}

fn create(dir: &Path) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))
}

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned())
}
