//! Turning a collateral row (and its attachments' text) into an index document.

use tantivy::schema::Facet;
use tantivy::TantivyDocument;

use super::schema::Fields;
use crate::entities::collateral;
use crate::library::markdown;

pub const EVERYONE: &str = "*";

pub fn build(fields: &Fields, item: &collateral::Model, attachment_text: &str) -> TantivyDocument {
    let mut doc = TantivyDocument::default();
    doc.add_u64(fields.id, item.id as u64);
    doc.add_text(fields.slug, &item.slug);
    doc.add_text(fields.title, &item.title);
    doc.add_text(fields.summary, &item.summary);
    doc.add_text(fields.body, markdown::plain_text(&item.body));
    doc.add_text(fields.attachments, attachment_text);
    doc.add_text(fields.kind, &item.kind);
    doc.add_text(fields.category, &item.category);
    doc.add_text(fields.status, &item.status);
    doc.add_i64(fields.updated, item.updated_at.timestamp());
    doc.add_u64(fields.clicks, item.clicks.max(0) as u64);
    doc.add_facet(fields.facets, Facet::from_path(["kind", item.kind.as_str()]));
    if !item.category.is_empty() {
        doc.add_facet(fields.facets, Facet::from_path(["category", item.category.as_str()]));
    }
    let tags = item.tag_list();
    doc.add_text(fields.tags_text, tags.join(" "));
    for tag in &tags {
        doc.add_text(fields.tags, tag);
        doc.add_facet(fields.facets, Facet::from_path(["tag", tag.as_str()]));
    }
    add_audience(&mut doc, fields.department, item.department_list());
    add_audience(&mut doc, fields.location, item.location_list());
    doc
}

fn add_audience(doc: &mut TantivyDocument, field: tantivy::schema::Field, values: Vec<String>) {
    if values.is_empty() {
        doc.add_text(field, EVERYONE);
    }
    for value in values {
        doc.add_text(field, value);
    }
}
