//! What a short link may show: never more than the person behind it may read.
//!
//! A `/v/{code}` page is open to anyone with the link, so each featured item
//! is checked when it is viewed, not when the link was made: it must still be
//! published, and in the audience of the link's owner as that person is now
//! (department, location, role, account still active). For an employee's
//! share the owner is the sharer — sharing never widens an item's audience
//! beyond their own; for HR's channel links it is the HR person who made
//! the link. A link with nobody behind it shows only items meant for everyone.
//! (The recipient page `/p/{token}` is different: it shows what HR sent that
//! recipient, as sent.)

use std::collections::HashMap;

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::auth::Role;
use crate::entities::{collateral, short_link, user};
use crate::error::{AppError, Result};
use crate::library::model::Status;
use crate::spotlights::compose::FeaturedItem;
use crate::state::AppState;

/// The person whose audience a link shows items to, if they can still read.
async fn owner_of(state: &AppState, link: &short_link::Model) -> Result<Option<user::Model>> {
    let Some(id) = link.owner_user_id.or(link.created_by) else { return Ok(None) };
    Ok(user::Entity::find_by_id(id).one(&state.db).await?.filter(|owner| owner.active))
}

/// Whether the link's owner (or, with none, everyone) may read `item` now.
pub fn may_show(item: &collateral::Model, owner: Option<&user::Model>, ownerless: bool) -> bool {
    if item.status != Status::Published.as_str() {
        return false;
    }
    match owner {
        Some(owner) if owner.role.parse::<Role>().is_ok_and(|role| role.allows(Role::HrStaff)) => true,
        Some(owner) => crate::library::service::in_audience(item, &owner.department, &owner.location),
        None => ownerless && crate::library::service::in_audience_of_everyone(item),
    }
}

/// The items of `items` this link may show, in their order.
pub async fn visible(state: &AppState, link: &short_link::Model, items: Vec<FeaturedItem>) -> Result<Vec<FeaturedItem>> {
    let owner = owner_of(state, link).await?;
    let ownerless = link.owner_user_id.is_none() && link.created_by.is_none();
    let ids: Vec<i32> = items.iter().map(|item| item.collateral_id).collect();
    let rows: HashMap<i32, collateral::Model> =
        collateral::Entity::find().filter(collateral::Column::Id.is_in(ids)).all(&state.db).await?.into_iter().map(|row| (row.id, row)).collect();
    Ok(items.into_iter().filter(|item| rows.get(&item.collateral_id).is_some_and(|row| may_show(row, owner.as_ref(), ownerless))).collect())
}

/// One item through this link, or "not found" (the same answer as a missing one).
pub async fn check(state: &AppState, link: &short_link::Model, item: FeaturedItem) -> Result<FeaturedItem> {
    visible(state, link, vec![item]).await?.pop().ok_or(AppError::NotFound)
}
