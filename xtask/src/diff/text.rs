//! Text comparison that ignores how a rendering spells punctuation.

/// The form of `text` that two renderings of the same sentence share: full-width punctuation folded to
/// half-width (`（单位：毫秒）` → `(单位:毫秒)`), whitespace next to punctuation dropped, other runs of
/// whitespace collapsed to one space, and the ends trimmed.
pub fn normalize(text: &str) -> String {
    let folded: Vec<char> = text.chars().map(fold).collect();
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
    fn different_words_differ() {
        assert!(!same(
            "事件创建时间戳(单位:毫秒)",
            "事件创建时间戳(单位:秒)"
        ));
    }
}
