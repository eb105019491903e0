//! Writes `every_event`, which registers one typed handler per event type of the generated crate,
//! from the `AnyEvent` list in `generated/events/src/services/mod.rs`, so that the webhook target
//! dispatches to every typed event the crate has today.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

const LIST: &str = "../../generated/events/src/services/mod.rs";
const START: &str = "crate::any_event::declare!(AnyEvent {";

fn main() {
    println!("cargo::rerun-if-changed={LIST}");
    println!("cargo::rerun-if-changed=build.rs");
    if std::env::var_os("CARGO_FEATURE_WEBHOOK").is_none() {
        return;
    }
    let text = std::fs::read_to_string(LIST).unwrap_or_else(|e| fail(&format!("{LIST}: {e}")));
    let types = event_types(&text);
    if types.is_empty() {
        fail(&format!("{LIST}: no `{START}` list of event types"));
    }
    let mut code = String::from(
        "/// Registers `record` as the typed handler of every event type of `lark-events`.\n\
         fn every_event(dispatcher: Dispatcher) -> Dispatcher {\n    dispatcher\n",
    );
    for ty in &types {
        writeln!(code, "        .on(record::<lark_events::{ty}>)").expect("writing to a String");
    }
    code.push_str("}\n");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    write(&out.join("every_event.rs"), &code);
}

/// The type paths of the entries of the `AnyEvent` list (`Variant: service::vN::Type,`).
fn event_types(text: &str) -> Vec<&str> {
    text.lines()
        .skip_while(|line| line.trim() != START)
        .skip(1)
        .take_while(|line| line.trim() != "});")
        .filter_map(|line| line.trim().strip_suffix(',')?.split_once(": "))
        .map(|(_, ty)| ty)
        .collect()
}

fn write(path: &Path, code: &str) {
    std::fs::write(path, code).unwrap_or_else(|e| fail(&format!("{}: {e}", path.display())));
}

fn fail(message: &str) -> ! {
    eprintln!("{message}");
    std::process::exit(1)
}
