//! `herald demo --events N`: history for the analytics pages and their
//! benchmark — 10,000 employees, 50 announcements sent to all of them over
//! the past year, N tracking events spread over those announcements (opens,
//! clicks, visits, portal views, social clicks; about one in ten automated),
//! and comments with their sentiment and quick reactions. Deterministic for
//! a given seed.

use chrono::{DateTime, Duration, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect, TransactionTrait};

use crate::entities::{announcement, announcement_item, collateral, comment, outbox, quick_reaction_tally, recipient, spotlight_template, tracking_event, user};
use crate::spotlights::demo::{DEPARTMENTS, LOCATIONS};

pub const EMPLOYEES: usize = 10_000;
pub const ANNOUNCEMENTS: usize = 50;
const BATCH: usize = 500;

const COMMENTS: [&str; 12] = [
    "This is unfair. Dependents' dental is the one benefit families actually use.",
    "Finally! Thanks for listening to us about remote work.",
    "Will my kids stay covered until the end of the year?",
    "Nobody asked us before cutting this. Really disappointing.",
    "Clear and helpful, thank you.",
    "How do I enrol my partner?",
    "Another cut. Morale is already low.",
    "Great news for new parents.",
    "I don't understand what changes for part-time staff?",
    "The new plan looks fine to me.",
    "Why is this announced two weeks before enrolment closes?",
    "Love the extra wellness days!",
];

pub struct DemoEvents {
    pub employees: usize,
    pub announcements: usize,
    pub events: usize,
    pub comments: usize,
}

/// Adds the history; `progress` is told how many events are written so far.
pub async fn fill(db: &DatabaseConnection, owner: i32, events: usize, seed: u64, progress: impl Fn(u64, u64)) -> anyhow::Result<DemoEvents> {
    let mut rng = StdRng::seed_from_u64(seed);
    let people = employees(db).await?;
    let templates: Vec<i32> = spotlight_template::Entity::find().select_only().column(spotlight_template::Column::Id).into_tuple().all(db).await?;
    let items: Vec<(i32, i32)> = collateral::Entity::find()
        .select_only()
        .columns([collateral::Column::Id, collateral::Column::Version])
        .filter(collateral::Column::Status.eq("published"))
        .order_by_asc(collateral::Column::Id)
        .limit(200)
        .into_tuple()
        .all(db)
        .await?;
    anyhow::ensure!(!templates.is_empty() && items.len() >= 2, "the demo needs the shipped templates and published library items");
    let per_announcement = events / ANNOUNCEMENTS;
    let mut written = 0u64;
    let mut comments = 0;
    for n in 0..ANNOUNCEMENTS {
        let started = Utc::now() - Duration::days(7 * (ANNOUNCEMENTS - n) as i64) + Duration::hours(rng.gen_range(0..48));
        let featured = [items[(n * 2) % items.len()], items[(n * 2 + 1) % items.len()]];
        let id = sent_announcement(db, owner, templates[n % templates.len()], n, started, &featured).await?;
        let recipients = recipients(db, id, &people).await?;
        let count = if n + 1 == ANNOUNCEMENTS { events - per_announcement * (ANNOUNCEMENTS - 1) } else { per_announcement };
        write_events(db, &mut rng, id, started, &recipients, &featured, count, |done| progress(written + done, events as u64)).await?;
        written += count as u64;
        comments += write_feedback(db, &mut rng, id, started, &recipients).await?;
    }
    progress(written, events as u64);
    Ok(DemoEvents { employees: people.len(), announcements: ANNOUNCEMENTS, events: written as usize, comments })
}

/// The demo employees, created when there are not yet 10,000: (user id, email, name, department, location).
async fn employees(db: &DatabaseConnection) -> anyhow::Result<Vec<(i32, String, String, String, String)>> {
    let have = existing_employees(db).await?.len();
    let now = Utc::now();
    let rows: Vec<user::ActiveModel> = (have..EMPLOYEES)
        .map(|i| user::ActiveModel {
            email: Set(format!("employee{i}@staff.herald.local")),
            name: Set(format!("Employee {i}")),
            department: Set(DEPARTMENTS[i % DEPARTMENTS.len()].into()),
            location: Set(LOCATIONS[i % LOCATIONS.len()].into()),
            role: Set("employee".into()),
            must_change_password: Set(false),
            active: Set(true),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        })
        .collect();
    for chunk in rows.chunks(BATCH) {
        user::Entity::insert_many(chunk.to_vec()).exec_without_returning(db).await?;
    }
    existing_employees(db).await
}

async fn existing_employees(db: &DatabaseConnection) -> anyhow::Result<Vec<(i32, String, String, String, String)>> {
    Ok(user::Entity::find()
        .select_only()
        .columns([user::Column::Id, user::Column::Email, user::Column::Name, user::Column::Department, user::Column::Location])
        .filter(user::Column::Email.like("%@staff.herald.local"))
        .order_by_asc(user::Column::Id)
        .into_tuple()
        .all(db)
        .await?)
}

async fn sent_announcement(db: &DatabaseConnection, owner: i32, template: i32, n: usize, started: DateTime<Utc>, featured: &[(i32, i32)]) -> anyhow::Result<i32> {
    let topics = ["Dental coverage for dependents", "Remote work policy", "Open enrolment", "Parental leave", "Wellness days", "Pension plan"];
    let saved = announcement::Entity::insert(announcement::ActiveModel {
        title: Set(format!("{} (demo {})", topics[n % topics.len()], n + 1)),
        subject: Set(topics[n % topics.len()].into()),
        template_id: Set(template),
        message: Set("A change you should know about.".into()),
        audience: Set(r#"{"everyone":true}"#.into()),
        status: Set("sent".into()),
        notify_on_open: Set(false),
        created_by: Set(owner),
        scheduled_at: Set(None),
        started_at: Set(Some(started)),
        completed_at: Set(Some(started + Duration::minutes(20))),
        created_at: Set(started - Duration::hours(2)),
        updated_at: Set(started),
        ..Default::default()
    })
    .exec(db)
    .await?;
    let id = saved.last_insert_id;
    let rows = featured.iter().enumerate().map(|(position, (collateral_id, version))| announcement_item::ActiveModel {
        announcement_id: Set(id),
        position: Set(position as i32),
        collateral_id: Set(*collateral_id),
        collateral_version: Set(*version),
        ..Default::default()
    });
    announcement_item::Entity::insert_many(rows).exec_without_returning(db).await?;
    Ok(id)
}

/// Every employee is a recipient, and every message was sent: (recipient id, user id).
async fn recipients(db: &DatabaseConnection, id: i32, people: &[(i32, String, String, String, String)]) -> anyhow::Result<Vec<(i32, i32)>> {
    let txn = db.begin().await?;
    for chunk in people.chunks(BATCH) {
        let rows = chunk.iter().map(|(user_id, email, name, department, location)| recipient::ActiveModel {
            announcement_id: Set(id),
            user_id: Set(Some(*user_id)),
            email: Set(email.clone()),
            name: Set(name.clone()),
            department: Set(department.clone()),
            location: Set(location.clone()),
            ..Default::default()
        });
        recipient::Entity::insert_many(rows).exec_without_returning(&txn).await?;
    }
    txn.commit().await?;
    let saved: Vec<(i32, Option<i32>)> = recipient::Entity::find()
        .select_only()
        .columns([recipient::Column::Id, recipient::Column::UserId])
        .filter(recipient::Column::AnnouncementId.eq(id))
        .order_by_asc(recipient::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    let txn = db.begin().await?;
    let now = Utc::now();
    for chunk in saved.chunks(BATCH) {
        let rows = chunk.iter().map(|(recipient_id, _)| outbox::ActiveModel {
            kind: Set("announcement".into()),
            announcement_id: Set(Some(id)),
            recipient_id: Set(Some(*recipient_id)),
            to_email: Set(String::new()),
            to_name: Set(String::new()),
            subject: Set(String::new()),
            text_body: Set(String::new()),
            html_body: Set(String::new()),
            status: Set("sent".into()),
            attempts: Set(1),
            next_attempt_at: Set(now),
            message_id: Set(format!("<demo.{id}.{recipient_id}@herald.local>")),
            sent_at: Set(Some(now)),
            created_at: Set(now),
            ..Default::default()
        });
        outbox::Entity::insert_many(rows).exec_without_returning(&txn).await?;
    }
    txn.commit().await?;
    Ok(saved.into_iter().map(|(r, u)| (r, u.unwrap_or_default())).collect())
}

#[allow(clippy::too_many_arguments)]
async fn write_events(
    db: &DatabaseConnection,
    rng: &mut StdRng,
    id: i32,
    started: DateTime<Utc>,
    recipients: &[(i32, i32)],
    featured: &[(i32, i32)],
    count: usize,
    progress: impl Fn(u64),
) -> anyhow::Result<()> {
    let mut done = 0;
    while done < count {
        let size = BATCH.min(count - done);
        let rows: Vec<tracking_event::ActiveModel> = (0..size).map(|_| demo_event(rng, id, started, recipients, featured)).collect();
        tracking_event::Entity::insert_many(rows).exec_without_returning(db).await?;
        done += size;
        progress(done as u64);
    }
    Ok(())
}

fn demo_event(rng: &mut StdRng, id: i32, started: DateTime<Utc>, recipients: &[(i32, i32)], featured: &[(i32, i32)]) -> tracking_event::ActiveModel {
    let (recipient_id, user_id) = recipients[rng.gen_range(0..recipients.len())];
    let automated = rng.gen_bool(0.1);
    // Most reaction comes in the first two days.
    let minutes = if rng.gen_bool(0.7) { rng.gen_range(0..48 * 60) } else { rng.gen_range(48 * 60..21 * 24 * 60) };
    let item = featured[rng.gen_range(0..featured.len())].0;
    let roll = rng.gen_range(0..100);
    let (kind, channel, recipient, user, collateral, visitor) = match roll {
        0..=44 => ("open", "email", Some(recipient_id), None, None, None),
        45..=74 => ("click", "email", Some(recipient_id), None, Some(item), None),
        75..=84 => ("visit", "email", Some(recipient_id), None, None, None),
        85..=91 => ("view", "portal", None, Some(user_id), None, None),
        92..=95 => ("asset", "portal", None, Some(user_id), Some(item), None),
        _ => ("click", "linkedin", None, None, None, Some(format!("{:032x}", rng.gen::<u128>() % 4_000))),
    };
    tracking_event::ActiveModel {
        announcement_id: Set(Some(id)),
        collateral_id: Set(collateral),
        recipient_id: Set(recipient),
        user_id: Set(user),
        kind: Set(kind.into()),
        channel: Set(channel.into()),
        user_agent: Set(if automated { "Mimecast URL Protect".into() } else { "Mozilla/5.0 (demo)".into() }),
        ua_class: Set(if automated { "scanner".into() } else { "browser".into() }),
        automated: Set(automated),
        bot_reason: Set(automated.then(|| "scanner".to_owned())),
        rule: Set(automated.then_some(crate::tracking::Rule::HeraldList)),
        visitor_hash: Set(visitor),
        occurred_at: Set(started + Duration::minutes(minutes)),
        ..Default::default()
    }
}

/// A few dozen comments (some anonymous, some questions answered) and quick reactions.
async fn write_feedback(db: &DatabaseConnection, rng: &mut StdRng, id: i32, started: DateTime<Utc>, recipients: &[(i32, i32)]) -> anyhow::Result<usize> {
    let count = rng.gen_range(10..40);
    for _ in 0..count {
        let text = COMMENTS[rng.gen_range(0..COMMENTS.len())];
        let sentiment = crate::sentiment::score(text);
        let anonymous = rng.gen_bool(0.3);
        let written = started + Duration::minutes(rng.gen_range(30..5 * 24 * 60));
        let created = if anonymous { crate::comments::service::day_of(written) } else { written };
        let question = crate::comments::model::looks_like_question(text);
        let answered = (question && rng.gen_bool(0.7)).then(|| rng.gen_range(600..3 * 24 * 3600));
        let row = comment::ActiveModel {
            id: Set(rng.gen_range(1..i32::MAX)),
            target_kind: Set("announcement".into()),
            target_id: Set(id),
            parent_id: Set(None),
            depth: Set(0),
            author_id: Set((!anonymous).then(|| recipients[rng.gen_range(0..recipients.len())].1)),
            anonymous: Set(anonymous),
            official: Set(false),
            is_question: Set(question),
            body: Set(text.into()),
            status: Set("visible".into()),
            moderation_reason: Set(None),
            flagged_words: Set(None),
            sentiment: Set(sentiment.compound),
            sentiment_label: Set(sentiment.label.as_str().into()),
            created_at: Set(created),
            edited_at: Set(None),
            answered_at: Set(answered.map(|s| created + Duration::seconds(s))),
            answered_by: Set(None),
            first_response_seconds: Set(answered),
        };
        // A random id may (rarely) be taken: skip that comment.
        let _ = comment::Entity::insert(row).exec_without_returning(db).await;
    }
    for score in 1..=5 {
        let tally = quick_reaction_tally::ActiveModel { announcement_id: Set(id), day: Set(started.date_naive()), score: Set(score), votes: Set(rng.gen_range(0..60)), ..Default::default() };
        quick_reaction_tally::Entity::insert(tally).exec_without_returning(db).await?;
    }
    Ok(count)
}
