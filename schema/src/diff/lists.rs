//! Lists of entries compared as sets: permissions (`{scope, label}`), app types, push modes.

use serde_json::Value;

use super::change::ChangeKind;
use super::text;

/// One entry of a list, matched across renderings by its scope, or by its label when a side has no scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub scope: Option<String>,
    pub label: Option<String>,
}

impl Entry {
    fn matches(&self, other: &Entry) -> bool {
        match (&self.scope, &other.scope) {
            (Some(a), Some(b)) => a == b,
            _ => match (&self.label, &other.label) {
                (Some(a), Some(b)) => text::same(a, b),
                _ => false,
            },
        }
    }

    fn show(&self) -> String {
        match (&self.scope, &self.label) {
            (Some(scope), Some(label)) => format!("{scope} ({label})"),
            (Some(one), None) | (None, Some(one)) => one.clone(),
            (None, None) => "(unnamed)".to_owned(),
        }
    }
}

/// The entries of a permission list (`[{"scope": …, "label": …}]`); none when the key is missing.
pub fn permission_entries(list: Option<&Value>) -> Vec<Entry> {
    let Some(Value::Array(items)) = list else {
        return Vec::new();
    };
    items
        .iter()
        .map(|item| Entry {
            scope: item.get("scope").and_then(Value::as_str).map(str::to_owned),
            label: item.get("label").and_then(Value::as_str).map(str::to_owned),
        })
        .collect()
}

/// The entries of a list of strings, matched by their text.
pub fn string_entries(list: Option<&Value>) -> Vec<Entry> {
    let Some(Value::Array(items)) = list else {
        return Vec::new();
    };
    items
        .iter()
        .filter_map(Value::as_str)
        .map(|s| Entry {
            scope: None,
            label: Some(s.to_owned()),
        })
        .collect()
}

/// The entries removed from, added to and relabelled in a list, as at most three changes. An entry
/// kept under the same scope with a label that reads differently is relabelled.
pub fn entries_changes(old: &[Entry], new: &[Entry]) -> Vec<ChangeKind> {
    let removed: Vec<String> = old
        .iter()
        .filter(|o| !new.iter().any(|n| o.matches(n)))
        .map(Entry::show)
        .collect();
    let added: Vec<String> = new
        .iter()
        .filter(|n| !old.iter().any(|o| o.matches(n)))
        .map(Entry::show)
        .collect();
    let relabelled: Vec<String> = old
        .iter()
        .filter_map(|o| {
            let scope = o.scope.as_ref()?;
            let n = new.iter().find(|n| n.scope.as_ref() == Some(scope))?;
            match (&o.label, &n.label) {
                (Some(a), Some(b)) if !text::same(a, b) => Some(format!("{scope}: {a} → {b}")),
                _ => None,
            }
        })
        .collect();
    let mut changes = Vec::new();
    if !removed.is_empty() {
        changes.push(ChangeKind::EntriesRemoved(removed));
    }
    if !added.is_empty() {
        changes.push(ChangeKind::EntriesAdded(added));
    }
    if !relabelled.is_empty() {
        changes.push(ChangeKind::EntriesRelabelled(relabelled));
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_scope_missing_on_one_side_matches_by_label() {
        let old = permission_entries(Some(&json!([{"label": "获取应用版本信息"}])));
        let new = permission_entries(Some(
            &json!([{"scope": "application:read", "label": "获取应用版本信息"}]),
        ));
        assert!(entries_changes(&old, &new).is_empty());
    }

    #[test]
    fn a_new_label_under_the_same_scope_is_reported() {
        let old = permission_entries(Some(
            &json!([{"scope": "im:message.group_at_msg:readonly", "label": "接收群聊中@机器人消息事件"}]),
        ));
        let new = permission_entries(Some(
            &json!([{"scope": "im:message.group_at_msg:readonly", "label": "获取群组中用户@机器人消息"}]),
        ));
        assert_eq!(
            entries_changes(&old, &new),
            vec![ChangeKind::EntriesRelabelled(vec![
                "im:message.group_at_msg:readonly: 接收群聊中@机器人消息事件 → 获取群组中用户@机器人消息"
                    .into()
            ])]
        );
    }

    #[test]
    fn another_scope_is_a_removal_and_an_addition() {
        let old = permission_entries(Some(&json!([{"scope": "a:read", "label": "读"}])));
        let new = permission_entries(Some(&json!([{"scope": "b:read", "label": "读"}])));
        assert_eq!(
            entries_changes(&old, &new),
            vec![
                ChangeKind::EntriesRemoved(vec!["a:read (读)".into()]),
                ChangeKind::EntriesAdded(vec!["b:read (读)".into()]),
            ]
        );
    }
}
