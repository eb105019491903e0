//! `cargo xtask …`: project tasks.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use xtask::docs::{self, InvalidExample, Options};
use xtask::schema;

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
        /// Go on without the example (with a warning) when it is not valid JSON.
        #[arg(long)]
        allow_invalid_example: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Schema {
            page,
            allow_invalid_example,
        } => {
            let options = Options {
                invalid_example: if allow_invalid_example {
                    InvalidExample::Warn
                } else {
                    InvalidExample::Error
                },
            };
            match docs::parse_file_with(&page, options) {
                Ok(parsed) => {
                    let (value, more) = schema::page_schema_with_warnings(&parsed.page);
                    for w in parsed.warnings.iter().chain(&more) {
                        eprintln!("{w}");
                    }
                    print!("{}", schema::to_pretty(&value));
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("{e}");
                    ExitCode::FAILURE
                }
            }
        }
    }
}
