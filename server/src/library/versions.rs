//! Version history of an item and the text diff between two versions.

use axum::extract::{Path, State};
use axum::response::Html;
use std::collections::HashMap;

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use similar::{ChangeTag, TextDiff};

use super::service;
use crate::auth::extract::{HrStaff, Require};
use crate::entities::{collateral, collateral_version, user};
use crate::error::{AppError, Result};
use crate::state::AppState;
use crate::web::layout::{render, Layout};

#[derive(askama::Template)]
#[template(path = "library/versions.html")]
struct HistoryPage {
    layout: Layout,
    item: collateral::Model,
    versions: Vec<(collateral_version::Model, String)>,
}

pub async fn history(user: Require<HrStaff>, State(state): State<AppState>, Path(slug): Path<String>) -> Result<Html<String>> {
    let item = service::find_by_slug(&state.db, &slug).await?;
    let versions = service::versions(&state.db, item.id).await?;
    let editor_ids: Vec<i32> = versions.iter().map(|v| v.edited_by).collect();
    let names: HashMap<i32, String> = user::Entity::find()
        .filter(user::Column::Id.is_in(editor_ids))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect();
    let named = versions
        .into_iter()
        .map(|version| {
            let name = names.get(&version.edited_by).cloned().unwrap_or_else(|| "a former user".into());
            (version, name)
        })
        .collect();
    render(&HistoryPage { layout: Layout::for_user(user.user()), item, versions: named })
}

/// One line of a diff: `tag` is "ins", "del" or "same".
pub struct DiffLine {
    pub tag: &'static str,
    pub text: String,
}

pub fn diff(old: &str, new: &str) -> Vec<DiffLine> {
    TextDiff::from_lines(old, new)
        .iter_all_changes()
        .map(|change| DiffLine {
            tag: match change.tag() {
                ChangeTag::Insert => "ins",
                ChangeTag::Delete => "del",
                ChangeTag::Equal => "same",
            },
            text: change.value().trim_end_matches('\n').to_owned(),
        })
        .collect()
}

#[derive(askama::Template)]
#[template(path = "library/diff.html")]
struct DiffPage {
    layout: Layout,
    item: collateral::Model,
    version: collateral_version::Model,
    previous: Option<collateral_version::Model>,
    /// (field label, its diff): title, summary, body.
    sections: Vec<(&'static str, Vec<DiffLine>)>,
}

pub async fn show(user: Require<HrStaff>, State(state): State<AppState>, Path((slug, number)): Path<(String, i32)>) -> Result<Html<String>> {
    let item = service::find_by_slug(&state.db, &slug).await?;
    let version = service::version(&state.db, item.id, number).await?.ok_or(AppError::NotFound)?;
    let previous = service::version(&state.db, item.id, number - 1).await?;
    let (old_title, old_summary, old_body) =
        previous.as_ref().map(|p| (p.title.as_str(), p.summary.as_str(), p.body.as_str())).unwrap_or(("", "", ""));
    render(&DiffPage {
        layout: Layout::for_user(user.user()),
        sections: vec![
            ("Title", diff(old_title, &version.title)),
            ("Summary", diff(old_summary, &version.summary)),
            ("Body", diff(old_body, &version.body)),
        ],
        item,
        version,
        previous,
    })
}

#[cfg(test)]
mod tests {
    use super::diff;

    #[test]
    fn marks_inserted_and_deleted_lines() {
        let lines = diff("a\nb\n", "a\nc\n");
        let tags: Vec<_> = lines.iter().map(|l| (l.tag, l.text.as_str())).collect();
        assert_eq!(tags, vec![("same", "a"), ("del", "b"), ("ins", "c")]);
    }
}
