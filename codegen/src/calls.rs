//! The macro calls that follow each generated declaration (`crate::wire::object!(Name { a, b })`),
//! laid out as text: prettyplease prints a macro's arguments as a plain token stream, so their layout
//! is written here and put in place of a marker item after formatting.

use proc_macro2::TokenStream;
use quote::format_ident;

/// The widest line a call is laid out to.
const WIDTH: usize = 100;

/// One entry of a call's braces, with the doc lines and attributes (`#[cfg(…)]`) that go before it.
pub struct Entry {
    pub docs: Vec<String>,
    pub attrs: Vec<String>,
    pub text: String,
}

impl Entry {
    pub fn plain(text: String) -> Entry {
        Entry {
            docs: Vec::new(),
            attrs: Vec::new(),
            text,
        }
    }
}

/// How the entries are laid out when they do not fit on the call's line.
#[derive(Clone, Copy)]
pub enum Wrap {
    /// As many entries to a line as fit (field names).
    Fill,
    /// One entry to a line (enum values, handlers).
    Lines,
}

/// `path!(name { entries })`, on one line when it fits and has no doc lines, else wrapped.
pub fn call(path: &str, name: &str, entries: &[Entry], wrap: Wrap) -> String {
    let open = format!("{path}!({name} {{");
    let inline: Vec<&str> = entries.iter().map(|e| e.text.as_str()).collect();
    let one_line = format!("{open} {} }});\n", inline.join(", "));
    let documented = entries
        .iter()
        .any(|e| !e.docs.is_empty() || !e.attrs.is_empty());
    if entries.is_empty() {
        return format!("{open}}});\n");
    }
    if !documented && one_line.len() <= WIDTH + 1 {
        return one_line;
    }
    let mut text = format!("{open}\n");
    match wrap {
        Wrap::Fill if !documented => {
            let mut line = String::from("   ");
            for entry in &inline {
                if line.len() + 1 + entry.len() + 1 > WIDTH && line.len() > 3 {
                    text.push_str(&line);
                    text.push('\n');
                    line = String::from("   ");
                }
                line.push(' ');
                line.push_str(entry);
                line.push(',');
            }
            text.push_str(&line);
            text.push('\n');
        }
        _ => {
            for entry in entries {
                for doc in &entry.docs {
                    let space = if doc.is_empty() { "" } else { " " };
                    text.push_str(&format!("    ///{space}{doc}\n"));
                }
                for attr in &entry.attrs {
                    text.push_str(&format!("    {attr}\n"));
                }
                text.push_str(&format!("    {},\n", entry.text));
            }
        }
    }
    text.push_str("});\n");
    text
}

/// Texts that replace marker items once the tokens around them are formatted.
#[derive(Default)]
pub struct Verbatim {
    texts: Vec<String>,
}

impl Verbatim {
    /// A marker item standing for `text` in the token stream.
    pub fn place(&mut self, text: String) -> TokenStream {
        let marker = marker(self.texts.len());
        self.texts.push(text);
        quote::quote!(#marker! {})
    }

    /// `source` with every marker replaced by its text, indented as the marker was; an error names a
    /// marker that is missing.
    pub fn fill(self, mut source: String) -> Result<String, String> {
        for (index, text) in self.texts.iter().enumerate() {
            let marker = format!("{}! {{}}\n", marker(index));
            let Some(at) = source.find(&marker) else {
                return Err(format!("no place for the generated text {index}"));
            };
            let line_start = source[..at].rfind('\n').map_or(0, |p| p + 1);
            let indent = source[line_start..at].to_owned();
            let indented: String = text
                .lines()
                .enumerate()
                .map(|(i, line)| match (i, line.is_empty()) {
                    (0, _) | (_, true) => format!("{line}\n"),
                    _ => format!("{indent}{line}\n"),
                })
                .collect();
            source.replace_range(at..at + marker.len(), &indented);
        }
        Ok(source)
    }
}

fn marker(index: usize) -> proc_macro2::Ident {
    format_ident!("__verbatim_{}", index)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(texts: &[&str]) -> Vec<Entry> {
        texts
            .iter()
            .map(|t| Entry::plain((*t).to_owned()))
            .collect()
    }

    #[test]
    fn short_calls_stay_on_one_line() {
        assert_eq!(
            call(
                "crate::wire::object",
                "A",
                &plain(&["a", "r#type: \"type\""]),
                Wrap::Fill
            ),
            "crate::wire::object!(A { a, r#type: \"type\" });\n"
        );
        assert_eq!(call("m", "Empty", &[], Wrap::Fill), "m!(Empty {});\n");
    }

    #[test]
    fn long_calls_wrap_within_the_width() {
        let names: Vec<String> = (0..30).map(|i| format!("field_{i}")).collect();
        let entries: Vec<Entry> = names.iter().cloned().map(Entry::plain).collect();
        let text = call("crate::wire::object", "Long", &entries, Wrap::Fill);
        assert!(text.starts_with("crate::wire::object!(Long {\n    field_0, field_1,"));
        assert!(text.ends_with(" field_29,\n});\n"));
        assert!(text.lines().all(|line| line.len() <= WIDTH), "{text}");
    }

    #[test]
    fn documented_entries_take_a_line_each() {
        let entries = vec![Entry {
            docs: vec!["Registers it.".to_owned()],
            attrs: vec!["#[cfg(feature = \"a\")]".to_owned()],
            text: "on_a: a::v1::A".to_owned(),
        }];
        assert_eq!(
            call(
                "crate::dispatch::handlers",
                "DispatcherExt",
                &entries,
                Wrap::Lines
            ),
            "crate::dispatch::handlers!(DispatcherExt {\n    /// Registers it.\n    \
             #[cfg(feature = \"a\")]\n    on_a: a::v1::A,\n});\n"
        );
    }

    #[test]
    fn markers_are_replaced_in_order() {
        let mut verbatim = Verbatim::default();
        let tokens = verbatim.place("one();\n".to_owned());
        let tokens2 = verbatim.place("two();\n".to_owned());
        let source = format!("{tokens} \n{tokens2} \n").replace(" ! { } \n", "! {}\n");
        assert_eq!(verbatim.fill(source).unwrap(), "one();\ntwo();\n");
    }
}
