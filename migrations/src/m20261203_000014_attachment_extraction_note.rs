//! Attachments gain `extraction_note`: why a stored file's text was not read
//! for search (too large or too complex to parse within its bounds, damaged,
//! password-protected), shown to HR on the item. Empty when the text was read.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::ConnectionTrait;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared("ALTER TABLE attachments ADD COLUMN extraction_note TEXT").await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared("ALTER TABLE attachments DROP COLUMN extraction_note").await?;
        Ok(())
    }
}
