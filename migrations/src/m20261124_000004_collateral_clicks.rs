//! How often each library item was opened from a spotlight, for the
//! library's "most clicked" sort (kept as a counter so search need not count events).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Collateral {
    Table,
    Clicks,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(Table::alter().table(Collateral::Table).add_column(ColumnDef::new(Collateral::Clicks).big_integer().not_null().default(0)).to_owned())
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table(Collateral::Table).drop_column(Collateral::Clicks).to_owned()).await
    }
}
