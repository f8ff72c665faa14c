use axum::Json;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::conformance::{ErrorBody, ErrorDetail, ErrorResponses, UniqueOperationIds};

#[derive(OpenApi)]
#[openapi(
    info(title = "Herald API", description = "HR spotlights: library, announcements, tracking and feedback."),
    paths(
        super::me,
        crate::users::api::list,
        crate::users::api::create,
        crate::library::api::search,
        crate::library::api::list,
        crate::library::api::get,
        crate::library::api::create,
        crate::library::api::update,
        crate::library::api::archive,
        crate::spotlights::api::create,
        crate::spotlights::api::list,
        crate::spotlights::api::get,
        crate::spotlights::api::send,
        crate::spotlights::review_api::submit,
        crate::spotlights::review_api::approve,
        crate::spotlights::review_api::reject,
        crate::spotlights::review_api::trail,
        crate::spotlights::review_api::preflight,
        crate::spotlights::api::pause,
        crate::spotlights::api::resume,
        crate::spotlights::api::cancel,
        crate::spotlights::api::lists,
        crate::spotlights::api::create_list,
        crate::spotlights::api::add_members,
        crate::spotlights::api::bounce,
        crate::webhooks::api::list,
        crate::webhooks::api::create,
        crate::sharing::api::stats,
        crate::sharing::api::create_short_link,
        crate::comments::api::list,
        crate::comments::api::create,
        crate::comments::questions_api::list,
        crate::sign_in_links::invitation_api::create,
        crate::sign_in_links::invitation_api::list,
        crate::sign_in_links::invitation_api::get,
        crate::auth::oidc::api::status,
        crate::scim::api::list_tokens,
        crate::scim::api::create_token,
        crate::scim::api::revoke_token,
        crate::scim::api::events,
        crate::acknowledgements::api::create,
        crate::acknowledgements::api::list,
        crate::acknowledgements::api::get,
        crate::acknowledgements::api::people,
        crate::acknowledgements::api::send,
        crate::acknowledgements::api::confirm,
        crate::acknowledgements::api::mine,
    ),
    components(schemas(ErrorBody, ErrorDetail)),
    modifiers(&BearerAuth, &ErrorResponses, &UniqueOperationIds)
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme("bearer", SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()));
    }
}

pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    #[test]
    fn every_operation_id_is_unique() {
        let document = ApiDoc::openapi();
        let mut seen: BTreeMap<String, String> = BTreeMap::new();
        for (path, item) in &document.paths.paths {
            for operation in [&item.get, &item.put, &item.post, &item.delete, &item.patch].into_iter().flatten() {
                let id = operation.operation_id.clone().expect("every operation has an operationId");
                if let Some(other) = seen.insert(id.clone(), path.clone()) {
                    panic!("operationId {id} is used by {other} and {path}");
                }
            }
        }
        assert!(seen.contains_key("get_announcements_by_id_stats"), "{seen:?}");
    }

    /// utoipa names a schema after its type and keeps one of two types of
    /// the same name without a word, so every type that derives `ToSchema`
    /// must have a name (or `#[schema(as = …)]`) of its own.
    #[test]
    fn every_schema_name_refers_to_one_type() {
        let mut names: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("server/src");
        let mut folders = vec![root];
        while let Some(folder) = folders.pop() {
            for entry in std::fs::read_dir(&folder).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    folders.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    for name in schema_names(&std::fs::read_to_string(&path).unwrap()) {
                        names.entry(name).or_default().push(path.display().to_string());
                    }
                }
            }
        }
        assert!(names.contains_key("AnnouncementStats"), "the scan finds the API's types");
        let repeated: Vec<_> = names.iter().filter(|(_, files)| files.len() > 1).collect();
        assert!(repeated.is_empty(), "schema names used by more than one type: {repeated:?}");
        // And the document holds every schema it refers to.
        let document = serde_json::to_string(&ApiDoc::openapi()).unwrap();
        let schemas = ApiDoc::openapi().components.unwrap().schemas;
        for reference in document.split("\"#/components/schemas/").skip(1) {
            let name = &reference[..reference.find('"').unwrap()];
            assert!(schemas.contains_key(name), "{name} is referred to but not defined");
        }
    }

    /// The schema names a source file's `ToSchema` types get.
    fn schema_names(source: &str) -> Vec<String> {
        let mut names = Vec::new();
        let lines: Vec<&str> = source.lines().map(str::trim).collect();
        for (index, line) in lines.iter().enumerate() {
            if !(line.starts_with("#[derive(") && line.contains("ToSchema")) {
                continue;
            }
            let mut renamed = None;
            for next in &lines[index + 1..] {
                if let Some(rest) = next.strip_prefix("#[schema(as = ") {
                    renamed = rest.split(|c: char| c == ')' || c == ',').next().map(|s| s.rsplit("::").next().unwrap_or(s).trim().to_owned());
                }
                let item = next.trim_start_matches("pub(crate) ").trim_start_matches("pub ");
                if let Some(rest) = item.strip_prefix("struct ").or_else(|| item.strip_prefix("enum ")) {
                    let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                    names.push(renamed.take().unwrap_or(name));
                    break;
                }
            }
        }
        names
    }
}
