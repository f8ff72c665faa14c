//! SCIM filters (RFC 7644 §3.4.2.2): `eq ne co sw ew gt ge lt le pr`, `and`,
//! `or`, `not (…)`, parentheses and value paths such as
//! `emails[type eq "work" and value co "@example.com"]`, evaluated against
//! the resource as it is returned. Attribute names are case-insensitive;
//! string comparisons too, except for `id` and `externalId` (caseExact).

use serde_json::Value;

use super::error::{ScimError, ScimResult};

/// `[urn:…:]attr[.sub]`, as written in a filter or a PATCH path.
#[derive(Clone, Debug, PartialEq)]
pub struct AttrPath {
    /// A schema URN written before the attribute (`None` for a bare name).
    pub urn: Option<String>,
    pub attr: String,
    pub sub: Option<String>,
}

impl AttrPath {
    /// Splits `raw`, knowing which URNs may prefix an attribute.
    pub fn parse(raw: &str, urns: &[&str]) -> ScimResult<Self> {
        let (urn, rest) = match urns.iter().find(|urn| raw.len() > urn.len() && raw[..urn.len()].eq_ignore_ascii_case(urn) && raw.as_bytes()[urn.len()] == b':') {
            Some(urn) => (Some((*urn).to_owned()), &raw[urn.len() + 1..]),
            None => (None, raw),
        };
        let (attr, sub) = match rest.split_once('.') {
            Some((attr, sub)) => (attr, Some(sub.to_owned())),
            None => (rest, None),
        };
        let valid = |name: &str| !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '$');
        if !valid(attr) || sub.as_deref().is_some_and(|s| !valid(s)) {
            return Err(ScimError::invalid_path(format!("“{raw}” is not an attribute path.")));
        }
        Ok(AttrPath { urn, attr: attr.to_owned(), sub })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Co,
    Sw,
    Ew,
    Gt,
    Ge,
    Lt,
    Le,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Filter {
    Compare(AttrPath, Op, Value),
    Present(AttrPath),
    And(Box<Filter>, Box<Filter>),
    Or(Box<Filter>, Box<Filter>),
    Not(Box<Filter>),
    /// `attr[filter]`: some value of a multi-valued attribute matches.
    Each(AttrPath, Box<Filter>),
}

#[derive(Clone, Debug, PartialEq)]
enum Token {
    Open,
    Close,
    OpenBracket,
    CloseBracket,
    Word(String),
    Literal(Value),
}

fn tokens(text: &str) -> ScimResult<Vec<Token>> {
    let mut out = vec![];
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            ' ' | '\t' | '\n' | '\r' => i += 1,
            '(' => { out.push(Token::Open); i += 1 }
            ')' => { out.push(Token::Close); i += 1 }
            '[' => { out.push(Token::OpenBracket); i += 1 }
            ']' => { out.push(Token::CloseBracket); i += 1 }
            '"' => {
                let start = i;
                i += 1;
                while i < chars.len() && chars[i] != '"' {
                    i += if chars[i] == '\\' { 2 } else { 1 };
                }
                if i >= chars.len() {
                    return Err(ScimError::invalid_filter("A string in the filter is not closed."));
                }
                let literal: String = chars[start..=i].iter().collect();
                let value: Value = serde_json::from_str(&literal).map_err(|_| ScimError::invalid_filter("A string in the filter is malformed."))?;
                out.push(Token::Literal(value));
                i += 1;
            }
            _ => {
                let start = i;
                while i < chars.len() && !matches!(chars[i], ' ' | '\t' | '\n' | '\r' | '(' | ')' | '[' | ']' | '"') {
                    i += 1;
                }
                out.push(Token::Word(chars[start..i].iter().collect()));
            }
        }
    }
    Ok(out)
}

struct Parser<'a> {
    tokens: Vec<Token>,
    at: usize,
    urns: &'a [&'a str],
}

/// Parses `text`; `urns` are the schema URNs that may prefix attribute names.
pub fn parse(text: &str, urns: &[&str]) -> ScimResult<Filter> {
    if text.len() > 4000 {
        return Err(ScimError::invalid_filter("The filter is too long."));
    }
    let mut parser = Parser { tokens: tokens(text)?, at: 0, urns };
    let filter = parser.or(0)?;
    if parser.at != parser.tokens.len() {
        return Err(ScimError::invalid_filter("The filter has something left over after its end."));
    }
    Ok(filter)
}

impl Parser<'_> {
    fn peek_word(&self, word: &str) -> bool {
        matches!(self.tokens.get(self.at), Some(Token::Word(w)) if w.eq_ignore_ascii_case(word))
    }

    fn or(&mut self, depth: usize) -> ScimResult<Filter> {
        if depth > 32 {
            return Err(ScimError::invalid_filter("The filter is nested too deeply."));
        }
        let mut left = self.and(depth)?;
        while self.peek_word("or") {
            self.at += 1;
            left = Filter::Or(Box::new(left), Box::new(self.and(depth)?));
        }
        Ok(left)
    }

    fn and(&mut self, depth: usize) -> ScimResult<Filter> {
        let mut left = self.term(depth)?;
        while self.peek_word("and") {
            self.at += 1;
            left = Filter::And(Box::new(left), Box::new(self.term(depth)?));
        }
        Ok(left)
    }

    fn expect(&mut self, token: Token, what: &str) -> ScimResult<()> {
        if self.tokens.get(self.at) == Some(&token) {
            self.at += 1;
            Ok(())
        } else {
            Err(ScimError::invalid_filter(format!("The filter is missing {what}.")))
        }
    }

    fn term(&mut self, depth: usize) -> ScimResult<Filter> {
        if self.peek_word("not") {
            self.at += 1;
            self.expect(Token::Open, "“(” after not")?;
            let inner = self.or(depth + 1)?;
            self.expect(Token::Close, "a “)”")?;
            return Ok(Filter::Not(Box::new(inner)));
        }
        if self.tokens.get(self.at) == Some(&Token::Open) {
            self.at += 1;
            let inner = self.or(depth + 1)?;
            self.expect(Token::Close, "a “)”")?;
            return Ok(inner);
        }
        let Some(Token::Word(raw)) = self.tokens.get(self.at).cloned() else {
            return Err(ScimError::invalid_filter("The filter should name an attribute here."));
        };
        self.at += 1;
        let path = AttrPath::parse(&raw, self.urns).map_err(|err| ScimError::invalid_filter(err.detail))?;
        if self.tokens.get(self.at) == Some(&Token::OpenBracket) {
            self.at += 1;
            let inner = self.or(depth + 1)?;
            self.expect(Token::CloseBracket, "a “]”")?;
            return Ok(Filter::Each(path, Box::new(inner)));
        }
        let Some(Token::Word(op)) = self.tokens.get(self.at).cloned() else {
            return Err(ScimError::invalid_filter(format!("An operator should follow “{raw}”.")));
        };
        self.at += 1;
        let op = match op.to_ascii_lowercase().as_str() {
            "pr" => return Ok(Filter::Present(path)),
            "eq" => Op::Eq,
            "ne" => Op::Ne,
            "co" => Op::Co,
            "sw" => Op::Sw,
            "ew" => Op::Ew,
            "gt" => Op::Gt,
            "ge" => Op::Ge,
            "lt" => Op::Lt,
            "le" => Op::Le,
            other => return Err(ScimError::invalid_filter(format!("“{other}” is not a SCIM filter operator."))),
        };
        let value = match self.tokens.get(self.at).cloned() {
            Some(Token::Literal(value)) => value,
            Some(Token::Word(word)) => match word.as_str() {
                "true" => Value::Bool(true),
                "false" => Value::Bool(false),
                "null" => Value::Null,
                number => serde_json::from_str::<serde_json::Number>(number)
                    .map(Value::Number)
                    .map_err(|_| ScimError::invalid_filter(format!("“{number}” is not a value: quote strings.")))?,
            },
            _ => return Err(ScimError::invalid_filter("A value should follow the operator.")),
        };
        self.at += 1;
        Ok(Filter::Compare(path, op, value))
    }
}

/// The key of `object` equal to `name` regardless of case.
pub fn get_ci<'a>(object: &'a serde_json::Map<String, Value>, name: &str) -> Option<&'a Value> {
    object.iter().find(|(key, _)| key.eq_ignore_ascii_case(name)).map(|(_, value)| value)
}

/// The values `path` reaches in `resource` (several for multi-valued attributes).
fn values_at<'a>(resource: &'a Value, path: &AttrPath) -> Vec<&'a Value> {
    let Some(object) = resource.as_object() else { return vec![] };
    let container = match &path.urn {
        Some(urn) => match get_ci(object, urn).and_then(Value::as_object) {
            Some(extension) => extension,
            // A core URN prefix names the resource itself.
            None if !urn.contains(":extension:") => object,
            None => return vec![],
        },
        None => object,
    };
    let Some(value) = get_ci(container, &path.attr) else { return vec![] };
    let items: Vec<&Value> = match value {
        Value::Array(items) => items.iter().collect(),
        other => vec![other],
    };
    let sub = path.sub.as_deref().or_else(|| items.first().filter(|v| v.is_object()).map(|_| "value"));
    match sub {
        Some(sub) => items.into_iter().filter_map(|item| item.as_object().and_then(|o| get_ci(o, sub))).collect(),
        None => items,
    }
}

fn case_exact(path: &AttrPath) -> bool {
    path.sub.is_none() && (path.attr.eq_ignore_ascii_case("id") || path.attr.eq_ignore_ascii_case("externalId"))
}

fn compare(actual: &Value, op: Op, expected: &Value, exact: bool) -> bool {
    match (actual, expected) {
        (Value::String(a), Value::String(e)) => {
            let (a, e) = if exact { (a.clone(), e.clone()) } else { (a.to_lowercase(), e.to_lowercase()) };
            match op {
                Op::Eq => a == e,
                Op::Ne => a != e,
                Op::Co => a.contains(&e),
                Op::Sw => a.starts_with(&e),
                Op::Ew => a.ends_with(&e),
                Op::Gt => a > e,
                Op::Ge => a >= e,
                Op::Lt => a < e,
                Op::Le => a <= e,
            }
        }
        (Value::Number(a), Value::Number(e)) => {
            let (a, e) = (a.as_f64().unwrap_or(f64::NAN), e.as_f64().unwrap_or(f64::NAN));
            match op {
                Op::Eq => a == e,
                Op::Ne => a != e,
                Op::Gt => a > e,
                Op::Ge => a >= e,
                Op::Lt => a < e,
                Op::Le => a <= e,
                _ => false,
            }
        }
        (a, e) => match op {
            Op::Eq => a == e,
            Op::Ne => a != e,
            _ => false,
        },
    }
}

/// Whether `resource` matches `filter`.
pub fn matches(filter: &Filter, resource: &Value) -> bool {
    match filter {
        Filter::And(a, b) => matches(a, resource) && matches(b, resource),
        Filter::Or(a, b) => matches(a, resource) || matches(b, resource),
        Filter::Not(inner) => !matches(inner, resource),
        Filter::Present(path) => values_at(resource, path).iter().any(|v| !v.is_null() && v.as_str() != Some("")),
        Filter::Compare(path, Op::Ne, expected) => !values_at(resource, path).iter().any(|v| compare(v, Op::Eq, expected, case_exact(path))),
        Filter::Compare(path, op, expected) => values_at(resource, path).iter().any(|v| compare(v, *op, expected, case_exact(path))),
        Filter::Each(path, inner) => {
            let whole = AttrPath { sub: None, ..path.clone() };
            let Some(object) = resource.as_object() else { return false };
            let container = match &whole.urn {
                Some(urn) => get_ci(object, urn).and_then(Value::as_object).unwrap_or(object),
                None => object,
            };
            match get_ci(container, &whole.attr) {
                Some(Value::Array(items)) => items.iter().any(|item| matches(inner, item)),
                Some(single @ Value::Object(_)) => matches(inner, single),
                _ => false,
            }
        }
    }
}

/// `userName eq "x"` / `externalId eq "x"` alone: what the identity
/// providers send before creating someone, answered from an index.
pub fn simple_equality(filter: &Filter) -> Option<(&str, &str)> {
    match filter {
        Filter::Compare(AttrPath { urn: None, attr, sub: None }, Op::Eq, Value::String(value)) => Some((attr.as_str(), value.as_str())),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const URNS: &[&str] = &[super::super::schema::ENTERPRISE, super::super::schema::USER];

    fn user() -> Value {
        json!({
            "id": "7", "userName": "Ann.Lee@example.com", "externalId": "AbC", "active": true,
            "emails": [{"value": "ann@example.com", "type": "work", "primary": true}, {"value": "ann@home.example", "type": "home"}],
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"department": "Finance"},
        })
    }

    fn check(text: &str) -> bool {
        matches(&parse(text, URNS).unwrap(), &user())
    }

    #[test]
    fn the_filters_identity_providers_send() {
        assert!(check(r#"userName eq "ann.lee@example.com""#), "userName is case-insensitive");
        assert!(check(r#"emails.value eq "ann@home.example""#));
        assert!(check(r#"externalId eq "AbC""#));
        assert!(!check(r#"externalId eq "abc""#), "externalId is case-exact");
        assert!(check(r#"emails[type eq "work" and value co "@example.com"]"#));
        assert!(!check(r#"emails[type eq "home" and value co "@example.com"]"#));
        assert!(check(r#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq "finance""#));
        assert!(check(r#"userName sw "ann" and (active eq false or emails pr)"#));
        assert!(check(r#"not (userName eq "bob")"#));
        assert!(check(r#"USERNAME Eq "ANN.LEE@EXAMPLE.COM""#));
    }

    #[test]
    fn malformed_filters_are_invalid_filter_errors() {
        for bad in [r#"userName eq"#, r#"userName is "x""#, r#"(userName eq "x""#, r#"userName eq "x" junk"#, r#"userName eq x"#, r#"emails[type eq "work""#, ""] {
            let err = parse(bad, URNS).unwrap_err();
            assert_eq!(err.scim_type, Some("invalidFilter"), "{bad}");
        }
    }
}
