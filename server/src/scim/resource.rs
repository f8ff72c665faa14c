//! What every SCIM answer shares: the content type, `meta` and ETags, list
//! responses with `startIndex`/`count`, and `attributes`/`excludedAttributes`.

use axum::body::Bytes;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, SecondsFormat, Utc};
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::error::{ScimError, ScimResult, CONTENT_TYPE};
use super::filter::get_ci;

pub const LIST_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
/// The most resources one page holds, whatever `count` asks for.
pub const MAX_COUNT: usize = 1000;

/// A JSON answer with SCIM's content type.
pub fn json_response(status: StatusCode, body: &Value) -> Response {
    let mut response = (status, body.to_string()).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE));
    response
}

/// A single resource, with its ETag (and `Location` when just created).
pub fn resource_response(status: StatusCode, resource: &Value) -> Response {
    let mut response = json_response(status, resource);
    let headers = response.headers_mut();
    if let Some(Ok(version)) = resource.pointer("/meta/version").and_then(Value::as_str).map(HeaderValue::from_str) {
        headers.insert(header::ETAG, version);
    }
    if status == StatusCode::CREATED {
        if let Some(Ok(location)) = resource.pointer("/meta/location").and_then(Value::as_str).map(HeaderValue::from_str) {
            headers.insert(header::LOCATION, location);
        }
    }
    response
}

pub fn etag(version: i32) -> String {
    format!("W/\"{version}\"")
}

/// Refuses a write whose `If-Match` names another version (RFC 7644 §3.14).
pub fn check_if_match(headers: &HeaderMap, version: i32) -> ScimResult<()> {
    let Some(wanted) = headers.get(header::IF_MATCH).and_then(|v| v.to_str().ok()) else { return Ok(()) };
    let current = etag(version);
    if wanted.split(',').map(str::trim).any(|tag| tag == "*" || tag == current || tag == current.trim_start_matches("W/")) {
        Ok(())
    } else {
        Err(ScimError::new(StatusCode::PRECONDITION_FAILED, None, "The resource has changed since that version."))
    }
}

pub fn meta(resource_type: &str, location: String, created: DateTime<Utc>, modified: DateTime<Utc>, version: i32) -> Value {
    json!({
        "resourceType": resource_type,
        "created": created.to_rfc3339_opts(SecondsFormat::Millis, true),
        "lastModified": modified.to_rfc3339_opts(SecondsFormat::Millis, true),
        "location": location,
        "version": etag(version),
    })
}

/// The JSON object of a request body, whatever JSON content type it came with.
pub fn body_object(body: &Bytes) -> ScimResult<Map<String, Value>> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(object)) => Ok(object),
        Ok(_) => Err(ScimError::invalid_syntax("The body is not a JSON object.")),
        Err(err) => Err(ScimError::invalid_syntax(format!("The body is not valid JSON: {err}"))),
    }
}

/// The query of a list request, from the URL or a `/.search` body.
#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    pub filter: Option<String>,
    #[serde(rename = "startIndex")]
    pub start_index: Option<String>,
    pub count: Option<String>,
    pub attributes: Option<String>,
    #[serde(rename = "excludedAttributes")]
    pub excluded_attributes: Option<String>,
}

impl ListQuery {
    /// A `POST …/.search` body (RFC 7644 §3.4.3).
    pub fn from_search(body: &Map<String, Value>) -> ScimResult<Self> {
        let text = |name: &str| get_ci(body, name).and_then(|v| v.as_str().map(str::to_owned).or_else(|| (v.is_number()).then(|| v.to_string())));
        let list = |name: &str| {
            get_ci(body, name).map(|v| match v {
                Value::Array(items) => items.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(","),
                other => other.as_str().unwrap_or_default().to_owned(),
            })
        };
        Ok(ListQuery { filter: text("filter"), start_index: text("startIndex"), count: text("count"), attributes: list("attributes"), excluded_attributes: list("excludedAttributes") })
    }

    /// 1-based start and page size; out-of-range values are brought in range (RFC 7644 §3.4.2.4).
    pub fn page(&self) -> ScimResult<(usize, usize)> {
        let number = |raw: &Option<String>, default: i64| -> ScimResult<i64> {
            match raw.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
                None => Ok(default),
                Some(text) => text.parse::<i64>().map_err(|_| ScimError::invalid_value(format!("“{text}” is not a whole number."))),
            }
        };
        let start = number(&self.start_index, 1)?.max(1) as usize;
        let count = number(&self.count, 100)?.clamp(0, MAX_COUNT as i64) as usize;
        Ok((start, count))
    }

    pub fn projection(&self) -> Projection {
        let split = |raw: &Option<String>| -> Vec<String> { raw.as_deref().unwrap_or_default().split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect() };
        Projection { attributes: split(&self.attributes), excluded: split(&self.excluded_attributes) }
    }
}

/// `attributes` / `excludedAttributes` of a request.
#[derive(Debug, Default)]
pub struct Projection {
    attributes: Vec<String>,
    excluded: Vec<String>,
}

/// Splits `name` into the key it names at the top of a resource (an
/// extension URN or an attribute) and what it names inside that key.
fn locate<'a>(resource: &Map<String, Value>, name: &'a str) -> Option<(String, Option<&'a str>)> {
    for key in resource.keys().filter(|key| key.starts_with("urn:")) {
        if name.eq_ignore_ascii_case(key) {
            return Some((key.clone(), None));
        }
        if name.len() > key.len() + 1 && name[..key.len()].eq_ignore_ascii_case(key) && name.as_bytes()[key.len()] == b':' {
            return Some((key.clone(), Some(&name[key.len() + 1..])));
        }
    }
    let bare = ["urn:ietf:params:scim:schemas:core:2.0:User:", "urn:ietf:params:scim:schemas:core:2.0:Group:"]
        .iter()
        .find(|urn| name.len() > urn.len() && name[..urn.len()].eq_ignore_ascii_case(urn))
        .map_or(name, |urn| &name[urn.len()..]);
    let (attr, sub) = match bare.split_once('.') {
        Some((attr, sub)) => (attr, Some(sub)),
        None => (bare, None),
    };
    let key = resource.keys().find(|key| key.eq_ignore_ascii_case(attr))?.clone();
    Some((key, sub))
}

/// Keeps only `inner` (a sub-attribute, or an extension's attribute) of `value`.
fn keep_inner(value: &Value, inner: &str) -> Option<Value> {
    let (first, rest) = match inner.split_once('.') {
        Some((first, rest)) => (first, Some(rest)),
        None => (inner, None),
    };
    let pick = |object: &Map<String, Value>| -> Option<Value> {
        let (key, found) = object.iter().find(|(key, _)| key.eq_ignore_ascii_case(first))?;
        let found = match rest {
            Some(rest) => keep_inner(found, rest)?,
            None => found.clone(),
        };
        Some(Value::Object(Map::from_iter([(key.clone(), found)])))
    };
    match value {
        Value::Object(object) => pick(object),
        Value::Array(items) => {
            let kept: Vec<Value> = items.iter().filter_map(|item| item.as_object().and_then(pick)).collect();
            (!kept.is_empty()).then_some(Value::Array(kept))
        }
        _ => None,
    }
}

fn merge(into: &mut Value, from: Value) {
    match (into, from) {
        (Value::Object(a), Value::Object(b)) => {
            for (key, value) in b {
                match a.get_mut(&key) {
                    Some(existing) => merge(existing, value),
                    None => {
                        a.insert(key, value);
                    }
                }
            }
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            for (x, y) in a.iter_mut().zip(b) {
                merge(x, y);
            }
        }
        (slot, value) => *slot = value,
    }
}

impl Projection {
    /// `resource` as the client asked to see it; `id` and `schemas` always stay.
    pub fn apply(&self, resource: Value) -> Value {
        let Value::Object(full) = resource else { return resource };
        let mut out = if self.attributes.is_empty() {
            full.clone()
        } else {
            let mut kept = Map::new();
            for always in ["schemas", "id"] {
                if let Some(value) = full.get(always) {
                    kept.insert(always.to_owned(), value.clone());
                }
            }
            for name in &self.attributes {
                let Some((key, inner)) = locate(&full, name) else { continue };
                let Some(value) = full.get(&key) else { continue };
                let part = match inner {
                    None => Some(value.clone()),
                    Some(inner) => keep_inner(value, inner),
                };
                if let Some(part) = part {
                    match kept.get_mut(&key) {
                        Some(existing) => merge(existing, part),
                        None => {
                            kept.insert(key, part);
                        }
                    }
                }
            }
            kept
        };
        for name in &self.excluded {
            let Some((key, inner)) = locate(&full, name) else { continue };
            if ["schemas", "id"].contains(&key.as_str()) {
                continue;
            }
            match inner {
                None => {
                    out.remove(&key);
                }
                Some(inner) => {
                    if let Some(Value::Object(fields)) = out.get_mut(&key) {
                        fields.retain(|field, _| !field.eq_ignore_ascii_case(inner));
                    }
                }
            }
        }
        Value::Object(out)
    }
}

/// One page of `resources` (already filtered) as a ListResponse.
pub fn list_response(resources: Vec<Value>, total: usize, start: usize, projection: &Projection) -> Response {
    let items: Vec<Value> = resources.into_iter().map(|r| projection.apply(r)).collect();
    json_response(
        StatusCode::OK,
        &json!({ "schemas": [LIST_SCHEMA], "totalResults": total, "startIndex": start, "itemsPerPage": items.len(), "Resources": items }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_keep_and_excluded_attributes_drop() {
        let user = json!({"schemas": ["x"], "id": "1", "userName": "a", "name": {"givenName": "Ann", "familyName": "Lee"},
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"department": "HR", "manager": {"value": "2"}}});
        let only = Projection { attributes: vec!["name.givenName".into(), "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department".into()], excluded: vec![] };
        assert_eq!(only.apply(user.clone()), json!({"schemas": ["x"], "id": "1", "name": {"givenName": "Ann"}, "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"department": "HR"}}));
        let without = Projection { attributes: vec![], excluded: vec!["USERNAME".into(), "id".into()] };
        assert!(without.apply(user.clone()).get("userName").is_none());
        assert_eq!(without.apply(user)["id"], "1");
    }
}
