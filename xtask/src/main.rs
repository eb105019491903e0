//! `cargo xtask …`: the project's commands. Thin glue: the work is done by `lark-schema` (pages →
//! schemas, diff) and `lark-codegen` (schemas → Rust, and the pipeline that writes both).

mod fuzz;
mod roundtrip;
mod tasks;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use lark_codegen::pipeline::{self as codegen, Drift, Target};
use lark_schema::docs::{self, InvalidExample};
use lark_schema::{diff, timing, writer};

#[derive(Parser)]
#[command(about = "Project tasks: documentation pages → JSON Schema → Rust")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Print the JSON Schema of one documentation page.
    Schema {
        /// The page file.
        page: PathBuf,
        /// Refuse a page whose example is not valid JSON (by default, as in `codegen`, it is a
        /// warning and the schema has no example).
        #[arg(long)]
        strict_example: bool,
    },
    /// Regenerate schema/json/ and the generated crate from schema/docs/ (or --docs DIR into --out DIR).
    Codegen {
        /// Write nothing; exit 1 naming every stale, missing or extra file.
        #[arg(long)]
        check: bool,
        /// A folder of pages to read instead of schema/docs/.
        #[arg(long, requires = "out")]
        docs: Option<PathBuf>,
        /// Where to write a standalone crate (with --docs).
        #[arg(long, requires = "docs")]
        out: Option<PathBuf>,
    },
    /// Refresh schema/docs/ from the platform's doc portal (every page with a fullPath), then
    /// regenerate as `codegen` does; or add pages with --add / --service.
    Fetch {
        /// Write nothing; exit 1 when a page is out of date, 2 when one could not be fetched.
        #[arg(long)]
        check: bool,
        /// Add (or refresh) a page: its fullPath or its URL on the portal. Repeatable.
        #[arg(long, value_name = "FULLPATH_OR_URL")]
        add: Vec<String>,
        /// Add or refresh every event and API page of a service of the portal's directory (`im-v1`,
        /// `im` for all its versions, or its title). Repeatable.
        #[arg(long, value_name = "NAME")]
        service: Vec<String>,
        /// The doc portal (it serves Lark's pages too).
        #[arg(long, default_value = lark_fetch::DEFAULT_BASE)]
        base: String,
        /// Requests at once.
        #[arg(long, default_value_t = 8)]
        jobs: usize,
    },
    /// Time the schemas of every page in the given folders (use a release build for real figures).
    Timing {
        /// Folders of pages.
        #[arg(required = true)]
        dirs: Vec<PathBuf>,
        /// How many rounds to average over.
        #[arg(long, default_value_t = 10)]
        rounds: u32,
    },
    /// The main job: regenerate from schema/docs/, then receive the seed event end to end (webhook and
    /// long connection) through the generated types.
    Demo,
    /// Run every test: the workspace's Rust suites with all features, then the conformance runs
    /// against the official SDKs.
    Test,
    /// Generate a crate from a folder of pages, build it, and round-trip every page's example through
    /// its type; print each failure (page and JSON path) and `round trip: N of M pages`; exit 0 when
    /// all pass, 1 otherwise.
    Roundtrip {
        /// The folder of pages.
        dir: PathBuf,
        /// Where to generate the crate (default: target/roundtrip/crate).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Cargo's target folder for building it (default: target/roundtrip/target).
        #[arg(long)]
        target_dir: Option<PathBuf>,
    },
    /// Fuzz a target of tests/fuzz/ for a while with cargo-fuzz (installed if missing); a failing
    /// input is saved in tests/fuzz/artifacts/TARGET/ and the command exits 1.
    Fuzz {
        /// What to fuzz.
        #[arg(value_enum)]
        target: fuzz::Target,
        /// How long to fuzz.
        #[arg(long, default_value_t = 60)]
        seconds: u64,
        /// More libFuzzer options (after `--`), such as `-jobs=2`.
        #[arg(last = true)]
        libfuzzer: Vec<String>,
    },
    /// Compare two versions of a page (any renderings, or their *.json schemas) and classify each change.
    #[command(after_help = diff::cli::help())]
    Diff {
        /// The older version.
        old: PathBuf,
        /// The newer version.
        new: PathBuf,
    },
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Schema {
            page,
            strict_example,
        } => schema_command(&page, strict_example),
        Command::Codegen { check, docs, out } => codegen_command(check, docs, out),
        Command::Roundtrip {
            dir,
            out,
            target_dir,
        } => roundtrip::run(&dir, out, target_dir),
        Command::Diff { old, new } => diff::cli::run(&old, &new),
        Command::Fuzz {
            target,
            seconds,
            libfuzzer,
        } => fuzz::run(target, seconds, &libfuzzer),
        Command::Fetch {
            check,
            add,
            service,
            base,
            jobs,
        } => {
            let config = lark_fetch::Config {
                base,
                check,
                add,
                services: service,
                concurrency: jobs,
                progress: true,
                ..lark_fetch::Config::new(repo_root().join("schema/docs"))
            };
            fetch_command(&config)
        }
        Command::Demo => {
            println!("Regenerating schema/json/ and generated/ from schema/docs/ …");
            match codegen_command(false, None, None) {
                ExitCode::SUCCESS => tasks::demo(&repo_root()),
                failure => failure,
            }
        }
        Command::Test => tasks::test(&repo_root()),
        Command::Timing { dirs, rounds } => match timing::run(&dirs, rounds) {
            Ok(t) => {
                println!(
                    "{} pages, {} schemas: {:.1} ms per round (mean of {rounds})",
                    t.pages,
                    t.schemas,
                    t.per_round.as_secs_f64() * 1000.0
                );
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("{e}");
                ExitCode::FAILURE
            }
        },
    }
}

fn schema_command(page: &Path, strict_example: bool) -> ExitCode {
    let mut options = codegen::options();
    if strict_example {
        options.invalid_example = InvalidExample::Error;
    }
    match docs::parse_file_with(page, options) {
        Ok(parsed) => {
            let (value, mut more) = writer::page_schema_with_warnings(&parsed.page);
            for w in &mut more {
                w.file = page.display().to_string();
            }
            for w in parsed.warnings.iter().chain(&more) {
                eprintln!("{w}");
            }
            print!("{}", writer::to_pretty(&value));
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}

/// `fetch`: the pages changed, then (unless `--check`) the summary of `codegen`. A page that failed
/// makes the run fail (exit 2) after the others are written and the code regenerated.
fn fetch_command(config: &lark_fetch::Config) -> ExitCode {
    let report = match lark_fetch::fetch_blocking(config) {
        Ok(report) => report,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    println!("{report}");
    let status = report.exit_code();
    if config.check {
        return ExitCode::from(status);
    }
    match (codegen_command(false, None, None), status) {
        (ExitCode::SUCCESS, 0) => ExitCode::SUCCESS,
        (ExitCode::SUCCESS, status) => ExitCode::from(status),
        (failure, _) => failure,
    }
}

/// The list a run ends with: every page or type that was repaired or left out, and where (paths
/// relative to the repository).
fn print_warnings(warnings: &[String]) {
    if warnings.is_empty() {
        return;
    }
    let root = format!("{}/", repo_root().display());
    eprintln!("\n{} warning(s):", warnings.len());
    for warning in warnings {
        eprintln!("{}", warning.replace(&root, ""));
    }
}

/// The repository root: the parent of this package.
fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the repository")
        .to_path_buf()
}

fn codegen_command(check: bool, docs: Option<PathBuf>, out: Option<PathBuf>) -> ExitCode {
    let root = repo_root();
    let (docs_dir, target) = match (docs, out) {
        (Some(docs), Some(out)) => (docs, Target::standalone(&out, &root.join("runtime"))),
        _ => (root.join("schema/docs"), Target::in_repo(&root)),
    };
    let names_file = root.join("schema/variant-names.json");
    let variant_names = match std::fs::read_to_string(&names_file) {
        Ok(text) => Some(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => {
            eprintln!("{}: {e}", names_file.display());
            return ExitCode::FAILURE;
        }
    };
    let output = match codegen::compute(&docs_dir, &target, variant_names) {
        Ok(output) => output,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let shown = |p: &Path| p.strip_prefix(&root).unwrap_or(p).display().to_string();
    if check {
        return match codegen::drift(&output, &target) {
            Ok(drift) if drift.is_empty() => ExitCode::SUCCESS,
            Ok(drift) => {
                for d in &drift {
                    match d {
                        Drift::Stale(p) => eprintln!("{}: stale", shown(p)),
                        Drift::Missing(p) => eprintln!("{}: missing", shown(p)),
                        Drift::Extra(p) => eprintln!("{}: no longer generated", shown(p)),
                    }
                }
                print_warnings(&output.warnings);
                eprintln!(
                    "{} file(s) out of date: run `cargo xtask codegen` and commit",
                    drift.len()
                );
                ExitCode::FAILURE
            }
            Err(e) => {
                eprintln!("{e}");
                ExitCode::FAILURE
            }
        };
    }
    let mut summary = diff::summary::schema_changes(&output.files, &target.schema_dir);
    let services = target.crate_dir.join("src/services");
    let items = diff::rust_api::item_changes(&output.files, &services);
    summary.push_str(&diff::rust_api::summary(&items));
    match codegen::write(&output, &target) {
        Ok(changes) => {
            for d in &changes {
                match d {
                    Drift::Stale(p) => eprintln!("updated {}", shown(p)),
                    Drift::Missing(p) => eprintln!("created {}", shown(p)),
                    Drift::Extra(p) => eprintln!("deleted {}", shown(p)),
                }
            }
            print!("{summary}");
            print_warnings(&output.warnings);
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}
