//! The overview table's order: a column named in `?sort=` and a direction
//! in `?dir=`, parsed at the edge, and the sort itself.

use std::cmp::Ordering;

use super::overview::AnnouncementRow;
use crate::error::{AppError, Result};

/// A column of the overview table, as named in `?sort=`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Column {
    Title,
    Sent,
    Recipients,
    Delivered,
    OpenRate,
    ClickThrough,
    ClickToOpen,
    Clicks,
    Comments,
    Questions,
    Temperature,
}

impl Column {
    /// (column, name in the query, heading).
    pub const ALL: [(Column, &'static str, &'static str); 11] = [
        (Column::Title, "title", "Announcement"),
        (Column::Sent, "sent", "Sent"),
        (Column::Recipients, "recipients", "Recipients"),
        (Column::Delivered, "delivered", "Delivered"),
        (Column::OpenRate, "open_rate", "Open rate"),
        (Column::ClickThrough, "click_through", "Click-through"),
        (Column::ClickToOpen, "click_to_open", "Click-to-open"),
        (Column::Clicks, "clicks", "Unique human clicks"),
        (Column::Comments, "comments", "Comments"),
        (Column::Questions, "questions", "Open questions"),
        (Column::Temperature, "temperature", "Temperature"),
    ];

    pub fn parse(name: &str) -> Result<Column> {
        Column::ALL.iter().find(|(_, n, _)| *n == name).map(|(c, _, _)| *c).ok_or_else(|| {
            let names: Vec<&str> = Column::ALL.iter().map(|(_, n, _)| *n).collect();
            AppError::BadRequest(format!("sort: unknown column {name:?}; expected one of {}", names.join(", ")))
        })
    }

    pub fn name(self) -> &'static str {
        Column::ALL.iter().find(|(c, _, _)| *c == self).map(|(_, n, _)| *n).unwrap_or("sent")
    }

    /// Names read A to Z; figures read largest first.
    pub fn natural_direction(self) -> Direction {
        if self == Column::Title { Direction::Asc } else { Direction::Desc }
    }

    fn number(self, row: &AnnouncementRow) -> Option<f64> {
        match self {
            Column::Title => None,
            Column::Sent => Some(row.started_at.timestamp_millis() as f64),
            Column::Recipients => Some(row.recipients as f64),
            Column::Delivered => Some(row.delivered as f64),
            Column::OpenRate => row.open_rate,
            Column::ClickThrough => row.click_through,
            Column::ClickToOpen => row.click_to_open,
            Column::Clicks => Some(row.unique_human_clicks as f64),
            Column::Comments => Some(row.comments as f64),
            Column::Questions => Some(row.open_questions as f64),
            Column::Temperature => row.temperature.map(f64::from),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    Asc,
    Desc,
}

impl Direction {
    pub fn parse(name: &str) -> Result<Direction> {
        match name {
            "asc" => Ok(Direction::Asc),
            "desc" => Ok(Direction::Desc),
            other => Err(AppError::BadRequest(format!("dir: expected asc or desc, got {other:?}"))),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Direction::Asc => "asc",
            Direction::Desc => "desc",
        }
    }
}

/// Sorts by `column`; rows without a value (no rate yet) go last either way,
/// and ties are newest first.
pub fn sort(rows: &mut [AnnouncementRow], column: Column, direction: Direction) {
    rows.sort_by(|a, b| {
        let ordering = if column == Column::Title {
            a.title.to_lowercase().cmp(&b.title.to_lowercase())
        } else {
            match (column.number(a), column.number(b)) {
                (Some(x), Some(y)) => x.total_cmp(&y),
                (Some(_), None) => return Ordering::Less,
                (None, Some(_)) => return Ordering::Greater,
                (None, None) => Ordering::Equal,
            }
        };
        let ordering = if direction == Direction::Desc { ordering.reverse() } else { ordering };
        ordering.then_with(|| b.started_at.cmp(&a.started_at)).then_with(|| b.id.cmp(&a.id))
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::DateTime;

    fn row(id: i32, title: &str, open_rate: Option<f64>, temperature: Option<i32>) -> AnnouncementRow {
        AnnouncementRow {
            id,
            title: title.into(),
            started_at: DateTime::from_timestamp(1_800_000_000 + i64::from(id) * 3_600, 0).unwrap(),
            recipients: 10,
            delivered: 10,
            open_rate,
            click_through: None,
            click_to_open: None,
            unique_human_clicks: 0,
            comments: 0,
            open_questions: 0,
            temperature,
            withheld: false,
        }
    }

    fn ids(rows: &[AnnouncementRow]) -> Vec<i32> {
        rows.iter().map(|r| r.id).collect()
    }

    #[test]
    fn missing_values_sort_last_and_ties_newest_first() {
        let mut rows = vec![row(1, "b", Some(0.5), None), row(2, "A", None, Some(-20)), row(3, "c", Some(0.2), Some(40)), row(4, "d", Some(0.5), None)];
        sort(&mut rows, Column::OpenRate, Direction::Desc);
        assert_eq!(ids(&rows), [4, 1, 3, 2]);
        sort(&mut rows, Column::OpenRate, Direction::Asc);
        assert_eq!(ids(&rows), [3, 4, 1, 2]);
        sort(&mut rows, Column::Temperature, Direction::Asc);
        assert_eq!(ids(&rows), [2, 3, 4, 1]);
        sort(&mut rows, Column::Title, Direction::Asc);
        assert_eq!(ids(&rows), [2, 1, 3, 4], "case does not matter");
        sort(&mut rows, Column::Sent, Direction::Desc);
        assert_eq!(ids(&rows), [4, 3, 2, 1]);
    }

    #[test]
    fn columns_and_directions_are_parsed_at_the_edge() {
        assert_eq!(Column::parse("click_to_open").unwrap(), Column::ClickToOpen);
        assert_eq!(Column::ClickToOpen.name(), "click_to_open");
        assert!(Column::parse("nope").unwrap_err().to_string().contains("expected one of title, sent, recipients"));
        assert_eq!(Direction::parse("asc").unwrap(), Direction::Asc);
        assert!(Direction::parse("up").is_err());
    }
}
