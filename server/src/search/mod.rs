//! Full-text search over the library with tantivy.
//!
//! The index is a cache of the database. Every change to an item appends a
//! row to `collateral_changes`; each Herald server runs one [`SearchIndex`]
//! task that follows that log, re-reads the changed items and commits them in
//! one batch, recording the last applied sequence number in the commit
//! payload. So several servers on one PostgreSQL database each keep their own
//! index in step, and an index that is missing, corrupt or from another schema
//! version is simply rebuilt from the database.

mod document;
pub mod query;
pub mod schema;

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};
use tokio::sync::Notify;

use crate::entities::{attachment, collateral, collateral_change};
pub use query::{SearchRequest, SearchResults, Sort, Viewer};
use schema::{Fields, SCHEMA_VERSION};

const WRITER_MEMORY: usize = 64 * 1024 * 1024;
const SYNC_INTERVAL: Duration = Duration::from_millis(500);
const BATCH: u64 = 500;

#[derive(Clone)]
pub struct SearchIndex {
    inner: Arc<Inner>,
}

struct Inner {
    dir: PathBuf,
    index: Index,
    reader: IndexReader,
    writer: Mutex<IndexWriter<TantivyDocument>>,
    fields: Fields,
    /// Last `collateral_changes.seq` reflected in the committed index.
    applied: AtomicI64,
    wake: Arc<Notify>,
}

impl SearchIndex {
    /// Opens the index in `dir`. Returns `true` as the second value when the
    /// index had to be created afresh and so needs [`rebuild`](Self::rebuild).
    pub fn open(dir: &Path) -> anyhow::Result<(SearchIndex, bool)> {
        let (schema, fields) = schema::build();
        let existing = Index::open_in_dir(dir).ok().filter(|index| index.schema() == schema).and_then(|index| {
            let seq = index.load_metas().ok()?.payload.as_deref().and_then(parse_payload)?;
            Some((index, seq))
        });
        let (mut index, applied, fresh) = match existing {
            Some((index, seq)) => (index, seq, false),
            None => {
                if dir.exists() {
                    tracing::warn!(dir = %dir.display(), "search index missing, outdated or unreadable; rebuilding it from the database");
                    std::fs::remove_dir_all(dir).with_context(|| format!("removing {}", dir.display()))?;
                }
                std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
                (Index::create_in_dir(dir, schema).context("creating the search index")?, -1, true)
            }
        };
        // One query's segments (and its hits' snippets) are worked on by all
        // cores at once: a search answers in about half the time when the
        // server is otherwise idle, and loses nothing when it is busy.
        index.set_default_multithread_executor().context("starting the search threads")?;
        let writer = index.writer(WRITER_MEMORY).map_err(|err| match err {
            tantivy::TantivyError::LockFailure(..) => {
                anyhow::anyhow!("the search index in {} is in use by another Herald process", dir.display())
            }
            other => anyhow::Error::new(other).context("opening the search index writer"),
        })?;
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into().context("opening the search index reader")?;
        let inner = Inner {
            dir: dir.to_path_buf(),
            index,
            reader,
            writer: Mutex::new(writer),
            fields,
            applied: AtomicI64::new(applied),
            wake: Arc::new(Notify::new()),
        };
        Ok((SearchIndex { inner: Arc::new(inner) }, fresh))
    }

    pub fn dir(&self) -> &Path {
        &self.inner.dir
    }

    pub fn applied_seq(&self) -> i64 {
        self.inner.applied.load(Ordering::Acquire)
    }

    /// Asks the sync task to look for changes now rather than at its next tick.
    pub fn notify(&self) {
        self.inner.wake.notify_one();
    }

    /// Re-indexes every item from the database; `progress(done, total)` is called as it goes.
    pub async fn rebuild(&self, db: &DatabaseConnection, progress: impl Fn(u64, u64)) -> anyhow::Result<u64> {
        use sea_orm::PaginatorTrait;
        // Changes made while we read are re-applied afterwards, which is harmless.
        let seq = latest_seq(db).await?;
        let total = collateral::Entity::find().count(db).await?;
        self.with_writer(|writer| writer.delete_all_documents().map(|_| ())).await?;
        let mut done = 0;
        let mut last_id = 0;
        loop {
            let items = collateral::Entity::find()
                .filter(collateral::Column::Id.gt(last_id))
                .order_by_asc(collateral::Column::Id)
                .limit(BATCH)
                .all(db)
                .await?;
            let Some(last) = items.last() else { break };
            last_id = last.id;
            let docs = self.documents(db, &items).await?;
            done += docs.len() as u64;
            self.with_writer(move |writer| {
                for doc in docs {
                    writer.add_document(doc)?;
                }
                Ok(())
            })
            .await?;
            progress(done, total);
        }
        self.commit(seq).await?;
        Ok(done)
    }

    /// Applies the changes logged since the last commit; returns how many items it re-indexed.
    pub async fn sync_once(&self, db: &DatabaseConnection) -> anyhow::Result<usize> {
        let mut applied = self.applied_seq();
        let mut total = 0;
        loop {
            let changes = collateral_change::Entity::find()
                .filter(collateral_change::Column::Seq.gt(applied))
                .order_by_asc(collateral_change::Column::Seq)
                .limit(BATCH)
                .all(db)
                .await?;
            let Some(last) = changes.last() else { break };
            let seq = last.seq;
            let ids: BTreeSet<i32> = changes.iter().map(|change| change.collateral_id).collect();
            let items = collateral::Entity::find().filter(collateral::Column::Id.is_in(ids.iter().copied())).all(db).await?;
            let docs = self.documents(db, &items).await?;
            let id_field = self.inner.fields.id;
            self.with_writer(move |writer| {
                for id in ids {
                    writer.delete_term(Term::from_field_u64(id_field, id as u64));
                }
                for doc in docs {
                    writer.add_document(doc)?;
                }
                Ok(())
            })
            .await?;
            self.commit(seq).await?;
            total += changes.len();
            applied = seq;
        }
        Ok(total)
    }

    /// Follows the change log for as long as the index is in use. The task
    /// holds only a weak reference, so dropping the last `SearchIndex`
    /// (a server shutting down) releases the index and its lock.
    pub fn spawn_sync(&self, db: DatabaseConnection) -> tokio::task::JoinHandle<()> {
        let weak = Arc::downgrade(&self.inner);
        let wake = self.inner.wake.clone();
        tokio::spawn(async move {
            while let Some(inner) = weak.upgrade() {
                let index = SearchIndex { inner };
                if let Err(err) = index.sync_once(&db).await {
                    tracing::warn!(error = %format!("{err:#}"), "search index sync failed; will retry");
                }
                drop(index);
                tokio::select! {
                    _ = wake.notified() => {}
                    _ = tokio::time::sleep(SYNC_INTERVAL) => {}
                }
            }
        })
    }

    pub fn search(&self, request: &SearchRequest) -> anyhow::Result<SearchResults> {
        query::run(&self.inner.index, &self.inner.reader.searcher(), &self.inner.fields, request)
    }

    pub fn related(&self, id: i32, tags: &[String], viewer: &Viewer, limit: usize) -> anyhow::Result<Vec<query::Hit>> {
        query::related(&self.inner.reader.searcher(), &self.inner.fields, id as u64, tags, viewer, limit)
    }

    async fn documents(&self, db: &DatabaseConnection, items: &[collateral::Model]) -> anyhow::Result<Vec<TantivyDocument>> {
        let ids: Vec<i32> = items.iter().map(|item| item.id).collect();
        let mut texts: HashMap<i32, String> = HashMap::new();
        let rows: Vec<(i32, String)> = attachment::Entity::find()
            .select_only()
            .column(attachment::Column::CollateralId)
            .column(attachment::Column::ExtractedText)
            .filter(attachment::Column::CollateralId.is_in(ids))
            .into_tuple()
            .all(db)
            .await?;
        for (id, text) in rows {
            let entry = texts.entry(id).or_default();
            entry.push_str(&text);
            entry.push('\n');
        }
        Ok(items.iter().map(|item| document::build(&self.inner.fields, item, texts.get(&item.id).map_or("", String::as_str))).collect())
    }

    async fn with_writer<F>(&self, work: F) -> anyhow::Result<()>
    where
        F: FnOnce(&mut IndexWriter<TantivyDocument>) -> tantivy::Result<()> + Send + 'static,
    {
        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || {
            let mut writer = inner.writer.lock().map_err(|_| anyhow::anyhow!("search index writer poisoned"))?;
            work(&mut writer).map_err(anyhow::Error::from)
        })
        .await?
    }

    async fn commit(&self, seq: i64) -> anyhow::Result<()> {
        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
            let mut writer = inner.writer.lock().map_err(|_| anyhow::anyhow!("search index writer poisoned"))?;
            let mut prepared = writer.prepare_commit()?;
            prepared.set_payload(&format!("{SCHEMA_VERSION}:{seq}"));
            prepared.commit()?;
            inner.reader.reload()?;
            inner.applied.store(seq, Ordering::Release);
            Ok(())
        })
        .await?
    }
}

fn parse_payload(payload: &str) -> Option<i64> {
    payload.strip_prefix(SCHEMA_VERSION)?.strip_prefix(':')?.parse().ok()
}

async fn latest_seq(db: &DatabaseConnection) -> anyhow::Result<i64> {
    let last = collateral_change::Entity::find().order_by_desc(collateral_change::Column::Seq).one(db).await?;
    Ok(last.map_or(0, |change| change.seq))
}
