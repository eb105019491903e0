//! One page's schema seen as an event page, and the choice among pages documenting the same event.

use std::cmp::{Ordering, Reverse};
use std::collections::BTreeMap;

use lark_schema::contract::{Rendering, Schema};
use serde::Deserialize;

use crate::naming::{self, EventNames};
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

impl Page<'_> {
    /// The folders of the page's documentation path, outermost first: its file name split at `__`,
    /// without the rendering in front and the page's own name (`source__approval-v4__event__leave.md`
    /// → `approval-v4`, `event`).
    fn folders(&self) -> Vec<&str> {
        let name = self
            .source
            .rsplit_once('.')
            .map_or(&*self.source, |(stem, _)| stem);
        let mut segments: Vec<&str> = name.split("__").collect();
        segments.pop();
        if let (Some(rendering), Some(first)) = (self.rendering, segments.first()) {
            if *first == rendering.as_str() {
                segments.remove(0);
            }
        }
        segments
    }
}

/// The page an event is generated from, the others that document it too, and the names of its
/// module and struct (`None` when its event type names no service).
#[derive(Debug, Clone)]
pub struct Chosen<'a> {
    pub page: Page<'a>,
    pub others: Vec<Page<'a>>,
    pub names: Option<EventNames>,
}

/// Groups the event pages by event type and picks one page per event, in event type order.
///
/// A schema 1.0 event's type names no service (`leave_approval`), so it goes under the service of
/// the 2.0 events documented nearest to its page: those in its page's folder, else in the folder
/// above, and so on (the most of them, then the first by name, when they differ). An event with no
/// 2.0 event in any of its folders keeps its event type as its service.
pub fn choose(pages: Vec<Page<'_>>) -> Vec<Chosen<'_>> {
    let mut by_event: BTreeMap<String, Vec<Page<'_>>> = BTreeMap::new();
    for page in pages {
        by_event
            .entry(page.event_type.clone())
            .or_default()
            .push(page);
    }
    let mut chosen: Vec<Chosen<'_>> = by_event
        .into_values()
        .map(|mut pages| {
            pages.sort_by(Page::preference);
            let page = pages.remove(0);
            Chosen {
                names: naming::event_names(&page.event_type),
                page,
                others: pages,
            }
        })
        .collect();
    let services = services_by_folder(&chosen);
    for event in &mut chosen {
        let Some(names) = event.names.as_mut().filter(|names| names.schema_1) else {
            continue;
        };
        let folders = event.page.folders();
        let nearest = (1..=folders.len())
            .rev()
            .find_map(|depth| services.get(&folders[..depth].join("/")));
        let most = nearest.and_then(|counts| {
            counts
                .iter()
                .max_by_key(|(service, count)| (**count, Reverse(*service)))
        });
        if let Some((service, _)) = most {
            names.service = service.clone();
        }
    }
    chosen
}

/// For each folder (`approval-v4/event`), how many pages of 2.0 events it holds at any depth, per
/// service.
fn services_by_folder(chosen: &[Chosen<'_>]) -> BTreeMap<String, BTreeMap<String, usize>> {
    let mut services: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
    for event in chosen {
        let Some(names) = event.names.as_ref().filter(|names| !names.schema_1) else {
            continue;
        };
        for page in std::iter::once(&event.page).chain(&event.others) {
            let folders = page.folders();
            for depth in 1..=folders.len() {
                *services
                    .entry(folders[..depth].join("/"))
                    .or_default()
                    .entry(names.service.clone())
                    .or_default() += 1;
            }
        }
    }
    services
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

    fn event_page(source: &str, event_type: &str) -> SchemaFile {
        SchemaFile {
            file_name: source.replace(".md", ".schema.json"),
            schema: json!({
                "x-lark-page": {"source": source, "rendering": "source"},
                "x-lark-event": {"event_type": event_type}
            }),
        }
    }

    #[test]
    fn schema_1_events_go_under_the_service_of_the_nearest_2_0_events() {
        let files = [
            event_page(
                "source__approval-v4__event__special-event__leave.md",
                "leave_approval",
            ),
            event_page(
                "source__approval-v4__event__special-event__trip.md",
                "approval.trip_v4",
            ),
            event_page(
                "source__approval-v4__event__common-event__cc.md",
                "approval_cc",
            ),
            event_page(
                "source__calendar-v4__room__event__a.md",
                "meeting_room.room.a_v1",
            ),
            event_page(
                "source__calendar-v4__room__event__third.md",
                "third_party_room",
            ),
            event_page(
                "source__calendar-v4__acl__deleted.md",
                "calendar.acl.deleted_v4",
            ),
            event_page("source__lonely__event__x.md", "lonely_event"),
            event_page("000_abc.txt", "plain"),
        ];
        let pages = files
            .iter()
            .map(|f| Page::read(f).unwrap().unwrap())
            .collect();
        let placed: Vec<(String, String, String)> = choose(pages)
            .into_iter()
            .map(|event| {
                let names = event.names.unwrap();
                (event.page.event_type, names.service, names.version)
            })
            .collect();
        let expected = [
            ("approval.trip_v4", "approval", "v4"),
            ("approval_cc", "approval", "v1"),
            ("calendar.acl.deleted_v4", "calendar", "v4"),
            ("leave_approval", "approval", "v1"),
            ("lonely_event", "lonely_event", "v1"),
            ("meeting_room.room.a_v1", "meeting_room", "v1"),
            ("plain", "plain", "v1"),
            ("third_party_room", "meeting_room", "v1"),
        ];
        let expected: Vec<(String, String, String)> = expected
            .iter()
            .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
            .collect();
        assert_eq!(placed, expected);
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
