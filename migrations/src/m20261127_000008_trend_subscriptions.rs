//! Trend report subscriptions: which HR leads get the hot-button report by
//! email, weekly or monthly, and the last period each was sent.

use sea_orm_migration::prelude::*;

use crate::columns::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum TrendSubscriptions {
    Table,
    Id,
    UserId,
    Frequency,
    LastPeriod,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use TrendSubscriptions as T;
        manager
            .create_table(
                Table::create()
                    .table(T::Table)
                    .col(id(T::Id))
                    .col(int(T::UserId))
                    .col(string(T::Frequency, 10))
                    // The first day (`YYYY-MM-DD`) of the last period sent: the
                    // conditional update that claims a send compares it.
                    .col(ColumnDef::new(T::LastPeriod).string_len(10).null())
                    .col(time(T::CreatedAt))
                    .col(time(T::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager.create_index(index("idx_trend_subscriptions_user", T::Table, &[T::UserId], true)).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(TrendSubscriptions::Table).to_owned()).await
    }
}
