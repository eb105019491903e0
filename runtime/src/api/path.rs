//! Path templates: `/open-apis/im/v1/chats/:chat_id` with its `:name` segments filled in.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use super::error::Error;

/// What a path parameter keeps as is: RFC 3986's unreserved characters. Everything else, `/`,
/// `?`, `#` and `%` included, is percent-encoded, so a value stays inside its segment.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Fills every `:name` segment of `template` with its parameter, percent-encoded.
///
/// Refuses a template that does not start with `/`, a segment without its parameter and a
/// parameter without its segment (a typo either way).
pub(crate) fn expand(template: &str, params: &[(&'static str, String)]) -> Result<String, Error> {
    if !template.starts_with('/') {
        return Err(Error::InvalidRequest(format!(
            "the path `{template}` does not start with `/`"
        )));
    }
    let mut used = vec![false; params.len()];
    let mut path = String::with_capacity(template.len() + 32);
    for segment in template[1..].split('/') {
        path.push('/');
        let Some(name) = segment.strip_prefix(':') else {
            path.push_str(segment);
            continue;
        };
        let index = params
            .iter()
            .position(|(param, _)| *param == name)
            .ok_or_else(|| {
                Error::InvalidRequest(format!("the path parameter `{name}` is missing"))
            })?;
        used[index] = true;
        path.extend(utf8_percent_encode(&params[index].1, SEGMENT));
    }
    if let Some(index) = used.iter().position(|used| !used) {
        return Err(Error::InvalidRequest(format!(
            "the path `{template}` has no segment `:{}`",
            params[index].0
        )));
    }
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&'static str, &str)]) -> Vec<(&'static str, String)> {
        pairs.iter().map(|(k, v)| (*k, (*v).to_owned())).collect()
    }

    #[test]
    fn fills_and_encodes_segments() {
        let path = expand(
            "/open-apis/im/v1/chats/:chat_id/members/:member_id",
            &params(&[("member_id", "ou_1"), ("chat_id", "a/b?c#d%e f.g~")]),
        )
        .unwrap();
        assert_eq!(
            path,
            "/open-apis/im/v1/chats/a%2Fb%3Fc%23d%25e%20f.g~/members/ou_1"
        );
    }

    #[test]
    fn encodes_non_ascii_as_utf8() {
        let path = expand("/x/:name", &params(&[("name", "群")])).unwrap();
        assert_eq!(path, "/x/%E7%BE%A4");
    }

    #[test]
    fn refuses_missing_extra_and_relative() {
        assert!(expand("/x/:id", &[]).is_err());
        assert!(expand("/x", &params(&[("id", "1")])).is_err());
        assert!(expand("x/:id", &params(&[("id", "1")])).is_err());
    }
}
