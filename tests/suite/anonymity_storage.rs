//! Anonymity below the rows: what storage order, posting limits and visitor
//! hashes could tell about who did what (issue 19).

use std::net::{IpAddr, Ipv4Addr};

use hmac::{Hmac, Mac};
use herald::auth::Role;
use sea_orm::{ConnectionTrait, DbBackend, Statement};
use serde_json::{json, Value};
use sha2::Sha256;

use crate::anonymity::snapshot;
use crate::helpers::{TestApp, PASSWORD};
use crate::spotlights::{published_item, Api};

/// Rows of `sql` as JSON strings, in the order the database returns them.
async fn rows(app: &TestApp, sql: &str) -> Result<Vec<Value>, sea_orm::DbErr> {
    let db = &app.state.db;
    let backend = db.get_database_backend();
    let wrapped = match backend {
        DbBackend::Postgres => format!("SELECT row_to_json(t)::text AS j FROM ({sql}) t"),
        _ => sql.to_owned(),
    };
    let found = db.query_all(Statement::from_string(backend, wrapped)).await?;
    Ok(found.iter().map(|row| serde_json::from_str(&row.try_get::<String>("", "j").unwrap()).unwrap()).collect())
}

#[tokio::test]
async fn quick_reactions_cannot_be_paired_with_their_voters_by_storage_order() {
    let app = TestApp::spawn().await;
    let api = Api::new(&app).await;
    let mut voters = Vec::new();
    for _ in 0..4 {
        voters.push(app.user(Role::Employee).await);
    }
    let item = published_item(&app, "Gym", "The gym closes.").await;
    let id = api.blast(json!({"title": "Gym closes", "subject": "Hi", "template": "benefit-change", "collateral_ids": [item], "audience": {"emails": voters}})).await;
    api.wait_for(id, "sent", 20).await;
    // The last user created votes first; each picks another face.
    for (email, face) in voters.iter().rev().zip(["1", "5", "2", "4"]) {
        let (browser, _) = app.login_as(email, PASSWORD).await;
        let csrf = app.csrf(&browser, &format!("/news/{id}")).await;
        assert_eq!(app.post_form(&browser, &format!("/feedback/{id}/feeling"), &[("csrf", &csrf), ("score", face)]).await.status(), 303);
    }

    let postgres = app.state.db.get_database_backend() == DbBackend::Postgres;
    let (voter_sql, tally_sql) = if postgres {
        (
            format!("SELECT user_id, xmin::text AS x FROM quick_reaction_voters WHERE announcement_id = {id} ORDER BY ctid"),
            format!("SELECT score, votes, xmin::text AS x FROM quick_reaction_tallies WHERE announcement_id = {id} ORDER BY ctid"),
        )
    } else {
        // No ORDER BY: SQLite returns a table scan in storage order (rowid order for rowid tables).
        (
            format!("SELECT json_object('user_id', user_id) AS j FROM quick_reaction_voters WHERE announcement_id = {id}"),
            format!("SELECT json_object('score', score, 'votes', votes) AS j FROM quick_reaction_tallies WHERE announcement_id = {id}"),
        )
    };
    let stored_voters = rows(&app, &voter_sql).await.unwrap();
    let stored_tallies = rows(&app, &tally_sql).await.unwrap();
    let voter_order: Vec<i64> = stored_voters.iter().map(|row| row["user_id"].as_i64().unwrap()).collect();
    let mut by_id = voter_order.clone();
    by_id.sort_unstable();
    assert_eq!(voter_order.len(), 4);
    assert_eq!(voter_order, by_id, "voters are stored in the order they voted");
    let cells: Vec<(i64, i64)> = stored_tallies.iter().map(|row| (row["score"].as_i64().unwrap(), row["votes"].as_i64().unwrap())).collect();
    assert_eq!(cells, vec![(1, 1), (2, 1), (3, 0), (4, 1), (5, 1)], "every face's cell, in face order: {stored_tallies:?}");
    if postgres {
        // Every vote rewrote all voters and all five cells: one transaction id for each table.
        let voter_xids: std::collections::BTreeSet<String> = stored_voters.iter().map(|row| row["x"].as_str().unwrap().to_owned()).collect();
        let tally_xids: std::collections::BTreeSet<String> = stored_tallies.iter().map(|row| row["x"].as_str().unwrap().to_owned()).collect();
        assert_eq!(voter_xids.len(), 1, "{stored_voters:?}");
        assert_eq!(tally_xids.len(), 1, "{stored_tallies:?}");
    } else {
        assert!(rows(&app, "SELECT json_object('r', rowid) AS j FROM quick_reaction_voters").await.is_err(), "the voters table has no rowid");
        assert!(rows(&app, "SELECT json_object('r', rowid) AS j FROM quick_reaction_tallies").await.is_err(), "the tally has no rowid");
    }
    let columns = rows(
        &app,
        if postgres {
            "SELECT column_name AS name FROM information_schema.columns WHERE table_name = 'quick_reaction_tallies'"
        } else {
            "SELECT json_object('name', name) AS j FROM pragma_table_info('quick_reaction_tallies')"
        },
    )
    .await
    .unwrap();
    assert!(!columns.iter().any(|c| c["name"] == "id"), "no sequential id in the tally: {columns:?}");
}

async fn post_comment(token: &str, app: &TestApp, target: &str, anonymous: bool) -> (u16, Value) {
    let response = reqwest::Client::new()
        .post(app.url("/api/v1/comments"))
        .bearer_auth(token)
        .json(&json!({"target": target, "body": "The new rota does not work for parents.", "anonymous": anonymous}))
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn the_posting_limit_tells_nothing_about_anonymous_posts() {
    let app = TestApp::spawn().await;
    let email = app.user(Role::Employee).await;
    let person = herald::users::service::find_by_email(&app.state.db, &email).await.unwrap().unwrap();
    let item = published_item(&app, "Rota", "The new rota starts Monday.").await;
    let target = format!("collateral:{item}");
    let theirs = herald::auth::tokens::create(&app.state.db, person.id, "their laptop").await.unwrap();
    for _ in 0..herald::comments::throttle::LIMIT {
        assert_eq!(post_comment(&theirs, &app, &target, true).await.0, 201);
    }

    // Someone who signs in as them (an admin can make a token or a session for anyone) sees no limit reached.
    let probe = herald::auth::tokens::create(&app.state.db, person.id, "made by the admin").await.unwrap();
    assert_eq!(post_comment(&probe, &app, &target, false).await.0, 201, "a named post is not refused");
    assert_eq!(post_comment(&probe, &app, &target, true).await.0, 201, "an anonymous post is not refused");
    let (browser, _) = app.login_as(&email, PASSWORD).await;
    let page = format!("/library/{}", herald::library::service::find_by_id(&app.state.db, item).await.unwrap().slug);
    let csrf = app.csrf(&browser, &page).await;
    let form = app.post_form(&browser, "/comments", &[("csrf", &csrf), ("target", &target), ("body", "Signed: the rota is fine.")]).await;
    assert_eq!(form.status(), 303, "a named post from a new session is not refused");

    // Only the token that posted them reaches their limit, and the refusal names no time.
    let (status, refused) = post_comment(&theirs, &app, &target, true).await;
    assert_eq!(status, 429, "{refused}");
    let message = refused["error"]["message"].as_str().unwrap();
    assert!(!message.chars().any(|c| c.is_ascii_digit()), "{message}");
    // Named posts are limited per person, with the wait (named posts are dated anyway); two are made.
    for _ in 2..herald::comments::throttle::LIMIT {
        assert_eq!(post_comment(&probe, &app, &target, false).await.0, 201);
    }
    let (status, refused) = post_comment(&probe, &app, &target, false).await;
    assert_eq!(status, 429, "{refused}");
    assert!(refused["error"]["message"].as_str().unwrap().contains("minute"), "{refused}");
}

/// The visitor hash as Herald computes it, under `key`.
fn visitor_hash(key: &[u8], day: i64, ip: IpAddr) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).unwrap();
    mac.update(b"visitor|");
    mac.update(&day.to_be_bytes());
    let address = match ip {
        IpAddr::V4(v4) => v4.to_ipv6_mapped().octets(),
        IpAddr::V6(v6) => v6.octets(),
    };
    mac.update(&address);
    hex::encode(&mac.finalize().into_bytes()[..16])
}

/// Every string anywhere in `value`.
fn strings(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::String(text) => out.push(text.clone()),
        Value::Array(items) => items.iter().for_each(|item| strings(item, out)),
        Value::Object(map) => map.values().for_each(|item| strings(item, out)),
        _ => {}
    }
}

#[tokio::test]
async fn the_visitor_hash_key_is_in_no_table_and_is_gone_the_next_day() {
    let app = TestApp::spawn().await;
    let api = Api::new(&app).await;
    let (_, announcement) = api.post("/announcements", json!({"title": "Open day", "subject": "Hi", "template": "new-policy", "audience": {"roles": ["admin"]}})).await;
    let id = announcement["id"].as_i64().unwrap();
    let (_, link) = api.post(&format!("/announcements/{id}/short-links"), json!({"channel": "intranet"})).await;
    let code = link["code"].as_str().unwrap().to_owned();
    assert_eq!(app.get(&app.browser(), &format!("/s/{code}")).await.status(), 302);
    app.state.recorder.settled().await;
    let stored = rows(
        &app,
        if app.state.db.get_database_backend() == DbBackend::Postgres {
            "SELECT visitor_hash AS h FROM tracking_events WHERE visitor_hash IS NOT NULL"
        } else {
            "SELECT json_object('h', visitor_hash) AS j FROM tracking_events WHERE visitor_hash IS NOT NULL"
        },
    )
    .await
    .unwrap();
    let hash = stored[0]["h"].as_str().unwrap().to_owned();
    let day = herald::tracking::visitor_key::today();
    let ip = IpAddr::V4(Ipv4Addr::LOCALHOST);

    // The key is in the data directory (this shows the computation above is Herald's)…
    let key_file = app.data_path().join("visitor-key");
    let today_key = hex::decode(std::fs::read_to_string(&key_file).unwrap().split_whitespace().nth(1).unwrap()).unwrap();
    assert_eq!(visitor_hash(&today_key, day, ip), hash);
    // …and nothing in the database recomputes the hash, as hex or as text.
    let mut values = Vec::new();
    for row in snapshot(&app).await {
        let (_, json) = row.split_once(" | ").unwrap();
        strings(&serde_json::from_str(json).unwrap(), &mut values);
    }
    for value in &values {
        let mut keys = vec![value.as_bytes().to_vec()];
        keys.extend(hex::decode(value.trim()).ok());
        for key in keys {
            assert_ne!(visitor_hash(&key, day, ip), hash, "the database holds the visitor key: {value}");
        }
    }
    // The next day the file holds the next key only: today's hashes cannot be made again.
    app.state.visitors.advance_to(day + 1).unwrap();
    let next_key = hex::decode(std::fs::read_to_string(&key_file).unwrap().split_whitespace().nth(1).unwrap()).unwrap();
    assert_ne!(next_key, today_key);
    assert_ne!(visitor_hash(&next_key, day, ip), hash);
    assert_ne!(app.state.visitors.visitor_hash(day, ip), hash);
}

#[tokio::test]
async fn upgrading_keeps_votes_and_unique_visitors_but_not_the_old_order_or_hashes() {
    use migrations::{Migrator, MigratorTrait};

    let app = TestApp::spawn().await;
    let db = &app.state.db;
    let backend = db.get_database_backend();
    // Back to the schema before issue 19 (its migrations 000012 and 000013, and
    // whatever came after them), with data written the old way.
    let names: Vec<String> = Migrator::migrations().iter().map(|m| m.name().to_owned()).collect();
    let first_undone = names.iter().position(|name| name == "m20261129_000012_unordered_quick_reactions").expect("the migration exists");
    Migrator::down(db, Some((names.len() - first_undone) as u32)).await.unwrap();
    let script = [
        "INSERT INTO quick_reaction_tallies (announcement_id, day, score, votes) VALUES (7, '2026-11-30', 4, 2), (7, '2026-11-30', 1, 1), (7, '2026-12-01', 5, 3)",
        "INSERT INTO quick_reaction_voters (announcement_id, user_id) VALUES (7, 30), (7, 10), (7, 20)",
        "INSERT INTO tracking_events (kind, channel, user_agent, ua_class, automated, visitor_hash, occurred_at) VALUES \
         ('click', 'share', 'x', 'browser', false, '00112233445566778899aabbccddeeff', '2026-11-30 10:00:00+00'), \
         ('click', 'share', 'x', 'browser', false, '00112233445566778899aabbccddeeff', '2026-11-30 10:05:00+00'), \
         ('click', 'share', 'x', 'browser', false, 'ffeeddccbbaa99887766554433221100', '2026-11-30 10:07:00+00')",
    ];
    for sql in script {
        db.execute_unprepared(sql).await.unwrap();
    }
    Migrator::up(db, None).await.unwrap();

    let tallies = herald::comments::feelings::totals(db, 7).await.unwrap();
    assert_eq!(tallies, [1, 0, 0, 2, 3]);
    let order = if backend == DbBackend::Postgres { " ORDER BY ctid" } else { "" };
    let voters = rows(
        &app,
        &if backend == DbBackend::Postgres {
            format!("SELECT user_id FROM quick_reaction_voters WHERE announcement_id = 7{order}")
        } else {
            "SELECT json_object('user_id', user_id) AS j FROM quick_reaction_voters WHERE announcement_id = 7".to_owned()
        },
    )
    .await
    .unwrap();
    assert_eq!(voters.iter().map(|v| v["user_id"].as_i64().unwrap()).collect::<Vec<_>>(), vec![10, 20, 30], "in key order now");
    let hashes = rows(
        &app,
        if backend == DbBackend::Postgres {
            "SELECT visitor_hash AS h FROM tracking_events WHERE visitor_hash IS NOT NULL ORDER BY occurred_at"
        } else {
            "SELECT json_object('h', visitor_hash) AS j FROM tracking_events WHERE visitor_hash IS NOT NULL ORDER BY occurred_at"
        },
    )
    .await
    .unwrap();
    let hashes: Vec<&str> = hashes.iter().map(|h| h["h"].as_str().unwrap()).collect();
    assert_eq!(hashes.len(), 3);
    assert!(!hashes.contains(&"00112233445566778899aabbccddeeff") && !hashes.contains(&"ffeeddccbbaa99887766554433221100"), "{hashes:?}");
    assert_eq!(hashes[0], hashes[1], "the same visitor stays one visitor");
    assert_ne!(hashes[1], hashes[2]);
    assert_eq!(hashes[0].len(), 32);
}
