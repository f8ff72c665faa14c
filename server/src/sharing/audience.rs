//! What a short link or a recipient's page may show: never more than the
//! person behind it may read.
//!
//! A `/v/{code}` page is open to anyone with the link, and a `/p/{token}`
//! page to anyone the email was forwarded to, so each featured item is
//! checked when it is viewed, not when the link was made or the email sent:
//! it must still be published, and in the audience of the person behind it
//! as that person is now (department, location, role, account still
//! active). For an employee's share that person is the sharer — sharing
//! never widens an item's audience beyond their own; for HR's channel links
//! it is the HR person who made the link; for a recipient's page it is the
//! recipient. A link with nobody behind it, or a recipient who is only an
//! address, shows only items meant for everyone.

use std::collections::HashMap;

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::auth::Role;
use crate::entities::{collateral, recipient, short_link, user};
use crate::error::{AppError, Result};
use crate::library::model::Status;
use crate::spotlights::compose::FeaturedItem;
use crate::state::AppState;

/// Whose audience decides what a page shows.
pub enum Reader {
    /// An active account: what that person may read.
    Person(user::Model),
    /// Nobody in particular: items meant for everyone.
    Anyone,
    /// An account that can no longer read (left, deactivated): nothing.
    Nobody,
}

impl Reader {
    async fn account(state: &AppState, id: i32) -> Result<Reader> {
        Ok(match user::Entity::find_by_id(id).one(&state.db).await?.filter(|person| person.active) {
            Some(person) => Reader::Person(person),
            None => Reader::Nobody,
        })
    }

    /// The person behind a short link: its owner, else its maker.
    pub async fn of_link(state: &AppState, link: &short_link::Model) -> Result<Reader> {
        match link.owner_user_id.or(link.created_by) {
            Some(id) => Reader::account(state, id).await,
            None => Ok(Reader::Anyone),
        }
    }

    /// The recipient of a personal spotlight link.
    pub async fn of_recipient(state: &AppState, recipient: &recipient::Model) -> Result<Reader> {
        match recipient.user_id {
            Some(id) => Reader::account(state, id).await,
            None => Ok(Reader::Anyone),
        }
    }

    /// Whether this reader may see `item` now.
    pub fn may_read(&self, item: &collateral::Model) -> bool {
        if item.status != Status::Published.as_str() {
            return false;
        }
        match self {
            Reader::Person(person) if person.role.parse::<Role>().is_ok_and(|role| role.allows(Role::HrStaff)) => true,
            Reader::Person(person) => crate::library::service::in_audience(item, &person.department, &person.location),
            Reader::Anyone => crate::library::service::in_audience_of_everyone(item),
            Reader::Nobody => false,
        }
    }

    /// The items of `items` this reader may see, in their order.
    pub async fn filter(&self, state: &AppState, items: Vec<FeaturedItem>) -> Result<Vec<FeaturedItem>> {
        let ids: Vec<i32> = items.iter().map(|item| item.collateral_id).collect();
        let rows: HashMap<i32, collateral::Model> =
            collateral::Entity::find().filter(collateral::Column::Id.is_in(ids)).all(&state.db).await?.into_iter().map(|row| (row.id, row)).collect();
        Ok(items.into_iter().filter(|item| rows.get(&item.collateral_id).is_some_and(|row| self.may_read(row))).collect())
    }

    /// One item for this reader, or "not found" (the same answer as a missing one).
    pub async fn check(&self, state: &AppState, item: FeaturedItem) -> Result<FeaturedItem> {
        self.filter(state, vec![item]).await?.pop().ok_or(AppError::NotFound)
    }
}

/// The items of `items` this link may show, in their order.
pub async fn visible(state: &AppState, link: &short_link::Model, items: Vec<FeaturedItem>) -> Result<Vec<FeaturedItem>> {
    Reader::of_link(state, link).await?.filter(state, items).await
}

/// One item through this link, or "not found" (the same answer as a missing one).
pub async fn check(state: &AppState, link: &short_link::Model, item: FeaturedItem) -> Result<FeaturedItem> {
    Reader::of_link(state, link).await?.check(state, item).await
}
