//! One page's schema seen as an event page, and the choice among pages documenting the same event.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use lark_schema::contract::{Rendering, Schema};
use serde::Deserialize;

use crate::{Error, SchemaFile};

/// The parts of a page's schema that concern the whole page.
#[derive(Debug, Clone)]
pub struct Page<'a> {
    /// The schema file name.
    pub schema_file: &'a str,
    /// The documentation page file name (`x-lark-page.source`), or the schema's when absent.
    pub source: String,
    pub rendering: Option<Rendering>,
    pub update_time: Option<u64>,
    pub event_type: String,
    pub schema: Schema,
}

impl<'a> Page<'a> {
    /// Reads an event page; `Ok(None)` for a page that documents no event.
    pub fn read(file: &'a SchemaFile) -> Result<Option<Self>, Error> {
        let schema = Schema::deserialize(&file.schema).map_err(|err| {
            Error::schema(
                &file.file_name,
                format!("not the layout of schema/README.md: {err}"),
            )
        })?;
        let Some(event) = &schema.event else {
            return Ok(None);
        };
        let event_type = event
            .event_type
            .as_deref()
            .map(str::trim)
            .filter(|text| !text.is_empty())
            .ok_or_else(|| Error::schema(&file.file_name, "x-lark-event has no event_type"))?
            .to_owned();
        let page = schema.page.as_ref();
        let update_time = page
            .and_then(|page| page.update_time.as_deref())
            .map(|text| {
                text.parse().map_err(|_| {
                    Error::schema(
                        &file.file_name,
                        format!("x-lark-page.update_time {text:?} is not a number"),
                    )
                })
            })
            .transpose()?;
        Ok(Some(Page {
            schema_file: &file.file_name,
            source: page.map_or(&file.file_name, |page| &page.source).clone(),
            rendering: page.map(|page| page.rendering),
            update_time,
            event_type,
            schema,
        }))
    }

    /// How much structure the rendering keeps: higher is richer.
    fn rendering_rank(&self) -> u8 {
        match self.rendering {
            Some(Rendering::Source) => 4,
            Some(Rendering::Markdown) => 3,
            Some(Rendering::Text) => 2,
            Some(Rendering::Flat) => 1,
            None => 0,
        }
    }

    /// The order of preference among pages of one event: the latest update, then the richer
    /// rendering, then the file name.
    fn preference(&self, other: &Self) -> Ordering {
        other
            .update_time
            .cmp(&self.update_time)
            .then_with(|| other.rendering_rank().cmp(&self.rendering_rank()))
            .then_with(|| self.schema_file.cmp(other.schema_file))
    }
}

impl Page<'_> {
    /// Why this page is preferred to `other`, in words.
    pub fn preferred_because(&self, other: &Self) -> &'static str {
        if self.update_time != other.update_time {
            "this page is updated later"
        } else if self.rendering_rank() != other.rendering_rank() {
            "this page's rendering is richer"
        } else {
            "this page's file name sorts first"
        }
    }
}

/// The page an event is generated from, and the others that document it too.
#[derive(Debug, Clone)]
pub struct Chosen<'a> {
    pub page: Page<'a>,
    pub others: Vec<Page<'a>>,
}

/// Groups the event pages by event type and picks one page per event, in event type order.
pub fn choose(pages: Vec<Page<'_>>) -> Vec<Chosen<'_>> {
    let mut by_event: BTreeMap<String, Vec<Page<'_>>> = BTreeMap::new();
    for page in pages {
        by_event
            .entry(page.event_type.clone())
            .or_default()
            .push(page);
    }
    by_event
        .into_values()
        .map(|mut pages| {
            pages.sort_by(Page::preference);
            let page = pages.remove(0);
            Chosen {
                page,
                others: pages,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn file(name: &str, rendering: &str, update_time: Option<&str>) -> SchemaFile {
        let mut page = json!({"source": name, "rendering": rendering});
        if let Some(time) = update_time {
            page["update_time"] = json!(time);
        }
        SchemaFile {
            file_name: format!("{name}.schema.json"),
            schema: json!({"x-lark-page": page, "x-lark-event": {"event_type": "a.b_v1"}}),
        }
    }

    fn chosen_source(files: &[SchemaFile]) -> String {
        let pages = files
            .iter()
            .map(|f| Page::read(f).unwrap().unwrap())
            .collect();
        let chosen = choose(pages);
        assert_eq!(chosen.len(), 1);
        assert_eq!(chosen[0].others.len(), files.len() - 1);
        chosen[0].page.source.clone()
    }

    #[test]
    fn latest_update_wins() {
        let files = [file("a", "source", Some("1")), file("b", "flat", Some("2"))];
        assert_eq!(chosen_source(&files), "b");
    }

    #[test]
    fn then_richer_rendering_then_name() {
        let files = [
            file("c", "text", None),
            file("b", "source", None),
            file("a", "source", None),
        ];
        assert_eq!(chosen_source(&files), "a");
        let files = [file("a", "flat", None), file("b", "markdown", None)];
        assert_eq!(chosen_source(&files), "b");
    }

    #[test]
    fn pages_without_event_are_skipped_and_bad_input_is_an_error() {
        let plain = SchemaFile {
            file_name: "x".into(),
            schema: json!({"type": "object"}),
        };
        assert!(Page::read(&plain).unwrap().is_none());
        let bad = SchemaFile {
            file_name: "y".into(),
            schema: json!({
                "x-lark-page": {"source": "y.md", "rendering": "flat", "update_time": "soon"},
                "x-lark-event": {"event_type": "a"}
            }),
        };
        assert!(Page::read(&bad)
            .unwrap_err()
            .to_string()
            .contains("update_time"));
        let misspelt = SchemaFile {
            file_name: "z.schema.json".into(),
            schema: json!({"x-lark-evnt": {"event_type": "a"}}),
        };
        let err = Page::read(&misspelt).unwrap_err().to_string();
        assert!(
            err.starts_with("z.schema.json: ") && err.contains("x-lark-evnt"),
            "{err}"
        );
    }
}
