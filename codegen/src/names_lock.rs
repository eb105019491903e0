//! `schema/names.lock.json` (lark-events) and `schema/api-names.lock.json` (lark-api): every public
//! type and variant name once given, so that adding or updating a page never renames an existing item.
//!
//! A type is known by where it is used: its *paths*, from a root through field names. The roots of
//! an events module are its event structs and their answers (`P2DriveFileEditV1.header`,
//! `P2ImMessageReceiveV1.event.mentions[]`, a callback's answer as `P2CardActionTrigger#response`);
//! those of an API module its `Body`, its `Response` and its parameters (`Response.items[]`,
//! `Request.user_id_type`). The lock maps one path of each type (the smallest) to its name, and a
//! variant by its enum and wire value. Names are first decided as usual (from the pages, in page
//! order); then every type reached by a locked path takes the locked name back, a type that took a
//! locked name it has no claim to is moved to a name qualified by the root of its smallest path (as a
//! conflict would name it), and every listed value takes its locked variant name back. A label the
//! docs reword, a page that sorts before another with a conflicting type, or a new value that makes a
//! name ambiguous therefore changes nothing already published. The lock is rewritten from the
//! result: items that no longer exist leave it, new ones enter it.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::model::{FieldType, Module, TypeDef, Variant};

/// A type reached from outside the types themselves, and the path it is reached by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Root {
    pub name: String,
    pub path: String,
}

impl Root {
    /// The root for a field of type `ty` reached as `path` (`Request.user_id_type`): `path` with a
    /// `[]` or `{}` per list or map level, when a generated type is inside; else `None`.
    pub fn of_field(path: &str, ty: &FieldType) -> Option<Root> {
        let (name, suffix) = named_inside(ty)?;
        Some(Root {
            name: name.to_owned(),
            path: format!("{path}{suffix}"),
        })
    }
}

/// The generated type inside `ty` and the `[]`/`{}` levels around it.
fn named_inside(mut ty: &FieldType) -> Option<(&str, String)> {
    let mut suffix = String::new();
    while let FieldType::Vec(inner) | FieldType::Map(inner) = ty {
        suffix.push_str(match ty {
            FieldType::Vec(_) => "[]",
            _ => "{}",
        });
        ty = inner;
    }
    match ty {
        FieldType::Named(name) => Some((name, suffix)),
        _ => None,
    }
}

/// What the lock file says: per module (`application::v6`), types by path and variants by enum.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NamesLock {
    #[serde(default)]
    modules: BTreeMap<String, ModuleLock>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ModuleLock {
    /// A path of each type → its name.
    #[serde(default)]
    types: BTreeMap<String, String>,
    /// Enum or bit set name → wire value → variant or constant name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    variants: BTreeMap<String, BTreeMap<String, String>>,
}

impl NamesLock {
    /// Reads the lock file's text.
    pub fn parse(text: &str) -> Result<Self, String> {
        serde_json::from_str(text).map_err(|err| err.to_string())
    }

    /// The lock file's text: pretty JSON in key order, with a final newline.
    pub fn to_text(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).expect("a lock always serializes");
        text.push('\n');
        text
    }

    /// Gives the locked names back in the events `modules`, then returns the lock of the result. Says
    /// what it had to leave renamed (two types claiming one name) in `warnings`.
    pub fn apply(&self, modules: &mut [Module], warnings: &mut Vec<String>) -> NamesLock {
        let mut next = NamesLock::default();
        for module in modules {
            let key = format!("{}::{}", module.service, module.version);
            let roots = event_roots(&module.types);
            self.restore(&key, &mut module.types, &roots, warnings, &mut next);
        }
        next
    }

    /// Gives the locked names back to one module's `types`, reached from `roots`, and records the
    /// result under `key` in `next`. Returns the renames (old name → new) for the references the
    /// caller keeps outside the types.
    pub fn restore(
        &self,
        key: &str,
        types: &mut [TypeDef],
        roots: &[Root],
        warnings: &mut Vec<String>,
        next: &mut NamesLock,
    ) -> HashMap<String, String> {
        let empty = ModuleLock::default();
        let locked = self.modules.get(key).unwrap_or(&empty);
        let renames = restore_type_names(types, roots, locked, key, warnings);
        restore_variant_names(types, locked);
        next.modules.insert(
            key.to_owned(),
            lock_of(types, &renames_applied(roots, &renames)),
        );
        renames
    }
}

/// The roots of an events module: each event struct, and its answer as `Event#response`.
fn event_roots(types: &[TypeDef]) -> Vec<Root> {
    let mut roots = Vec::new();
    for def in types {
        let TypeDef::Struct(def) = def else { continue };
        if let Some(event) = &def.event {
            roots.push(Root {
                name: def.name.clone(),
                path: def.name.clone(),
            });
            if let Some(response) = &event.response {
                roots.push(Root {
                    name: response.clone(),
                    path: format!("{}#response", def.name),
                });
            }
        }
    }
    roots
}

/// `roots` with their types renamed.
fn renames_applied(roots: &[Root], renames: &HashMap<String, String>) -> Vec<Root> {
    roots
        .iter()
        .map(|root| Root {
            name: renames.get(&root.name).unwrap_or(&root.name).clone(),
            path: root.path.clone(),
        })
        .collect()
}

/// Every path of every type reached from `roots`, sorted (smallest first).
fn paths(types: &[TypeDef], roots: &[Root]) -> HashMap<String, BTreeSet<String>> {
    let structs: HashMap<&str, &crate::model::StructDef> = types
        .iter()
        .filter_map(|def| match def {
            TypeDef::Struct(def) => Some((def.name.as_str(), def)),
            _ => None,
        })
        .collect();
    let mut found: HashMap<String, BTreeSet<String>> = HashMap::new();
    // (type, its path, the types on the way: a type that contains itself is not entered again)
    let mut pending: Vec<(String, String, Vec<String>)> = roots
        .iter()
        .map(|root| (root.name.clone(), root.path.clone(), Vec::new()))
        .collect();
    while let Some((name, path, mut trail)) = pending.pop() {
        found.entry(name.clone()).or_default().insert(path.clone());
        let Some(def) = structs.get(name.as_str()) else {
            continue;
        };
        if trail.contains(&name) {
            continue;
        }
        trail.push(name);
        for field in &def.fields {
            if let Some((inner, suffix)) = named_inside(&field.ty) {
                let path = format!("{path}.{}{suffix}", field.wire_name);
                pending.push((inner.to_owned(), path, trail.clone()));
            }
        }
    }
    found
}

/// Renames the types back to their locked names; returns the renames.
fn restore_type_names(
    types: &mut [TypeDef],
    roots: &[Root],
    locked: &ModuleLock,
    key: &str,
    warnings: &mut Vec<String>,
) -> HashMap<String, String> {
    let paths = paths(types, roots);
    let current: Vec<String> = types.iter().map(|d| d.name().to_owned()).collect();
    // The name each type has a claim to: the locked name of its smallest locked path.
    let claims: HashMap<&str, &str> = current
        .iter()
        .filter_map(|name| {
            let claim = paths
                .get(name)?
                .iter()
                .find_map(|path| locked.types.get(path))?;
            Some((name.as_str(), claim.as_str()))
        })
        .collect();
    let mut wanted: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (name, claim) in &claims {
        wanted.entry(claim).or_default().push(name);
    }
    let mut renames: HashMap<String, String> = HashMap::new();
    for (claim, mut claimants) in wanted {
        claimants.sort_unstable();
        // Two types claim one name only after pages were merged or split: the one already
        // holding it keeps it, else the first by name, and the others are said.
        let keeper = claimants
            .iter()
            .find(|c| **c == claim)
            .unwrap_or(&claimants[0]);
        for other in claimants.iter().filter(|c| *c != keeper) {
            warnings.push(format!(
                "{key}: warning: types {keeper} and {other} both had the name {claim} \
                 (names.lock.json); {other} keeps its new name"
            ));
        }
        if *keeper != claim {
            renames.insert(keeper.to_string(), claim.to_owned());
        }
    }
    if renames.is_empty() {
        return renames;
    }
    // A type holding a name another claims, with no claim to it, moves aside: qualified by the root
    // of its smallest path (its event), as a conflict names it.
    let mut taken: HashSet<String> = current
        .iter()
        .map(|name| renames.get(name).cloned().unwrap_or_else(|| name.clone()))
        .collect();
    let claimed: HashSet<&String> = renames.values().collect();
    let mut evictions = Vec::new();
    for name in &current {
        if claimed.contains(name) && !renames.contains_key(name) {
            let root = paths
                .get(name)
                .and_then(|p| p.iter().next())
                .map(|path| path.split(['.', '#']).next().unwrap_or_default().to_owned())
                .unwrap_or_default();
            let base = format!("{root}{name}");
            let mut fresh = base.clone();
            let mut counter = 2;
            while taken.contains(&fresh) {
                fresh = format!("{base}{counter}");
                counter += 1;
            }
            taken.insert(fresh.clone());
            evictions.push((name.clone(), fresh));
        }
    }
    renames.extend(evictions);
    rename_types(types, &renames);
    renames
}

/// Renames types and every reference to them.
fn rename_types(types: &mut [TypeDef], renames: &HashMap<String, String>) {
    let rename = |name: &mut String| {
        if let Some(new) = renames.get(name.as_str()) {
            name.clone_from(new);
        }
    };
    for def in types {
        match def {
            TypeDef::Struct(def) => {
                rename(&mut def.name);
                if let Some(response) = def.event.as_mut().and_then(|e| e.response.as_mut()) {
                    rename(response);
                }
                for field in &mut def.fields {
                    rename_in(&mut field.ty, renames);
                }
            }
            TypeDef::Enum(def) => rename(&mut def.name),
            TypeDef::Flags(def) => rename(&mut def.name),
        }
    }
}

/// Renames the generated type inside `ty`, if `renames` has it.
pub fn rename_in(ty: &mut FieldType, renames: &HashMap<String, String>) {
    let mut ty = ty;
    while let FieldType::Vec(inner) | FieldType::Map(inner) = ty {
        ty = inner;
    }
    if let FieldType::Named(name) = ty {
        if let Some(new) = renames.get(name.as_str()) {
            name.clone_from(new);
        }
    }
}

/// Gives each listed value its locked variant name back, when no other value of its type has it.
fn restore_variant_names(types: &mut [TypeDef], locked: &ModuleLock) {
    for def in types {
        let (name, variants) = match def {
            TypeDef::Enum(def) => (&def.name, &mut def.variants),
            TypeDef::Flags(def) => (&def.name, &mut def.flags),
            TypeDef::Struct(_) => continue,
        };
        let Some(locked) = locked.variants.get(name) else {
            continue;
        };
        restore(variants, locked);
    }
}

fn restore(variants: &mut [Variant], locked: &BTreeMap<String, String>) {
    let wanted: Vec<Option<&String>> = variants
        .iter()
        .map(|v| {
            locked
                .get(&v.value.to_string())
                .filter(|name| **name != v.name)
        })
        .collect();
    if wanted.iter().all(Option::is_none) {
        return;
    }
    // Final names: locked ones first; a value whose current name a locked one takes is renamed with
    // its value appended, as a name given twice is.
    let mut final_names: Vec<String> = variants
        .iter()
        .zip(&wanted)
        .map(|(v, w)| w.map_or_else(|| v.name.clone(), |name| name.clone()))
        .collect();
    let locked_names: HashSet<String> = wanted.iter().flatten().map(|n| n.to_string()).collect();
    for (i, variant) in variants.iter().enumerate() {
        if wanted[i].is_none() && locked_names.contains(&final_names[i]) {
            let mut fresh = format!("{}{}", variant.name, suffix(&variant.value.to_string()));
            while final_names.contains(&fresh) {
                fresh.push('_');
            }
            final_names[i] = fresh;
        }
    }
    let unique: HashSet<&String> = final_names.iter().collect();
    if unique.len() != final_names.len() {
        return; // the lock contradicts itself (edited by hand): keep the names decided from the pages
    }
    for (variant, name) in variants.iter_mut().zip(final_names) {
        variant.name = name;
    }
}

/// A value as a name suffix (`-1` → `Minus1`, `zh_cn` → `ZhCn`).
fn suffix(value: &str) -> String {
    match value.strip_prefix('-') {
        Some(rest) => format!("Minus{rest}"),
        None if value.bytes().all(|b| b.is_ascii_digit()) => value.to_owned(),
        None => crate::naming::type_name(value).unwrap_or_default(),
    }
}

/// The lock of a module as it now is: each type under its smallest path, each listed value.
fn lock_of(types: &[TypeDef], roots: &[Root]) -> ModuleLock {
    let paths = paths(types, roots);
    let mut lock = ModuleLock::default();
    for def in types {
        let name = def.name();
        if let Some(path) = paths.get(name).and_then(|p| p.iter().next()) {
            lock.types.insert(path.clone(), name.to_owned());
        }
        let variants = match def {
            TypeDef::Enum(def) => &def.variants,
            TypeDef::Flags(def) => &def.flags,
            TypeDef::Struct(_) => continue,
        };
        lock.variants.insert(
            name.to_owned(),
            variants
                .iter()
                .map(|v| (v.value.to_string(), v.name.clone()))
                .collect(),
        );
    }
    lock
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{EnumDef, EnumRepr, EventInfo, Field, StructDef, VariantValue};

    fn field(wire_name: &str, ty: FieldType) -> Field {
        Field {
            wire_name: wire_name.to_owned(),
            ident: wire_name.to_owned(),
            ty,
            docs: Vec::new(),
        }
    }

    fn event(name: &str, fields: Vec<Field>) -> TypeDef {
        TypeDef::Struct(StructDef {
            name: name.to_owned(),
            docs: Vec::new(),
            fields,
            event: Some(EventInfo {
                event_type: name.to_lowercase(),
                handler_method: format!("on_{}", name.to_lowercase()),
                response: None,
            }),
        })
    }

    fn plain(name: &str, fields: Vec<Field>) -> TypeDef {
        TypeDef::Struct(StructDef {
            name: name.to_owned(),
            docs: Vec::new(),
            fields,
            event: None,
        })
    }

    fn status(name: &str, variants: &[(i64, &str)]) -> TypeDef {
        TypeDef::Enum(EnumDef {
            name: name.to_owned(),
            docs: Vec::new(),
            repr: EnumRepr::Integer,
            variants: variants
                .iter()
                .map(|(value, name)| Variant {
                    name: (*name).to_owned(),
                    value: VariantValue::Integer(*value),
                    label: String::new(),
                })
                .collect(),
        })
    }

    fn module(types: Vec<TypeDef>) -> Module {
        Module {
            service: "drive".into(),
            version: "v1".into(),
            types,
        }
    }

    fn names(module: &Module) -> Vec<&str> {
        module.types.iter().map(TypeDef::name).collect()
    }

    #[test]
    fn a_page_that_takes_a_published_name_first_gives_it_back() {
        let named = |name: &str| FieldType::Named(name.to_owned());
        // Published: B's header is `Header`, and a conflicting one of C `P2CHeader`.
        let before = module(vec![
            event("P2B", vec![field("header", named("Header"))]),
            plain("Header", vec![field("id", FieldType::String)]),
            event("P2C", vec![field("header", named("P2CHeader"))]),
            plain("P2CHeader", vec![field("id", FieldType::Integer)]),
        ]);
        let mut published = vec![before];
        let lock = NamesLock::default().apply(&mut published, &mut Vec::new());
        assert_eq!(
            lock,
            lock.apply(&mut published, &mut Vec::new()),
            "applying its own lock changes nothing"
        );
        // A new page A, sorted first, documents `Header` with C's shape: it and C now share the
        // plain name, and B is qualified.
        let mut after = vec![module(vec![
            event("P2A", vec![field("header", named("Header"))]),
            plain("Header", vec![field("id", FieldType::Integer)]),
            event("P2B", vec![field("header", named("P2BHeader"))]),
            plain("P2BHeader", vec![field("id", FieldType::String)]),
            event("P2C", vec![field("header", named("Header"))]),
        ])];
        let mut warnings = Vec::new();
        lock.apply(&mut after, &mut warnings);
        assert_eq!(
            names(&after[0]),
            ["P2A", "P2CHeader", "P2B", "Header", "P2C"]
        );
        let TypeDef::Struct(b) = &after[0].types[2] else {
            panic!()
        };
        assert_eq!(b.fields[0].ty, named("Header"));
        let TypeDef::Struct(a) = &after[0].types[0] else {
            panic!()
        };
        assert_eq!(a.fields[0].ty, named("P2CHeader"));
        assert!(warnings.is_empty(), "{warnings:?}");
    }

    #[test]
    fn a_reworded_label_keeps_its_variant_name() {
        let before = module(vec![
            event(
                "P2A",
                vec![field("status", FieldType::Named("Status".into()))],
            ),
            status("Status", &[(1, "Approved"), (2, "Rejected")]),
        ]);
        let mut modules = vec![before];
        let lock = NamesLock::default().apply(&mut modules, &mut Vec::new());
        let text = lock.to_text();
        assert_eq!(NamesLock::parse(&text).unwrap(), lock);
        // The docs reword value 1 (now `Accepted`) and add value 3, named `Approved` from its label.
        let mut after = vec![module(vec![
            event(
                "P2A",
                vec![field("status", FieldType::Named("Status".into()))],
            ),
            status(
                "Status",
                &[(1, "Accepted"), (2, "Rejected"), (3, "Approved")],
            ),
        ])];
        lock.apply(&mut after, &mut Vec::new());
        let TypeDef::Enum(def) = &after[0].types[1] else {
            panic!()
        };
        let names: Vec<&str> = def.variants.iter().map(|v| v.name.as_str()).collect();
        assert_eq!(names, ["Approved", "Rejected", "Approved3"]);
    }

    #[test]
    fn a_broken_lock_is_an_error_not_a_default() {
        assert!(NamesLock::parse("{\"modules\": {\"a::v1\": {\"typos\": {}}}}").is_err());
    }
}
