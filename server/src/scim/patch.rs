//! PATCH (RFC 7644 §3.5.2) on a resource's attributes: `add`, `replace`
//! and `remove`, with or without a path, including value paths such as
//! `emails[type eq "work"].value` and `members[value eq "12"]`, and the
//! forms Entra ID and Okta send ("Replace", "False" as a string, a list of
//! members to remove as the value, `{"active": false}` without a path).

use serde_json::{Map, Value};

use super::error::{ScimError, ScimResult};
use super::filter::{self, AttrPath, Filter};
use super::schema::{self, Attr, Kind};

/// The shape of one resource type: its core attributes and extensions.
pub struct ResourceKind {
    pub core_urn: &'static str,
    pub core: &'static [Attr],
    pub extensions: &'static [(&'static str, &'static [Attr])],
}

impl ResourceKind {
    /// Every URN that may prefix an attribute name.
    pub fn urns(&self) -> Vec<&'static str> {
        let mut urns: Vec<&'static str> = self.extensions.iter().map(|(urn, _)| *urn).collect();
        urns.push(self.core_urn);
        urns
    }

    fn extension(&self, name: &str) -> Option<(&'static str, &'static [Attr])> {
        self.extensions.iter().find(|(urn, _)| urn.eq_ignore_ascii_case(name)).copied()
    }

    /// Where `path`'s attribute lives: the extension URN (or `None`) and its definition.
    fn resolve(&self, path: &AttrPath) -> ScimResult<(Option<&'static str>, &'static Attr)> {
        let (extension, attrs) = match &path.urn {
            Some(urn) if urn.eq_ignore_ascii_case(self.core_urn) => (None, self.core),
            Some(urn) => self.extension(urn).map(|(urn, attrs)| (Some(urn), attrs)).ok_or_else(|| ScimError::invalid_path(format!("Unknown schema {urn}.")))?,
            None => (None, self.core),
        };
        if extension.is_none() && path.attr.eq_ignore_ascii_case("externalId") {
            return Ok((None, &EXTERNAL_ID));
        }
        if extension.is_none() && ["id", "meta", "schemas"].iter().any(|name| path.attr.eq_ignore_ascii_case(name)) {
            return Err(ScimError::mutability(format!("{} cannot be changed.", path.attr)));
        }
        let def = schema::find(attrs, &path.attr).ok_or_else(|| ScimError::invalid_path(format!("Herald keeps no attribute “{}”.", path.attr)))?;
        Ok((extension, def))
    }

    /// A full resource body (POST, PUT) reduced to the attributes Herald keeps, checked.
    pub fn clean_document(&self, body: &Map<String, Value>) -> ScimResult<Map<String, Value>> {
        let mut doc = Map::new();
        for (key, value) in body {
            if let Some((urn, attrs)) = self.extension(key) {
                let Some(fields) = value.as_object() else { continue };
                let mut cleaned = Map::new();
                for (name, field) in fields {
                    if let Some(def) = schema::find(attrs, name) {
                        if let Some(field) = schema::clean(def, field)? {
                            cleaned.insert(def.name.to_owned(), field);
                        }
                    }
                }
                if !cleaned.is_empty() {
                    doc.insert(urn.to_owned(), Value::Object(cleaned));
                }
                continue;
            }
            let def = if key.eq_ignore_ascii_case("externalId") { Some(&EXTERNAL_ID) } else { schema::find(self.core, key) };
            if let Some(def) = def {
                if let Some(value) = schema::clean(def, value)? {
                    doc.insert(def.name.to_owned(), value);
                }
            }
        }
        Ok(doc)
    }
}

/// `externalId` is common to every resource (RFC 7643 §3.1), not part of a schema.
static EXTERNAL_ID: Attr = Attr {
    name: "externalId",
    kind: Kind::String,
    multi: false,
    required: false,
    mutability: schema::Mutability::ReadWrite,
    unique: false,
    canonical: &[],
    reference_types: &[],
    sub: &[],
    description: "The identity provider's own id for the resource.",
};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    Add,
    Replace,
    Remove,
}

/// Applies the `Operations` of a PatchOp body to `doc`, in order.
pub fn apply_all(kind: &ResourceKind, doc: &mut Map<String, Value>, body: &Value) -> ScimResult<()> {
    let schemas = body.get("schemas").and_then(Value::as_array);
    if !schemas.is_some_and(|s| s.iter().any(|v| v.as_str() == Some("urn:ietf:params:scim:api:messages:2.0:PatchOp"))) {
        return Err(ScimError::invalid_syntax("A PATCH body names the PatchOp schema."));
    }
    let operations = filter::get_ci(body.as_object().ok_or_else(|| ScimError::invalid_syntax("The body is not an object."))?, "Operations")
        .and_then(Value::as_array)
        .ok_or_else(|| ScimError::invalid_syntax("A PATCH body has a list of Operations."))?;
    if operations.len() > 1000 {
        return Err(ScimError::invalid_value("At most 1000 operations per request."));
    }
    for operation in operations {
        let object = operation.as_object().ok_or_else(|| ScimError::invalid_syntax("Each operation is an object."))?;
        let op = match filter::get_ci(object, "op").and_then(Value::as_str).map(str::to_ascii_lowercase).as_deref() {
            Some("add") => Op::Add,
            Some("replace") => Op::Replace,
            Some("remove") => Op::Remove,
            _ => return Err(ScimError::invalid_syntax("Each operation's op is add, replace or remove.")),
        };
        let path = filter::get_ci(object, "path").and_then(Value::as_str).filter(|p| !p.trim().is_empty());
        let value = filter::get_ci(object, "value");
        apply(kind, doc, op, path.map(str::trim), value)?;
    }
    Ok(())
}

fn apply(kind: &ResourceKind, doc: &mut Map<String, Value>, op: Op, path: Option<&str>, value: Option<&Value>) -> ScimResult<()> {
    let Some(raw) = path else {
        if op == Op::Remove {
            return Err(ScimError::no_target("A remove operation needs a path."));
        }
        let fields = value.and_then(Value::as_object).ok_or_else(|| ScimError::invalid_value("Without a path, the value is an object of attributes."))?;
        for (key, field) in fields {
            if ["id", "meta", "schemas"].iter().any(|name| key.eq_ignore_ascii_case(name)) {
                continue;
            }
            apply(kind, doc, op, Some(key), Some(field))?;
        }
        return Ok(());
    };
    // A bare extension URN names the whole extension.
    if let Some((urn, _)) = kind.extension(raw) {
        if op == Op::Remove {
            doc.remove(urn);
            return Ok(());
        }
        let fields = value.and_then(Value::as_object).ok_or_else(|| ScimError::invalid_value(format!("{urn} takes an object.")))?;
        for (key, field) in fields.iter().filter(|(key, _)| !key.eq_ignore_ascii_case("schemas")) {
            apply(kind, doc, op, Some(&format!("{urn}:{key}")), Some(field))?;
        }
        return Ok(());
    }
    let (path, value_filter) = parse_path(kind, raw)?;
    let (extension, def) = kind.resolve(&path)?;
    let target = match extension {
        Some(urn) => {
            let entry = doc.entry(urn.to_owned()).or_insert_with(|| Value::Object(Map::new()));
            if !entry.is_object() {
                *entry = Value::Object(Map::new());
            }
            entry.as_object_mut().ok_or_else(|| ScimError::invalid_path("The extension is not an object."))?
        }
        None => doc,
    };
    let result = apply_to_attribute(target, def, op, &path, value_filter.as_ref(), value);
    if let Some(urn) = extension {
        if doc.get(urn).and_then(Value::as_object).is_some_and(Map::is_empty) {
            doc.remove(urn);
        }
    }
    result
}

/// `attr`, `attr.sub`, `attr[filter]` or `attr[filter].sub`.
fn parse_path(kind: &ResourceKind, raw: &str) -> ScimResult<(AttrPath, Option<Filter>)> {
    let urns = kind.urns();
    let Some(open) = raw.find('[') else { return Ok((AttrPath::parse(raw, &urns)?, None)) };
    let close = raw.rfind(']').filter(|close| *close > open).ok_or_else(|| ScimError::invalid_path(format!("“{raw}” has an unclosed “[”.")))?;
    let mut path = AttrPath::parse(&raw[..open], &urns)?;
    if path.sub.is_some() {
        return Err(ScimError::invalid_path(format!("“{raw}” filters a sub-attribute.")));
    }
    let value_filter = filter::parse(&raw[open + 1..close], &[]).map_err(|err| ScimError::invalid_path(err.detail))?;
    let rest = &raw[close + 1..];
    if let Some(sub) = rest.strip_prefix('.') {
        path.sub = Some(sub.to_owned());
    } else if !rest.is_empty() {
        return Err(ScimError::invalid_path(format!("“{raw}” is not a path.")));
    }
    Ok((path, Some(value_filter)))
}

fn sub_def<'a>(def: &'a Attr, name: &str) -> ScimResult<&'a Attr> {
    schema::find(def.sub, name).ok_or_else(|| ScimError::invalid_path(format!("{} has no sub-attribute “{name}”.", def.name)))
}

fn required_value(value: Option<&Value>, def: &Attr) -> ScimResult<Value> {
    value.cloned().ok_or_else(|| ScimError::invalid_value(format!("The operation on {} needs a value.", def.name)))
}

fn apply_to_attribute(target: &mut Map<String, Value>, def: &Attr, op: Op, path: &AttrPath, value_filter: Option<&Filter>, value: Option<&Value>) -> ScimResult<()> {
    let name = def.name.to_owned();
    match (value_filter, &path.sub) {
        (None, None) => match op {
            Op::Remove => match (def.multi, value.and_then(Value::as_array)) {
                // Entra ID removes members by listing them as the value.
                (true, Some(listed)) => {
                    let gone: Vec<Value> = listed.iter().filter_map(|v| v.get("value").cloned()).collect();
                    if let Some(Value::Array(items)) = target.get_mut(&name) {
                        items.retain(|item| !item.get("value").is_some_and(|v| gone.contains(v)));
                    }
                }
                _ => {
                    target.remove(&name);
                }
            },
            Op::Add | Op::Replace => {
                let cleaned = schema::clean(def, &required_value(value, def)?)?;
                match (op, cleaned) {
                    (_, None) => {
                        if op == Op::Replace {
                            target.remove(&name);
                        }
                    }
                    (Op::Add, Some(Value::Array(new))) => {
                        let items = target.entry(name.clone()).or_insert_with(|| Value::Array(vec![]));
                        if let Value::Array(items) = items {
                            for item in new {
                                if !items.contains(&item) {
                                    make_primary_unique(items, &item);
                                    items.push(item);
                                }
                            }
                        }
                    }
                    (_, Some(Value::Object(fields))) if def.kind == Kind::Complex && !def.multi => {
                        let entry = target.entry(name.clone()).or_insert_with(|| Value::Object(Map::new()));
                        match entry {
                            Value::Object(existing) => existing.extend(fields),
                            other => *other = Value::Object(fields),
                        }
                    }
                    (_, Some(cleaned)) => {
                        target.insert(name.clone(), cleaned);
                    }
                }
            }
        },
        (None, Some(sub)) => {
            let sub = sub_def(def, sub)?;
            if def.multi {
                return Err(ScimError::invalid_path(format!("Say which {} to change with a filter: {}[…].{}.", def.name, def.name, sub.name)));
            }
            let cleaned = match op {
                Op::Remove => None,
                _ => schema::clean(sub, &required_value(value, def)?)?,
            };
            let entry = target.entry(name.clone()).or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(fields) = entry {
                match cleaned {
                    Some(cleaned) => {
                        fields.insert(sub.name.to_owned(), cleaned);
                    }
                    None => {
                        fields.remove(sub.name);
                    }
                }
            }
        }
        (Some(value_filter), sub) => {
            if !def.multi {
                return Err(ScimError::invalid_path(format!("{} is not multi-valued.", def.name)));
            }
            let sub = sub.as_deref().map(|s| sub_def(def, s)).transpose()?;
            let cleaned = match (op, sub) {
                (Op::Remove, _) => None,
                (_, Some(sub)) => schema::clean(sub, &required_value(value, def)?)?,
                (_, None) => schema::clean_one(def, &required_value(value, def)?)?,
            };
            let items = target.entry(name.clone()).or_insert_with(|| Value::Array(vec![]));
            let Value::Array(items) = items else { return Err(ScimError::invalid_path(format!("{} is not a list.", def.name))) };
            let matching: Vec<usize> = (0..items.len()).filter(|i| filter::matches(value_filter, &items[*i])).collect();
            match (op, sub, cleaned) {
                (Op::Remove, None, _) => {
                    let mut index = 0;
                    items.retain(|_| {
                        index += 1;
                        !matching.contains(&(index - 1))
                    });
                }
                (Op::Remove, Some(sub), _) => {
                    for i in &matching {
                        if let Some(fields) = items[*i].as_object_mut() {
                            fields.remove(sub.name);
                        }
                    }
                }
                (_, _, None) => {}
                (_, Some(sub), Some(cleaned)) if matching.is_empty() => {
                    // Entra ID sets `emails[type eq "work"].value` on people who have no work address yet.
                    let described = equalities(value_filter).ok_or_else(|| ScimError::no_target(format!("No {} matches the filter.", def.name)))?;
                    let mut element = Map::new();
                    for (key, value) in described {
                        let known = sub_def(def, &key)?;
                        if let Some(value) = schema::clean(known, &value)? {
                            element.insert(known.name.to_owned(), value);
                        }
                    }
                    element.insert(sub.name.to_owned(), cleaned);
                    items.push(Value::Object(element));
                }
                (_, Some(sub), Some(cleaned)) => {
                    for i in &matching {
                        if let Some(fields) = items[*i].as_object_mut() {
                            fields.insert(sub.name.to_owned(), cleaned.clone());
                        }
                    }
                }
                (_, None, Some(cleaned)) if matching.is_empty() => {
                    if op == Op::Replace {
                        return Err(ScimError::no_target(format!("No {} matches the filter.", def.name)));
                    }
                    items.push(cleaned);
                }
                (_, None, Some(cleaned)) => {
                    for i in &matching {
                        items[*i] = cleaned.clone();
                    }
                }
            }
            items.retain(|item| item.as_object().is_none_or(|fields| !fields.is_empty()));
        }
    }
    if matches!(target.get(&name), Some(Value::Array(items)) if items.is_empty()) || matches!(target.get(&name), Some(Value::Object(fields)) if fields.is_empty()) {
        target.remove(&name);
    }
    Ok(())
}

/// A new element with `primary: true` takes the flag from the others (RFC 7643 §2.4).
fn make_primary_unique(items: &mut [Value], new: &Value) {
    if new.get("primary") == Some(&Value::Bool(true)) {
        for item in items.iter_mut() {
            if let Some(fields) = item.as_object_mut() {
                fields.remove("primary");
            }
        }
    }
}

/// The element a filter made only of `eq` tests describes (`type eq "work"`).
fn equalities(value_filter: &Filter) -> Option<Map<String, Value>> {
    match value_filter {
        Filter::Compare(AttrPath { urn: None, attr, sub: None }, filter::Op::Eq, value) => {
            let mut element = Map::new();
            element.insert(attr.clone(), value.clone());
            Some(element)
        }
        Filter::And(a, b) => {
            let mut element = equalities(a)?;
            element.extend(equalities(b)?);
            Some(element)
        }
        _ => None,
    }
}
