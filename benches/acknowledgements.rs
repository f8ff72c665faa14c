//! Compliance-page benchmark: a request to read and confirm sent to PEOPLE
//! employees (the "Please read and confirm" spotlight queued for each), with
//! CONFIRMED of them confirmed, then HR's compliance page timed through HTTP.
//!
//!     cargo bench --bench acknowledgements -- --people 11000 --confirmed 10000 --rounds 100
//!     DATABASE_URL=postgres://user:pass@127.0.0.1/empty_db cargo bench --bench acknowledgements
//!
//! Prints a Markdown row for BENCHMARKS.md. Runs on loopback in a temporary
//! directory (SQLite there unless DATABASE_URL names an empty PostgreSQL database).

use std::time::{Duration, Instant};

use chrono::Utc;
use herald::auth::Role;
use herald::config::{Config, Overrides};
use herald::entities::{attestation::Channel, user};
use herald::startup::Application;
use sea_orm::{ActiveValue::Set, EntityTrait};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const DEPARTMENTS: [&str; 8] = ["Finance", "Sales", "Engineering", "Support", "Legal", "People", "Operations", "Marketing"];
const LOCATIONS: [&str; 4] = ["Lisbon", "Berlin", "Austin", "Singapore"];
const PASSWORD: &str = "bench-password-123";

struct Args {
    people: usize,
    confirmed: usize,
    rounds: usize,
}

fn args() -> Args {
    let mut args = Args { people: 11_000, confirmed: 10_000, rounds: 100 };
    let mut iter = std::env::args().skip(1);
    while let Some(arg) = iter.next() {
        let mut number = |name: &str| iter.next().and_then(|v| v.parse().ok()).unwrap_or_else(|| panic!("{name} N"));
        match arg.as_str() {
            "--people" => args.people = number("--people"),
            "--confirmed" => args.confirmed = number("--confirmed"),
            "--rounds" => args.rounds = number("--rounds"),
            _ => {} // cargo bench passes --bench
        }
    }
    assert!(args.confirmed <= args.people, "--confirmed cannot exceed --people");
    args
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize].as_secs_f64() * 1000.0
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = args();
    let dir = tempfile::tempdir()?;
    let database_url = std::env::var("DATABASE_URL").ok().filter(|url| !url.is_empty());
    let backend = if database_url.is_some() { "PostgreSQL" } else { "SQLite" };
    let overrides = Overrides { bind: Some("127.0.0.1:0".parse()?), database_url, ..Default::default() };
    let mut config = Config::load(dir.path(), None, overrides)?;
    config.mail.rate_per_second = 1000;
    let app = Application::build(config).await?;
    let base = format!("http://127.0.0.1:{}", app.port());
    let state = app.state.clone();
    tokio::spawn(app.run_until(std::future::pending()));
    let db = &state.db;

    let now = Utc::now();
    let rows: Vec<user::ActiveModel> = (0..args.people)
        .map(|i| user::ActiveModel {
            email: Set(format!("person{i}@bench.local")),
            name: Set(format!("Person {i:05}")),
            department: Set(DEPARTMENTS[i % DEPARTMENTS.len()].into()),
            location: Set(LOCATIONS[i % LOCATIONS.len()].into()),
            manager_email: Set(Some(format!("person{}@bench.local", i / 10))),
            role: Set("employee".into()),
            must_change_password: Set(false),
            active: Set(true),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        })
        .collect();
    for chunk in rows.chunks(500) {
        user::Entity::insert_many(chunk.to_vec()).exec_without_returning(db).await?;
    }
    let hr = herald::users::service::NewUser::parse("hr@bench.local", "Bench HR", "Human Resources", "Lisbon", Role::HrStaff).map_err(anyhow::Error::msg)?;
    let (hr, _) = herald::users::service::create(db, hr, Some(PASSWORD)).await?;
    let raw = herald::library::model::RawCollateral {
        title: "Remote Work Policy".into(),
        body: "You may work from home up to three days a week.".into(),
        kind: "policy".into(),
        status: "published".into(),
        ..Default::default()
    };
    let item = herald::library::service::create(db, hr.id, raw.parse().map_err(|errors: Vec<String>| anyhow::anyhow!(errors.join(" ")))?).await?;

    let clock = state.config.clock.now();
    let input = herald::acknowledgements::model::RawRequest {
        collateral_id: item.id,
        audience: herald::spotlights::model::Audience { departments: DEPARTMENTS.iter().map(|d| d.to_string()).collect(), ..Default::default() },
        due_date: (clock.date_naive() + chrono::Duration::days(14)).to_string(),
        ..Default::default()
    }
    .parse(clock.date_naive())
    .map_err(|errors| anyhow::anyhow!(errors.join(" ")))?;
    let started = Instant::now();
    let request = herald::acknowledgements::sending::create(db, hr.id, input, None, clock).await?;
    herald::acknowledgements::sending::send(db, &request, state.config.host(), clock).await?;
    let queued = started.elapsed();
    // The emails are not what is measured here (bench/blast.sh is): stop them.
    herald::spotlights::service::cancel(db, request.announcement_id.expect("sent")).await?;
    let request = herald::acknowledgements::store::find(db, request.id).await?;

    let started = Instant::now();
    for person in herald::acknowledgements::store::people(db, request.id).await?.iter().take(args.confirmed) {
        let channel = [Channel::Email, Channel::Portal, Channel::Api][person.user_id as usize % 3];
        herald::acknowledgements::evidence::confirm(db, &request, person, channel, "", state.config.clock.now()).await?;
    }
    let confirming = started.elapsed();

    let client = reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build()?;
    let login = client.get(format!("{base}/login")).send().await?.text().await?;
    let csrf = login.split("name=\"csrf\" value=\"").nth(1).and_then(|rest| rest.split('"').next()).expect("a csrf field").to_owned();
    let signed_in = client.post(format!("{base}/login")).form(&[("csrf", csrf.as_str()), ("email", "hr@bench.local"), ("password", PASSWORD)]).send().await?;
    anyhow::ensure!(signed_in.status() == 303, "sign-in failed: {}", signed_in.status());

    let page = format!("{base}/acknowledgements/{}", request.id);
    let first = client.get(&page).send().await?.text().await?;
    anyhow::ensure!(first.contains(&format!("<strong id=\"confirmed-count\">{}</strong>", args.confirmed)), "the page does not show {} confirmed", args.confirmed);
    let mut times = Vec::with_capacity(args.rounds);
    for _ in 0..args.rounds {
        let started = Instant::now();
        let response = client.get(&page).send().await?;
        anyhow::ensure!(response.status() == 200, "compliance page: {}", response.status());
        response.bytes().await?;
        times.push(started.elapsed());
    }
    times.sort();
    let started = Instant::now();
    let csv = client.get(format!("{page}/export.csv")).send().await?.bytes().await?;
    let export = started.elapsed();
    anyhow::ensure!(csv.iter().filter(|b| **b == b'\n').count() == args.people + 1, "the CSV has a line per person");

    println!("| backend | people asked | confirmed | queuing the request | recording the confirmations | compliance page p50 | p95 | CSV export | rounds |");
    println!("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    println!(
        "| {backend} | {} | {} | {:.2} s | {:.1} s | {:.1} ms | {:.1} ms | {:.0} ms | {} |",
        args.people,
        args.confirmed,
        queued.as_secs_f64(),
        confirming.as_secs_f64(),
        percentile(&times, 0.5),
        percentile(&times, 0.95),
        export.as_secs_f64() * 1000.0,
        args.rounds
    );
    Ok(())
}
