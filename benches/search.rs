//! Search benchmark: Herald's tantivy search through the HTTP API, side by
//! side with SQLite FTS5 (bm25, porter stemming) on the same corpus and queries.
//!
//!     cargo bench --bench search -- --items 100000 --rounds 20
//!
//! Prints a Markdown table for BENCHMARKS.md. Everything runs on loopback in
//! a temporary directory; nothing is left behind. With `--data DIR` the
//! generated library and index are kept in DIR and reused by the next run
//! (for trying changes to the query path without regenerating 100k items).

use std::path::PathBuf;
use std::time::{Duration, Instant};

use herald::auth::Role;
use herald::config::{Config, Overrides};
use herald::search::{SearchIndex, SearchRequest, Sort, Viewer};
use herald::startup::Application;
use sea_orm::{ConnectionTrait, DatabaseBackend, EntityTrait, PaginatorTrait, Statement};

// The allocator the `herald` binary ships with, so the HTTP path is measured as it runs.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Realistic library queries: words, two-word searches, phrases, typos, prefixes.
const QUERIES: &[&str] = &[
    "dental", "dental dependents", "orthodontic", "vision plan", "parental leave", "\"open enrollment\"", "401k match",
    "bereavement", "telecommuting", "flu season", "expense reimbursement", "travel policy", "harassment", "tuition",
    "wellness stipend", "life insurance", "disability", "overtime", "jury duty", "direct deposit", "password",
    "ergonomics", "relocation", "referral bonus", "deductible", "premium", "holiday calendar", "remote equipment",
    "benefits", "enrolment deadline",
];
/// Misspellings people type; FTS5 has no typo tolerance.
const TYPOS: &[&str] = &["dentel", "benifits", "vacaton", "orthodntic", "reimbursment", "telecomuting"];

struct Args {
    items: usize,
    rounds: usize,
    data: Option<PathBuf>,
}

fn args() -> Args {
    let mut args = Args { items: 20_000, rounds: 20, data: None };
    let mut iter = std::env::args().skip(1);
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--items" => args.items = iter.next().and_then(|v| v.parse().ok()).expect("--items N"),
            "--rounds" => args.rounds = iter.next().and_then(|v| v.parse().ok()).expect("--rounds N"),
            "--data" => args.data = Some(iter.next().expect("--data DIR").into()),
            _ => {} // cargo bench passes --bench
        }
    }
    args
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok()))
        .map_or(0.0, |kb| kb / 1024.0)
}

fn fts_query(text: &str) -> String {
    // Words AND-ed; quoted phrases kept; each word quoted so FTS5 syntax characters are literal.
    let mut parts = Vec::new();
    for (i, chunk) in text.split('"').enumerate() {
        if i % 2 == 1 {
            parts.push(format!("\"{}\"", chunk.trim()));
        } else {
            parts.extend(chunk.split_whitespace().map(|w| format!("\"{w}\"")));
        }
    }
    parts.join(" AND ")
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = args();
    let temporary = tempfile::tempdir()?;
    let dir = args.data.clone().unwrap_or_else(|| temporary.path().to_path_buf());
    let reuse = dir.join("herald.db").exists();
    let overrides = Overrides { bind: Some("127.0.0.1:0".parse()?), ..Default::default() };
    let config = Config::load(&dir, None, overrides)?;
    let db = herald::db::connect(&config).await?;
    herald::db::migrate(&db).await?;

    let (mut load_time, mut index_time) = (None, None);
    if reuse {
        eprintln!("reusing the library stored in {}", dir.display());
    } else {
        eprintln!("generating and storing {} items…", args.items);
        let started = Instant::now();
        herald::library::demo::fill(&db, args.items, 1, |_, _| {}).await?;
        load_time = Some(started.elapsed());

        eprintln!("indexing…");
        let started = Instant::now();
        {
            let (index, _) = SearchIndex::open(&config.index_dir())?;
            index.rebuild(&db, |_, _| {}).await?;
        }
        index_time = Some(started.elapsed());
    }

    let app = Application::build(config.clone()).await?;
    let address = format!("http://127.0.0.1:{}", app.port());
    let state = app.state.clone();
    tokio::spawn(app.run_until(std::future::pending()));
    let owner = herald::users::service::NewUser::parse(&format!("bench-{}@example.com", std::process::id()), "Bench", "", "", Role::HrStaff).map_err(anyhow::Error::msg)?;
    let (user, _) = herald::users::service::create(&state.db, owner, Some("benchmark password")).await?;
    let token = herald::auth::tokens::create(&state.db, user.id, "bench").await?;
    let client = reqwest::Client::new();

    let all: Vec<&str> = QUERIES.iter().chain(TYPOS).copied().collect();
    let http = |q: &str| {
        let url = format!("{address}/api/v1/collateral/search?per_page=20&q={}", url::form_urlencoded::byte_serialize(q.as_bytes()).collect::<String>());
        client.get(url).bearer_auth(&token).send()
    };
    for q in &all {
        http(q).await?.error_for_status()?;
    }
    let mut http_times = Vec::new();
    for _ in 0..args.rounds {
        for q in &all {
            let t = Instant::now();
            let body = http(q).await?.error_for_status()?.bytes().await?;
            http_times.push(t.elapsed());
            std::hint::black_box(body);
        }
    }

    let request = |q: &str| SearchRequest {
        text: q.to_owned(),
        kind: None,
        category: None,
        tag: None,
        viewer: Viewer::Staff { statuses: vec![] },
        sort: Sort::Relevance,
        page: 1,
        per_page: 20,
    };
    let mut engine_times = Vec::new();
    for _ in 0..args.rounds {
        for q in &all {
            let t = Instant::now();
            std::hint::black_box(state.search.search(&request(q))?);
            engine_times.push(t.elapsed());
        }
    }

    eprintln!("building the FTS5 baseline…");
    let started = Instant::now();
    db.execute_unprepared("DROP TABLE IF EXISTS fts").await?;
    db.execute_unprepared("CREATE VIRTUAL TABLE fts USING fts5(title, summary, body, tags, tokenize = 'porter unicode61')").await?;
    db.execute_unprepared(
        "INSERT INTO fts(rowid, title, summary, body, tags) \
         SELECT id, title, summary, body, replace(tags, char(10), ' ') FROM collateral WHERE status != 'archived'",
    )
    .await?;
    let fts_index_time = started.elapsed();
    let fts = |q: &str| {
        let expression = fts_query(q);
        let db = &db;
        async move {
            let hits = db
                .query_all(Statement::from_sql_and_values(
                    DatabaseBackend::Sqlite,
                    "SELECT rowid, title, snippet(fts, 2, '<b>', '</b>', '…', 20) FROM fts WHERE fts MATCH $1 \
                     ORDER BY bm25(fts, 3.0, 1.5, 1.0, 2.0) LIMIT 20",
                    [expression.clone().into()],
                ))
                .await?;
            let total = db
                .query_one(Statement::from_sql_and_values(DatabaseBackend::Sqlite, "SELECT count(*) FROM fts WHERE fts MATCH $1", [expression.into()]))
                .await?;
            Ok::<_, sea_orm::DbErr>((hits.len(), total.is_some()))
        }
    };
    for q in &all {
        fts(q).await?;
    }
    let mut fts_times = Vec::new();
    for _ in 0..args.rounds {
        for q in &all {
            let t = Instant::now();
            std::hint::black_box(fts(q).await?);
            fts_times.push(t.elapsed());
        }
    }
    let mut typo_herald = 0;
    let mut typo_fts = 0;
    for q in TYPOS {
        typo_herald += usize::from(state.search.search(&request(q))?.total > 0);
        typo_fts += usize::from(fts(q).await?.0 > 0);
    }

    for times in [&mut http_times, &mut engine_times, &mut fts_times] {
        times.sort();
    }
    let (h50, h99) = (percentile(&http_times, 0.5), percentile(&http_times, 0.99));
    let (e50, e99) = (percentile(&engine_times, 0.5), percentile(&engine_times, 0.99));
    let (f50, f99) = (percentile(&fts_times, 0.5), percentile(&fts_times, 0.99));
    let items = herald::entities::collateral::Entity::find().count(&db).await?;
    println!("Corpus: {items} items ({} queries × {} rounds; {} typo queries)", all.len(), args.rounds, TYPOS.len());
    println!();
    println!("| measure | p50 | p99 |");
    println!("| --- | --- | --- |");
    println!("| Herald search via HTTP API (tantivy, facets, snippets) | {} | {} |", ms(h50), ms(h99));
    println!("| Herald search engine alone | {} | {} |", ms(e50), ms(e99));
    println!("| SQLite FTS5 bm25 (top 20 + count, no facets) | {} | {} |", ms(f50), ms(f99));
    println!();
    println!("- p50 ratio FTS5 / Herald engine: {:.1}×; FTS5 / Herald through HTTP: {:.1}×", f50.as_secs_f64() / e50.as_secs_f64(), f50.as_secs_f64() / h50.as_secs_f64());
    println!("- typo queries with results: Herald {typo_herald}/{}, FTS5 {typo_fts}/{}", TYPOS.len(), TYPOS.len());
    if let (Some(load), Some(index)) = (load_time, index_time) {
        println!("- storing {items} items: {:.1} s; building Herald's index: {:.1} s", load.as_secs_f64(), index.as_secs_f64());
    }
    println!("- building the FTS5 table: {:.1} s", fts_index_time.as_secs_f64());
    println!("- peak resident memory of the benchmark process: {:.0} MB", peak_rss_mb());
    Ok(())
}
