//! The index schema. Bump `SCHEMA_VERSION` whenever it changes: an index
//! written by another version is rebuilt from the database at start-up.

use tantivy::schema::{
    FacetOptions, Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST, INDEXED, STORED, STRING,
};

pub const SCHEMA_VERSION: &str = "v2";

/// Weighted full-text fields: title and tags count most (BM25 × boost).
pub const TITLE_BOOST: f32 = 3.0;
pub const TAGS_BOOST: f32 = 2.0;
pub const SUMMARY_BOOST: f32 = 1.5;

#[derive(Clone, Copy, Debug)]
pub struct Fields {
    pub id: Field,
    pub slug: Field,
    pub title: Field,
    pub summary: Field,
    pub body: Field,
    pub attachments: Field,
    pub tags_text: Field,
    pub kind: Field,
    pub category: Field,
    pub tags: Field,
    pub status: Field,
    pub department: Field,
    pub location: Field,
    pub facets: Field,
    pub updated: Field,
    pub clicks: Field,
}

impl Fields {
    /// Every full-text field with its boost, for building queries.
    pub fn weighted(&self) -> [(Field, f32); 5] {
        [(self.title, TITLE_BOOST), (self.tags_text, TAGS_BOOST), (self.summary, SUMMARY_BOOST), (self.body, 1.0), (self.attachments, 1.0)]
    }
}

fn english(stored: bool) -> TextOptions {
    let indexing = TextFieldIndexing::default().set_tokenizer("en_stem").set_index_option(IndexRecordOption::WithFreqsAndPositions);
    let options = TextOptions::default().set_indexing_options(indexing);
    if stored { options.set_stored() } else { options }
}

pub fn build() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let fields = Fields {
        id: builder.add_u64_field("id", INDEXED | STORED | FAST),
        slug: builder.add_text_field("slug", STORED),
        title: builder.add_text_field("title", english(true)),
        summary: builder.add_text_field("summary", english(true)),
        body: builder.add_text_field("body", english(true)),
        attachments: builder.add_text_field("attachments", english(false)),
        tags_text: builder.add_text_field("tags_text", english(false)),
        kind: builder.add_text_field("kind", STRING | STORED),
        category: builder.add_text_field("category", STRING | STORED),
        tags: builder.add_text_field("tags", STRING | STORED),
        status: builder.add_text_field("status", STRING | STORED),
        // "*" stands for "everyone" in the audience fields.
        department: builder.add_text_field("department", STRING),
        location: builder.add_text_field("location", STRING),
        facets: builder.add_facet_field("facets", FacetOptions::default()),
        updated: builder.add_i64_field("updated", FAST | STORED),
        clicks: builder.add_u64_field("clicks", FAST),
    };
    (builder.build(), fields)
}
