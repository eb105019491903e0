//! A line diff of two texts, for showing how a description changed.

use super::text::normalize;

/// The lines of `old` and `new` as `- line` (only in old) and `+ line` (only in new), in order, with
/// `  …` where equal lines were left out. Lines are compared in their [`normalize`]d form.
pub fn changed_lines(old: &str, new: &str) -> Vec<String> {
    let old: Vec<&str> = old.lines().filter(|l| !l.trim().is_empty()).collect();
    let new: Vec<&str> = new.lines().filter(|l| !l.trim().is_empty()).collect();
    let key = |lines: &[&str]| lines.iter().map(|l| normalize(l)).collect::<Vec<_>>();
    let (a, b) = (key(&old), key(&new));
    // lcs[i][j]: length of the longest common subsequence of a[i..] and b[j..].
    let mut lcs = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let mut out = Vec::new();
    let mut skipped = false;
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            skipped = true;
            i += 1;
            j += 1;
            continue;
        }
        if skipped && !out.is_empty() {
            out.push("  …".to_owned());
        }
        skipped = false;
        if j == b.len() || (i < a.len() && lcs[i + 1][j] >= lcs[i][j + 1]) {
            out.push(format!("- {}", old[i].trim()));
            i += 1;
        } else {
            out.push(format!("+ {}", new[j].trim()));
            j += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_changed_among_equal_ones() {
        let old = "用户状态。\n转关逻辑见用户资源介绍。\n字段权限要求";
        let new = "用户状态。\n流转逻辑见用户资源介绍。\n字段权限要求";
        assert_eq!(
            changed_lines(old, new),
            vec!["- 转关逻辑见用户资源介绍。", "+ 流转逻辑见用户资源介绍。"]
        );
    }

    #[test]
    fn equal_lines_between_changes_are_elided() {
        let old = "a\nb\nc";
        let new = "a2\nb\nc2";
        assert_eq!(
            changed_lines(old, new),
            vec!["- a", "+ a2", "  …", "- c", "+ c2"]
        );
    }

    #[test]
    fn width_of_punctuation_is_not_a_line_change() {
        assert_eq!(changed_lines("单位：秒\n新", "单位:秒"), vec!["- 新"]);
    }
}
