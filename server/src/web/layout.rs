//! What every page's layout needs: who is signed in (for the navigation) and
//! the CSRF token (for the sign-out form).

use axum::response::Html;

use crate::auth::{AuthSession, Role};
use crate::error::Result;

#[derive(Clone, Debug, Default)]
pub struct Layout {
    pub user: Option<NavUser>,
    pub csrf: String,
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
            csrf: auth.csrf_token.clone(),
        }
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

/// Renders an askama page into an HTML response.
pub fn render<T: askama::Template>(page: &T) -> Result<Html<String>> {
    Ok(Html(page.render()?))
}
