//! Quick-reaction tables that keep no order of votes (issue 19). The tally
//! loses its sequential id: a cell is named by (announcement, day, face).
//! Both tables are rebuilt in key order; on SQLite they become `WITHOUT
//! ROWID` tables, stored in key order, so neither a rowid nor the storage
//! order says which voter came when. Existing counts and voters are kept.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DatabaseBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum QuickReactionTallies {
    AnnouncementId,
    Day,
    Score,
    Votes,
}

#[derive(DeriveIden, Clone, Copy)]
enum QuickReactionVoters {
    AnnouncementId,
    UserId,
}

/// Replaces `table` by one made by `create` (as `WITHOUT ROWID` on SQLite)
/// holding the same rows, copied in key order. One script, so that one
/// connection of the pool runs all of it.
async fn rebuild(manager: &SchemaManager<'_>, table: &str, mut create: TableCreateStatement, columns: &str, order: &str, rowid: bool) -> Result<(), DbErr> {
    let db = manager.get_connection();
    let backend = db.get_database_backend();
    let new = format!("{table}_rebuilt");
    let mut create = backend.build(&create.table(Alias::new(new.as_str())).to_owned()).to_string();
    if backend == DatabaseBackend::Sqlite && !rowid {
        create.push_str(" WITHOUT ROWID");
    }
    db.execute_unprepared(&format!(
        "{create};\nINSERT INTO {new} ({columns}) SELECT {columns} FROM {table} ORDER BY {order};\nDROP TABLE {table};\nALTER TABLE {new} RENAME TO {table};"
    ))
    .await?;
    Ok(())
}

fn tally_table(with_id: bool) -> TableCreateStatement {
    use QuickReactionTallies as Q;
    let mut create = Table::create();
    if with_id {
        create.col(ColumnDef::new(Alias::new("id")).integer().not_null().auto_increment().primary_key());
    }
    create
        .col(ColumnDef::new(Q::AnnouncementId).integer().not_null())
        .col(ColumnDef::new(Q::Day).date().not_null())
        .col(ColumnDef::new(Q::Score).integer().not_null())
        .col(ColumnDef::new(Q::Votes).integer().not_null());
    if !with_id {
        create.primary_key(Index::create().col(Q::AnnouncementId).col(Q::Day).col(Q::Score));
    }
    create.to_owned()
}

fn voter_table() -> TableCreateStatement {
    use QuickReactionVoters as V;
    Table::create()
        .col(ColumnDef::new(V::AnnouncementId).integer().not_null())
        .col(ColumnDef::new(V::UserId).integer().not_null())
        .primary_key(Index::create().col(V::AnnouncementId).col(V::UserId))
        .to_owned()
}

const TALLY_COLUMNS: &str = "announcement_id, day, score, votes";
const TALLY_KEY: &str = "announcement_id, day, score";
const VOTER_COLUMNS: &str = "announcement_id, user_id";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        rebuild(manager, "quick_reaction_tallies", tally_table(false), TALLY_COLUMNS, TALLY_KEY, false).await?;
        rebuild(manager, "quick_reaction_voters", voter_table(), VOTER_COLUMNS, VOTER_COLUMNS, false).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        rebuild(manager, "quick_reaction_tallies", tally_table(true), TALLY_COLUMNS, TALLY_KEY, true).await?;
        let db = manager.get_connection();
        db.execute_unprepared("CREATE UNIQUE INDEX idx_quick_reaction_tallies_cell ON quick_reaction_tallies (announcement_id, day, score)").await?;
        rebuild(manager, "quick_reaction_voters", voter_table(), VOTER_COLUMNS, VOTER_COLUMNS, true).await?;
        Ok(())
    }
}
