use axum::Json;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

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
    ),
    modifiers(&BearerAuth)
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
