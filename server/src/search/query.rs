//! Turning what a person typed into a tantivy query, and running it with
//! facet counts, snippets and pagination.
//!
//! Each bare word must match (in any field, title and tags weighted most).
//! A word also matches its English stem; a word that appears nowhere in the
//! index is matched fuzzily (one or two typos); the last word, while the user
//! is still typing it, also matches as a prefix. "Quoted words" must appear as
//! a phrase. Employees only ever search published items of their audience:
//! that filter is part of the query, so facet counts cannot leak drafts.

use serde::Serialize;
use tantivy::collector::{Count, FacetCollector, TopDocs};
use tantivy::query::{AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, FuzzyTermQuery, Occur, PhraseQuery, Query, TermQuery};
use tantivy::schema::{Facet, Field, IndexRecordOption, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::{DocAddress, Index, Order, Searcher, TantivyDocument, Term};
use utoipa::ToSchema;

use super::document::EVERYONE;
use super::schema::Fields;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Sort {
    #[default]
    Relevance,
    Newest,
    /// Most opened from spotlights first.
    MostClicked,
}

/// Who is searching: decides which items may be found at all.
#[derive(Clone, Debug)]
pub enum Viewer {
    /// HR staff and above; `statuses` empty means drafts and published.
    Staff { statuses: Vec<String> },
    Employee { department: String, location: String },
}

#[derive(Clone, Debug)]
pub struct SearchRequest {
    pub text: String,
    pub kind: Option<String>,
    pub category: Option<String>,
    pub tag: Option<String>,
    pub viewer: Viewer,
    pub sort: Sort,
    pub page: usize,
    pub per_page: usize,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Hit {
    pub id: u64,
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub kind: String,
    pub category: String,
    pub tags: Vec<String>,
    pub status: String,
    /// HTML: matched words in `<b>`, everything else escaped.
    pub snippet_html: String,
    pub score: f32,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct FacetCount {
    pub value: String,
    pub count: u64,
}

#[derive(Clone, Debug, Default, Serialize, ToSchema)]
pub struct Facets {
    pub kind: Vec<FacetCount>,
    pub category: Vec<FacetCount>,
    pub tag: Vec<FacetCount>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct SearchResults {
    pub total: usize,
    pub page: usize,
    pub pages: usize,
    pub hits: Vec<Hit>,
    pub facets: Facets,
}

pub const MAX_QUERY_CHARS: usize = 500;
const TOP_TAGS: usize = 20;

/// The largest page size a search answers.
pub const MAX_PER_PAGE: usize = 100;
/// The deepest page: 1000 pages of 100 is far past any reader.
pub const MAX_PAGE: usize = 1000;

pub fn run(index: &Index, searcher: &Searcher, fields: &Fields, request: &SearchRequest) -> anyhow::Result<SearchResults> {
    let text_query = text_query(index, searcher, fields, &request.text)?;
    let has_text = text_query.is_some();
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, text_query.unwrap_or_else(|| Box::new(AllQuery)))];
    clauses.extend(filters(fields, request));
    let query = BooleanQuery::new(clauses);

    let per_page = request.per_page.clamp(1, MAX_PER_PAGE);
    // Callers refuse pages past these bounds (see library::browse); clamped here
    // too, since the engine keeps every hit before the page.
    let page = request.page.clamp(1, MAX_PAGE);
    let offset = (page - 1) * per_page;
    let mut facet_collector = FacetCollector::for_field("facets");
    for root in ["/kind", "/category", "/tag"] {
        facet_collector.add_facet(Facet::from(root));
    }
    let top = TopDocs::with_limit(per_page).and_offset(offset);
    let (addresses, total, facet_counts): (Vec<(f32, DocAddress)>, usize, _) = if request.sort == Sort::MostClicked {
        let (docs, total, counts) = searcher.search(&query, &(top.order_by_fast_field::<u64>("clicks", Order::Desc), Count, facet_collector))?;
        (docs.into_iter().map(|(_, address)| (0.0, address)).collect(), total, counts)
    } else if request.sort == Sort::Newest || !has_text {
        let (docs, total, counts) = searcher.search(&query, &(top.order_by_fast_field::<i64>("updated", Order::Desc), Count, facet_collector))?;
        (docs.into_iter().map(|(_, address)| (0.0, address)).collect(), total, counts)
    } else {
        searcher.search(&query, &(top, Count, facet_collector))?
    };

    let snippets = if has_text {
        let mut generator = SnippetGenerator::create(searcher, &query, fields.body)?;
        generator.set_max_num_chars(220);
        Some(generator)
    } else {
        None
    };
    // Reading and highlighting a page of hits (tokenising each body) is the
    // other half of a search's work: spread it over the search threads too.
    let hits = searcher.index().search_executor().map(
        |(score, address)| {
            let doc: TantivyDocument = searcher.doc(address)?;
            let snippet_html = snippets.as_ref().map(|generator| generator.snippet_from_doc(&doc).to_html()).unwrap_or_default();
            Ok(hit(fields, &doc, score, snippet_html))
        },
        addresses.into_iter(),
    )?;
    let facet_values = |root: &str| -> Vec<FacetCount> {
        let mut values: Vec<FacetCount> = facet_counts
            .get(root)
            .map(|(facet, count)| FacetCount { value: last_segment(facet), count })
            .collect();
        values.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
        values
    };
    let tag = facet_counts.top_k("/tag", TOP_TAGS).into_iter().map(|(facet, count)| FacetCount { value: last_segment(facet), count }).collect();
    Ok(SearchResults {
        total,
        page,
        pages: total.div_ceil(per_page).max(1),
        hits,
        facets: Facets { kind: facet_values("/kind"), category: facet_values("/category"), tag },
    })
}

fn hit(fields: &Fields, doc: &TantivyDocument, score: f32, snippet_html: String) -> Hit {
    Hit {
        id: doc.get_first(fields.id).and_then(|v| v.as_u64()).unwrap_or(0),
        slug: text(doc, fields.slug),
        title: text(doc, fields.title),
        summary: text(doc, fields.summary),
        kind: text(doc, fields.kind),
        category: text(doc, fields.category),
        tags: doc.get_all(fields.tags).filter_map(|v| v.as_str().map(str::to_owned)).collect(),
        status: text(doc, fields.status),
        snippet_html,
        score,
    }
}

/// Items sharing tags with item `id`, most shared first, that `viewer` may see.
pub fn related(searcher: &Searcher, fields: &Fields, id: u64, tags: &[String], viewer: &Viewer, limit: usize) -> anyhow::Result<Vec<Hit>> {
    if tags.is_empty() {
        return Ok(Vec::new());
    }
    let shared = BooleanQuery::new(tags.iter().map(|tag| (Occur::Should, term_query(fields.tags, tag))).collect());
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![
        (Occur::Must, Box::new(shared)),
        (Occur::MustNot, Box::new(TermQuery::new(Term::from_field_u64(fields.id, id), IndexRecordOption::Basic))),
    ];
    clauses.extend(viewer_filters(fields, viewer));
    let top = searcher.search(&BooleanQuery::new(clauses), &TopDocs::with_limit(limit))?;
    top.into_iter()
        .map(|(score, address)| Ok(hit(fields, &searcher.doc::<TantivyDocument>(address)?, score, String::new())))
        .collect()
}

fn text(doc: &TantivyDocument, field: Field) -> String {
    doc.get_first(field).and_then(|v| v.as_str()).unwrap_or_default().to_owned()
}

fn last_segment(facet: &Facet) -> String {
    facet.to_path().last().map(|s| s.to_string()).unwrap_or_default()
}

fn term_query(field: Field, value: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(Term::from_field_text(field, value), IndexRecordOption::Basic))
}

fn any_of(field: Field, values: &[&str]) -> Box<dyn Query> {
    Box::new(BooleanQuery::new(values.iter().map(|value| (Occur::Should, term_query(field, value))).collect()))
}

/// A clause that narrows the result without touching the score.
fn must(filter: Box<dyn Query>) -> (Occur, Box<dyn Query>) {
    (Occur::Must, Box::new(ConstScoreQuery::new(filter, 0.0)))
}

fn viewer_filters(fields: &Fields, viewer: &Viewer) -> Vec<(Occur, Box<dyn Query>)> {
    match viewer {
        // "Drafts and published" is "not archived": skipping the few archived
        // items is much cheaper than walking the union of two posting lists
        // that together hold nearly every item.
        Viewer::Staff { statuses } if statuses.is_empty() => vec![(Occur::MustNot, term_query(fields.status, "archived"))],
        Viewer::Staff { statuses } => vec![must(any_of(fields.status, &statuses.iter().map(String::as_str).collect::<Vec<_>>()))],
        Viewer::Employee { department, location } => vec![
            must(term_query(fields.status, "published")),
            must(any_of(fields.department, &[EVERYONE, department])),
            must(any_of(fields.location, &[EVERYONE, location])),
        ],
    }
}

fn filters(fields: &Fields, request: &SearchRequest) -> Vec<(Occur, Box<dyn Query>)> {
    let mut filters = viewer_filters(fields, &request.viewer);
    for (root, value) in [("kind", &request.kind), ("category", &request.category), ("tag", &request.tag)] {
        if let Some(value) = value.as_deref().filter(|v| !v.is_empty()) {
            let term = Term::from_facet(fields.facets, &Facet::from_path([root, value]));
            filters.push(must(Box::new(TermQuery::new(term, IndexRecordOption::Basic))));
        }
    }
    filters
}

/// The words and "phrases" of a query string.
#[derive(Debug, PartialEq)]
enum Part {
    Word(String),
    Phrase(String),
}

fn split(text: &str) -> Vec<Part> {
    let mut parts = Vec::new();
    for (i, chunk) in text.split('"').enumerate() {
        if i % 2 == 1 {
            // Inside quotes (an unclosed quote runs to the end).
            if !chunk.trim().is_empty() {
                parts.push(Part::Phrase(chunk.trim().to_owned()));
            }
        } else {
            parts.extend(chunk.split_whitespace().map(|word| Part::Word(word.to_owned())));
        }
    }
    parts
}

fn analyze(index: &Index, field: Field, text: &str) -> anyhow::Result<Vec<String>> {
    let mut analyzer = index.tokenizer_for_field(field)?;
    let mut stream = analyzer.token_stream(text);
    let mut tokens = Vec::new();
    while stream.advance() {
        tokens.push(stream.token().text.clone());
    }
    Ok(tokens)
}

fn text_query(index: &Index, searcher: &Searcher, fields: &Fields, text: &str) -> anyhow::Result<Option<Box<dyn Query>>> {
    let text: String = text.chars().take(MAX_QUERY_CHARS).collect();
    let still_typing = !text.ends_with(char::is_whitespace) && !text.ends_with('"');
    let parts = split(&text);
    let last_word = parts.iter().rposition(|part| matches!(part, Part::Word(_)));
    let mut musts: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for (i, part) in parts.iter().enumerate() {
        let query = match part {
            Part::Word(word) => word_query(index, searcher, fields, word, still_typing && Some(i) == last_word)?,
            Part::Phrase(phrase) => phrase_query(index, searcher, fields, phrase)?,
        };
        if let Some(query) = query {
            musts.push((Occur::Must, query));
        }
    }
    Ok(if musts.is_empty() { None } else { Some(Box::new(BooleanQuery::new(musts))) })
}

fn word_query(index: &Index, searcher: &Searcher, fields: &Fields, word: &str, prefix: bool) -> anyhow::Result<Option<Box<dyn Query>>> {
    let tokens = analyze(index, fields.title, word)?;
    if tokens.is_empty() {
        return Ok(None);
    }
    let mut per_token: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for token in &tokens {
        let mut shoulds: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut found = false;
        for (field, boost) in fields.weighted() {
            let term = Term::from_field_text(field, token);
            found |= searcher.doc_freq(&term)? > 0;
            shoulds.push((Occur::Should, boosted(Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs)), boost)));
        }
        let chars = token.chars().count();
        if !found && chars >= 4 {
            // Nothing has this exact word: assume a typo.
            let distance = if chars >= 8 { 2 } else { 1 };
            for (field, boost) in fields.weighted() {
                let fuzzy = FuzzyTermQuery::new(Term::from_field_text(field, token), distance, true);
                shoulds.push((Occur::Should, boosted(Box::new(fuzzy), boost * 0.5)));
            }
        }
        per_token.push((Occur::Must, Box::new(BooleanQuery::new(shoulds))));
    }
    let exact: Box<dyn Query> = Box::new(BooleanQuery::new(per_token));
    if !prefix || tokens.len() != 1 || word.chars().count() < 2 {
        return Ok(Some(exact));
    }
    // While typing, "dent" should already find "dental": match the raw
    // lower-cased word as a prefix of indexed terms too.
    let raw = word.to_lowercase();
    let mut alternatives: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Should, exact)];
    for (field, boost) in fields.weighted() {
        let prefix = FuzzyTermQuery::new_prefix(Term::from_field_text(field, &raw), 0, false);
        alternatives.push((Occur::Should, boosted(Box::new(prefix), boost * 0.5)));
    }
    Ok(Some(Box::new(BooleanQuery::new(alternatives))))
}

fn phrase_query(index: &Index, searcher: &Searcher, fields: &Fields, phrase: &str) -> anyhow::Result<Option<Box<dyn Query>>> {
    let tokens = analyze(index, fields.title, phrase)?;
    if tokens.len() < 2 {
        return match tokens.first() {
            Some(token) => word_query(index, searcher, fields, token, false),
            None => Ok(None),
        };
    }
    let shoulds = fields
        .weighted()
        .into_iter()
        .filter(|(field, _)| *field != fields.tags_text)
        .map(|(field, boost)| {
            let terms = tokens.iter().map(|token| Term::from_field_text(field, token)).collect();
            (Occur::Should, boosted(Box::new(PhraseQuery::new(terms)), boost))
        })
        .collect();
    Ok(Some(Box::new(BooleanQuery::new(shoulds))))
}

fn boosted(query: Box<dyn Query>, boost: f32) -> Box<dyn Query> {
    if (boost - 1.0).abs() < f32::EPSILON { query } else { Box::new(BoostQuery::new(query, boost)) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_words_and_phrases() {
        assert_eq!(
            split(r#"dental "open enrolment" kids"#),
            vec![Part::Word("dental".into()), Part::Phrase("open enrolment".into()), Part::Word("kids".into())]
        );
        assert_eq!(split(r#""unclosed phrase"#), vec![Part::Phrase("unclosed phrase".into())]);
    }
}
