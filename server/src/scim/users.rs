//! The `Users` resource: a SCIM user is a Herald person. The attributes the
//! provider sent are kept as they came (so what it reads back is what it
//! wrote); Herald's own fields — email, name, department, location, manager,
//! active — are derived from them on every write, so audiences and analytics
//! break down by what the identity provider says.

use std::collections::HashMap;

use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use serde_json::{json, Map, Value};

use super::error::{ScimError, ScimResult};
use super::filter::{self, Filter};
use super::patch::ResourceKind;
use super::resource;
use super::schema::{self, ENTERPRISE, USER};
use crate::entities::{scim_user, user};
use crate::users::leavers;
use crate::users::provisioning::{self, Action, Source};
use crate::users::service::{self, Profile};

pub const KIND: ResourceKind = ResourceKind { core_urn: USER, core: schema::USER_ATTRS, extensions: &[(ENTERPRISE, schema::ENTERPRISE_ATTRS)] };

pub fn location(base: &str, id: i32) -> String {
    format!("{base}/Users/{id}")
}

fn stored(row: &scim_user::Model) -> ScimResult<Map<String, Value>> {
    match serde_json::from_str(&row.attributes) {
        Ok(Value::Object(doc)) => Ok(doc),
        _ => Err(ScimError::from(crate::error::AppError::Internal(anyhow::anyhow!("scim_users {} holds no JSON object", row.id)))),
    }
}

/// The resource as the provider reads it.
pub fn render(base: &str, row: &scim_user::Model, person: &user::Model) -> ScimResult<Value> {
    let mut out = stored(row)?;
    // Herald's state wins for `active`: an administrator may have deactivated the person.
    if out.contains_key("active") || !person.active {
        out.insert("active".into(), Value::Bool(person.active));
    }
    let mut schemas = vec![json!(USER)];
    if out.contains_key(ENTERPRISE) {
        schemas.push(json!(ENTERPRISE));
    }
    out.insert("schemas".into(), Value::Array(schemas));
    out.insert("id".into(), Value::String(row.id.to_string()));
    out.insert("meta".into(), resource::meta("User", location(base, row.id), row.created_at, row.updated_at, row.version));
    Ok(Value::Object(out))
}

pub async fn find<C: ConnectionTrait>(db: &C, id: &str) -> ScimResult<(scim_user::Model, user::Model)> {
    let id: i32 = id.parse().map_err(|_| ScimError::not_found())?;
    match scim_user::Entity::find_by_id(id).find_also_related(user::Entity).one(db).await? {
        Some((row, Some(person))) => Ok((row, person)),
        _ => Err(ScimError::not_found()),
    }
}

fn text<'a>(object: Option<&'a Map<String, Value>>, key: &str) -> Option<&'a str> {
    object?.get(key)?.as_str().map(str::trim).filter(|s| !s.is_empty())
}

/// The element of a multi-valued attribute Herald uses: primary, else work, else the first.
fn chosen(doc: &Map<String, Value>, attr: &str) -> Option<Map<String, Value>> {
    let items: Vec<&Map<String, Value>> = doc.get(attr)?.as_array()?.iter().filter_map(Value::as_object).collect();
    items
        .iter()
        .find(|item| item.get("primary") == Some(&Value::Bool(true)))
        .or_else(|| items.iter().find(|item| item.get("type").and_then(Value::as_str) == Some("work")))
        .or_else(|| items.first())
        .map(|item| (*item).clone())
}

/// Herald's fields from a user document.
async fn profile_of<C: ConnectionTrait>(db: &C, doc: &Map<String, Value>) -> ScimResult<Profile> {
    let user_name = text(Some(doc), "userName").unwrap_or_default();
    let email = chosen(doc, "emails")
        .and_then(|email| email.get("value").and_then(Value::as_str).map(str::to_owned))
        .or_else(|| user_name.contains('@').then(|| user_name.to_owned()))
        .ok_or_else(|| ScimError::invalid_value("Herald needs an email address: send emails (or a userName that is one)."))?;
    let name_parts = doc.get("name").and_then(Value::as_object);
    let joined = [text(name_parts, "givenName"), text(name_parts, "familyName")].into_iter().flatten().collect::<Vec<_>>().join(" ");
    let name = text(Some(doc), "displayName")
        .or_else(|| text(name_parts, "formatted"))
        .map(str::to_owned)
        .or_else(|| (!joined.is_empty()).then_some(joined))
        .unwrap_or_else(|| user_name.to_owned());
    let enterprise = doc.get(ENTERPRISE).and_then(Value::as_object);
    let department = text(enterprise, "department").unwrap_or_default();
    let address = chosen(doc, "addresses");
    let location = text(address.as_ref(), "locality").unwrap_or_default();
    let manager_id = text(enterprise.and_then(|e| e.get("manager")).and_then(Value::as_object), "value").and_then(|v| v.parse::<i32>().ok());
    let manager_email = match manager_id {
        Some(id) => scim_user::Entity::find_by_id(id).find_also_related(user::Entity).one(db).await?.and_then(|(_, m)| m).map(|m| m.email),
        None => None,
    };
    Profile::parse(&email, &name, department, location, manager_email.as_deref()).map_err(ScimError::invalid_value)
}

/// Creates (`existing` = None) or rewrites a user from `doc`, in `db`'s transaction.
pub async fn save<C: ConnectionTrait>(db: &C, base: &str, existing: Option<(scim_user::Model, user::Model)>, doc: Map<String, Value>) -> ScimResult<Value> {
    let user_name = text(Some(&doc), "userName").ok_or_else(|| ScimError::invalid_value("userName is required."))?.to_owned();
    let key = user_name.to_lowercase();
    let taken = scim_user::Entity::find().filter(scim_user::Column::UserNameKey.eq(key.clone())).one(db).await?;
    if taken.is_some_and(|other| existing.as_ref().is_none_or(|(row, _)| row.id != other.id)) {
        return Err(ScimError::uniqueness(format!("The userName {user_name} is taken.")));
    }
    let profile = profile_of(db, &doc).await?;
    let external_id = text(Some(&doc), "externalId").map(str::to_owned);
    let attributes = Value::Object(doc.clone()).to_string();
    let now = chrono::Utc::now();
    // What SCIM itself said of `active` before this write.
    let said_before = existing.as_ref().and_then(|(row, _)| stored(row).ok()).and_then(|doc| doc.get("active").and_then(Value::as_bool));
    let (row, person) = match existing {
        None => {
            let (person, action) = match service::find_by_email(db, profile.email.as_str()).await? {
                Some(found) => {
                    if scim_user::Entity::find().filter(scim_user::Column::UserId.eq(found.id)).one(db).await?.is_some() {
                        return Err(ScimError::uniqueness(format!("{} is already provisioned as another user.", profile.email)));
                    }
                    (service::apply_profile(db, found, &profile).await?.0, Action::Linked)
                }
                None => (service::create_provisioned(db, &profile).await?, Action::Created),
            };
            provisioning::record(db, Source::Scim, action, person.id, &provisioning::person_label(&person), "").await?;
            let row = scim_user::ActiveModel {
                user_id: Set(person.id),
                user_name_key: Set(key),
                external_id: Set(external_id),
                attributes: Set(attributes),
                version: Set(1),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(db)
            .await?;
            (row, person)
        }
        Some((row, person)) => {
            let (person, changed) = service::apply_profile(db, person, &profile).await?;
            if !changed.is_empty() {
                provisioning::record(db, Source::Scim, Action::Changed, person.id, &provisioning::person_label(&person), &changed.join(", ")).await?;
            }
            let version = row.version + 1;
            let mut active: scim_user::ActiveModel = row.into();
            active.user_name_key = Set(key);
            active.external_id = Set(external_id);
            active.attributes = Set(attributes);
            active.version = Set(version);
            active.updated_at = Set(now);
            (active.update(db).await?, person)
        }
    };
    // An unassigned `active` means the default, active — but only undoes a
    // deactivation SCIM made: one an administrator made stands.
    match (doc.get("active").and_then(Value::as_bool), said_before) {
        (Some(false), _) if person.active => {
            leavers::deactivate(db, person.id, Source::Scim, Action::Deactivated).await?;
        }
        (Some(true), _) | (None, Some(false)) if !person.active => leavers::reactivate(db, person.id, Source::Scim).await?,
        _ => {}
    }
    let person = user::Entity::find_by_id(person.id).one(db).await?.ok_or_else(ScimError::not_found)?;
    render(base, &row, &person)
}

/// A user's attributes after a PatchOp body.
pub fn patched(row: &scim_user::Model, body: &Value) -> ScimResult<Map<String, Value>> {
    let mut doc = stored(row)?;
    super::patch::apply_all(&KIND, &mut doc, body)?;
    Ok(doc)
}

/// Deleted at the provider: Herald deactivates the person (a leaver) and
/// forgets the SCIM resource; the person's record stays, so that their named
/// comments keep their name and past sends their recipient.
pub async fn delete<C: ConnectionTrait>(db: &C, row: scim_user::Model) -> ScimResult<()> {
    leavers::deactivate(db, row.user_id, Source::Scim, Action::Deleted).await?;
    scim_user::Entity::delete_by_id(row.id).exec(db).await?;
    Ok(())
}

/// Every user matching `filter`, rendered, in id order.
pub async fn search<C: ConnectionTrait>(db: &C, base: &str, filter: Option<&Filter>) -> ScimResult<Vec<Value>> {
    let mut select = scim_user::Entity::find().find_also_related(user::Entity).order_by_asc(scim_user::Column::Id);
    // The look-ups identity providers make before every create, answered from an index.
    match filter.and_then(filter::simple_equality) {
        Some((attr, value)) if attr.eq_ignore_ascii_case("userName") => select = select.filter(scim_user::Column::UserNameKey.eq(value.to_lowercase())),
        Some((attr, value)) if attr.eq_ignore_ascii_case("externalId") => select = select.filter(scim_user::Column::ExternalId.eq(value)),
        _ => {}
    }
    let mut found = vec![];
    for (row, person) in select.all(db).await? {
        let Some(person) = person else { continue };
        let rendered = render(base, &row, &person)?;
        if filter.is_none_or(|f| filter::matches(f, &rendered)) {
            found.push(rendered);
        }
    }
    Ok(found)
}

/// SCIM ids of the given Herald people, for group members.
pub async fn ids_of<C: ConnectionTrait>(db: &C, user_ids: &[i32]) -> ScimResult<HashMap<i32, i32>> {
    let mut ids = HashMap::new();
    for chunk in user_ids.chunks(500) {
        for row in scim_user::Entity::find().filter(scim_user::Column::UserId.is_in(chunk.to_vec())).all(db).await? {
            ids.insert(row.user_id, row.id);
        }
    }
    Ok(ids)
}

/// Of `user_ids`, the people an identity provider provisions: it owns their
/// email, name, department, location and manager, and rewrites them on every
/// sync, so Herald's pages do not edit those fields.
pub async fn provisioned_among<C: ConnectionTrait>(db: &C, user_ids: &[i32]) -> crate::error::Result<std::collections::HashSet<i32>> {
    let mut found = std::collections::HashSet::new();
    for chunk in user_ids.chunks(500) {
        let rows = scim_user::Entity::find().filter(scim_user::Column::UserId.is_in(chunk.to_vec())).all(db).await?;
        found.extend(rows.into_iter().map(|row| row.user_id));
    }
    Ok(found)
}
