//! `herald demo`: fills an empty database with a realistic HR library (and a
//! few people to own it), so a newcomer has something to search.

use sea_orm::{DatabaseConnection, EntityTrait, PaginatorTrait, TransactionTrait};

use super::demo_content::{self, DemoItem};
use super::model::RawCollateral;
use super::service;
use crate::auth::Role;
use crate::entities::collateral;
use crate::users::service::{self as users, NewUser};

const BATCH: usize = 500;

pub struct DemoSummary {
    pub collateral: usize,
    /// The HR person who owns the demo content.
    pub owner: i32,
}

/// Refuses a library that already has items: demo data is for new installs and benchmarks.
pub async fn fill(db: &DatabaseConnection, count: usize, seed: u64, progress: impl Fn(u64, u64)) -> anyhow::Result<DemoSummary> {
    let existing = collateral::Entity::find().count(db).await?;
    if existing > 0 {
        anyhow::bail!("the library already has {existing} items; demo data only goes into an empty library");
    }
    let owner = match users::find_by_email(db, "hr.demo@herald.local").await? {
        Some(user) => user,
        None => {
            let new = NewUser::parse("hr.demo@herald.local", "Dana Reyes (HR demo)", "People", "Head office", Role::HrStaff)
                .map_err(|e| anyhow::anyhow!(e))?;
            users::create(db, new, None).await.map_err(|e| anyhow::anyhow!("{e}"))?.0
        }
    };
    let items = demo_content::generate(count, seed);
    let total = items.len() as u64;
    for (batch_number, batch) in items.chunks(BATCH).enumerate() {
        let txn = db.begin().await?;
        for item in batch {
            let input = raw(item).parse().map_err(|errors| anyhow::anyhow!("demo item {:?}: {}", item.title, errors.join("; ")))?;
            service::create_in(&txn, owner.id, input).await.map_err(|e| anyhow::anyhow!("{e}"))?;
        }
        txn.commit().await?;
        progress(((batch_number * BATCH) + batch.len()) as u64, total);
    }
    Ok(DemoSummary { collateral: items.len(), owner: owner.id })
}

fn raw(item: &DemoItem) -> RawCollateral {
    RawCollateral {
        title: item.title.clone(),
        summary: item.summary.clone(),
        body: item.body.clone(),
        kind: item.kind.to_owned(),
        category: item.category.to_owned(),
        tags: item.tags.join(","),
        audience_departments: item.audience_departments.join(","),
        audience_locations: item.audience_locations.join(","),
        status: if item.published { "published".into() } else { "draft".into() },
        external_url: item.external_url.clone().unwrap_or_default(),
        change_note: "Demo data".into(),
        ..Default::default()
    }
}
