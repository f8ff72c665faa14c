//! Turning an announcement and one recipient into the email they get: the
//! template's context, rendering, personal links and the open pixel.

use std::collections::HashMap;

use chrono::{NaiveDate, Utc};
use minijinja::{context, Value};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;

use super::links::{is_trackable, LinkStyle, LinkTable};
use super::render::{rewrite_html_links, rewrite_text_links, EmailTemplate, RenderedEmail};
use crate::sandbox;
use crate::entities::{announcement, announcement_item, attachment, collateral, collateral_version, spotlight_template, user};
use crate::error::{AppError, Result};
use crate::library::markdown;

/// A featured item as it was when the announcement was sent.
#[derive(Clone, Debug)]
pub struct FeaturedItem {
    pub collateral_id: i32,
    pub version: i32,
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub body: String,
    pub kind: String,
    pub category: String,
    pub effective_date: Option<NaiveDate>,
    pub attachments: Vec<attachment::Model>,
}

impl FeaturedItem {
    /// A library item as it is now, with its files.
    pub async fn current(db: &impl ConnectionTrait, item: collateral::Model) -> Result<FeaturedItem> {
        let attachments = attachment::Entity::find()
            .filter(attachment::Column::CollateralId.eq(item.id))
            .order_by_asc(attachment::Column::Id)
            .all(db)
            .await?;
        Ok(FeaturedItem {
            collateral_id: item.id,
            version: item.version,
            slug: item.slug,
            title: item.title,
            summary: item.summary,
            body: item.body,
            kind: item.kind,
            category: item.category,
            effective_date: item.effective_date,
            attachments,
        })
    }
}

/// The person an email is for, as templates see them.
#[derive(Clone, Debug, Serialize)]
pub struct RecipientVars {
    pub name: String,
    pub first_name: String,
    pub email: String,
    pub department: String,
    pub location: String,
}

impl RecipientVars {
    pub fn new(name: &str, email: &str, department: &str, location: &str) -> RecipientVars {
        RecipientVars {
            first_name: name.split_whitespace().next().unwrap_or(name).to_owned(),
            name: name.to_owned(),
            email: email.to_owned(),
            department: department.to_owned(),
            location: location.to_owned(),
        }
    }
}

/// Everything needed to write an announcement's emails, loaded once per announcement.
pub struct Composer {
    pub announcement: announcement::Model,
    pub items: Vec<FeaturedItem>,
    pub sender: user::Model,
    /// The template's parts, checked to compile; rendered in the sandbox.
    template: sandbox::Template,
    /// The announcement's own subject, when it has placeholders to fill in.
    personal_subject: Option<sandbox::Template>,
    pub organisation: String,
    message_html: String,
    slugs: HashMap<i32, String>,
}

impl Composer {
    pub async fn load(db: &impl ConnectionTrait, organisation: &str, announcement: announcement::Model) -> Result<Composer> {
        let template = spotlight_template::Entity::find_by_id(announcement.template_id).one(db).await?.ok_or(AppError::NotFound)?;
        EmailTemplate::compile(&template.subject, &template.html_body, &template.text_body)
            .map_err(|errors| AppError::Unprocessable(format!("The template “{}” has errors: {}", template.name, errors.join("; "))))?;
        let sender = user::Entity::find_by_id(announcement.created_by).one(db).await?.ok_or(AppError::NotFound)?;
        let items = featured_items(db, announcement.id).await?;
        let slugs = items.iter().map(|item| (item.collateral_id, item.slug.clone())).collect();
        Ok(Composer {
            message_html: markdown::render(&autolink(&announcement.message)),
            personal_subject: announcement.subject.contains("{{").then(|| sandbox::Template::subject(&announcement.subject)),
            announcement,
            items,
            sender,
            template: sandbox::Template::new(&template.subject, &template.html_body, &template.text_body, false),
            organisation: organisation.to_owned(),
            slugs,
        })
    }

    pub fn slugs(&self) -> &HashMap<i32, String> {
        &self.slugs
    }

    /// The template context for one recipient, with links written by `links`.
    pub fn context(&self, recipient: &RecipientVars, links: &dyn LinkStyle) -> Value {
        // Our own links are plain base64url tokens: marked safe so the HTML keeps them readable.
        let items: Vec<Value> = self
            .items
            .iter()
            .map(|item| {
                context! {
                    title => &item.title,
                    summary => &item.summary,
                    kind => &item.kind,
                    kind_label => item.kind.parse::<crate::library::model::Kind>().map(|k| k.label()).unwrap_or("Item"),
                    category => &item.category,
                    url => Value::from_safe_string(links.item(item.collateral_id)),
                    effective_date => item.effective_date.map(|d| d.to_string()),
                    attachments => item.attachments.len(),
                }
            })
            .collect();
        context! {
            recipient => recipient,
            sender => context! { name => &self.sender.name, email => &self.sender.email },
            organisation => &self.organisation,
            announcement => context! { title => &self.announcement.title, subject => &self.announcement.subject },
            message => &self.announcement.message,
            message_html => Value::from_safe_string(self.message_html.clone()),
            spotlight_url => Value::from_safe_string(links.spotlight()),
            items => items,
            sent_date => Utc::now().format("%-d %B %Y").to_string(),
        }
    }

    /// Renders the email; web addresses HR wrote are left as they are (see [`finish`]).
    /// A subject or template whose render fails (too large, too slow) fails this email.
    pub fn render(&self, recipient: &RecipientVars, links: &dyn LinkStyle) -> impl std::future::Future<Output = Result<RenderedEmail>> + Send + '_ {
        // The context is made before the render waits for the sandbox: links need not be shared across threads.
        self.render_context(self.context(recipient, links))
    }

    async fn render_context(&self, context: Value) -> Result<RenderedEmail> {
        let cannot = |errors: Vec<String>| AppError::Unprocessable(format!("The email could not be written: {}", errors.join("; ")));
        let rendered = match &self.personal_subject {
            Some(subject) => sandbox::render_with_subject(subject, &self.template, &context).await,
            None => sandbox::render(&self.template, &context).await,
        };
        rendered.map_err(cannot)
    }
}

/// Turns bare web addresses in HR's Markdown message into links, so the HTML
/// part has them as links (and so tracked), as the plain-text part does.
pub fn autolink(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len() + 16);
    let mut rest = markdown;
    while let Some(start) = ["http://", "https://"].iter().filter_map(|p| rest.find(p)).min() {
        let before = &rest[..start];
        let tail = &rest[start..];
        let end = tail.find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | ')' | ']')).unwrap_or(tail.len());
        let url = tail[..end].trim_end_matches(['.', ',', ';', ':', '!', '?']);
        out.push_str(before);
        // Already a Markdown link or autolink: leave it.
        if before.ends_with(['(', '<', '"', '[']) {
            out.push_str(url);
        } else {
            out.push('<');
            out.push_str(url);
            out.push('>');
        }
        rest = &tail[url.len()..];
    }
    out.push_str(rest);
    out
}

/// The web addresses of a rendered email that are not yet tracked links.
pub fn external_urls(email: &RenderedEmail, own_base: &str) -> Vec<String> {
    let mut urls = vec![];
    let mut collect = |url: &str| {
        if is_trackable(url) && !url.starts_with(own_base) && !urls.iter().any(|u| u == url) {
            urls.push(url.to_owned());
        }
        None
    };
    rewrite_html_links(&email.html, &mut collect);
    rewrite_text_links(&email.text, &mut collect);
    urls
}

/// Rewrites HR's web addresses with `links` and adds the open pixel.
pub fn finish(mut email: RenderedEmail, own_base: &str, links: &dyn LinkStyle) -> RenderedEmail {
    let mut rewrite = |url: &str| if url.starts_with(own_base) { None } else { links.external(url) };
    email.html = rewrite_html_links(&email.html, &mut rewrite);
    email.text = rewrite_text_links(&email.text, &mut rewrite);
    if let Some(pixel) = links.pixel() {
        let img = format!(r#"<img src="{pixel}" width="1" height="1" alt="" style="display:block;border:0;width:1px;height:1px">"#);
        match email.html.rfind("</body>") {
            Some(at) => email.html.insert_str(at, &img),
            None => email.html.push_str(&img),
        }
    }
    email
}

/// Renders for a real recipient: tracked links, new web addresses registered
/// first. Many senders render one announcement at once: they share the link
/// table for reading and only take it for writing to store a new address.
pub async fn compose_tracked(
    db: &impl ConnectionTrait,
    composer: &Composer,
    table: &tokio::sync::RwLock<LinkTable>,
    key: &crate::tracking::TokenKey,
    base: &str,
    recipient_id: i32,
    vars: &RecipientVars,
) -> Result<RenderedEmail> {
    let (rendered, missing) = {
        let table = table.read().await;
        let links = super::links::TrackedLinks { key, base, recipient_id, table: &table };
        let rendered = composer.render(vars, &links).await?;
        // Usually every web address already has its stored target; a new one
        // (a placeholder that makes a per-person address) is stored first.
        let missing: Vec<(String, Option<i32>)> =
            external_urls(&rendered, base).into_iter().filter(|url| table.id(url).is_none()).map(|url| (url, None)).collect();
        if missing.is_empty() {
            return Ok(finish(rendered, base, &links));
        }
        (rendered, missing)
    };
    table.write().await.ensure(db, &missing).await?;
    let table = table.read().await;
    let links = super::links::TrackedLinks { key, base, recipient_id, table: &table };
    Ok(finish(rendered, base, &links))
}

#[cfg(test)]
mod tests {
    use super::autolink;

    #[test]
    fn bare_addresses_become_links_and_links_stay_links() {
        assert_eq!(autolink("See https://a.org/x?y=1. Or [b](https://b.org) and <https://c.org>."), "See <https://a.org/x?y=1>. Or [b](https://b.org) and <https://c.org>.");
    }
}

pub async fn featured_items(db: &impl ConnectionTrait, announcement_id: i32) -> Result<Vec<FeaturedItem>> {
    let pinned = announcement_item::Entity::find()
        .filter(announcement_item::Column::AnnouncementId.eq(announcement_id))
        .order_by_asc(announcement_item::Column::Position)
        .all(db)
        .await?;
    let mut items = Vec::with_capacity(pinned.len());
    for pin in pinned {
        let Some(current) = collateral::Entity::find_by_id(pin.collateral_id).one(db).await? else { continue };
        let version = collateral_version::Entity::find()
            .filter(collateral_version::Column::CollateralId.eq(pin.collateral_id))
            .filter(collateral_version::Column::Version.eq(pin.collateral_version))
            .one(db)
            .await?;
        let attachments = attachment::Entity::find()
            .filter(attachment::Column::CollateralId.eq(pin.collateral_id))
            .order_by_asc(attachment::Column::Id)
            .all(db)
            .await?;
        let (title, summary, body) = match version {
            Some(v) => (v.title, v.summary, v.body),
            None => (current.title.clone(), current.summary.clone(), current.body.clone()),
        };
        items.push(FeaturedItem {
            collateral_id: current.id,
            version: pin.collateral_version,
            slug: current.slug,
            title,
            summary,
            body,
            kind: current.kind,
            category: current.category,
            effective_date: current.effective_date,
            attachments,
        });
    }
    Ok(items)
}
