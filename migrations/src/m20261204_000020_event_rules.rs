//! Tracking events gain `rule`: the rule that classified each one (see
//! `tracking::rule` in the server), so HR can see how many events each rule
//! kept out of the human figures. Events stored before get the rule their
//! `bot_reason` implies; opens through a mail provider's image proxy, which
//! were counted as automated, become approximate opens.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::ConnectionTrait;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared("ALTER TABLE tracking_events ADD COLUMN rule VARCHAR(32)").await?;
        db.execute_unprepared(
            "UPDATE tracking_events SET rule = CASE bot_reason \
               WHEN 'head request' THEN 'head-request' \
               WHEN 'prefetch' THEN 'prefetch-header' \
               WHEN 'no user agent' THEN 'no-user-agent' \
               WHEN 'link burst' THEN 'link-burst' \
               ELSE 'herald-list' END \
             WHERE automated = TRUE",
        )
        .await?;
        db.execute_unprepared(
            "UPDATE tracking_events SET automated = FALSE, rule = 'image-proxy', ua_class = 'image-proxy' \
             WHERE kind = 'open' AND bot_reason = 'image proxy'",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared("UPDATE tracking_events SET automated = TRUE, ua_class = 'automated' WHERE rule = 'image-proxy'").await?;
        db.execute_unprepared("ALTER TABLE tracking_events DROP COLUMN rule").await?;
        Ok(())
    }
}
