//! Response teams: the HR staff who answer the questions on one
//! announcement, or on the library items of one category. Private
//! questions to HR belong to every team.

use std::collections::{HashMap, HashSet};

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::model::Target;
use crate::auth::Role;
use crate::entities::{announcement, collateral, response_team, user};
use crate::error::{AppError, Result};

/// What one person's teams cover.
#[derive(Debug, Default)]
pub struct TeamScope {
    announcements: HashSet<i32>,
    /// Lower-cased: categories are typed by people.
    categories: HashSet<String>,
}

impl TeamScope {
    pub fn is_empty(&self) -> bool {
        self.announcements.is_empty() && self.categories.is_empty()
    }

    /// Is a question on `target` (a library item of `category`) this team's to answer?
    pub fn covers(&self, target: Target, category: Option<&str>) -> bool {
        match target {
            Target::Hr => true,
            Target::Announcement(id) => self.announcements.contains(&id),
            Target::Collateral(_) => category.is_some_and(|category| self.categories.contains(&category.trim().to_lowercase())),
        }
    }
}

pub async fn scope_of(db: &DatabaseConnection, user_id: i32) -> Result<TeamScope> {
    let rows = response_team::Entity::find().filter(response_team::Column::UserId.eq(user_id)).all(db).await?;
    let mut scope = TeamScope::default();
    for row in rows {
        scope.announcements.extend(row.announcement_id);
        scope.categories.extend(row.category.map(|category| category.trim().to_lowercase()));
    }
    Ok(scope)
}

/// One assignment as the teams page lists it.
pub struct Assignment {
    pub id: i32,
    pub person: String,
    pub email: String,
    pub announcement: Option<(i32, String)>,
    pub category: Option<String>,
}

/// Every assignment, grouped by what it covers.
pub async fn all(db: &DatabaseConnection) -> Result<Vec<Assignment>> {
    let rows = response_team::Entity::find().order_by_asc(response_team::Column::Id).all(db).await?;
    let people: HashMap<i32, user::Model> = user::Entity::find()
        .filter(user::Column::Id.is_in(rows.iter().map(|row| row.user_id).collect::<Vec<_>>()))
        .all(db)
        .await?
        .into_iter()
        .map(|person| (person.id, person))
        .collect();
    let titles: HashMap<i32, String> = announcement::Entity::find()
        .filter(announcement::Column::Id.is_in(rows.iter().filter_map(|row| row.announcement_id).collect::<Vec<_>>()))
        .all(db)
        .await?
        .into_iter()
        .map(|found| (found.id, found.title))
        .collect();
    let mut out: Vec<Assignment> = rows
        .into_iter()
        .map(|row| {
            let person = people.get(&row.user_id);
            Assignment {
                id: row.id,
                person: person.map(|p| p.name.clone()).unwrap_or_else(|| "Former staff".into()),
                email: person.map(|p| p.email.clone()).unwrap_or_default(),
                announcement: row.announcement_id.map(|id| (id, titles.get(&id).cloned().unwrap_or_else(|| format!("Announcement {id}")))),
                category: row.category,
            }
        })
        .collect();
    out.sort_by_key(|a| (a.announcement.is_none(), a.announcement.as_ref().map(|(id, _)| -id), a.category.as_ref().map(|c| c.to_lowercase()), a.person.clone()));
    Ok(out)
}

/// The names of an announcement's team, for its page.
pub async fn members_of_announcement(db: &DatabaseConnection, announcement_id: i32) -> Result<Vec<String>> {
    let ids: Vec<i32> = response_team::Entity::find()
        .filter(response_team::Column::AnnouncementId.eq(announcement_id))
        .all(db)
        .await?
        .into_iter()
        .map(|row| row.user_id)
        .collect();
    let people = user::Entity::find().filter(user::Column::Id.is_in(ids)).order_by_asc(user::Column::Name).all(db).await?;
    Ok(people.into_iter().map(|person| person.name).collect())
}

/// What an assignment covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Covers {
    Announcement(i32),
    Category(String),
}

impl Covers {
    /// From the form: exactly one of an announcement id and a category.
    pub fn parse(announcement_id: &str, category: &str) -> Result<Covers> {
        match (announcement_id.trim(), category.trim()) {
            ("", "") => Err(AppError::Unprocessable("Choose an announcement or a library category for this person to answer.".into())),
            (_, "") => announcement_id
                .trim()
                .parse()
                .map(Covers::Announcement)
                .map_err(|_| AppError::Unprocessable(format!("{:?} is not an announcement number.", announcement_id.trim()))),
            ("", category) if category.chars().count() > 100 => Err(AppError::Unprocessable("Categories are at most 100 characters.".into())),
            ("", category) => Ok(Covers::Category(category.to_owned())),
            _ => Err(AppError::Unprocessable("Choose an announcement or a category, not both: add two assignments for both.".into())),
        }
    }
}

/// Puts `user_id` on the team for `covers`: only HR staff answer, and only once per subject.
pub async fn add(db: &DatabaseConnection, user_id: i32, covers: Covers) -> Result<response_team::Model> {
    let person = user::Entity::find_by_id(user_id).one(db).await?.ok_or_else(|| AppError::Unprocessable(format!("There is no user {user_id}.")))?;
    let role: Role = person.role.parse().unwrap_or(Role::Employee);
    if !person.active || !role.allows(Role::HrStaff) {
        return Err(AppError::Unprocessable(format!("{} is not active HR staff: only HR staff answer questions.", person.name)));
    }
    let existing = response_team::Entity::find().filter(response_team::Column::UserId.eq(user_id)).all(db).await?;
    let (announcement_id, category, what) = match covers {
        Covers::Announcement(id) => {
            let found = announcement::Entity::find_by_id(id).one(db).await?.ok_or_else(|| AppError::Unprocessable(format!("There is no announcement {id}.")))?;
            if existing.iter().any(|row| row.announcement_id == Some(id)) {
                return Err(AppError::Conflict(format!("{} is already on the team for “{}”.", person.name, found.title)));
            }
            (Some(id), None, found.title)
        }
        Covers::Category(typed) => {
            let category = library_spelling(db, &typed).await?.unwrap_or(typed);
            if existing.iter().any(|row| row.category.as_deref().is_some_and(|c| c.trim().eq_ignore_ascii_case(&category))) {
                return Err(AppError::Conflict(format!("{} is already on the team for the category “{category}”.", person.name)));
            }
            (None, Some(category.clone()), category)
        }
    };
    let saved = response_team::ActiveModel {
        announcement_id: Set(announcement_id),
        category: Set(category),
        user_id: Set(user_id),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    tracing::info!(assignment = saved.id, user = user_id, subject = %what, "response team assignment added");
    Ok(saved)
}

/// The library's own spelling of a category typed in another case.
async fn library_spelling(db: &DatabaseConnection, typed: &str) -> Result<Option<String>> {
    Ok(categories(db).await?.into_iter().find(|known| known.eq_ignore_ascii_case(typed)))
}

/// The categories the library uses, for the form's menu.
pub async fn categories(db: &DatabaseConnection) -> Result<Vec<String>> {
    let values: Vec<String> = collateral::Entity::find()
        .select_only()
        .column(collateral::Column::Category)
        .distinct()
        .filter(collateral::Column::Category.ne(""))
        .order_by_asc(collateral::Column::Category)
        .into_tuple()
        .all(db)
        .await?;
    Ok(values)
}

pub async fn remove(db: &DatabaseConnection, id: i32) -> Result<()> {
    let deleted = response_team::Entity::delete_by_id(id).exec(db).await?;
    if deleted.rows_affected == 0 {
        return Err(AppError::NotFound);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_assignment_covers_one_announcement_or_one_category() {
        assert_eq!(Covers::parse("12", "").unwrap(), Covers::Announcement(12));
        assert_eq!(Covers::parse("", " Health ").unwrap(), Covers::Category("Health".into()));
        assert!(Covers::parse("", "").unwrap_err().to_string().contains("Choose an announcement or a library category"));
        assert!(Covers::parse("12", "Health").unwrap_err().to_string().contains("not both"));
        assert!(Covers::parse("twelve", "").is_err());
    }

    #[test]
    fn a_scope_covers_private_questions_and_its_subjects() {
        let scope = TeamScope { announcements: HashSet::from([3]), categories: HashSet::from(["health".to_owned()]) };
        assert!(scope.covers(Target::Hr, None));
        assert!(scope.covers(Target::Announcement(3), None) && !scope.covers(Target::Announcement(4), None));
        assert!(scope.covers(Target::Collateral(9), Some("Health")) && !scope.covers(Target::Collateral(9), Some("Pay")));
    }
}
