//! Spotlight templates: the five designs Herald ships, and the copies HR
//! edits at run time. Every save is checked by compiling and rendering with
//! sample data, so a broken template never reaches the outbox.

use chrono::Utc;
use minijinja::{context, Value};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

use super::render::EmailTemplate;
use crate::entities::spotlight_template;
use crate::error::{AppError, Result};

pub struct DefaultTemplate {
    pub slug: &'static str,
    pub name: &'static str,
    pub description: &'static str,
    pub html: &'static str,
    pub text: &'static str,
}

const DEFAULT_SUBJECT: &str = "{{ announcement.subject }}";

pub const DEFAULTS: [DefaultTemplate; 5] = [
    DefaultTemplate {
        slug: "benefit-change",
        name: "Benefit change",
        description: "What changes, from when, and what to do, with each featured item as a card.",
        html: include_str!("../../../templates/email/benefit-change.html"),
        text: include_str!("../../../templates/email/benefit-change.txt"),
    },
    DefaultTemplate {
        slug: "new-policy",
        name: "New policy",
        description: "A calm, formal notice of a new or revised policy.",
        html: include_str!("../../../templates/email/new-policy.html"),
        text: include_str!("../../../templates/email/new-policy.txt"),
    },
    DefaultTemplate {
        slug: "open-enrolment",
        name: "Open enrolment reminder",
        description: "A reminder with the deadline, for enrolment windows and other dates.",
        html: include_str!("../../../templates/email/open-enrolment.html"),
        text: include_str!("../../../templates/email/open-enrolment.txt"),
    },
    DefaultTemplate {
        slug: "answer-to-your-question",
        name: "Answer to your question",
        description: "A short personal invitation from the sender: you asked, here is the answer.",
        html: include_str!("../../../templates/email/answer-to-your-question.html"),
        text: include_str!("../../../templates/email/answer-to-your-question.txt"),
    },
    DefaultTemplate {
        slug: crate::acknowledgements::TEMPLATE,
        name: "Please read and confirm",
        description: "Asks people to read an item and confirm it by a date; acknowledgement requests send it.",
        html: include_str!("../../../templates/email/please-read-and-confirm.html"),
        text: include_str!("../../../templates/email/please-read-and-confirm.txt"),
    },
];

/// Adds any shipped template that is missing (by slug); HR's edits are kept.
pub async fn ensure_defaults(db: &DatabaseConnection) -> Result<()> {
    let now = Utc::now();
    let rows = DEFAULTS.iter().map(|default| spotlight_template::ActiveModel {
        slug: Set(default.slug.into()),
        name: Set(default.name.into()),
        description: Set(default.description.into()),
        subject: Set(DEFAULT_SUBJECT.into()),
        html_body: Set(default.html.into()),
        text_body: Set(default.text.into()),
        builtin: Set(true),
        updated_by: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    });
    spotlight_template::Entity::insert_many(rows)
        .on_conflict(OnConflict::column(spotlight_template::Column::Slug).do_nothing().to_owned())
        .exec_without_returning(db)
        .await?;
    Ok(())
}

pub async fn list(db: &DatabaseConnection) -> Result<Vec<spotlight_template::Model>> {
    Ok(spotlight_template::Entity::find().order_by_desc(spotlight_template::Column::Builtin).order_by_asc(spotlight_template::Column::Name).all(db).await?)
}

pub async fn find(db: &DatabaseConnection, id: i32) -> Result<spotlight_template::Model> {
    spotlight_template::Entity::find_by_id(id).one(db).await?.ok_or(AppError::NotFound)
}

/// A template by slug or numeric id, as the API names it.
pub async fn find_by_name(db: &DatabaseConnection, name: &str) -> Result<Option<spotlight_template::Model>> {
    let name = name.trim();
    if let Ok(id) = name.parse::<i32>() {
        return Ok(spotlight_template::Entity::find_by_id(id).one(db).await?);
    }
    Ok(spotlight_template::Entity::find().filter(spotlight_template::Column::Slug.eq(name)).one(db).await?)
}

/// What HR submits for a template.
#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct TemplateForm {
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub subject: String,
    pub html_body: String,
    pub text_body: String,
}

impl TemplateForm {
    pub fn of(model: &spotlight_template::Model) -> TemplateForm {
        TemplateForm {
            name: model.name.clone(),
            description: model.description.clone(),
            subject: model.subject.clone(),
            html_body: model.html_body.clone(),
            text_body: model.text_body.clone(),
        }
    }

    /// The form's errors; the template is rendered with sample data (in the
    /// sandbox) so a typo or a template too large to send is caught at save.
    pub async fn check(&self) -> Vec<String> {
        let mut errors = vec![];
        if self.name.trim().is_empty() || self.name.chars().count() > 200 {
            errors.push("The name is missing or longer than 200 characters.".to_owned());
        }
        for (label, value) in [("subject", &self.subject), ("HTML body", &self.html_body), ("plain-text body", &self.text_body)] {
            if value.trim().is_empty() {
                errors.push(format!("The {label} is missing."));
            }
            if value.len() > 200_000 {
                errors.push(format!("The {label} is larger than 200 KB."));
            }
        }
        if errors.is_empty() {
            match EmailTemplate::compile(&self.subject, &self.html_body, &self.text_body) {
                Err(found) => errors.extend(found),
                Ok(_) => {
                    let rendered = crate::sandbox::render(&crate::sandbox::Template::new(&self.subject, &self.html_body, &self.text_body, true), &sample_context()).await;
                    errors.extend(rendered.err().unwrap_or_default());
                }
            }
        }
        errors
    }
}

/// Data shaped like a real recipient's, for validation and template previews.
pub fn sample_context() -> Value {
    let item = |title: &str, summary: &str, kind: &str, label: &str, date: Option<&str>| {
        context! {
            title => title, summary => summary, kind => kind, kind_label => label, category => "Health & Wellness",
            url => "https://herald.example/l/sample", effective_date => date, attachments => 1,
        }
    };
    context! {
        recipient => context! { name => "Ana Lopez", first_name => "Ana", email => "ana.lopez@example.com", department => "Finance", location => "Lisbon" },
        sender => context! { name => "Sam Rivera", email => "sam.rivera@example.com" },
        organisation => "Human Resources",
        announcement => context! { title => "Dental coverage for dependents", subject => "Your dental coverage is changing" },
        message => "From the next enrolment period, dental coverage for dependents moves to a new plan.\n\nPlease read what changes for you.",
        message_html => Value::from_safe_string("<p>From the next enrolment period, dental coverage for dependents moves to a new plan.</p><p>Please read what changes for you.</p>".into()),
        spotlight_url => "https://herald.example/l/sample",
        items => vec![
            item("Dental plan 2027", "What the new plan covers, and what it costs.", "benefit", "Benefit", Some("2027-01-01")),
            item("Enrolment FAQ", "Answers to the questions people ask most.", "faq", "FAQ", None),
        ],
        sent_date => "23 November 2026",
    }
}

pub async fn create(db: &DatabaseConnection, user_id: i32, form: &TemplateForm) -> Result<spotlight_template::Model> {
    let now = Utc::now();
    let slug = unique_slug(db, &form.name).await?;
    Ok(spotlight_template::ActiveModel {
        slug: Set(slug),
        name: Set(form.name.trim().into()),
        description: Set(form.description.trim().into()),
        subject: Set(form.subject.clone()),
        html_body: Set(form.html_body.clone()),
        text_body: Set(form.text_body.clone()),
        builtin: Set(false),
        updated_by: Set(Some(user_id)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

pub async fn update(db: &DatabaseConnection, model: spotlight_template::Model, user_id: i32, form: &TemplateForm) -> Result<spotlight_template::Model> {
    let mut active: spotlight_template::ActiveModel = model.into();
    active.name = Set(form.name.trim().into());
    active.description = Set(form.description.trim().into());
    active.subject = Set(form.subject.clone());
    active.html_body = Set(form.html_body.clone());
    active.text_body = Set(form.text_body.clone());
    active.updated_by = Set(Some(user_id));
    active.updated_at = Set(Utc::now());
    Ok(active.update(db).await?)
}

/// The shipped design of a built-in template, for "restore the original".
pub fn shipped(slug: &str) -> Option<&'static DefaultTemplate> {
    DEFAULTS.iter().find(|default| default.slug == slug)
}

pub fn shipped_form(default: &DefaultTemplate) -> TemplateForm {
    TemplateForm {
        name: default.name.into(),
        description: default.description.into(),
        subject: DEFAULT_SUBJECT.into(),
        html_body: default.html.into(),
        text_body: default.text.into(),
    }
}

async fn unique_slug(db: &DatabaseConnection, name: &str) -> Result<String> {
    let base = crate::library::service::slugify(name);
    let base = if base.is_empty() { "template".to_owned() } else { base };
    let mut slug = base.clone();
    let mut n = 2;
    while spotlight_template::Entity::find().filter(spotlight_template::Column::Slug.eq(&slug)).one(db).await?.is_some() {
        slug = format!("{base}-{n}");
        n += 1;
    }
    Ok(slug)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn every_shipped_template_is_valid() {
        for default in &DEFAULTS {
            let form = shipped_form(default);
            assert_eq!(form.check().await, Vec::<String>::new(), "{}", default.slug);
        }
    }
}
