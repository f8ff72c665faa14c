//! Herald's database schema, as ordered sea-orm migrations.
//!
//! Every migration is written with the schema builder so the same code runs on
//! SQLite (the embedded default) and PostgreSQL (production).

pub use sea_orm_migration::prelude::*;

mod columns;
mod m20261122_000001_accounts;
mod m20261123_000002_library;
mod m20261124_000003_spotlights;
mod m20261124_000004_collateral_clicks;
mod m20261125_000005_tracking;
mod m20261126_000006_comments;
mod m20261127_000007_reading;
mod m20261127_000008_trend_subscriptions;
mod m20261127_000009_rollups;
mod m20261128_000010_lean_event_indexes;
mod m20261128_000011_outbox_due_order;
mod m20261129_000012_unordered_quick_reactions;
mod m20261129_000013_blind_visitor_hashes;
mod m20261203_000014_attachment_extraction_note;
mod m20261203_000015_sign_in_links;
mod m20261203_000016_scim_provisioning;
mod m20261203_000017_oidc;
mod m20261204_000018_safe_sending;
mod m20261204_000019_acknowledgements;
mod m20261204_000020_event_rules;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261122_000001_accounts::Migration),
            Box::new(m20261123_000002_library::Migration),
            Box::new(m20261124_000003_spotlights::Migration),
            Box::new(m20261124_000004_collateral_clicks::Migration),
            Box::new(m20261125_000005_tracking::Migration),
            Box::new(m20261126_000006_comments::Migration),
            Box::new(m20261127_000007_reading::Migration),
            Box::new(m20261127_000008_trend_subscriptions::Migration),
            Box::new(m20261127_000009_rollups::Migration),
            Box::new(m20261128_000010_lean_event_indexes::Migration),
            Box::new(m20261128_000011_outbox_due_order::Migration),
            Box::new(m20261129_000012_unordered_quick_reactions::Migration),
            Box::new(m20261129_000013_blind_visitor_hashes::Migration),
            Box::new(m20261203_000014_attachment_extraction_note::Migration),
            Box::new(m20261203_000015_sign_in_links::Migration),
            Box::new(m20261203_000016_scim_provisioning::Migration),
            Box::new(m20261203_000017_oidc::Migration),
            Box::new(m20261204_000018_safe_sending::Migration),
            Box::new(m20261204_000019_acknowledgements::Migration),
            Box::new(m20261204_000020_event_rules::Migration),
        ]
    }
}
