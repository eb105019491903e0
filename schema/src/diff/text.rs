//! Text comparison that ignores how a rendering spells punctuation and links.

/// The form of `text` that two renderings of the same sentence share: alert boxes and links to the
/// documentation written alike, full-width punctuation folded to half-width (`（单位：毫秒）` →
/// `(单位:毫秒)`), whitespace next to punctuation dropped, other runs of whitespace collapsed to one
/// space, and the ends trimmed.
pub fn normalize(text: &str) -> String {
    let folded: Vec<char> = doc_links(&alerts(text)).chars().map(fold).collect();
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for &c in &folded {
        if c.is_whitespace() {
            pending_space = true;
            continue;
        }
        if pending_space && !out.is_empty() && !is_punct(c) && !out.ends_with(is_punct) {
            out.push(' ');
        }
        pending_space = false;
        out.push(c);
    }
    out
}

/// Whether two descriptions say the same thing once punctuation widths are ignored.
pub fn same(old: &str, new: &str) -> bool {
    normalize(old) == normalize(new)
}

/// Alert boxes without their label: the doc source writes `<md-alert type="tip">` (its tags taken out by
/// the parser), converted renderings a quote `> **Tip**: `.
fn alerts(text: &str) -> String {
    text.lines()
        .map(|line| {
            let Some(quoted) = line.trim_start().strip_prefix("> ") else {
                return line;
            };
            let label = quoted
                .strip_prefix("**")
                .and_then(|rest| rest.split_once("**:"))
                .filter(|(word, _)| {
                    !word.is_empty() && word.chars().all(|c| c.is_ascii_alphabetic())
                });
            match label {
                Some((_, body)) => body,
                None => line,
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Markdown link targets into the documentation site, which the doc source writes `/ssl:ttdoc/<path>`
/// and the converted renderings `https://<host>/document/<path>`, reduced to `<path>`.
fn doc_links(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find("](") {
        let (before, after) = rest.split_at(open + 2);
        out.push_str(before);
        let end = after.find(')').unwrap_or(after.len());
        let target = &after[..end];
        let path = ["/ssl:ttdoc/", "/document/"]
            .iter()
            .find_map(|marker| target.find(marker).map(|at| &target[at + marker.len()..]))
            .unwrap_or(target);
        out.push_str(path);
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

fn fold(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        '。' => '.',
        '、' => ',',
        '“' | '”' => '"',
        '‘' | '’' => '\'',
        '【' => '[',
        '】' => ']',
        _ => c,
    }
}

fn is_punct(c: char) -> bool {
    c.is_ascii_punctuation()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_and_half_width_punctuation_are_the_same() {
        assert!(same(
            "事件创建时间戳（单位：毫秒）",
            "事件创建时间戳(单位:毫秒)"
        ));
        assert!(same(
            "返回两个。如果都支持，则同时返回",
            "返回两个.如果都支持, 则同时返回"
        ));
    }

    #[test]
    fn whitespace_runs_collapse_but_words_stay_apart() {
        assert_eq!(normalize("  用户的   union id \n"), "用户的 union id");
        assert!(!same("union id", "unionid"));
    }

    #[test]
    fn links_to_one_document_are_the_same_in_every_rendering() {
        assert!(same(
            "可调用[获取应用信息](/ssl:ttdoc/uAjLw4CM/application-v6/application/get)接口",
            "可调用[获取应用信息](https://open.larkoffice.com/document/uAjLw4CM/application-v6/application/get)接口",
        ));
        assert!(!same(
            "见[概述](/ssl:ttdoc/a/intro)",
            "见[概述](/ssl:ttdoc/b/intro)"
        ));
    }

    #[test]
    fn an_alert_box_reads_the_same_as_a_quote_with_a_label() {
        assert!(same(
            "状态。\n【不推荐使用】",
            "状态。\n> **Tip**: 【不推荐使用】"
        ));
        assert!(!same(
            "状态。\n【不推荐使用】",
            "状态。\n> **Tip**: 【推荐使用】"
        ));
    }

    #[test]
    fn different_words_differ() {
        assert!(!same(
            "事件创建时间戳(单位:毫秒)",
            "事件创建时间戳(单位:秒)"
        ));
    }
}
