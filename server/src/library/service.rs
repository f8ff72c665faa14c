//! Creating, editing and reading collateral. Every change writes a version
//! and a row in `collateral_changes`, in the same transaction, so the search
//! index (which follows that log) can never miss one.

use chrono::{NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set,
    TransactionTrait,
};

use super::model::{CollateralInput, Status};
use crate::auth::{AuthSession, Role};
use crate::entities::collateral::{self, join_list};
use crate::entities::{collateral_change, collateral_version};
use crate::error::{AppError, Result};

pub async fn create(db: &DatabaseConnection, owner_id: i32, input: CollateralInput) -> Result<collateral::Model> {
    // Two items with one title created at the same moment pick the same free
    // slug; the loser's insert hits the unique index and picks again.
    let mut attempts = 0;
    loop {
        let txn = db.begin().await?;
        match create_in(&txn, owner_id, input.clone()).await {
            Ok(item) => {
                txn.commit().await?;
                return Ok(item);
            }
            Err(AppError::Internal(err)) if attempts < 5 && is_unique_violation(&err) => {
                txn.rollback().await?;
                attempts += 1;
            }
            Err(err) => return Err(err),
        }
    }
}

fn is_unique_violation(err: &anyhow::Error) -> bool {
    err.downcast_ref::<sea_orm::DbErr>().is_some_and(|db| matches!(db.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_))))
}

/// `create` inside a transaction the caller owns (bulk imports batch many items in one).
pub async fn create_in<C: ConnectionTrait>(txn: &C, owner_id: i32, input: CollateralInput) -> Result<collateral::Model> {
    let slug = unique_slug(txn, &input.title).await?;
    let now = Utc::now();
    let item = collateral::ActiveModel {
        slug: Set(slug),
        title: Set(input.title.clone()),
        summary: Set(input.summary.clone()),
        body: Set(input.body.clone()),
        kind: Set(input.kind.as_str().to_owned()),
        category: Set(input.category.clone()),
        tags: Set(join_list(&input.tags)),
        audience_departments: Set(join_list(&input.audience_departments)),
        audience_locations: Set(join_list(&input.audience_locations)),
        owner_id: Set(owner_id),
        status: Set(input.status.as_str().to_owned()),
        effective_date: Set(input.effective_date),
        review_date: Set(input.review_date),
        external_url: Set(input.external_url.clone()),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    let note = if input.change_note.is_empty() { "Created".to_owned() } else { input.change_note.clone() };
    write_version(txn, &item, owner_id, &note).await?;
    record_change(txn, item.id).await?;
    Ok(item)
}

pub async fn update(db: &DatabaseConnection, item: collateral::Model, editor_id: i32, input: CollateralInput) -> Result<collateral::Model> {
    let txn = db.begin().await?;
    let version = item.version + 1;
    let mut active: collateral::ActiveModel = item.into();
    active.title = Set(input.title);
    active.summary = Set(input.summary);
    active.body = Set(input.body);
    active.kind = Set(input.kind.as_str().to_owned());
    active.category = Set(input.category);
    active.tags = Set(join_list(&input.tags));
    active.audience_departments = Set(join_list(&input.audience_departments));
    active.audience_locations = Set(join_list(&input.audience_locations));
    active.status = Set(input.status.as_str().to_owned());
    active.effective_date = Set(input.effective_date);
    active.review_date = Set(input.review_date);
    active.external_url = Set(input.external_url);
    active.version = Set(version);
    active.updated_at = Set(Utc::now());
    let item = active.update(&txn).await?;
    let note = if input.change_note.is_empty() { "Edited".to_owned() } else { input.change_note };
    write_version(&txn, &item, editor_id, &note).await?;
    record_change(&txn, item.id).await?;
    txn.commit().await?;
    Ok(item)
}

/// Publishes, archives or returns an item to draft, as a new version.
pub async fn set_status(db: &DatabaseConnection, item: collateral::Model, editor_id: i32, status: Status) -> Result<collateral::Model> {
    if item.status == status.as_str() {
        return Ok(item);
    }
    let txn = db.begin().await?;
    let version = item.version + 1;
    let mut active: collateral::ActiveModel = item.into();
    active.status = Set(status.as_str().to_owned());
    active.version = Set(version);
    active.updated_at = Set(Utc::now());
    let item = active.update(&txn).await?;
    write_version(&txn, &item, editor_id, &format!("Status set to {}", status.label().to_lowercase())).await?;
    record_change(&txn, item.id).await?;
    txn.commit().await?;
    Ok(item)
}

async fn write_version<C: ConnectionTrait>(db: &C, item: &collateral::Model, editor_id: i32, note: &str) -> Result<()> {
    collateral_version::ActiveModel {
        collateral_id: Set(item.id),
        version: Set(item.version),
        title: Set(item.title.clone()),
        summary: Set(item.summary.clone()),
        body: Set(item.body.clone()),
        tags: Set(item.tags.clone()),
        status: Set(item.status.clone()),
        edited_by: Set(editor_id),
        edited_at: Set(item.updated_at),
        change_note: Set(note.chars().take(500).collect()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Tells every server's indexer that this item changed.
pub async fn record_change<C: ConnectionTrait>(db: &C, collateral_id: i32) -> Result<()> {
    collateral_change::ActiveModel { collateral_id: Set(collateral_id), changed_at: Set(Utc::now()), ..Default::default() }
        .insert(db)
        .await?;
    Ok(())
}

async fn unique_slug<C: ConnectionTrait>(db: &C, title: &str) -> Result<String> {
    let base = slugify(title);
    let mut candidate = base.clone();
    let mut n = 2;
    while collateral::Entity::find().filter(collateral::Column::Slug.eq(&candidate)).one(db).await?.is_some() {
        candidate = format!("{base}-{n}");
        n += 1;
    }
    Ok(candidate)
}

/// Lower-case ASCII words joined by hyphens; the slug never changes after creation.
pub fn slugify(title: &str) -> String {
    let mut slug = String::new();
    for c in title.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
        if slug.len() >= 80 {
            break;
        }
    }
    let slug = slug.trim_end_matches('-').to_owned();
    if slug.is_empty() { "item".to_owned() } else { slug }
}

pub async fn find_by_slug(db: &DatabaseConnection, slug: &str) -> Result<collateral::Model> {
    collateral::Entity::find().filter(collateral::Column::Slug.eq(slug)).one(db).await?.ok_or(AppError::NotFound)
}

pub async fn find_by_id(db: &DatabaseConnection, id: i32) -> Result<collateral::Model> {
    collateral::Entity::find_by_id(id).one(db).await?.ok_or(AppError::NotFound)
}

pub async fn versions(db: &DatabaseConnection, collateral_id: i32) -> Result<Vec<collateral_version::Model>> {
    Ok(collateral_version::Entity::find()
        .filter(collateral_version::Column::CollateralId.eq(collateral_id))
        .order_by_desc(collateral_version::Column::Version)
        .all(db)
        .await?)
}

pub async fn version(db: &DatabaseConnection, collateral_id: i32, version: i32) -> Result<Option<collateral_version::Model>> {
    Ok(collateral_version::Entity::find()
        .filter(collateral_version::Column::CollateralId.eq(collateral_id))
        .filter(collateral_version::Column::Version.eq(version))
        .one(db)
        .await?)
}

/// HR staff see everything; others only published items meant for them.
/// The most recently updated published items this user may read.
pub async fn recent_for(db: &DatabaseConnection, auth: &AuthSession, limit: usize) -> Result<Vec<collateral::Model>> {
    use sea_orm::QuerySelect;
    let recent = collateral::Entity::find()
        .filter(collateral::Column::Status.eq(Status::Published.as_str()))
        .order_by_desc(collateral::Column::UpdatedAt)
        .limit(200u64)
        .all(db)
        .await?;
    Ok(recent.into_iter().filter(|item| visible_to(item, auth)).take(limit).collect())
}

pub fn visible_to(item: &collateral::Model, auth: &AuthSession) -> bool {
    if auth.role().allows(Role::HrStaff) {
        return true;
    }
    item.status == Status::Published.as_str() && in_audience(item, &auth.user.department, &auth.user.location)
}

/// Meant for the whole organisation, not for some departments or locations.
pub fn in_audience_of_everyone(item: &collateral::Model) -> bool {
    item.department_list().is_empty() && item.location_list().is_empty()
}

pub fn in_audience(item: &collateral::Model, department: &str, location: &str) -> bool {
    let departments = item.department_list();
    let locations = item.location_list();
    (departments.is_empty() || departments.iter().any(|d| d == department))
        && (locations.is_empty() || locations.iter().any(|l| l == location))
}

/// Items of `owner_id` whose review date has passed, for the owner's reminder.
pub async fn overdue_reviews(db: &DatabaseConnection, owner_id: i32, today: NaiveDate) -> Result<Vec<collateral::Model>> {
    Ok(collateral::Entity::find()
        .filter(collateral::Column::OwnerId.eq(owner_id))
        .filter(collateral::Column::ReviewDate.lt(today))
        .filter(collateral::Column::Status.ne(Status::Archived.as_str()))
        .order_by_asc(collateral::Column::ReviewDate)
        .all(db)
        .await?)
}

#[cfg(test)]
mod tests {
    use super::slugify;

    #[test]
    fn slugs_are_readable_and_safe() {
        assert_eq!(slugify("Dental coverage for dependents (2027)"), "dental-coverage-for-dependents-2027");
        assert_eq!(slugify("../../etc/passwd"), "etc-passwd");
        assert_eq!(slugify("¿¿¿"), "item");
    }
}
