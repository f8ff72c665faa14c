//! The visitor hashes stored so far were keyed with the tracking key in the
//! `settings` table, so whoever holds the database could hash every IPv4
//! address and read them back (issue 19). From now on the hash has its own
//! key outside the database; this replaces each stored hash by a random
//! value, the same value for the same hash, so unique-visitor counts stay
//! as they were and the addresses can no longer be recovered.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DatabaseBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let random = match db.get_database_backend() {
            DatabaseBackend::Postgres => "replace(gen_random_uuid()::text, '-', '')",
            _ => "lower(hex(randomblob(16)))",
        };
        // One script, so that one connection of the pool runs all of it.
        db.execute_unprepared(&format!(
            "CREATE TABLE visitor_hash_blinding (old_hash VARCHAR(32) NOT NULL PRIMARY KEY, new_hash VARCHAR(32) NOT NULL);
             INSERT INTO visitor_hash_blinding (old_hash, new_hash)
                 SELECT visitor_hash, {random} FROM (SELECT DISTINCT visitor_hash FROM tracking_events WHERE visitor_hash IS NOT NULL) AS seen;
             UPDATE tracking_events SET visitor_hash = (SELECT new_hash FROM visitor_hash_blinding WHERE old_hash = tracking_events.visitor_hash)
                 WHERE visitor_hash IS NOT NULL;
             DROP TABLE visitor_hash_blinding;"
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        // The old hashes are gone on purpose.
        Ok(())
    }
}
