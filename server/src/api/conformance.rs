//! What makes the OpenAPI document true of every answer: each error answer
//! is documented with the `{"error": {"code", "message"}}` body it has (the
//! handlers' own errors and axum's rejections alike, see
//! `error::render_errors`), and every operation has its own operationId.

use serde::Serialize;
use utoipa::openapi::path::{Operation, PathItem};
use utoipa::openapi::{Content, Ref, RefOr, Response};
use utoipa::{Modify, ToSchema};

/// Every API error: `{"error": {"code": "not_found", "message": "Not found."}}`.
#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable and machine-readable: `bad_request`, `unauthorized`, `forbidden`, `not_found`, `conflict`, `unprocessable`, `unsupported_media_type`, …
    pub code: String,
    /// For people; may change.
    pub message: String,
}

fn operations(item: &mut PathItem) -> impl Iterator<Item = (&'static str, &mut Operation)> {
    [
        ("get", item.get.as_mut()),
        ("put", item.put.as_mut()),
        ("post", item.post.as_mut()),
        ("delete", item.delete.as_mut()),
        ("patch", item.patch.as_mut()),
        ("head", item.head.as_mut()),
        ("options", item.options.as_mut()),
        ("trace", item.trace.as_mut()),
    ]
    .into_iter()
    .filter_map(|(method, operation)| operation.map(|operation| (method, operation)))
}

/// Documents the error answers every operation can give: 400 for a path,
/// query or body that cannot be parsed, and for a JSON body 415 (not JSON)
/// and 422 (JSON of the wrong shape); and gives every error answer its body.
pub struct ErrorResponses;

impl Modify for ErrorResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for item in openapi.paths.paths.values_mut() {
            for (_, operation) in operations(item) {
                let responses = &mut operation.responses.responses;
                let mut implied = vec![("400", "The path, query or body could not be read.")];
                if operation.request_body.is_some() {
                    implied.push(("415", "The body is not JSON (`Content-Type: application/json`)."));
                    implied.push(("422", "The body is JSON but not of the documented shape, or a value is not acceptable."));
                }
                for (status, description) in implied {
                    responses.entry(status.to_owned()).or_insert_with(|| RefOr::T(Response::new(description)));
                }
                for (status, response) in responses.iter_mut() {
                    let is_error = status.starts_with('4') || status.starts_with('5');
                    if let (true, RefOr::T(response)) = (is_error, response) {
                        if response.description.is_empty() {
                            response.description = describe(status).to_owned();
                        }
                        response.content.insert("application/json".to_owned(), Content::new(Some(Ref::from_schema_name("ErrorBody"))));
                    }
                }
            }
        }
    }
}

fn describe(status: &str) -> &'static str {
    match status {
        "400" => "The path, query or body could not be read.",
        "401" => "No valid bearer token.",
        "403" => "Your role may not do this.",
        "404" => "No such thing, or not one you may see.",
        "409" => "It conflicts with the current state.",
        "415" => "The body is not JSON.",
        "422" => "A value is not acceptable.",
        "429" => "Too many requests; try again later.",
        _ => "An error.",
    }
}

/// The operationId of every operation is its method and path
/// (`get_announcements_by_id_stats` for `GET /api/v1/announcements/{id}/stats`):
/// unique by construction, where the handlers' names (`create`, `list`) repeat.
pub struct UniqueOperationIds;

pub fn operation_id(method: &str, path: &str) -> String {
    let segments = path.trim_start_matches("/api/v1").split('/').filter(|s| !s.is_empty()).map(|segment| {
        match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(parameter) => format!("by_{parameter}"),
            None => segment.replace(['-', '.'], "_"),
        }
    });
    std::iter::once(method.to_owned()).chain(segments).collect::<Vec<_>>().join("_")
}

impl Modify for UniqueOperationIds {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for (path, item) in openapi.paths.paths.iter_mut() {
            for (method, operation) in operations(item) {
                operation.operation_id = Some(operation_id(method, path));
            }
        }
    }
}
