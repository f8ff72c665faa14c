//! Static distribution lists: named groups of people from the directory,
//! managed in the UI and importable from CSV.

use std::collections::HashSet;

use chrono::Utc;
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder,
};
use serde::Serialize;
use utoipa::ToSchema;

use crate::entities::{distribution_list, distribution_list_member, user};
use crate::error::{AppError, Result};
use crate::users::email::Email;

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ListView {
    pub id: i32,
    pub name: String,
    pub description: String,
    pub members: u64,
}

pub async fn all(db: &DatabaseConnection) -> Result<Vec<ListView>> {
    let lists = distribution_list::Entity::find().order_by_asc(distribution_list::Column::Name).all(db).await?;
    let mut views = Vec::with_capacity(lists.len());
    for list in lists {
        views.push(view(db, list).await?);
    }
    Ok(views)
}

pub async fn view(db: &DatabaseConnection, list: distribution_list::Model) -> Result<ListView> {
    let members = distribution_list_member::Entity::find().filter(distribution_list_member::Column::ListId.eq(list.id)).count(db).await?;
    Ok(ListView { id: list.id, name: list.name, description: list.description, members })
}

pub async fn find(db: &DatabaseConnection, id: i32) -> Result<distribution_list::Model> {
    distribution_list::Entity::find_by_id(id).one(db).await?.ok_or(AppError::NotFound)
}

pub async fn find_by_name_or_id(db: &impl ConnectionTrait, name: &str) -> Result<Option<distribution_list::Model>> {
    let by_name = distribution_list::Entity::find().filter(distribution_list::Column::Name.eq(name.trim())).one(db).await?;
    match (by_name, name.trim().parse::<i32>()) {
        (Some(list), _) => Ok(Some(list)),
        (None, Ok(id)) => Ok(distribution_list::Entity::find_by_id(id).one(db).await?),
        (None, Err(_)) => Ok(None),
    }
}

pub async fn create(db: &impl ConnectionTrait, user_id: i32, name: &str, description: &str) -> Result<distribution_list::Model> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 || name.chars().any(char::is_control) {
        return Err(AppError::Unprocessable("A list needs a name of at most 200 characters.".into()));
    }
    if find_by_name_or_id(db, name).await?.is_some() {
        return Err(AppError::Conflict(format!("A list named “{name}” already exists.")));
    }
    Ok(distribution_list::ActiveModel {
        name: Set(name.into()),
        description: Set(description.trim().chars().take(1000).collect()),
        created_by: Set(user_id),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

pub async fn delete(db: &impl ConnectionTrait, list: distribution_list::Model) -> Result<()> {
    distribution_list_member::Entity::delete_many().filter(distribution_list_member::Column::ListId.eq(list.id)).exec(db).await?;
    distribution_list::Entity::delete_by_id(list.id).exec(db).await?;
    Ok(())
}

pub async fn member_ids(db: &impl ConnectionTrait, list_id: i32) -> Result<Vec<i32>> {
    Ok(distribution_list_member::Entity::find()
        .filter(distribution_list_member::Column::ListId.eq(list_id))
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.user_id)
        .collect())
}

/// People by id, a bounded number of ids per query.
pub async fn users_by_ids(db: &impl ConnectionTrait, ids: &[i32]) -> Result<Vec<user::Model>> {
    let mut people = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        people.extend(user::Entity::find().filter(user::Column::Id.is_in(chunk.to_vec())).all(db).await?);
    }
    Ok(people)
}

pub async fn members(db: &DatabaseConnection, list_id: i32) -> Result<Vec<user::Model>> {
    let mut people = users_by_ids(db, &member_ids(db, list_id).await?).await?;
    people.sort_by(|a, b| a.name.to_lowercase().cmp(&b.name.to_lowercase()));
    Ok(people)
}

/// What adding people to a list did.
#[derive(Clone, Debug, Default, Serialize, ToSchema)]
pub struct AddReport {
    pub added: usize,
    pub already: usize,
    /// Addresses that are not valid or not in the directory, with where they came from.
    pub rejected: Vec<String>,
}

/// Adds people by email; `(origin, email)` pairs let a CSV report name its lines.
pub async fn add_members(db: &DatabaseConnection, list_id: i32, entries: &[(String, String)]) -> Result<AddReport> {
    let mut report = AddReport::default();
    let existing: HashSet<i32> = member_ids(db, list_id).await?.into_iter().collect();
    let mut new_ids = vec![];
    for (origin, raw) in entries {
        let email = match Email::parse(raw) {
            Ok(email) => email,
            Err(err) => {
                report.rejected.push(format!("{origin}: {err}"));
                continue;
            }
        };
        match user::Entity::find().filter(user::Column::Email.eq(email.as_str())).one(db).await? {
            Some(person) if existing.contains(&person.id) || new_ids.contains(&person.id) => report.already += 1,
            Some(person) => new_ids.push(person.id),
            None => report.rejected.push(format!("{origin}: {email} is not in the employee directory")),
        }
    }
    let now = Utc::now();
    for chunk in new_ids.chunks(500) {
        let rows = chunk.iter().map(|id| distribution_list_member::ActiveModel {
            list_id: Set(list_id),
            user_id: Set(*id),
            added_at: Set(now),
            ..Default::default()
        });
        distribution_list_member::Entity::insert_many(rows)
            .on_conflict(OnConflict::columns([distribution_list_member::Column::ListId, distribution_list_member::Column::UserId]).do_nothing().to_owned())
            .exec_without_returning(db)
            .await?;
    }
    report.added = new_ids.len();
    Ok(report)
}

/// Adds people by user id (the ids must exist); already-members are left as they are.
pub async fn add_member_ids(db: &impl ConnectionTrait, list_id: i32, ids: &[i32]) -> Result<()> {
    let now = Utc::now();
    for chunk in ids.chunks(500) {
        let rows = chunk.iter().map(|id| distribution_list_member::ActiveModel {
            list_id: Set(list_id),
            user_id: Set(*id),
            added_at: Set(now),
            ..Default::default()
        });
        distribution_list_member::Entity::insert_many(rows)
            .on_conflict(OnConflict::columns([distribution_list_member::Column::ListId, distribution_list_member::Column::UserId]).do_nothing().to_owned())
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// Renames a list; the name stays unique.
pub async fn rename(db: &impl ConnectionTrait, list: distribution_list::Model, name: &str) -> Result<distribution_list::Model> {
    let name = name.trim();
    if name == list.name {
        return Ok(list);
    }
    if name.is_empty() || name.chars().count() > 200 || name.chars().any(char::is_control) {
        return Err(AppError::Unprocessable("A list needs a name of at most 200 characters.".into()));
    }
    if find_by_name_or_id(db, name).await?.is_some() {
        return Err(AppError::Conflict(format!("A list named “{name}” already exists.")));
    }
    let mut active: distribution_list::ActiveModel = list.into();
    active.name = Set(name.to_owned());
    Ok(active.update(db).await?)
}

pub async fn remove_member(db: &impl ConnectionTrait, list_id: i32, user_id: i32) -> Result<()> {
    distribution_list_member::Entity::delete_many()
        .filter(distribution_list_member::Column::ListId.eq(list_id))
        .filter(distribution_list_member::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Emails from a CSV: the `email` column when there is a header naming one,
/// otherwise the first column. Entries are labelled with their line number.
pub fn emails_from_csv(bytes: &[u8]) -> Result<Vec<(String, String)>> {
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).trim(csv::Trim::All).from_reader(bytes);
    let mut column = 0;
    let mut entries = vec![];
    for (index, record) in reader.records().enumerate() {
        let record = record.map_err(|err| AppError::Unprocessable(format!("The CSV file could not be read: {err}")))?;
        // Counted from the byte offset: the reader skips blank lines without counting them.
        let mut offset = record.position().map(|p| p.byte() as usize).unwrap_or(0).min(bytes.len());
        while offset < bytes.len() && matches!(bytes[offset], b'\n' | b'\r') {
            offset += 1;
        }
        let line = bytes[..offset].iter().filter(|b| **b == b'\n').count() + 1;
        if index == 0 {
            if let Some(position) = record.iter().position(|field| field.eq_ignore_ascii_case("email")) {
                column = position;
                continue;
            }
        }
        match record.get(column) {
            Some(value) if !value.is_empty() => entries.push((format!("line {line}"), value.to_owned())),
            _ => {}
        }
    }
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::emails_from_csv;

    #[test]
    fn csv_uses_the_email_column_or_the_first() {
        let with_header = emails_from_csv(b"name,email\nAna,ana@example.com\nBo,bo@example.com\n").unwrap();
        assert_eq!(with_header, vec![("line 2".into(), "ana@example.com".into()), ("line 3".into(), "bo@example.com".into())]);
        let bare = emails_from_csv(b"ana@example.com\n\nbo@example.com\n").unwrap();
        assert_eq!(bare.len(), 2);
        assert_eq!(bare[1].0, "line 3");
    }
}
