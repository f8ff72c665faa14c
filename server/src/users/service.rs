//! Creating, finding and listing people. Handlers, the CLI and the importer
//! all go through these functions.

use chrono::Utc;
use sea_orm::sea_query::{Expr, Func};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde::Serialize;
use utoipa::ToSchema;

use super::email::Email;
use crate::auth::password::{generate_password, hash_password, validate_new_password};
use crate::auth::Role;
use crate::entities::user;
use crate::error::{AppError, Result};

/// A person to create or update, already validated.
#[derive(Clone, Debug, PartialEq)]
pub struct NewUser {
    pub email: Email,
    pub name: String,
    pub department: String,
    pub location: String,
    pub manager_email: Option<Email>,
    pub role: Role,
}

impl NewUser {
    pub fn parse(email: &str, name: &str, department: &str, location: &str, role: Role) -> Result<Self, String> {
        let email = Email::parse(email)?;
        let name = clean_field("name", name, 200)?;
        if name.is_empty() {
            return Err("the name is missing".into());
        }
        Ok(NewUser {
            email,
            name,
            department: clean_field("department", department, 200)?,
            location: clean_field("location", location, 200)?,
            manager_email: None,
            role,
        })
    }
}

fn clean_field(label: &str, value: &str, max: usize) -> Result<String, String> {
    let value = value.trim();
    if value.chars().count() > max {
        return Err(format!("the {label} is longer than {max} characters"));
    }
    if value.chars().any(char::is_control) {
        return Err(format!("the {label} contains control characters"));
    }
    Ok(value.to_owned())
}

/// What the API and pages show of a user: never the password hash.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct UserView {
    pub id: i32,
    pub email: String,
    pub name: String,
    pub department: String,
    pub location: String,
    pub manager_email: Option<String>,
    pub role: Role,
    pub active: bool,
    /// Mail to this address has hard-bounced repeatedly; spotlights leave it out.
    pub email_bouncing: bool,
}

impl From<&user::Model> for UserView {
    fn from(user: &user::Model) -> Self {
        UserView {
            id: user.id,
            email: user.email.clone(),
            name: user.name.clone(),
            department: user.department.clone(),
            location: user.location.clone(),
            manager_email: user.manager_email.clone(),
            role: user.role.parse().unwrap_or(Role::Employee),
            active: user.active,
            email_bouncing: user.hard_bounces >= crate::spotlights::audience::BOUNCE_LIMIT,
        }
    }
}

pub async fn find_by_email<C: ConnectionTrait>(db: &C, email: &str) -> Result<Option<user::Model>> {
    Ok(user::Entity::find().filter(user::Column::Email.eq(email.trim().to_lowercase())).one(db).await?)
}

/// Creates a user. With no password given, one is generated and returned, and
/// the user must change it at first sign-in.
pub async fn create<C: ConnectionTrait>(db: &C, new: NewUser, password: Option<&str>) -> Result<(user::Model, Option<String>)> {
    if find_by_email(db, new.email.as_str()).await?.is_some() {
        return Err(AppError::Conflict(format!("A user with the email {} already exists.", new.email)));
    }
    let (password, generated) = match password {
        Some(given) => {
            validate_new_password(given, new.email.as_str(), &new.name).map_err(AppError::Unprocessable)?;
            (given.to_owned(), None)
        }
        None => {
            let generated = generate_password();
            (generated.clone(), Some(generated))
        }
    };
    let now = Utc::now();
    let model = user::ActiveModel {
        email: Set(new.email.into_string()),
        name: Set(new.name),
        department: Set(new.department),
        location: Set(new.location),
        manager_email: Set(new.manager_email.map(Email::into_string)),
        role: Set(new.role.as_str().to_owned()),
        password_hash: Set(Some(hash_password(&password)?)),
        must_change_password: Set(generated.is_some()),
        active: Set(true),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok((model, generated))
}

pub async fn set_password(db: &DatabaseConnection, user: user::Model, password: &str) -> Result<()> {
    validate_new_password(password, &user.email, &user.name).map_err(AppError::Unprocessable)?;
    let mut active: user::ActiveModel = user.into();
    active.password_hash = Set(Some(hash_password(password)?));
    active.must_change_password = Set(false);
    active.updated_at = Set(Utc::now());
    active.update(db).await?;
    Ok(())
}

/// An administrator's correction of where a person works.
pub async fn set_placement<C: ConnectionTrait>(db: &C, person: user::Model, department: &str, location: &str) -> Result<user::Model> {
    let department = clean_field("department", department, 200).map_err(AppError::Unprocessable)?;
    let location = clean_field("location", location, 200).map_err(AppError::Unprocessable)?;
    if person.department == department && person.location == location {
        return Ok(person);
    }
    let mut active: user::ActiveModel = person.into();
    active.department = Set(department);
    active.location = Set(location);
    active.updated_at = Set(Utc::now());
    Ok(active.update(db).await?)
}

/// Creates the first admin on an empty installation and returns its one-time password.
pub async fn ensure_first_admin(db: &DatabaseConnection, email: &str) -> Result<Option<String>> {
    let admins = user::Entity::find().filter(user::Column::Role.eq(Role::Admin.as_str())).count(db).await?;
    if admins > 0 {
        return Ok(None);
    }
    let new = NewUser::parse(email, "Administrator", "", "", Role::Admin).map_err(AppError::Unprocessable)?;
    let (_, password) = create(db, new, None).await?;
    Ok(password)
}

/// Filters of the directory page and `GET /api/v1/users`.
#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct DirectoryQuery {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub department: String,
    #[serde(default)]
    pub location: String,
    #[serde(default)]
    pub page: Option<u64>,
}

pub const PAGE_SIZE: u64 = 50;

pub struct DirectoryPage {
    pub users: Vec<user::Model>,
    pub total: u64,
    pub page: u64,
    pub pages: u64,
}

pub async fn search(db: &DatabaseConnection, query: &DirectoryQuery) -> Result<DirectoryPage> {
    let mut condition = Condition::all();
    let q = query.q.trim().to_lowercase();
    if !q.is_empty() {
        let pattern = format!("%{}%", escape_like(&q));
        let lower = |col: user::Column| Expr::expr(Func::lower(Expr::col(col)));
        condition = condition.add(
            Condition::any()
                .add(lower(user::Column::Name).like(pattern.clone()))
                .add(lower(user::Column::Email).like(pattern.clone()))
                .add(lower(user::Column::Department).like(pattern.clone()))
                .add(lower(user::Column::Location).like(pattern)),
        );
    }
    if !query.department.trim().is_empty() {
        condition = condition.add(user::Column::Department.eq(query.department.trim()));
    }
    if !query.location.trim().is_empty() {
        condition = condition.add(user::Column::Location.eq(query.location.trim()));
    }
    let select = user::Entity::find().filter(condition).order_by_asc(user::Column::Name).order_by_asc(user::Column::Id);
    let paginator = select.paginate(db, PAGE_SIZE);
    let total = paginator.num_items().await?;
    let pages = total.div_ceil(PAGE_SIZE).max(1);
    let page = query.page.unwrap_or(1).clamp(1, pages);
    let users = paginator.fetch_page(page - 1).await?;
    Ok(DirectoryPage { users, total, page, pages })
}

/// Distinct non-empty values of a column, for the directory's filter menus.
pub async fn distinct_values(db: &DatabaseConnection, column: user::Column) -> Result<Vec<String>> {
    let values: Vec<String> = user::Entity::find()
        .select_only()
        .column(column)
        .distinct()
        .filter(column.ne(""))
        .order_by_asc(column)
        .into_tuple()
        .all(db)
        .await?;
    Ok(values)
}

fn escape_like(value: &str) -> String {
    // LIKE wildcards typed by the user are dropped rather than interpreted.
    value.replace('\\', "").replace('%', "").replace('_', "")
}

/// What an identity provider says about a person: the fields it owns.
#[derive(Clone, Debug, PartialEq)]
pub struct Profile {
    pub email: Email,
    pub name: String,
    pub department: String,
    pub location: String,
    pub manager_email: Option<Email>,
}

impl Profile {
    pub fn parse(email: &str, name: &str, department: &str, location: &str, manager_email: Option<&str>) -> Result<Self, String> {
        let parsed = NewUser::parse(email, name, department, location, Role::Employee)?;
        let manager_email = manager_email.map(Email::parse).transpose()?;
        Ok(Profile { email: parsed.email, name: parsed.name, department: parsed.department, location: parsed.location, manager_email })
    }
}

/// Creates a provisioned employee: no password (they sign in another way).
pub async fn create_provisioned<C: ConnectionTrait>(db: &C, profile: &Profile) -> Result<user::Model> {
    if find_by_email(db, profile.email.as_str()).await?.is_some() {
        return Err(AppError::Conflict(format!("A user with the email {} already exists.", profile.email)));
    }
    let now = Utc::now();
    Ok(user::ActiveModel {
        email: Set(profile.email.as_str().to_owned()),
        name: Set(profile.name.clone()),
        department: Set(profile.department.clone()),
        location: Set(profile.location.clone()),
        manager_email: Set(profile.manager_email.as_ref().map(|e| e.as_str().to_owned())),
        role: Set(Role::Employee.as_str().to_owned()),
        password_hash: Set(None),
        must_change_password: Set(false),
        active: Set(true),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

/// Writes `profile` over a person's fields; returns the person and the names
/// of the fields that changed (empty when nothing did).
pub async fn apply_profile<C: ConnectionTrait>(db: &C, person: user::Model, profile: &Profile) -> Result<(user::Model, Vec<&'static str>)> {
    let manager = profile.manager_email.as_ref().map(|e| e.as_str().to_owned());
    let mut changed = vec![];
    if person.email != profile.email.as_str() {
        if find_by_email(db, profile.email.as_str()).await?.is_some_and(|other| other.id != person.id) {
            return Err(AppError::Conflict(format!("A user with the email {} already exists.", profile.email)));
        }
        changed.push("email");
    }
    if person.name != profile.name {
        changed.push("name");
    }
    if person.department != profile.department {
        changed.push("department");
    }
    if person.location != profile.location {
        changed.push("location");
    }
    if person.manager_email != manager {
        changed.push("manager");
    }
    if changed.is_empty() {
        return Ok((person, changed));
    }
    let mut active: user::ActiveModel = person.into();
    active.email = Set(profile.email.as_str().to_owned());
    active.name = Set(profile.name.clone());
    active.department = Set(profile.department.clone());
    active.location = Set(profile.location.clone());
    active.manager_email = Set(manager);
    active.updated_at = Set(Utc::now());
    Ok((active.update(db).await?, changed))
}
