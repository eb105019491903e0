//! Builds the field tree from rows: from explicit levels, or, where the rendering lost the depth, from the
//! page's example JSON and from named types already seen on the page. Then, where the rows and the
//! example disagree about nesting, follows the example (see [`follow_example`]).

use std::collections::{HashMap, VecDeque};
use std::rc::Rc;

use serde_json::{Map, Value};

use super::error::Located;
use super::model::Field;
use super::raw::{Ctx, Depth, Row};
use super::types::DocType;
use super::MAX_DEPTH;

/// An arena node: a row, its children and its depth (1 for a top-level row).
struct Node {
    row: Row,
    children: Children,
    depth: usize,
}

/// The children of a node, or the top-level rows: in page order, and by name.
#[derive(Default)]
struct Children {
    ids: Vec<usize>,
    by_name: HashMap<String, usize>,
}

/// The rows as a tree (children in page order), never deeper than [`MAX_DEPTH`].
#[derive(Default)]
struct Arena {
    nodes: Vec<Node>,
    roots: Children,
}

impl Arena {
    fn children_of(&self, parent: Option<usize>) -> &Children {
        match parent {
            Some(p) => &self.nodes[p].children,
            None => &self.roots,
        }
    }

    /// Adds `row` under `parent`; an error when that puts it deeper than [`MAX_DEPTH`].
    fn add(&mut self, parent: Option<usize>, row: Row) -> Result<usize, Located> {
        let depth = parent.map_or(1, |p| self.nodes[p].depth + 1);
        if depth > MAX_DEPTH {
            return Err(Located::new(
                row.line,
                1,
                format!(
                    "nesting deeper than {MAX_DEPTH} levels: `{}` would be at level {depth}",
                    row.name
                ),
            ));
        }
        let id = self.nodes.len();
        let siblings = match parent {
            Some(p) => &mut self.nodes[p].children,
            None => &mut self.roots,
        };
        siblings.ids.push(id);
        siblings.by_name.entry(row.name.clone()).or_insert(id);
        self.nodes.push(Node {
            row,
            children: Children::default(),
            depth,
        });
        Ok(id)
    }

    fn child_named(&self, parent: Option<usize>, name: &str) -> Option<usize> {
        self.children_of(parent).by_name.get(name).copied()
    }

    fn into_fields(mut self) -> Vec<Field> {
        let roots = std::mem::take(&mut self.roots.ids);
        let mut slots: Vec<Option<Node>> = self.nodes.into_iter().map(Some).collect();
        roots
            .into_iter()
            .map(|r| take_field(&mut slots, r))
            .collect()
    }
}

/// Takes a node and its descendants out of the arena; recurses once per level, at most [`MAX_DEPTH`].
fn take_field(slots: &mut [Option<Node>], id: usize) -> Field {
    let node = slots[id].take().expect("each node has one parent");
    let children = node
        .children
        .ids
        .iter()
        .map(|&c| take_field(slots, c))
        .collect();
    Field {
        name: node.row.name,
        doc_type: node.row.doc_type,
        cell: node.row.cell,
        line: node.row.line,
        required: node.row.required,
        children,
        list_in_example: false,
    }
}

/// Builds the tree. Types are checked here (unknown syntax is an error at the row's line).
pub fn build(
    rows: Vec<Row>,
    example: Option<&Value>,
    ctx: &mut Ctx,
) -> Result<Vec<Field>, Located> {
    for row in &rows {
        DocType::parse(&row.doc_type).map_err(|m| Located::new(row.line, 1, m))?;
    }
    let explicit = rows.iter().all(|r| matches!(r.depth, Depth::Exact(_)));
    let arena = if explicit {
        from_levels(rows)?
    } else {
        Recovery::new(example).run(rows, ctx)?
    };
    let example = example.and_then(Value::as_object);
    Ok(follow_example(arena.into_fields(), example, ctx))
}

fn duplicate(row: &Row, first: &Row) -> Located {
    Located::new(
        row.line,
        1,
        format!(
            "duplicate field `{}` (first at line {}) under the same parent",
            row.name, first.line
        ),
    )
}

/// Explicit levels: each row's parent is the last row one level up; a jump of more than one level is an
/// error.
fn from_levels(rows: Vec<Row>) -> Result<Arena, Located> {
    let mut arena = Arena::default();
    let mut stack: Vec<usize> = Vec::new();
    for row in rows {
        let Depth::Exact(level) = row.depth else {
            unreachable!("checked by the caller")
        };
        if level > stack.len() {
            let previous = stack.last().map(|&p| arena.nodes[p].row.line);
            let message = match previous {
                Some(line) => format!(
                    "level jump: level {level} after level {} (line {line}); a row can be at most one level deeper than the row before",
                    stack.len() - 1
                ),
                None => format!("level jump: the first row has level {level}, expected 0"),
            };
            return Err(Located::new(row.line, 1, message));
        }
        stack.truncate(level);
        let parent = stack.last().copied();
        if let Some(first) = arena.child_named(parent, &row.name) {
            return Err(duplicate(&row, &arena.nodes[first].row));
        }
        let id = arena.add(parent, row)?;
        stack.push(id);
    }
    Ok(arena)
}

fn object_part(doc_type: &str) -> Option<DocType> {
    DocType::parse(doc_type).ok()?.object_part().cloned()
}

/// An open object on the recovery stack.
struct Open<'v> {
    node: Option<usize>,
    example: Option<&'v serde_json::Map<String, Value>>,
    /// Children still expected, when the same named type was listed before.
    expected: Option<Expected>,
}

/// The children a named type listed the first time it was seen, and how many of them came again.
struct Expected {
    names: Rc<[String]>,
    next: usize,
}

impl Expected {
    fn front(&self) -> Option<&str> {
        self.names.get(self.next).map(String::as_str)
    }
}

/// How well a row fits under an open object, best last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Fit {
    /// Cannot be there (name taken, or a known type has no such next child).
    No,
    /// The example has this object but not this key (examples may leave fields out).
    NotInExample,
    /// Nothing known about this object.
    Unknown,
    /// The example has the key here.
    InExample,
    /// The same named type, seen before, has this child next.
    Expected,
}

struct Recovery<'v> {
    root_example: Option<&'v serde_json::Map<String, Value>>,
    /// Children of named types whose definition is complete (shared by every later use of the type).
    known: HashMap<String, Rc<[String]>>,
}

impl<'v> Recovery<'v> {
    fn new(example: Option<&'v Value>) -> Self {
        Recovery {
            root_example: example.and_then(Value::as_object),
            known: HashMap::new(),
        }
    }

    fn run(mut self, rows: Vec<Row>, ctx: &mut Ctx) -> Result<Arena, Located> {
        let mut arena = Arena::default();
        let mut stack: Vec<Open<'v>> = vec![Open {
            node: None,
            example: self.root_example,
            expected: None,
        }];
        for row in rows {
            let lowest = match row.depth {
                Depth::Nested => 1,
                _ => 0,
            };
            let highest = match row.depth {
                Depth::Top => 0,
                _ => stack.len() - 1,
            };
            if lowest > highest {
                return Err(Located::new(
                    row.line,
                    1,
                    format!(
                        "`{}` is marked as nested but no object is open above it",
                        row.name
                    ),
                ));
            }
            let fits: Vec<(usize, Fit)> = (lowest..=highest)
                .rev()
                .map(|i| (i, fit(&arena, &stack[i], &row.name)))
                .collect();
            let best = fits.iter().map(|&(_, f)| f).max().unwrap_or(Fit::No);
            if best == Fit::No {
                let first = (lowest..=highest)
                    .find_map(|i| arena.child_named(stack[i].node, &row.name))
                    .map(|c| arena.nodes[c].row.clone());
                return Err(match first {
                    Some(first) => duplicate(&row, &first),
                    None => Located::new(
                        row.line,
                        1,
                        format!("`{}` fits under no open object", row.name),
                    ),
                });
            }
            let &(chosen, _) = fits
                .iter()
                .find(|&&(_, f)| f == best)
                .expect("best is one of them");
            let rivals = fits
                .iter()
                .filter(|&&(i, f)| i != chosen && f >= Fit::Unknown.min(best))
                .count();
            if best < Fit::Expected && rivals > 0 {
                let parent = stack[chosen].node.map_or("the body".to_string(), |p| {
                    format!(
                        "`{}` (line {})",
                        arena.nodes[p].row.name, arena.nodes[p].row.line
                    )
                });
                ctx.warn(
                    row.line,
                    format!(
                        "cannot place `{}` with certainty: put under {parent}",
                        row.name
                    ),
                );
            }
            while stack.len() > chosen + 1 {
                self.close(stack.pop().expect("non-empty"), &arena, ctx);
            }
            let parent = &mut stack[chosen];
            if let Some(expected) = parent.expected.as_mut() {
                if expected.front() == Some(row.name.as_str()) {
                    expected.next += 1;
                }
            }
            let child_example = parent
                .example
                .and_then(|e| e.get(&row.name))
                .and_then(first_object);
            let parent_node = parent.node;
            let opens = object_part(&row.doc_type);
            let id = arena.add(parent_node, row)?;
            if let Some(object) = opens {
                let expected = match &object {
                    DocType::Named(name) => self.known.get(name).map(|names| Expected {
                        names: Rc::clone(names),
                        next: 0,
                    }),
                    _ => None,
                };
                stack.push(Open {
                    node: Some(id),
                    example: child_example,
                    expected,
                });
            }
        }
        while let Some(open) = stack.pop() {
            self.close(open, &arena, ctx);
        }
        Ok(arena)
    }

    /// Remembers the children of a finished named type; warns when a known type ended early.
    fn close(&mut self, open: Open<'v>, arena: &Arena, ctx: &mut Ctx) {
        let Some(id) = open.node else { return };
        let node = &arena.nodes[id];
        if let Some(missing) = open.expected.as_ref().and_then(|e| e.front()) {
            ctx.warn(
                node.row.line,
                format!(
                    "`{}` lists fewer fields than its type `{}` did before (no `{missing}`)",
                    node.row.name, node.row.doc_type
                ),
            );
        }
        if let Some(DocType::Named(name)) = object_part(&node.row.doc_type) {
            if !node.children.ids.is_empty() && !self.known.contains_key(&name) {
                let names = node
                    .children
                    .ids
                    .iter()
                    .map(|&c| arena.nodes[c].row.name.clone())
                    .collect();
                self.known.insert(name, names);
            }
        }
    }
}

fn fit(arena: &Arena, open: &Open, name: &str) -> Fit {
    if arena.child_named(open.node, name).is_some() {
        return Fit::No;
    }
    if let Some(expected) = &open.expected {
        return if expected.front() == Some(name) {
            Fit::Expected
        } else {
            Fit::No
        };
    }
    match open.example {
        Some(example) if example.contains_key(name) => Fit::InExample,
        Some(_) => Fit::NotInExample,
        None => Fit::Unknown,
    }
}

/// The object an example value stands for: itself, or the first element of an array.
fn first_object(value: &Value) -> Option<&serde_json::Map<String, Value>> {
    match value {
        Value::Object(map) => Some(map),
        Value::Array(items) => items.first().and_then(first_object),
        _ => None,
    }
}

/// Where the table and the page's example disagree about nesting, the example wins; each repair is a
/// warning naming the row. Rows listed under a field whose type has no fields (`string`) belong beside it
/// when the example has a scalar there, and make it a list of objects when the example has one; a field
/// of an object type (`object`, `user_id`) is a list of them when the example has a list of objects.
/// `fields` are siblings and `example` the object the example has for them.
fn follow_example(
    fields: Vec<Field>,
    example: Option<&Map<String, Value>>,
    ctx: &mut Ctx,
) -> Vec<Field> {
    let mut lines: HashMap<String, usize> =
        fields.iter().map(|f| (f.name.clone(), f.line)).collect();
    // Rows moved up are read again as siblings, in page order, before the rest.
    let mut pending: VecDeque<Field> = fields.into();
    let mut done = Vec::with_capacity(pending.len());
    while let Some(mut field) = pending.pop_front() {
        let value = example.and_then(|e| e.get(&field.name));
        let doc_type = DocType::parse(&field.doc_type).expect("checked by `build`");
        let not_a_list = !matches!(doc_type, DocType::Array(_) | DocType::Map(_));
        let list_in_example = not_a_list && value.is_some_and(is_list_of_objects);
        if doc_type.object_part().is_none() && !field.children.is_empty() {
            match value.and_then(scalar_kind) {
                Some(kind) => {
                    let moved: Vec<Field> = std::mem::take(&mut field.children)
                        .into_iter()
                        .filter(|child| move_beside(&field, kind, child, &mut lines, ctx))
                        .collect();
                    for child in moved.into_iter().rev() {
                        pending.push_front(child);
                    }
                }
                None if list_in_example => {
                    field.list_in_example = true;
                    ctx.warn(
                        field.line,
                        format!(
                            "`{}` has type `{}` and fields listed under it, and the example has a list of objects: written as a list of objects",
                            field.name, field.doc_type
                        ),
                    );
                }
                None => ctx.warn(
                    field.children[0].line,
                    format!(
                        "`{}` is listed under `{}` of type `{}`, which has no fields",
                        field.children[0].name, field.name, field.doc_type
                    ),
                ),
            }
        } else if list_in_example && doc_type.object_part().is_some() {
            field.list_in_example = true;
            ctx.warn(
                field.line,
                format!(
                    "`{}` has type `{}`, but the example has a list of objects: written as a list of them",
                    field.name, field.doc_type
                ),
            );
        }
        let children = std::mem::take(&mut field.children);
        field.children = follow_example(children, value.and_then(first_object), ctx);
        done.push(field);
    }
    done
}

/// Warns that `child`, listed under the scalar `field` where the example has a `kind`, belongs beside it;
/// `false` (and it is left out) when a field beside it already has its name. `lines` holds the siblings'
/// names, with their lines, and gets the child's when it moves.
fn move_beside(
    field: &Field,
    kind: &str,
    child: &Field,
    lines: &mut HashMap<String, usize>,
    ctx: &mut Ctx,
) -> bool {
    let listed = format!(
        "`{}` is listed under `{}` of type `{}`, but the example has {kind} there",
        child.name, field.name, field.doc_type
    );
    if let Some(line) = lines.get(&child.name) {
        ctx.warn(
            child.line,
            format!("{listed}, and a field beside it has the same name (line {line}): left out"),
        );
        return false;
    }
    lines.insert(child.name.clone(), child.line);
    ctx.warn(child.line, format!("{listed}: moved beside it"));
    true
}

/// `a string`, `a number`, `a boolean` for a scalar example value; `None` for null, objects and lists.
fn scalar_kind(value: &Value) -> Option<&'static str> {
    match value {
        Value::String(_) => Some("a string"),
        Value::Number(_) => Some("a number"),
        Value::Bool(_) => Some("a boolean"),
        Value::Null | Value::Array(_) | Value::Object(_) => None,
    }
}

fn is_list_of_objects(value: &Value) -> bool {
    value
        .as_array()
        .and_then(|items| items.first())
        .is_some_and(Value::is_object)
}
