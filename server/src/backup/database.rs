//! The database part of a backup: a consistent snapshot, and putting it back.

use std::path::Path;
use std::process::Command;

use anyhow::{bail, Context};
use sea_orm::{ConnectionTrait, Statement};

use super::files;
use super::manifest::Entry;
use crate::config::Config;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn of(config: &Config) -> Backend {
        if config.database_url().starts_with("postgres") {
            Backend::Postgres
        } else {
            Backend::Sqlite
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }

    fn file_name(self) -> &'static str {
        match self {
            Backend::Sqlite => "database.sqlite",
            Backend::Postgres => "database.pgdump",
        }
    }

    /// Writes a consistent copy of the database into `dest`.
    pub async fn snapshot(self, config: &Config, dest: &Path) -> anyhow::Result<Entry> {
        let target = dest.join(self.file_name());
        match self {
            Backend::Sqlite => {
                let live = sqlite_file(config);
                if !live.exists() {
                    bail!("there is no database at {} to back up", live.display());
                }
                // VACUUM INTO reads one transaction's view: consistent while Herald writes.
                let db = crate::db::connect(config).await?;
                let quoted = target.to_string_lossy().replace('\'', "''");
                db.execute(Statement::from_string(db.get_database_backend(), format!("VACUUM INTO '{quoted}'")))
                    .await
                    .with_context(|| format!("writing the database snapshot to {}", target.display()))?;
                db.close().await?;
            }
            Backend::Postgres => {
                let mut dump = Command::new("pg_dump");
                dump.args(["--format=custom", "--no-owner", "--no-privileges", "--file"]).arg(&target);
                run(dump, "pg_dump", &config.database_url())?;
            }
        }
        let (bytes, sha256) = files::checksum(&target)?;
        Ok(Entry { path: self.file_name().to_owned(), bytes, sha256 })
    }

    /// Refuses to restore over a database that holds anything.
    pub async fn ensure_empty(self, config: &Config) -> anyhow::Result<()> {
        match self {
            Backend::Sqlite => {
                let live = sqlite_file(config);
                if std::fs::metadata(&live).is_ok_and(|meta| meta.len() > 0) {
                    bail!(
                        "{} already holds a database; restore into a new data directory, or move the current one aside first",
                        live.display()
                    );
                }
            }
            Backend::Postgres => {
                let db = crate::db::connect(config).await?;
                let tables = db
                    .query_one(Statement::from_string(
                        db.get_database_backend(),
                        "SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = 'public'",
                    ))
                    .await?
                    .map(|row| row.try_get::<i64>("", "n"))
                    .transpose()?
                    .unwrap_or(0);
                db.close().await?;
                if tables > 0 {
                    bail!("the PostgreSQL database already has {tables} tables; restore into a new, empty database (createdb) and point DATABASE_URL at it");
                }
            }
        }
        Ok(())
    }

    /// Puts the snapshot `file` in place as the database.
    pub async fn restore(self, config: &Config, file: &Path) -> anyhow::Result<()> {
        match self {
            Backend::Sqlite => {
                let live = sqlite_file(config);
                // Leftovers of another database's write-ahead log must not be replayed into this one.
                for suffix in ["-wal", "-shm"] {
                    let stale = live.with_file_name(format!("herald.db{suffix}"));
                    if stale.exists() {
                        std::fs::remove_file(&stale).with_context(|| format!("removing {}", stale.display()))?;
                    }
                }
                files::copy_file(file, &live).with_context(|| format!("restoring the database to {}", live.display()))?;
            }
            Backend::Postgres => {
                // pg_restore wants the database named (only the name: the rest is in the environment).
                let url = config.database_url();
                let name = libpq_environment(&url)?.into_iter().find(|(var, _)| *var == "PGDATABASE").map(|(_, name)| name).unwrap_or_default();
                let mut restore = Command::new("pg_restore");
                restore.args(["--no-owner", "--no-privileges", "--exit-on-error", "--dbname"]).arg(name).arg(file);
                run(restore, "pg_restore", &url)?;
            }
        }
        Ok(())
    }
}

fn sqlite_file(config: &Config) -> std::path::PathBuf {
    config.data_dir.join("herald.db")
}

/// Runs a PostgreSQL client tool against `url`, with a clear message when it is
/// missing or fails. The connection goes through libpq's environment variables,
/// so the password never shows in the process list.
fn run(mut command: Command, tool: &str, url: &str) -> anyhow::Result<()> {
    for (name, value) in libpq_environment(url)? {
        command.env(name, value);
    }
    let output = match command.output() {
        Ok(output) => output,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            bail!("{tool} was not found: install the PostgreSQL client tools of your server's version (Debian: postgresql-client) and try again")
        }
        Err(err) => return Err(err).with_context(|| format!("running {tool}")),
    };
    if !output.status.success() {
        bail!("{tool} failed ({}): {}", output.status, String::from_utf8_lossy(&output.stderr).trim());
    }
    Ok(())
}

/// PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE (and PGSSLMODE) for a
/// `postgres://user:pass@host:port/db?sslmode=...` URL.
fn libpq_environment(url: &str) -> anyhow::Result<Vec<(&'static str, String)>> {
    let parsed = url::Url::parse(url).context("DATABASE_URL is not a valid URL")?;
    let decode = |text: &str| percent_decode(text);
    let mut vars = vec![("PGHOST", parsed.host_str().unwrap_or("localhost").to_owned())];
    if let Some(port) = parsed.port() {
        vars.push(("PGPORT", port.to_string()));
    }
    if !parsed.username().is_empty() {
        vars.push(("PGUSER", decode(parsed.username())));
    }
    if let Some(password) = parsed.password() {
        vars.push(("PGPASSWORD", decode(password)));
    }
    let database = parsed.path().trim_start_matches('/');
    if database.is_empty() {
        bail!("DATABASE_URL names no database");
    }
    vars.push(("PGDATABASE", decode(database)));
    if let Some((_, mode)) = parsed.query_pairs().find(|(key, _)| key == "sslmode") {
        vars.push(("PGSSLMODE", mode.into_owned()));
    }
    Ok(vars)
}

fn percent_decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text).decode_utf8_lossy().into_owned()
}

#[cfg(test)]
mod tests {
    use super::libpq_environment;

    #[test]
    fn urls_become_libpq_variables_with_the_password_decoded() {
        let vars = libpq_environment("postgres://herald:p%40ss+word@db.internal:5433/herald_prod?sslmode=require").unwrap();
        let get = |name: &str| vars.iter().find(|(n, _)| *n == name).map(|(_, v)| v.as_str());
        assert_eq!(get("PGHOST"), Some("db.internal"));
        assert_eq!(get("PGPORT"), Some("5433"));
        assert_eq!(get("PGUSER"), Some("herald"));
        assert_eq!(get("PGPASSWORD"), Some("p@ss+word"));
        assert_eq!(get("PGDATABASE"), Some("herald_prod"));
        assert_eq!(get("PGSSLMODE"), Some("require"));
        assert!(libpq_environment("postgres://localhost/").is_err());
    }
}
