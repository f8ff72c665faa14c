//! PostgreSQL only: the click log's rows go in with `COPY … FROM STDIN`.
//!
//! A batch inserted as bound `INSERT … VALUES` statements costs the
//! database backend about twice the CPU per row that `COPY` does (the
//! parameters are bound, planned and evaluated row by row), and under a
//! burst of clicks that backend shares the cores with the redirects.
//! sea-orm cannot run `COPY`, so the rows are committed on the loader's
//! connection through sqlx, together with the log position they reach; the
//! loader then applies what the rows imply in a second transaction (see
//! `Loader::load_some` in [`super::recorder`]).

use sea_orm::sqlx::{self, PgPool};

use super::classify::Verdict;
use super::log::Position;
use super::recorder::NewEvent;
use super::store::COLUMNS;

/// Stores the events' rows and the position they reach (the `settings`
/// row `key`) in one transaction.
/// `buffer` is reused from batch to batch.
pub async fn store_rows(pool: &PgPool, events: &[NewEvent], key: &str, reached: Position, buffer: &mut Vec<u8>) -> Result<(), sqlx::Error> {
    let mut txn = pool.begin().await?;
    if !events.is_empty() {
        encode(events, buffer);
        let mut copy = txn.copy_in_raw(&format!("COPY tracking_events ({COLUMNS}) FROM STDIN (FORMAT binary)")).await?;
        copy.send(&buffer[..]).await?;
        copy.finish().await?;
    }
    sqlx::query("INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value")
        .bind(key)
        .bind(reached.encode())
        .execute(&mut *txn)
        .await?;
    txn.commit().await
}

/// Microseconds from the Unix epoch to PostgreSQL's (2000-01-01 UTC).
const POSTGRES_EPOCH_MICROS: i64 = 946_684_800_000_000;

/// The rows in COPY's binary format, columns in [`COLUMNS`] order, with the
/// verdict each event was logged with (bursts are judged afterwards, and
/// reclassify stored rows). Binary spares the backend parsing numbers and
/// times from text, and values need no escaping.
fn encode(events: &[NewEvent], out: &mut Vec<u8>) {
    out.clear();
    out.extend_from_slice(b"PGCOPY\n\xff\r\n\0");
    out.extend_from_slice(&0i32.to_be_bytes()); // flags: no OIDs
    out.extend_from_slice(&0i32.to_be_bytes()); // no header extension
    let columns = COLUMNS.split(", ").count() as i16;
    for event in events {
        let Verdict { ua_class, automated, reason, rule } = &event.client.verdict;
        out.extend_from_slice(&columns.to_be_bytes());
        for id in [event.announcement_id, event.collateral_id, event.recipient_id, event.user_id, event.link_id, event.short_link_id] {
            value(out, id.map(i32::to_be_bytes).as_ref().map(|bytes| &bytes[..]));
        }
        for text in [event.kind.as_str(), event.channel.as_str(), event.client.user_agent.as_str(), ua_class.as_ref()] {
            value(out, Some(text.as_bytes()));
        }
        value(out, Some(&[u8::from(*automated)]));
        for text in [reason.as_deref(), event.client.referrer_host.as_deref(), event.client.visitor_hash.as_deref()] {
            value(out, text.map(str::as_bytes));
        }
        let micros = event.occurred_at.timestamp_micros() - POSTGRES_EPOCH_MICROS;
        value(out, Some(&micros.to_be_bytes()));
        value(out, rule.map(|rule| rule.as_str().as_bytes()));
    }
    out.extend_from_slice(&(-1i16).to_be_bytes());
}

/// One field: its length and bytes, or length -1 for NULL.
fn value(out: &mut Vec<u8>, bytes: Option<&[u8]>) {
    match bytes {
        Some(bytes) => {
            out.extend_from_slice(&(bytes.len() as i32).to_be_bytes());
            out.extend_from_slice(bytes);
        }
        None => out.extend_from_slice(&(-1i32).to_be_bytes()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tracking::events::EventKind;
    use crate::tracking::Client;

    fn event(user_agent: &str) -> NewEvent {
        NewEvent {
            kind: EventKind::Click,
            channel: "email".into(),
            announcement_id: Some(3),
            collateral_id: None,
            recipient_id: Some(17),
            user_id: None,
            link_id: Some(5),
            short_link_id: None,
            client: Client {
                user_agent: user_agent.into(),
                verdict: Verdict { ua_class: "browser".into(), automated: false, reason: None, rule: None },
                referrer_host: Some("mail.example.com".into()),
                visitor_hash: None,
            },
            occurred_at: "2026-11-23T10:00:01.250Z".parse().expect("a time"),
            once_per_day: false,
        }
    }

    #[test]
    fn a_batch_is_framed_and_each_row_has_every_column() {
        let mut out = Vec::new();
        encode(&[event("Mozilla/5.0"), event("curl/8")], &mut out);
        assert!(out.starts_with(b"PGCOPY\n\xff\r\n\0\0\0\0\0\0\0\0\0"));
        assert!(out.ends_with(&[0xff, 0xff]));
        let row = &out[19..];
        assert_eq!(i16::from_be_bytes([row[0], row[1]]) as usize, COLUMNS.split(", ").count());
        // announcement 3, then a NULL collateral.
        assert_eq!(&row[2..10], &[0, 0, 0, 4, 0, 0, 0, 3]);
        assert_eq!(&row[10..14], &[0xff; 4]);
    }

    #[test]
    fn times_count_from_postgres_epoch_in_microseconds() {
        let mut out = Vec::new();
        encode(&[event("Mozilla/5.0")], &mut out);
        // The time is the last but one column: the rule (NULL, four bytes of length -1) follows it.
        assert_eq!(&out[out.len() - 2 - 4..out.len() - 2], &[0xff; 4]);
        let time = &out[out.len() - 2 - 4 - 8..out.len() - 2 - 4];
        let micros = i64::from_be_bytes(time.try_into().expect("eight bytes"));
        // 2026-11-23T10:00:01.25Z
        assert_eq!(micros, 1_795_428_001_250_000 - POSTGRES_EPOCH_MICROS);
    }
}
