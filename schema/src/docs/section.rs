//! What a field table documents, told by the heading above it, and the API line of a server API page.

use super::model::ApiMeta;

/// The part of a page a field table belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// An event body (or a table under no telling heading).
    Body,
    /// An API request body (`请求体`).
    Request,
    /// An API response body (`响应体`).
    Response,
    /// Path parameters (`路径参数`).
    Path,
    /// A callback's answer: what the app responds with (`响应回调的结构体`).
    Answer,
    /// Query parameters (`查询参数`).
    Query,
    /// Headers and other parameter tables: not a body.
    Parameters,
}

/// The role of a table given the text of the nearest heading above it.
pub fn role_of(heading: &str) -> Role {
    let h = heading.trim_start_matches('#').trim();
    if h.contains("响应回调") {
        Role::Answer
    } else if h.contains("响应体") || h == "响应" {
        Role::Response
    } else if h.contains("请求体") {
        Role::Request
    } else if h.starts_with("路径参数") {
        Role::Path
    } else if h.starts_with("查询参数") {
        Role::Query
    } else if ["请求头", "路径参数", "查询参数", "请求参数", "参数"]
        .iter()
        .any(|p| h.starts_with(p))
    {
        Role::Parameters
    } else {
        Role::Body
    }
}

/// The roles of tables starting at the line indices `starts` (in page order), each from the nearest `#`
/// heading above it, in one pass over the lines. A table under a subheading of a callback's answer
/// (`## 响应回调的结构体` › `### 使用卡片模板响应`) is an answer too.
pub fn roles_at(lines: &[&str], starts: &[usize]) -> Vec<Role> {
    let mut heading: Option<&str> = None;
    // The level of the answer heading the lines are under, if any.
    let mut answer_level: Option<usize> = None;
    let mut next_line = 0;
    starts
        .iter()
        .map(|&start| {
            for line in &lines[next_line..start.clamp(next_line, lines.len())] {
                if line.starts_with('#') {
                    let level = line.len() - line.trim_start_matches('#').len();
                    if answer_level.is_some_and(|answer| level <= answer) {
                        answer_level = None;
                    }
                    if role_of(line) == Role::Answer {
                        answer_level = Some(level);
                    }
                    heading = Some(*line);
                }
            }
            next_line = next_line.max(start.min(lines.len()));
            match heading.map_or(Role::Body, role_of) {
                Role::Body if answer_level.is_some() => Role::Answer,
                role => role,
            }
        })
        .collect()
}

/// The method and path of a server API page, from its `HTTP URL` / `HTTP Method` rows in any rendering.
pub fn api_meta(text: &str) -> Option<ApiMeta> {
    let url_at = text.find("HTTP URL")?;
    let after_url = &text[url_at..];
    let url = after_url.find("http").filter(|&p| p < 400).map(|p| {
        let rest = &after_url[p..];
        let end = rest
            .find(|c: char| c.is_whitespace() || "<|)\"'`".contains(c))
            .unwrap_or(rest.len());
        &rest[..end]
    });
    let path = url.and_then(|u| {
        let without_scheme = u.split_once("://").map_or(u, |(_, r)| r);
        without_scheme
            .find('/')
            .map(|p| without_scheme[p..].to_string())
    });
    let method = text.find("HTTP Method").and_then(|p| {
        text[p + "HTTP Method".len()..]
            .split(|c: char| !c.is_ascii_alphabetic())
            .filter(|w| !w.is_empty())
            .take(12)
            .find(|w| ["GET", "POST", "PUT", "PATCH", "DELETE"].contains(w))
            .map(str::to_string)
    });
    (path.is_some() || method.is_some()).then(|| ApiMeta {
        method,
        path,
        ..ApiMeta::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_from_headings() {
        assert_eq!(role_of("### 响应体"), Role::Response);
        assert_eq!(role_of("### 请求体"), Role::Request);
        assert_eq!(role_of("### 查询参数"), Role::Query);
        assert_eq!(role_of("## 事件体"), Role::Body);
        assert_eq!(role_of("## 响应回调的结构体"), Role::Answer);
        let lines = [
            "| a | b |",
            "### 路径参数",
            "| 名称 | 类型 | 描述 |",
            "## 响应体",
            "|",
        ];
        assert_eq!(
            roles_at(&lines, &[0, 2, 4]),
            [Role::Body, Role::Path, Role::Response]
        );
        let callback = [
            "## 回调结构体",
            "|",
            "## 响应回调的结构体",
            "### 使用卡片 JSON 代码响应",
            "|",
            "### 使用卡片模板响应",
            "|",
            "## 错误码",
            "|",
        ];
        assert_eq!(
            roles_at(&callback, &[1, 4, 6, 8]),
            [Role::Body, Role::Answer, Role::Answer, Role::Body]
        );
    }

    #[test]
    fn api_line_in_each_rendering() {
        let md = "| HTTP URL | https://open.feishu.cn/open-apis/im/v1/messages |\n| HTTP Method | POST |";
        let source = "<md-th>HTTP URL</md-th>\n<md-td>https://open.feishu.cn/open-apis/x/:id</md-td>\n</md-tr><md-tr><md-th>HTTP Method</md-th>\n<md-td>GET</md-td>";
        assert_eq!(
            api_meta(md),
            Some(ApiMeta {
                method: Some("POST".into()),
                path: Some("/open-apis/im/v1/messages".into()),
                ..ApiMeta::default()
            })
        );
        assert_eq!(
            api_meta(source).unwrap().path.as_deref(),
            Some("/open-apis/x/:id")
        );
        assert_eq!(api_meta("no api here"), None);
    }
}

/// The tables a page's schema is read from, as indices into its field tables (in page order).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Picked {
    /// The body: an event's body, or an API page's response body.
    pub main: Option<usize>,
    /// An API page's request body.
    pub request: Option<usize>,
    /// An API page's path parameters.
    pub path: Option<usize>,
    /// An API page's query parameters.
    pub query: Option<usize>,
    /// A callback page's answer (the first table under `响应回调…`).
    pub answer: Option<usize>,
    /// Further body tables, not read (reported as warnings).
    pub further: Vec<usize>,
}

impl Picked {
    /// Picks from the tables' roles; `api` says whether the page documents a server API.
    pub fn from_roles(roles: &[Role], api: bool) -> Picked {
        let first = |role: Role| roles.iter().position(|&r| r == role);
        let (main, request, path, query, answer) = if api {
            (
                first(Role::Response),
                first(Role::Request),
                first(Role::Path),
                first(Role::Query),
                None,
            )
        } else {
            (first(Role::Body), None, None, None, first(Role::Answer))
        };
        let picked = [main, request, path, query, answer];
        let further = roles
            .iter()
            .enumerate()
            .filter(|&(i, _)| !picked.contains(&Some(i)))
            .filter(|&(_, &r)| {
                if api {
                    matches!(r, Role::Response | Role::Request)
                } else {
                    !matches!(r, Role::Parameters | Role::Path | Role::Query)
                }
            })
            .map(|(i, _)| i)
            .collect();
        Picked {
            main,
            request,
            path,
            query,
            answer,
            further,
        }
    }

    /// The index of the next picked table after table `i` (examples are looked for before it).
    pub fn next_after(&self, i: usize) -> Option<usize> {
        [self.main, self.request, self.path, self.query, self.answer]
            .into_iter()
            .flatten()
            .filter(|&j| j > i)
            .min()
    }
}
