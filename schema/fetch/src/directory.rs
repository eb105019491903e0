//! Finding pages in the portal's directory: the sections (`服务端 API`, …) at the top, then a folder
//! per service (`im-v1`, `contact-v3`, …), then folders and pages.

use crate::portal::Node;

/// A page of the directory and the folders leading to it below its section: the components of its
/// file name, as the pages of `schema/docs/` are named (`acs-v1`, `access_record`, `events`, `created`
/// for `source__acs-v1__access_record__events__created.md`).
pub struct Located<'a> {
    pub page: &'a Node,
    pub segments: Vec<&'a str>,
}

/// The page whose `fullPath` is `full_path`.
pub fn locate<'a>(sections: &'a [Node], full_path: &str) -> Option<Located<'a>> {
    sections
        .iter()
        .find_map(|section| locate_in(&section.items, full_path, &mut Vec::new()))
}

fn locate_in<'a>(
    nodes: &'a [Node],
    full_path: &str,
    segments: &mut Vec<&'a str>,
) -> Option<Located<'a>> {
    for node in nodes {
        segments.push(node.segment());
        if node.is_page() && node.full_path == full_path {
            return Some(Located {
                page: node,
                segments: segments.clone(),
            });
        }
        if let Some(found) = locate_in(&node.items, full_path, segments) {
            return Some(found);
        }
        segments.pop();
    }
    None
}

/// Every page of the service `name`: the folders just below a section whose component is `name`
/// (`im-v1`), or `name` and a version (`im` for `im-v1` and `im-v2`), or whose title is `name`.
/// `Err` lists the services there are.
pub fn service_pages<'a>(sections: &'a [Node], name: &str) -> Result<Vec<&'a Node>, Vec<String>> {
    let services = sections
        .iter()
        .flat_map(|section| &section.items)
        .filter(|node| !node.is_page());
    let mut pages = Vec::new();
    let mut known = Vec::new();
    for service in services {
        if is_service(service, name) {
            collect_pages(service, &mut pages);
        } else {
            known.push(service.segment().to_string());
        }
    }
    if pages.is_empty() {
        known.sort();
        known.dedup();
        return Err(known);
    }
    Ok(pages)
}

fn is_service(node: &Node, name: &str) -> bool {
    let segment = node.segment();
    let versioned = segment
        .strip_prefix(name)
        .and_then(|rest| rest.strip_prefix("-v"))
        .is_some_and(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()));
    segment == name || node.name == name || versioned
}

fn collect_pages<'a>(node: &'a Node, pages: &mut Vec<&'a Node>) {
    for child in &node.items {
        if child.is_page() {
            pages.push(child);
        } else {
            collect_pages(child, pages);
        }
    }
}
