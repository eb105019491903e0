//! Where an API lives in the generated crate: `service::version::resource::method`, as the official
//! SDKs group it (`application` `v6` `application.app_version` `patch` →
//! `application::v6::application_app_version::patch`).

use lark_schema::contract::ApiInfo;

use crate::naming;

/// The module path of one API, each part a Rust identifier.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ApiPath {
    pub service: String,
    pub version: String,
    pub resource: String,
    pub method: String,
}

impl ApiPath {
    /// `service::version::resource::method`.
    pub fn display(&self) -> String {
        format!(
            "{}::{}::{}::{}",
            self.service, self.version, self.resource, self.method
        )
    }
}

/// The path from the official SDKs' name when the page gives it, else from the URL:
/// `/open-apis/{service}/{version}/{resource segments…}/{method segment}` (`GET /open-apis/contact/v3/users/:user_id`
/// → `contact::v3::users::get`); a URL outside `/open-apis/` from its first segment on. `None` for a
/// path that is not absolute.
pub fn api_path(api: &ApiInfo) -> Option<ApiPath> {
    if let Some(sdk) = &api.sdk {
        return Some(ApiPath {
            service: naming::module_name(&sdk.project),
            version: naming::module_name(&sdk.version),
            resource: module(&sdk.resource.replace('.', "_")),
            method: module(&sdk.method),
        });
    }
    let path = api.path.as_deref()?;
    // Old APIs live outside `/open-apis/` (`/approval/openapi/v1/id/get`): named the same way.
    let rest = path
        .strip_prefix("/open-apis/")
        .or_else(|| path.strip_prefix('/'))?;
    let segments: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
    let (service, rest) = segments.split_first()?;
    let (version, rest) = match rest.split_first() {
        Some((version, rest)) if is_version(version) => (*version, rest),
        _ => ("v1", rest),
    };
    let words: Vec<&str> = rest
        .iter()
        .filter(|s| !s.starts_with(':') && !s.starts_with('{'))
        .copied()
        .collect();
    let http = api.method.as_deref().unwrap_or("call").to_ascii_lowercase();
    let ends_with_parameter = rest.last().is_some_and(|s| s.starts_with(':'));
    let (resource, method) = match words.split_last() {
        None => (service.to_string(), http),
        Some((last, [])) => (last.to_string(), http),
        Some((last, _)) if ends_with_parameter => (
            words.join("_"),
            format!("{http}_{}", naming::singular(last)),
        ),
        Some((last, before)) => (before.join("_"), last.to_string()),
    };
    Some(ApiPath {
        service: naming::module_name(service),
        version: naming::module_name(version),
        resource: module(&resource),
        method: module(&method),
    })
}

/// `v1`, `v2`, …
fn is_version(segment: &str) -> bool {
    segment
        .strip_prefix('v')
        .is_some_and(|digits| !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()))
}

/// A snake_case module name; keywords get a trailing `_`.
fn module(text: &str) -> String {
    naming::module_name(&naming::method_name(text))
}

#[cfg(test)]
mod tests {
    use lark_schema::contract::SdkName;

    use super::*;

    fn info(method: &str, path: &str) -> ApiInfo {
        ApiInfo {
            method: Some(method.into()),
            path: Some(path.into()),
            ..ApiInfo::default()
        }
    }

    #[test]
    fn the_sdk_name_wins() {
        let api = ApiInfo {
            sdk: Some(SdkName {
                project: "application".into(),
                version: "v6".into(),
                resource: "application.app_version".into(),
                method: "patch".into(),
            }),
            ..info("PATCH", "/open-apis/application/v6/applications/:app_id")
        };
        assert_eq!(
            api_path(&api).unwrap().display(),
            "application::v6::application_app_version::patch"
        );
    }

    #[test]
    fn names_from_the_url() {
        let cases = [
            (
                "GET",
                "/open-apis/application/v3/is_user_admin",
                "application::v3::is_user_admin::get",
            ),
            (
                "GET",
                "/open-apis/contact/v3/users/:user_id",
                "contact::v3::users::get",
            ),
            (
                "POST",
                "/open-apis/sheets/v2/spreadsheets/:token/values_batch_get",
                "sheets::v2::spreadsheets::values_batch_get",
            ),
            (
                "POST",
                "/open-apis/mina/v2/tokenLoginValidate",
                "mina::v2::token_login_validate::post",
            ),
            (
                "GET",
                "/open-apis/meeting_room/building/batch_get_id",
                "meeting_room::v1::building::batch_get_id",
            ),
        ];
        for (method, path, expected) in cases {
            assert_eq!(
                api_path(&info(method, path)).unwrap().display(),
                expected,
                "{path}"
            );
        }
        assert_eq!(
            api_path(&info("POST", "/approval/openapi/v1/id/get"))
                .unwrap()
                .display(),
            "approval::v1::openapi_v1_id::get"
        );
        assert_eq!(api_path(&info("GET", "other")), None);
    }
}
