//! Extractors that make a handler's access rule part of its signature:
//! `CurrentUser` for any signed-in role, `Require<HrStaff>` and friends for more.

use std::marker::PhantomData;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;

use super::session::AuthSession;
use super::Role;
use crate::error::AppError;

/// Any signed-in user; anonymous requests get 401 (pages redirect to login).
pub struct CurrentUser(pub AuthSession);

impl<S: Send + Sync> FromRequestParts<S> for CurrentUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts.extensions.get::<AuthSession>().cloned().map(CurrentUser).ok_or(AppError::Unauthorized)
    }
}

/// Whoever is signed in, if anyone: for public pages that offer more to members.
pub struct OptionalUser(pub Option<AuthSession>);

impl<S: Send + Sync> FromRequestParts<S> for OptionalUser {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(OptionalUser(parts.extensions.get::<AuthSession>().cloned()))
    }
}

/// The least role a route needs.
pub trait MinRole: Send + Sync {
    const ROLE: Role;
}

macro_rules! min_role {
    ($name:ident, $role:expr) => {
        pub struct $name;
        impl MinRole for $name {
            const ROLE: Role = $role;
        }
    };
}

min_role!(HrStaff, Role::HrStaff);
min_role!(HrLead, Role::HrLead);
min_role!(Admin, Role::Admin);

/// A signed-in user whose role is at least `R::ROLE`; others get 403.
pub struct Require<R: MinRole>(pub AuthSession, PhantomData<R>);

impl<R: MinRole> Require<R> {
    pub fn user(&self) -> &AuthSession {
        &self.0
    }
}

impl<S: Send + Sync, R: MinRole> FromRequestParts<S> for Require<R> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let CurrentUser(auth) = CurrentUser::from_request_parts(parts, state).await?;
        if auth.role().allows(R::ROLE) {
            Ok(Require(auth, PhantomData))
        } else {
            Err(AppError::Forbidden)
        }
    }
}
