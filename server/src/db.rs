//! Database connection and migrations.

use std::time::Duration;

use anyhow::Context;
use migrations::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr, TransactionTrait};

use crate::config::Config;

pub async fn connect(config: &Config) -> anyhow::Result<DatabaseConnection> {
    connect_with(config, if config.database_url.is_some() { 20 } else { 8 }).await
}

/// A pool of at most `max_connections`, for a task that wants its own.
pub async fn connect_with(config: &Config, max_connections: u32) -> anyhow::Result<DatabaseConnection> {
    std::fs::create_dir_all(&config.data_dir)
        .with_context(|| format!("creating data directory {}", config.data_dir.display()))?;
    let mut options = ConnectOptions::new(config.database_url());
    options
        .max_connections(max_connections)
        .connect_timeout(Duration::from_secs(5))
        .acquire_timeout(Duration::from_secs(5))
        .sqlx_logging(false);
    // Every pooled connection gets the same settings: WAL lets readers
    // proceed while a writer commits, and the busy timeout turns momentary
    // lock contention (the outbox worker writes often) into a short wait
    // instead of an error.
    options.map_sqlx_sqlite_opts(|sqlite| {
        sqlite
            .journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
            .busy_timeout(Duration::from_secs(10))
            .foreign_keys(true)
            .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
    });
    let db = Database::connect(options).await.context("connecting to the database")?;
    Ok(db)
}

pub async fn migrate(db: &DatabaseConnection) -> anyhow::Result<()> {
    Migrator::up(db, None).await.context("applying database migrations")
}

/// A transaction that will write. On SQLite it takes the write lock at once:
/// a transaction that reads first and writes later fails at its first write
/// (SQLITE_BUSY, which the busy timeout does not wait out) whenever another
/// connection committed in between, as the outbox does all through a blast.
pub async fn begin_write(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    let txn = db.begin().await?;
    if db.get_database_backend() == DbBackend::Sqlite {
        // Any UPDATE opens the write transaction, even one that matches no row.
        txn.execute_unprepared("UPDATE users SET id = id WHERE 0").await?;
    }
    Ok(txn)
}
