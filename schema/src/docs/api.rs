//! What a server API page says around its field tables, in the doc source rendering: the official
//! SDKs' name for the API (from the API explorer link), the request table (rate limit, app types,
//! permissions), the accepted tokens and `Content-Type` (from the header table) and the error codes.

use super::common::{attribute, decode_entities, strip_tags};
use super::model::{ApiMeta, ErrorCode, Permission, SdkName};

/// Fills in `meta` from the page's text; what the page does not say stays empty.
pub fn details(text: &str, meta: &mut ApiMeta) {
    meta.sdk = sdk_name(text);
    if let Some(table) = section(text, "## 请求").and_then(first_md_table) {
        for (key, value) in key_value_rows(table) {
            if key.starts_with("接口频率限制") {
                meta.rate_limit = Some(link_text(&plain(value))).filter(|t| !t.is_empty());
            } else if key.starts_with("支持的应用类型") {
                meta.app_types = app_types(value);
            } else if key.starts_with("权限要求") {
                meta.permissions = permissions(value);
            } else if key.starts_with("字段权限要求") {
                meta.field_permissions = permissions(value);
            }
        }
    }
    if let Some(headers) = section(text, "### 请求头") {
        meta.tokens = tokens(headers);
        meta.content_type = content_type(headers);
    }
    if let Some(errors) = section(text, "错误码") {
        meta.errors = error_codes(errors);
    }
}

/// `project=…&version=…&resource=…&method=…` of the `api_explore_config` link.
fn sdk_name(text: &str) -> Option<SdkName> {
    let start = text.find("api_explore_config?")? + "api_explore_config?".len();
    let query = &text[start..];
    let query = &query[..query.find([')', '"', '\n', ' ']).unwrap_or(query.len())];
    let value = |name: &str| {
        query
            .split('&')
            .find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))
            .map(str::to_owned)
            .filter(|v| !v.is_empty())
    };
    Some(SdkName {
        project: value("project")?,
        version: value("version")?,
        resource: value("resource")?,
        method: value("method")?,
    })
}

/// The text from the first heading line that contains `heading` (a `#` line) to the next heading of
/// the same or a higher level.
fn section<'t>(text: &'t str, heading: &str) -> Option<&'t str> {
    let mut offset = 0;
    let mut found: Option<(usize, usize)> = None;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim();
        if trimmed.starts_with('#') {
            let level = trimmed.chars().take_while(|&c| c == '#').count();
            match found {
                Some((start, open_level)) if level <= open_level => {
                    return Some(&text[start..offset]);
                }
                None if trimmed.contains(heading.trim_start_matches('#').trim()) => {
                    let wanted = heading.chars().take_while(|&c| c == '#').count();
                    if wanted == 0 || wanted == level {
                        found = Some((offset + line.len(), level));
                    }
                }
                _ => {}
            }
        }
        offset += line.len();
    }
    found.map(|(start, _)| &text[start..])
}

/// The inside of the first `<md-table>` of a section.
fn first_md_table(section: &str) -> Option<&str> {
    let open = section.find("<md-table")?;
    let close = section[open..]
        .find("</md-table>")
        .map_or(section.len(), |p| p + open);
    Some(&section[open..close])
}

/// `(key, value html)` of each `<md-tr>` whose first cell is an `<md-th>`.
fn key_value_rows(table: &str) -> Vec<(String, &str)> {
    rows(table)
        .filter_map(|row| {
            let th = row.find("<md-th")?;
            let th_end = row[th..].find("</md-th>").map_or(row.len(), |p| p + th);
            let key_html = row[th..th_end].split("<md-tooltip").next().unwrap_or("");
            let key = plain(key_html);
            let td = row[th_end..].find("<md-td").map(|p| p + th_end)?;
            let td_end = row[td..].find("</md-td>").map_or(row.len(), |p| p + td);
            Some((key, &row[td..td_end]))
        })
        .collect()
}

/// Each `<md-tr>` … `</md-tr>` of a table.
fn rows(table: &str) -> impl Iterator<Item = &str> {
    table
        .split("<md-tr>")
        .skip(1)
        .map(|chunk| chunk.split("</md-tr>").next().unwrap_or(chunk))
}

/// The cells (`<md-td>`) of a row, as plain text.
fn cells(row: &str) -> Vec<String> {
    row.split("<md-td")
        .skip(1)
        .map(|cell| {
            let inner = cell.split_once('>').map_or("", |(_, inner)| inner);
            plain(inner.split("</md-td>").next().unwrap_or(inner))
        })
        .collect()
}

/// Tags removed, entities decoded, whitespace collapsed.
fn plain(html: &str) -> String {
    decode_entities(&strip_tags(html))
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// `[label](url)` → `label`; other text unchanged.
fn link_text(text: &str) -> String {
    match (text.find('['), text.find("](")) {
        (Some(open), Some(close)) if open < close => {
            let after = text[close..]
                .find(')')
                .map_or(text.len(), |p| p + close + 1);
            format!(
                "{}{}{}",
                &text[..open],
                &text[open + 1..close],
                &text[after..]
            )
            .trim()
            .to_owned()
        }
        _ => text.trim().to_owned(),
    }
}

fn app_types(html: &str) -> Vec<String> {
    let types = html
        .find("<md-app-support")
        .and_then(|p| attribute(&html[p..], "types"))
        .map_or_else(|| plain(html), str::to_owned);
    types
        .split([',', ' ', '、'])
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Every `<md-perm name="scope">label</md-perm>`.
fn permissions(html: &str) -> Vec<Permission> {
    html.split("<md-perm")
        .skip(1)
        .map(|chunk| {
            let (tag, rest) = chunk.split_once('>').unwrap_or((chunk, ""));
            let label = plain(rest.split("</md-perm>").next().unwrap_or(rest));
            Permission {
                scope: attribute(tag, "name")
                    .map(str::to_owned)
                    .filter(|s| !s.is_empty()),
                label: (!label.is_empty()).then_some(label),
            }
        })
        .collect()
}

/// The token kinds of the header table, in page order, each once.
fn tokens(headers: &str) -> Vec<String> {
    let mut found: Vec<(usize, &str)> = Vec::new();
    for (tag, name) in [
        ("token-tenant", "tenant_access_token"),
        ("token-user", "user_access_token"),
        ("token-app", "app_access_token"),
    ] {
        if let Some(pos) = headers.find(tag) {
            found.push((pos, name));
        }
    }
    if !found.iter().any(|&(_, name)| name == "app_access_token") {
        if let Some(pos) = headers.find("app_access_token") {
            found.push((pos, "app_access_token"));
        }
    }
    found.sort();
    found.into_iter().map(|(_, name)| name.to_owned()).collect()
}

/// The media type of the `Content-Type` row, without parameters.
fn content_type(headers: &str) -> Option<String> {
    let row = rows(headers).find(|row| row.contains("Content-Type"))?;
    let text = cells(row).join(" ");
    [
        "multipart/form-data",
        "application/json",
        "application/x-www-form-urlencoded",
    ]
    .into_iter()
    .find(|kind| text.contains(kind))
    .map(str::to_owned)
}

/// The rows of the error-code table: HTTP status, code, description, advice.
fn error_codes(section: &str) -> Vec<ErrorCode> {
    let Some(table) = first_md_table(section) else {
        return Vec::new();
    };
    rows(table)
        .filter_map(|row| {
            let cells = cells(row);
            let code = cells.get(1)?.trim().parse().ok()?;
            Some(ErrorCode {
                status: cells.first().and_then(|s| s.trim().parse().ok()),
                code,
                message: cells.get(2).cloned().unwrap_or_default(),
                advice: cells.get(3).cloned().filter(|a| !a.is_empty()),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r#"# 更新应用审核状态

通过接口来更新。{尝试一下}(url=/api/tools/api_explore/api_explore_config?project=application&version=v6&resource=application.app_version&method=patch)

## 请求
<md-table>
    <md-tr>
      <md-th>HTTP URL</md-th>
      <md-td>https://open.feishu.cn/open-apis/application/v6/applications/:app_id</md-td>
    </md-tr>
    <md-tr>
      <md-th>接口频率限制</md-th>
      <md-td>[1000 次/分钟、50 次/秒](/ssl:ttdoc/ukTMukTMukTM/uUzN04SN3QjL1cDN)</md-td>
    </md-tr>
    <md-tr>
      <md-th>支持的应用类型</md-th>
      <md-td><md-app-support types="custom,isv"></md-app-support></md-td>
    </md-tr>
    <md-tr>
      <md-th>权限要求<md-tooltip type="info">任意一项</md-tooltip></md-th>
      <md-td><md-perm name="application:application.app_version" desc="d">更新应用版本信息</md-perm></md-td>
    </md-tr>
</md-table>
### 请求头
<md-table>
<md-tr><md-td>Authorization</md-td><md-td>
<md-tag mode="inline" type="token-user">user_access_token</md-tag> 或
<md-tag mode="inline" type="token-tenant">tenant_access_token</md-tag></md-td></md-tr>
<md-tr><md-td>Content-Type</md-td><md-td>string</md-td><md-td>**固定值**："multipart/form-data; boundary=---7MA4YWxkTrZu0gW"</md-td></md-tr>
</md-table>
## 响应
### 错误码
<md-table>
<md-tr><md-th>HTTP状态码</md-th><md-th>错误码</md-th></md-tr>
<md-tr>
  <md-td>400</md-td>
  <md-td>210503</md-td>
  <md-td>invalid app_id</md-td>
  <md-td>请检查 app_id</md-td>
</md-tr>
</md-table>
"#;

    #[test]
    fn reads_everything_around_the_tables() {
        let mut meta = ApiMeta::default();
        details(PAGE, &mut meta);
        let sdk = meta.sdk.unwrap();
        assert_eq!(
            [sdk.project, sdk.version, sdk.resource, sdk.method],
            ["application", "v6", "application.app_version", "patch"]
        );
        assert_eq!(meta.rate_limit.as_deref(), Some("1000 次/分钟、50 次/秒"));
        assert_eq!(meta.app_types, ["custom", "isv"]);
        assert_eq!(
            meta.permissions,
            [Permission {
                scope: Some("application:application.app_version".into()),
                label: Some("更新应用版本信息".into()),
            }]
        );
        assert_eq!(meta.tokens, ["user_access_token", "tenant_access_token"]);
        assert_eq!(meta.content_type.as_deref(), Some("multipart/form-data"));
        assert_eq!(
            meta.errors,
            [ErrorCode {
                status: Some(400),
                code: 210503,
                message: "invalid app_id".into(),
                advice: Some("请检查 app_id".into()),
            }]
        );
    }

    #[test]
    fn a_page_without_these_parts_leaves_them_empty() {
        let mut meta = ApiMeta::default();
        details("# t\n\nno tables", &mut meta);
        assert_eq!(meta, ApiMeta::default());
    }
}
