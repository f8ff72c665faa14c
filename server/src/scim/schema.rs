//! The attributes Herald keeps for each resource, as RFC 7643 schemas: one
//! table drives the `/Schemas` documents, the checks on incoming values and
//! case-insensitive attribute names. Only what Herald stores is published.

use serde_json::{json, Map, Value};

use super::error::{ScimError, ScimResult};

pub const USER: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
pub const ENTERPRISE: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
pub const GROUP: &str = "urn:ietf:params:scim:schemas:core:2.0:Group";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    String,
    Boolean,
    Complex,
    Reference,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mutability {
    ReadWrite,
    Immutable,
}

#[derive(Debug)]
pub struct Attr {
    pub name: &'static str,
    pub kind: Kind,
    pub multi: bool,
    pub required: bool,
    pub mutability: Mutability,
    pub unique: bool,
    pub canonical: &'static [&'static str],
    pub reference_types: &'static [&'static str],
    pub sub: &'static [Attr],
    pub description: &'static str,
}

const fn attr(name: &'static str, kind: Kind, description: &'static str) -> Attr {
    Attr { name, kind, multi: false, required: false, mutability: Mutability::ReadWrite, unique: false, canonical: &[], reference_types: &[], sub: &[], description }
}

const TYPES: &[&str] = &["work", "home", "other"];

const NAME_SUB: &[Attr] = &[
    attr("formatted", Kind::String, "The full name; Herald shows it when there is no displayName."),
    attr("familyName", Kind::String, "Family name."),
    attr("givenName", Kind::String, "Given name."),
];

const EMAIL_SUB: &[Attr] = &[
    Attr { required: true, ..attr("value", Kind::String, "An email address.") },
    Attr { canonical: TYPES, ..attr("type", Kind::String, "work, home or other.") },
    attr("primary", Kind::Boolean, "The address Herald sends to."),
];

const ADDRESS_SUB: &[Attr] = &[
    attr("locality", Kind::String, "City or site: Herald's location (of the primary, else the work, else the first address)."),
    Attr { canonical: TYPES, ..attr("type", Kind::String, "work, home or other.") },
    attr("primary", Kind::Boolean, "The address whose locality is the person's location."),
];

pub const USER_ATTRS: &[Attr] = &[
    Attr { required: true, unique: true, ..attr("userName", Kind::String, "Unique identifier for the person at the identity provider.") },
    Attr { kind: Kind::Complex, sub: NAME_SUB, ..attr("name", Kind::Complex, "The person's name.") },
    attr("displayName", Kind::String, "The name Herald shows."),
    Attr { multi: true, required: true, sub: EMAIL_SUB, ..attr("emails", Kind::Complex, "Email addresses; Herald needs one to send to.") },
    attr("active", Kind::Boolean, "false makes the person a leaver: signed out everywhere and left out of audiences."),
    Attr { multi: true, sub: ADDRESS_SUB, ..attr("addresses", Kind::Complex, "Postal addresses; only the locality is kept.") },
];

const MANAGER_SUB: &[Attr] = &[
    attr("value", Kind::String, "The id of the manager's User resource."),
    Attr { reference_types: &["User"], ..attr("$ref", Kind::Reference, "The URI of the manager's User resource.") },
];

pub const ENTERPRISE_ATTRS: &[Attr] = &[
    attr("department", Kind::String, "Department: the field audiences and analytics break down by."),
    Attr { sub: MANAGER_SUB, ..attr("manager", Kind::Complex, "The person's manager, another provisioned User.") },
];

const MEMBER_SUB: &[Attr] = &[
    Attr { mutability: Mutability::Immutable, ..attr("value", Kind::String, "The id of a member User.") },
    Attr { mutability: Mutability::Immutable, reference_types: &["User"], ..attr("$ref", Kind::Reference, "The URI of the member User.") },
];

pub const GROUP_ATTRS: &[Attr] = &[
    Attr { required: true, unique: true, ..attr("displayName", Kind::String, "The distribution list's name.") },
    Attr { multi: true, sub: MEMBER_SUB, ..attr("members", Kind::Complex, "People on the list (Herald lists hold people, not groups).") },
];

/// The attribute named `name` (any case) in `attrs`.
pub fn find<'a>(attrs: &'a [Attr], name: &str) -> Option<&'a Attr> {
    attrs.iter().find(|a| a.name.eq_ignore_ascii_case(name))
}

/// `value` checked against `def`, with canonical sub-attribute names; `None`
/// when it is unassigned (null, empty). Accepts "true"/"false" strings for
/// booleans, as Entra ID sends them, and one object for a multi-valued attribute.
pub fn clean(def: &Attr, value: &Value) -> ScimResult<Option<Value>> {
    if def.multi {
        let items: Vec<Value> = match value {
            Value::Null => return Ok(None),
            Value::Array(items) => items.clone(),
            single => vec![single.clone()],
        };
        let mut cleaned = vec![];
        for item in &items {
            if let Some(item) = clean_one(def, item)? {
                cleaned.push(item);
            }
        }
        return Ok((!cleaned.is_empty()).then_some(Value::Array(cleaned)));
    }
    clean_one(def, value)
}

pub fn clean_one(def: &Attr, value: &Value) -> ScimResult<Option<Value>> {
    let wrong = || ScimError::invalid_value(format!("{} has a value of the wrong type.", def.name));
    Ok(match (def.kind, value) {
        (_, Value::Null) => None,
        (Kind::String | Kind::Reference, Value::String(text)) if text.is_empty() => None,
        (Kind::String | Kind::Reference, Value::String(text)) => {
            if text.chars().count() > 2000 || text.chars().any(char::is_control) {
                return Err(ScimError::invalid_value(format!("{} is too long or holds control characters.", def.name)));
            }
            Some(Value::String(text.clone()))
        }
        (Kind::Boolean, Value::Bool(flag)) => Some(Value::Bool(*flag)),
        (Kind::Boolean, Value::String(text)) if text.eq_ignore_ascii_case("true") => Some(Value::Bool(true)),
        (Kind::Boolean, Value::String(text)) if text.eq_ignore_ascii_case("false") => Some(Value::Bool(false)),
        // Entra ID sends the manager as the bare id.
        (Kind::Complex, Value::String(id)) if find(def.sub, "value").is_some() => clean_one(def, &json!({ "value": id }))?,
        (Kind::Complex, Value::Object(fields)) => {
            let mut cleaned = Map::new();
            for (key, field) in fields {
                // Unknown and read-only sub-attributes (display, …) are ignored, as RFC 7644 §3.3 allows.
                let Some(sub) = find(def.sub, key) else { continue };
                if let Some(field) = clean_one(sub, field)? {
                    cleaned.insert(sub.name.to_owned(), field);
                }
            }
            (!cleaned.is_empty()).then_some(Value::Object(cleaned))
        }
        _ => return Err(wrong()),
    })
}

fn attribute_json(def: &Attr) -> Value {
    let mut value = json!({
        "name": def.name,
        "type": match def.kind { Kind::String => "string", Kind::Boolean => "boolean", Kind::Complex => "complex", Kind::Reference => "reference" },
        "multiValued": def.multi,
        "description": def.description,
        "required": def.required,
        "caseExact": false,
        "mutability": match def.mutability { Mutability::ReadWrite => "readWrite", Mutability::Immutable => "immutable" },
        "returned": "default",
        "uniqueness": if def.unique { "server" } else { "none" },
    });
    if !def.canonical.is_empty() {
        value["canonicalValues"] = json!(def.canonical);
    }
    if !def.reference_types.is_empty() {
        value["referenceTypes"] = json!(def.reference_types);
    }
    if !def.sub.is_empty() {
        value["subAttributes"] = Value::Array(def.sub.iter().map(attribute_json).collect());
    }
    value
}

/// Every schema Herald publishes: (id, name, description, attributes).
pub const SCHEMAS: &[(&str, &str, &str, &[Attr])] = &[
    (USER, "User", "A person in Herald's directory.", USER_ATTRS),
    (ENTERPRISE, "EnterpriseUser", "Department and manager.", ENTERPRISE_ATTRS),
    (GROUP, "Group", "A Herald distribution list.", GROUP_ATTRS),
];

pub fn schema_json(base: &str, id: &str) -> Option<Value> {
    let (id, name, description, attrs) = SCHEMAS.iter().find(|(schema_id, ..)| *schema_id == id)?;
    Some(json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Schema"],
        "id": id,
        "name": name,
        "description": description,
        "attributes": attrs.iter().map(attribute_json).collect::<Vec<_>>(),
        "meta": { "resourceType": "Schema", "location": format!("{base}/Schemas/{id}") },
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_checked_and_names_made_canonical() {
        let emails = find(USER_ATTRS, "EMAILS").unwrap();
        let cleaned = clean(emails, &json!({"VALUE": "a@example.com", "Primary": "True", "display": "x"})).unwrap().unwrap();
        assert_eq!(cleaned, json!([{"value": "a@example.com", "primary": true}]));
        assert!(clean(find(USER_ATTRS, "active").unwrap(), &json!("maybe")).is_err());
        assert_eq!(clean(find(USER_ATTRS, "displayName").unwrap(), &json!("")).unwrap(), None);
    }
}
