//! The `Groups` resource: a SCIM group is a Herald distribution list, the
//! lists spotlight audiences name. The identity provider manages the members
//! it provisioned; people HR added to the list by hand are left alone and not
//! shown to it.

use std::collections::{BTreeSet, HashSet};

use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use serde_json::{json, Map, Value};

use super::error::{ScimError, ScimResult};
use super::filter::{self, Filter};
use super::patch::ResourceKind;
use super::resource;
use super::schema::{self, GROUP};
use crate::auth::Role;
use crate::entities::{distribution_list, scim_group, scim_user, user};
use crate::spotlights::lists;
use crate::users::provisioning::{self, Action, Source};

pub const KIND: ResourceKind = ResourceKind { core_urn: GROUP, core: schema::GROUP_ATTRS, extensions: &[] };

pub async fn find<C: ConnectionTrait>(db: &C, id: &str) -> ScimResult<(scim_group::Model, distribution_list::Model)> {
    let id: i32 = id.parse().map_err(|_| ScimError::not_found())?;
    let row = scim_group::Entity::find_by_id(id).one(db).await?.ok_or_else(ScimError::not_found)?;
    let list = distribution_list::Entity::find_by_id(row.list_id).one(db).await?.ok_or_else(ScimError::not_found)?;
    Ok((row, list))
}

/// The list's members that are SCIM users, as (Herald user id, SCIM id), by SCIM id.
async fn provisioned_members<C: ConnectionTrait>(db: &C, list_id: i32) -> ScimResult<Vec<(i32, i32)>> {
    let member_ids = lists::member_ids(db, list_id).await?;
    let mut members: Vec<(i32, i32)> = super::users::ids_of(db, &member_ids).await?.into_iter().collect();
    members.sort_by_key(|(_, scim_id)| *scim_id);
    Ok(members)
}

/// The group as the provider reads it.
pub async fn render<C: ConnectionTrait>(db: &C, base: &str, row: &scim_group::Model, list: &distribution_list::Model) -> ScimResult<Value> {
    let members: Vec<Value> = provisioned_members(db, list.id)
        .await?
        .into_iter()
        .map(|(_, scim_id)| json!({ "value": scim_id.to_string(), "$ref": super::users::location(base, scim_id) }))
        .collect();
    let mut out = json!({
        "schemas": [GROUP],
        "id": row.id.to_string(),
        "displayName": list.name,
        "meta": resource::meta("Group", format!("{base}/Groups/{}", row.id), row.created_at, row.updated_at, row.version),
    });
    if let Some(external_id) = &row.external_id {
        out["externalId"] = external_id.clone().into();
    }
    if !members.is_empty() {
        out["members"] = Value::Array(members);
    }
    Ok(out)
}

/// The group's attributes as a document a PATCH applies to.
pub async fn document<C: ConnectionTrait>(db: &C, row: &scim_group::Model, list: &distribution_list::Model) -> ScimResult<Map<String, Value>> {
    let mut doc = Map::new();
    doc.insert("displayName".into(), list.name.clone().into());
    if let Some(external_id) = &row.external_id {
        doc.insert("externalId".into(), external_id.clone().into());
    }
    let members: Vec<Value> = provisioned_members(db, list.id).await?.into_iter().map(|(_, id)| json!({ "value": id.to_string() })).collect();
    if !members.is_empty() {
        doc.insert("members".into(), Value::Array(members));
    }
    Ok(doc)
}

/// Who owns lists the provider creates: the administrator who made the token, else the first administrator.
async fn owner<C: ConnectionTrait>(db: &C, token_owner: Option<i32>) -> ScimResult<i32> {
    if let Some(id) = token_owner {
        return Ok(id);
    }
    let admin = user::Entity::find().filter(user::Column::Role.eq(Role::Admin.as_str())).order_by_asc(user::Column::Id).one(db).await?;
    admin.map(|a| a.id).ok_or_else(|| ScimError::invalid_value("Herald has no administrator to own the list yet."))
}

/// Herald user ids of the members `doc` names; each must be a provisioned user.
async fn wanted_members<C: ConnectionTrait>(db: &C, doc: &Map<String, Value>) -> ScimResult<BTreeSet<i32>> {
    let mut wanted = BTreeSet::new();
    for member in doc.get("members").and_then(Value::as_array).into_iter().flatten() {
        let value = member.get("value").and_then(Value::as_str).unwrap_or_default();
        let row = match value.parse::<i32>() {
            Ok(id) => scim_user::Entity::find_by_id(id).one(db).await?,
            Err(_) => None,
        };
        let row = row.ok_or_else(|| ScimError::invalid_value(format!("Member “{value}” is not a provisioned User (Herald lists hold people only).")))?;
        wanted.insert(row.user_id);
    }
    Ok(wanted)
}

/// Creates (`existing` = None) or rewrites a group from `doc`, in `db`'s transaction.
pub async fn save<C: ConnectionTrait>(
    db: &C,
    base: &str,
    token_owner: Option<i32>,
    existing: Option<(scim_group::Model, distribution_list::Model)>,
    doc: Map<String, Value>,
) -> ScimResult<Value> {
    let name = doc.get("displayName").and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty()).ok_or_else(|| ScimError::invalid_value("displayName is required."))?;
    let external_id = doc.get("externalId").and_then(Value::as_str).map(str::to_owned);
    let wanted = wanted_members(db, &doc).await?;
    let now = chrono::Utc::now();
    let mut changed = vec![];
    let (row, list, created) = match existing {
        None => {
            let list = match lists::find_by_name_or_id(db, name).await?.filter(|list| list.name == name) {
                Some(list) if scim_group::Entity::find().filter(scim_group::Column::ListId.eq(list.id)).one(db).await?.is_some() => {
                    return Err(ScimError::uniqueness(format!("A group named {name} exists.")));
                }
                // A list HR made by hand, now managed by the identity provider.
                Some(list) => list,
                None => lists::create(db, owner(db, token_owner).await?, name, "Managed by the identity provider (SCIM).").await?,
            };
            let row = scim_group::ActiveModel { list_id: Set(list.id), external_id: Set(external_id), version: Set(1), created_at: Set(now), updated_at: Set(now), ..Default::default() }
                .insert(db)
                .await?;
            (row, list, true)
        }
        Some((row, list)) => {
            if list.name != name {
                changed.push("name");
            }
            let list = lists::rename(db, list, name).await?;
            let version = row.version + 1;
            let mut active: scim_group::ActiveModel = row.into();
            active.external_id = Set(external_id);
            active.version = Set(version);
            active.updated_at = Set(now);
            (active.update(db).await?, list, false)
        }
    };
    let current: HashSet<i32> = provisioned_members(db, list.id).await?.into_iter().map(|(user_id, _)| user_id).collect();
    let added: Vec<i32> = wanted.iter().copied().filter(|id| !current.contains(id)).collect();
    let removed: Vec<i32> = current.iter().copied().filter(|id| !wanted.contains(id)).collect();
    lists::add_member_ids(db, list.id, &added).await?;
    for user_id in &removed {
        lists::remove_member(db, list.id, *user_id).await?;
    }
    if !added.is_empty() || !removed.is_empty() {
        changed.push("members");
    }
    if created {
        provisioning::record(db, Source::Scim, Action::GroupCreated, list.id, &list.name, "").await?;
    } else if !changed.is_empty() {
        provisioning::record(db, Source::Scim, Action::GroupChanged, list.id, &list.name, &changed.join(", ")).await?;
    }
    render(db, base, &row, &list).await
}

/// Deleted at the provider: the list goes (its spotlights already sent keep their recipients).
pub async fn delete<C: ConnectionTrait>(db: &C, row: scim_group::Model, list: distribution_list::Model) -> ScimResult<()> {
    scim_group::Entity::delete_by_id(row.id).exec(db).await?;
    provisioning::record(db, Source::Scim, Action::GroupDeleted, list.id, &list.name, "").await?;
    lists::delete(db, list).await?;
    Ok(())
}

/// Every group matching `filter`, rendered, in id order.
pub async fn search<C: ConnectionTrait>(db: &C, base: &str, filter: Option<&Filter>) -> ScimResult<Vec<Value>> {
    let mut found = vec![];
    for row in scim_group::Entity::find().order_by_asc(scim_group::Column::Id).all(db).await? {
        let Some(list) = distribution_list::Entity::find_by_id(row.list_id).one(db).await? else { continue };
        let rendered = render(db, base, &row, &list).await?;
        if filter.is_none_or(|f| filter::matches(f, &rendered)) {
            found.push(rendered);
        }
    }
    Ok(found)
}
