//! The library page (search with facets) and the item page.

use axum::extract::{Path, Query, State};
use axum::response::Html;
use serde::Deserialize;
use utoipa::IntoParams;

use super::model::Status;
use super::{markdown, service};
use crate::analytics::reading::{ReadBeacon, ReadKind};
use crate::auth::extract::CurrentUser;
use crate::auth::{AuthSession, Role};
use crate::entities::{attachment, collateral};
use crate::error::{AppError, Result};
use crate::search::query::{FacetCount, Facets, Hit, MAX_PAGE, MAX_PER_PAGE};
use crate::search::{SearchRequest, Sort, Viewer};
use crate::state::AppState;
use crate::tracking::events::EventDraft;
use crate::tracking::Client;
use crate::web::layout::{render, Layout};

pub const PER_PAGE: usize = 20;

fn in_range(name: &str, value: usize, max: usize) -> Result<usize> {
    if (1..=max).contains(&value) { Ok(value) } else { Err(AppError::BadRequest(format!("{name} must be from 1 to {max}"))) }
}

/// Query string of the library page and of the search API.
#[derive(Clone, Debug, Default, Deserialize, IntoParams)]
pub struct LibraryQuery {
    /// Words and "quoted phrases"; empty lists everything visible.
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub tag: String,
    /// HR only: draft, published, archived or all (default: draft and published).
    #[serde(default)]
    pub status: String,
    /// relevance (default), newest, or clicked (most opened from spotlights).
    #[serde(default)]
    pub sort: String,
    /// From 1 to 1000.
    #[param(minimum = 1, maximum = 1000)]
    pub page: Option<usize>,
    /// From 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<usize>,
}

pub fn viewer_for(auth: &AuthSession, status: &str) -> Result<Viewer> {
    if !auth.role().allows(Role::HrStaff) {
        return Ok(Viewer::Employee { department: auth.user.department.clone(), location: auth.user.location.clone() });
    }
    let statuses = match status.trim() {
        "" => vec![],
        "all" => Status::ALL.iter().map(|s| s.as_str().to_owned()).collect(),
        one => vec![one.parse::<Status>().map_err(AppError::BadRequest)?.as_str().to_owned()],
    };
    Ok(Viewer::Staff { statuses })
}

impl LibraryQuery {
    pub fn to_request(&self, auth: &AuthSession) -> Result<SearchRequest> {
        let non_empty = |value: &str| Some(value.trim().to_owned()).filter(|v| !v.is_empty());
        let sort = match self.sort.as_str() {
            "" | "relevance" => Sort::Relevance,
            "newest" => Sort::Newest,
            "clicked" => Sort::MostClicked,
            other => return Err(AppError::BadRequest(format!("unknown sort {other:?}; use relevance, newest or clicked"))),
        };
        Ok(SearchRequest {
            text: self.q.clone(),
            kind: non_empty(&self.kind),
            category: non_empty(&self.category),
            tag: non_empty(&self.tag),
            viewer: viewer_for(auth, &self.status)?,
            sort,
            page: in_range("page", self.page.unwrap_or(1), MAX_PAGE)?,
            per_page: in_range("per_page", self.per_page.unwrap_or(PER_PAGE), MAX_PER_PAGE)?,
        })
    }

    /// Each result page its own title: what was searched and filtered, and the page number.
    pub fn title(&self) -> String {
        let words = self.q.trim();
        let mut parts: Vec<String> = Vec::new();
        if !words.is_empty() {
            parts.push(format!("“{words}”"));
        }
        for (name, value) in [("kind", &self.kind), ("category", &self.category), ("tag", &self.tag), ("status", &self.status)] {
            if !value.is_empty() {
                parts.push(format!("{name} {value}"));
            }
        }
        let mut title = if parts.is_empty() { "Library".to_owned() } else { format!("Library: {}", parts.join(", ")) };
        if let Some(page) = self.page.filter(|page| *page > 1) {
            title.push_str(&format!(", page {page}"));
        }
        title
    }

    /// This query with one parameter changed (and paging reset unless it is the page).
    pub fn with(&self, key: &str, value: &str) -> String {
        let page = if key == "page" { value.to_owned() } else { String::new() };
        let pairs = [
            ("q", if key == "q" { value } else { self.q.as_str() }),
            ("kind", if key == "kind" { value } else { self.kind.as_str() }),
            ("category", if key == "category" { value } else { self.category.as_str() }),
            ("tag", if key == "tag" { value } else { self.tag.as_str() }),
            ("status", if key == "status" { value } else { self.status.as_str() }),
            ("sort", if key == "sort" { value } else { self.sort.as_str() }),
            ("page", page.as_str()),
        ];
        let kept: Vec<(&str, &str)> = pairs.into_iter().filter(|(_, v)| !v.is_empty()).collect();
        format!("/library?{}", serde_urlencoded::to_string(kept).unwrap_or_default())
    }
}

/// One block of facet links on the library page.
struct FacetGroup {
    name: &'static str,
    key: &'static str,
    values: Vec<FacetCount>,
    selected: String,
}

const STATUS_FILTERS: &[(&str, &str)] =
    &[("", "Drafts and published"), ("published", "Published"), ("draft", "Drafts"), ("archived", "Archived"), ("all", "All")];

#[derive(askama::Template)]
#[template(path = "library/index.html")]
struct LibraryPage {
    layout: Layout,
    query: LibraryQuery,
    hits: Vec<Hit>,
    facet_groups: Vec<FacetGroup>,
    status_filters: &'static [(&'static str, &'static str)],
    total: usize,
    page: usize,
    pages: usize,
    staff: bool,
}

pub async fn index(State(state): State<AppState>, CurrentUser(auth): CurrentUser, Query(query): Query<LibraryQuery>) -> Result<Html<String>> {
    let results = state.search.search(&query.to_request(&auth)?)?;
    let Facets { kind, category, tag } = results.facets;
    let facet_groups = vec![
        FacetGroup { name: "Kind", key: "kind", values: kind, selected: query.kind.clone() },
        FacetGroup { name: "Category", key: "category", values: category, selected: query.category.clone() },
        FacetGroup { name: "Tag", key: "tag", values: tag, selected: query.tag.clone() },
    ];
    render(&LibraryPage {
        layout: Layout::for_user(&auth),
        staff: auth.role().allows(Role::HrStaff),
        hits: results.hits,
        facet_groups,
        status_filters: STATUS_FILTERS,
        total: results.total,
        page: results.page,
        pages: results.pages,
        query,
    })
}

#[derive(askama::Template)]
#[template(path = "library/show.html")]
struct ItemPage {
    layout: Layout,
    item: collateral::Model,
    body_html: String,
    attachments: Vec<attachment::Model>,
    related: Vec<Hit>,
    staff: bool,
    review_overdue: bool,
    /// Published for everyone: employees may share it outside Herald.
    share_from: String,
    /// Unused here (the page needs a session), but the share box names it.
    sign_in_url: &'static str,
    /// The discussion of a published item.
    thread: Option<crate::comments::thread::Thread>,
    /// Measures how long a published item is read.
    read_beacon: Option<ReadBeacon>,
    /// Requests to confirm this item that the reader has not confirmed yet.
    acknowledgements: Vec<crate::acknowledgements::banner::Banner>,
}

pub async fn show(State(state): State<AppState>, CurrentUser(auth): CurrentUser, Path(slug): Path<String>, client: Client) -> Result<Html<String>> {
    let item = visible_item(&state, &auth, &slug).await?;
    if item.status == Status::Published.as_str() {
        EventDraft::portal_view(auth.user.id, client).collateral(Some(item.id)).record(&state).await?;
    }
    let attachments = super::attachments::list(&state.db, item.id).await?;
    let related = state.search.related(item.id, &item.tag_list(), &viewer_for(&auth, "")?, 5)?;
    let today = chrono::Utc::now().date_naive();
    let thread = if item.status == Status::Published.as_str() {
        Some(crate::comments::thread::load(&state, &auth, crate::comments::model::Target::Collateral(item.id)).await?)
    } else {
        None
    };
    let read_beacon = (item.status == Status::Published.as_str()).then(|| ReadBeacon::new(ReadKind::Collateral, item.id));
    render(&ItemPage {
        acknowledgements: crate::acknowledgements::banner::pending_for(&state, auth.user.id, Some(item.id)).await?,
        thread,
        read_beacon,
        layout: Layout::for_user(&auth),
        body_html: markdown::render(&item.body),
        staff: auth.role().allows(Role::HrStaff),
        review_overdue: item.review_date.is_some_and(|date| date < today) && item.status != Status::Archived.as_str(),
        share_from: if crate::sharing::shares::is_shareable(&item) { format!("collateral:{}", item.id) } else { String::new() },
        sign_in_url: "/login",
        attachments,
        related,
        item,
    })
}

/// The item, or 404 when this user may not see it (so its existence is not revealed).
pub async fn visible_item(state: &AppState, auth: &AuthSession, slug: &str) -> Result<collateral::Model> {
    let item = service::find_by_slug(&state.db, slug).await?;
    if service::visible_to(&item, auth) { Ok(item) } else { Err(AppError::NotFound) }
}

/// `/library/by-id/{id}`: where pages that know an item's id (spotlight previews) link.
pub async fn by_id(State(state): State<AppState>, CurrentUser(auth): CurrentUser, Path(id): Path<i32>) -> Result<axum::response::Redirect> {
    let item = service::find_by_id(&state.db, id).await?;
    if !service::visible_to(&item, &auth) {
        return Err(AppError::NotFound);
    }
    Ok(axum::response::Redirect::to(&format!("/library/{}", item.slug)))
}
