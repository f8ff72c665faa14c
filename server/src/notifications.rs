//! In-app notifications: short messages with a link, shown on the home page.

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::entities::notification;
use crate::error::Result;

pub async fn notify(db: &impl ConnectionTrait, user_id: i32, message: &str, url: &str) -> Result<()> {
    notification::Entity::insert(notification::ActiveModel {
        user_id: Set(user_id),
        message: Set(message.into()),
        url: Set(url.into()),
        created_at: Set(Utc::now()),
        read_at: Set(None),
        ..Default::default()
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// The newest unread notifications of a user.
pub async fn unread(db: &DatabaseConnection, user_id: i32) -> Result<Vec<notification::Model>> {
    Ok(notification::Entity::find()
        .filter(notification::Column::UserId.eq(user_id))
        .filter(notification::Column::ReadAt.is_null())
        .order_by_desc(notification::Column::CreatedAt)
        .limit(20)
        .all(db)
        .await?)
}

pub async fn mark_all_read(db: &DatabaseConnection, user_id: i32) -> Result<()> {
    notification::Entity::update_many()
        .col_expr(notification::Column::ReadAt, Expr::value(Some(Utc::now())))
        .filter(notification::Column::UserId.eq(user_id))
        .filter(notification::Column::ReadAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}
