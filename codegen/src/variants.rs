//! Names of enum variants and flag constants.
//!
//! Rules, in order, stable from run to run:
//! 1. a string value that makes an identifier names its variant (`zh_cn` → `ZhCn`);
//! 2. the reviewed table `schema/variant-names.json` maps a label to an English name (`审核通过` →
//!    `Approved`);
//! 3. a label that makes an identifier by itself names its variant (`sidebar` → `Sidebar`);
//! 4. otherwise the value does: `Value3`, `ValueMinus1` (flags: `BIT_4`).
//!
//! A name given twice in one enum gets the value appended (`Unknown`, `Unknown2`).

use std::collections::{BTreeMap, HashSet};

use crate::model::{Variant, VariantValue};
use crate::naming;

/// The fallback variant that keeps an unlisted value.
pub const FALLBACK: &str = "Unlisted";

/// The reviewed naming table: label → English name (UpperCamelCase).
#[derive(Debug, Clone, Default)]
pub struct VariantNames {
    by_label: BTreeMap<String, String>,
}

impl VariantNames {
    /// Parses `schema/variant-names.json`: `{ "labels": { "<label>": "<EnglishName>", … } }`.
    pub fn parse(text: &str) -> Result<Self, String> {
        #[derive(serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Table {
            labels: BTreeMap<String, String>,
        }
        let table: Table = serde_json::from_str(text).map_err(|err| err.to_string())?;
        for (label, name) in &table.labels {
            if naming::type_name(name).as_deref() != Some(name.as_str()) {
                return Err(format!(
                    "label {label:?}: {name:?} is not an UpperCamelCase name"
                ));
            }
        }
        Ok(VariantNames {
            by_label: table.labels,
        })
    }

    fn lookup(&self, label: &str) -> Option<&str> {
        self.by_label.get(label.trim()).map(String::as_str)
    }

    /// Names the variants of an enum, in the page's order.
    pub fn enum_variants(&self, values: &[(VariantValue, String)]) -> Vec<Variant> {
        let names = values.iter().map(|(value, label)| {
            let from_value = match value {
                VariantValue::String(text) => ascii_name(text),
                VariantValue::Integer(_) => None,
            };
            from_value
                .or_else(|| self.lookup(label).map(str::to_owned))
                .or_else(|| ascii_name(label))
                .unwrap_or_else(|| format!("Value{}", value_suffix(value)))
        });
        dedup(names.collect(), values, |name, value| {
            format!("{name}{}", value_suffix(value))
        })
    }

    /// Names the constants of a flag set.
    pub fn flag_constants(&self, values: &[(VariantValue, String)]) -> Vec<Variant> {
        let names = values.iter().map(|(value, label)| {
            self.lookup(label)
                .and_then(naming::constant_name)
                .or_else(|| ascii_name(label).and_then(|name| naming::constant_name(&name)))
                .unwrap_or_else(|| format!("BIT_{}", value_suffix(value)))
        });
        dedup(names.collect(), values, |name, value| {
            format!("{name}_{}", value_suffix(value))
        })
    }
}

/// An identifier from text that is ASCII apart from spaces and punctuation; `None` otherwise.
fn ascii_name(text: &str) -> Option<String> {
    let text = text.trim();
    if !text.is_ascii() || !text.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return None;
    }
    naming::type_name(text).filter(|name| name != FALLBACK)
}

fn value_suffix(value: &VariantValue) -> String {
    let value = value.to_string();
    match value.strip_prefix('-') {
        Some(rest) => format!("Minus{}", naming::type_name(rest).unwrap_or_default()),
        None => naming::type_name(&value)
            .map(|name| name.trim_start_matches('T').to_owned())
            .unwrap_or_default(),
    }
}

/// Makes names unique within one type (and never the fallback's name).
fn dedup(
    names: Vec<String>,
    values: &[(VariantValue, String)],
    qualify: impl Fn(&str, &VariantValue) -> String,
) -> Vec<Variant> {
    let mut seen: HashSet<String> = HashSet::from([FALLBACK.to_owned()]);
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for name in &names {
        *counts.entry(name).or_default() += 1;
    }
    let mut variants = Vec::with_capacity(names.len());
    for (index, (name, (value, label))) in names.iter().zip(values).enumerate() {
        let mut unique = if counts[name.as_str()] > 1 || name == FALLBACK {
            qualify(name, value)
        } else {
            name.clone()
        };
        if !seen.insert(unique.clone()) {
            unique = format!("{unique}{index}");
            seen.insert(unique.clone());
        }
        variants.push(Variant {
            name: unique,
            value: value.clone(),
            label: label.clone(),
        });
    }
    variants
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(items: &[(i64, &str)]) -> Vec<(VariantValue, String)> {
        items
            .iter()
            .map(|(v, l)| (VariantValue::Integer(*v), l.to_string()))
            .collect()
    }

    fn names(variants: &[Variant]) -> Vec<&str> {
        variants.iter().map(|v| v.name.as_str()).collect()
    }

    #[test]
    fn table_then_value_rule() {
        let table = VariantNames::parse(r#"{"labels": {"审核通过": "Approved"}}"#).unwrap();
        let variants = table.enum_variants(&pairs(&[(1, "审核通过"), (3, "审核中"), (-1, "x y")]));
        assert_eq!(names(&variants), ["Approved", "Value3", "XY"]);
        let strings = table.enum_variants(&[
            (VariantValue::String("zh_cn".into()), "简体中文".into()),
            (VariantValue::String("中文".into()), "审核通过".into()),
        ]);
        assert_eq!(names(&strings), ["ZhCn", "Approved"]);
    }

    #[test]
    fn duplicates_are_qualified() {
        let table = VariantNames::default();
        let variants = table.enum_variants(&pairs(&[(1, "same"), (2, "same"), (3, "unlisted")]));
        assert_eq!(names(&variants), ["Same1", "Same2", "Value3"]);
        let flags = table.flag_constants(&pairs(&[(1, "sidebar 模式"), (4, "主导航")]));
        assert_eq!(names(&flags), ["BIT_1", "BIT_4"]);
    }

    #[test]
    fn bad_table_is_an_error() {
        assert!(VariantNames::parse(r#"{"labels": {"x": "not_camel"}}"#).is_err());
        assert!(VariantNames::parse(r#"{"names": {}}"#).is_err());
    }
}
