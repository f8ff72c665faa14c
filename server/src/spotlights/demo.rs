//! Demo people, distribution lists and a draft spotlight for `herald demo`,
//! so a newcomer can preview and send an announcement right away (to `.eml`
//! files, with no mail server).

use chrono::Utc;
use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::model::Audience;
use super::service::{self, RawAnnouncement};
use super::lists;
use crate::entities::{collateral, user};

const FIRST: [&str; 12] = ["Ana", "Bo", "Chen", "Dara", "Eli", "Fatima", "Gus", "Hana", "Ivan", "Jo", "Kemal", "Lena"];
const LAST: [&str; 10] = ["Lopez", "Smith", "Wang", "Okafor", "Novak", "Haddad", "Silva", "Tanaka", "Berg", "Moreau"];
pub const DEPARTMENTS: [&str; 5] = ["Finance", "Sales", "Engineering", "Operations", "People"];
pub const LOCATIONS: [&str; 3] = ["Lisbon", "Boston", "Singapore"];

pub struct DemoSpotlights {
    pub people: usize,
    pub lists: usize,
    pub announcement: Option<i32>,
}

/// Adds `count` employees (without passwords: they receive email), two lists
/// and a draft spotlight featuring two published benefits, owned by `owner`.
pub async fn fill(db: &DatabaseConnection, owner: i32, count: usize) -> anyhow::Result<DemoSpotlights> {
    let now = Utc::now();
    let people: Vec<(String, String, &str, &str)> = (0..count)
        .map(|i| {
            let (first, last) = (FIRST[i % FIRST.len()], LAST[(i / FIRST.len() + i) % LAST.len()]);
            let email = format!("{}.{}{}@demo.herald.local", first.to_lowercase(), last.to_lowercase(), i);
            (email, format!("{first} {last}"), DEPARTMENTS[i % DEPARTMENTS.len()], LOCATIONS[i % LOCATIONS.len()])
        })
        .collect();
    let rows = people.iter().map(|(email, name, department, location)| user::ActiveModel {
        email: Set(email.clone()),
        name: Set(name.clone()),
        department: Set((*department).into()),
        location: Set((*location).into()),
        role: Set("employee".into()),
        must_change_password: Set(false),
        active: Set(true),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    });
    for chunk in rows.collect::<Vec<_>>().chunks(200) {
        user::Entity::insert_many(chunk.to_vec()).exec_without_returning(db).await?;
    }
    let committee = lists::create(db, owner, "Benefits committee", "Employee representatives consulted on benefit changes").await?;
    let managers = lists::create(db, owner, "People managers", "Everyone who manages a team").await?;
    let pick = |every: usize| people.iter().step_by(every).map(|p| (p.0.clone(), p.0.clone())).collect::<Vec<_>>();
    lists::add_members(db, committee.id, &pick(7)).await?;
    lists::add_members(db, managers.id, &pick(5)).await?;

    // Dental items first: the demo spotlight is about dental coverage.
    let mut benefits: Vec<i32> = vec![];
    for dental_only in [true, false] {
        let mut query = collateral::Entity::find()
            .select_only()
            .column(collateral::Column::Id)
            .filter(collateral::Column::Status.eq("published"))
            .filter(collateral::Column::Kind.eq("benefit"));
        if dental_only {
            query = query.filter(collateral::Column::Title.contains("ental"));
        }
        let found: Vec<i32> = query.order_by_asc(collateral::Column::Id).limit(2).into_tuple().all(db).await?;
        for id in found {
            if benefits.len() < 2 && !benefits.contains(&id) {
                benefits.push(id);
            }
        }
    }
    let raw = RawAnnouncement {
        title: "Dental coverage for dependents".into(),
        subject: "{{ recipient.first_name }}, your dependents' dental coverage is changing".into(),
        template: "benefit-change".into(),
        message: "From the next enrolment period, dental coverage for dependents moves to a new plan.\n\n\
                  Please read what changes for you and your family, and ask us anything."
            .into(),
        collateral_ids: benefits,
        audience: Audience { lists: vec![committee.name.clone()], departments: vec!["Finance".into()], ..Default::default() },
        notify_on_open: true,
    };
    let announcement = match service::parse(db, raw).await {
        Ok(input) => Some(service::create(db, owner, input).await?.id),
        Err(errors) => anyhow::bail!("the demo spotlight is not valid: {}", errors.join("; ")),
    };
    Ok(DemoSpotlights { people: count, lists: 2, announcement })
}
