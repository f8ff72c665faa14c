//! Reading time in the portal: per employee, item and day, the longest
//! stretch the page was visible, as the page's beacon reported it.

use sea_orm_migration::prelude::*;

use crate::columns::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum ReadTimes {
    Table,
    Id,
    UserId,
    ItemKind,
    ItemId,
    Day,
    Seconds,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use ReadTimes as R;
        manager
            .create_table(
                Table::create()
                    .table(R::Table)
                    .col(id(R::Id))
                    .col(int(R::UserId))
                    .col(string(R::ItemKind, 20))
                    .col(int(R::ItemId))
                    .col(string(R::Day, 10))
                    .col(int(R::Seconds))
                    .to_owned(),
            )
            .await?;
        // One row per person, item and day; the item first, so counting an
        // item's readers uses the same index.
        manager.create_index(index("idx_read_times_once", R::Table, &[R::ItemKind, R::ItemId, R::UserId, R::Day], true)).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(ReadTimes::Table).to_owned()).await
    }
}
