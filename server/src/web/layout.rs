//! What every page's layout needs: who is signed in (for the navigation),
//! which page this is (for `aria-current`) and the CSRF token (for the
//! sign-out form).

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{Html, Response};

use crate::auth::{AuthSession, Role};
use crate::error::Result;

#[derive(Clone, Debug, Default)]
pub struct Layout {
    pub user: Option<NavUser>,
    pub csrf: String,
    /// The path being answered, so the navigation can mark where the reader is.
    pub path: String,
    /// A confirmation of what the reader just did, named by `?notice=`.
    pub notice: Option<super::notice::Notice>,
}

tokio::task_local! {
    /// Set by [`remember_path`] for the handler's task: every page gets its
    /// current path without each handler passing the request along.
    static REQUEST_PATH: String;
    static REQUEST_QUERY: String;
}

/// The middleware that makes the request's path known to [`Layout`].
pub async fn remember_path(request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    let query = request.uri().query().unwrap_or_default().to_owned();
    REQUEST_PATH.scope(path, REQUEST_QUERY.scope(query, next.run(request))).await
}

fn request_path() -> String {
    REQUEST_PATH.try_with(Clone::clone).unwrap_or_default()
}

/// One link of the main navigation.
pub struct NavLink {
    pub href: &'static str,
    pub label: &'static str,
    pub current: bool,
}

#[derive(Clone, Debug)]
pub struct NavUser {
    pub name: String,
    pub role: Role,
}

impl Layout {
    pub fn for_user(auth: &AuthSession) -> Self {
        Layout {
            user: Some(NavUser { name: auth.user.name.clone(), role: auth.role() }),
            // Masked afresh for every page: compressed pages must not repeat a secret (auth::csrf).
            csrf: crate::auth::csrf::masked(&auth.csrf_token),
            path: request_path(),
            notice: REQUEST_QUERY.try_with(|query| super::notice::Notice::from_query(query)).ok().flatten(),
        }
    }

    /// The navigation for the reader's role; the link whose section holds
    /// the current page is marked current.
    pub fn nav_links(&self) -> Vec<NavLink> {
        const EVERYONE: [(&str, &str); 5] = [("/", "Home"), ("/library", "Library"), ("/news", "News"), ("/shares", "My shares"), ("/questions", "Questions")];
        const STAFF: [(&str, &str); 6] = [("/spotlights", "Spotlights"), ("/lists", "Lists"), ("/directory", "Directory"), ("/inbox", "Inbox"), ("/acknowledgements", "Acknowledgements"), ("/moderation", "Moderation")];
        const LEAD: [(&str, &str); 1] = [("/analytics", "Analytics")];
        const ADMIN: [(&str, &str); 4] = [("/admin/users", "Users"), ("/admin/import", "Import"), ("/admin/webhooks", "Webhooks"), ("/admin/identity", "Identity")];
        let mut links: Vec<(&'static str, &'static str)> = EVERYONE.to_vec();
        if self.is_staff() {
            links.extend(STAFF);
        }
        if self.is_lead() {
            links.extend(LEAD);
        }
        if self.is_admin() {
            links.extend(ADMIN);
        }
        links.into_iter().map(|(href, label)| NavLink { href, label, current: in_section(&self.path, href) }).collect()
    }

    fn has(&self, role: Role) -> bool {
        self.user.as_ref().is_some_and(|user| user.role.allows(role))
    }

    pub fn is_staff(&self) -> bool {
        self.has(Role::HrStaff)
    }

    pub fn is_lead(&self) -> bool {
        self.has(Role::HrLead)
    }

    pub fn is_admin(&self) -> bool {
        self.has(Role::Admin)
    }
}

fn in_section(path: &str, href: &str) -> bool {
    if href == "/" {
        return path == "/";
    }
    path == href || path.strip_prefix(href).is_some_and(|rest| rest.starts_with('/'))
}

/// Renders an askama page into an HTML response.
pub fn render<T: askama::Template>(page: &T) -> Result<Html<String>> {
    Ok(Html(page.render()?))
}

#[cfg(test)]
mod tests {
    use super::in_section;

    #[test]
    fn a_link_is_current_on_its_page_and_the_pages_below_it() {
        assert!(in_section("/", "/"));
        assert!(!in_section("/library", "/"));
        assert!(in_section("/library/dental-plan", "/library"));
        assert!(in_section("/lists", "/lists"));
        assert!(!in_section("/listsx", "/lists"));
        assert!(!in_section("/admin/users", "/admin/import"));
    }
}
