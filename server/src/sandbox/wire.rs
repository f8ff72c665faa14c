//! Template contexts across the process boundary: minijinja values as JSON,
//! keeping the strings Herald marked safe (its own links and HTML) safe.

use std::collections::BTreeMap;

use minijinja::value::{Value, ValueKind};
use serde_json::{Map, Number, Value as Json};

/// The key of a one-entry object that stands for a safe string.
const SAFE: &str = "\u{1}safe";

pub fn to_json(value: &Value) -> Json {
    match value.kind() {
        ValueKind::Undefined | ValueKind::None | ValueKind::Invalid => Json::Null,
        ValueKind::Bool => Json::Bool(value.is_true()),
        ValueKind::Number => match value.as_i64() {
            Some(int) => Json::Number(int.into()),
            None => f64::try_from(value.clone()).ok().and_then(Number::from_f64).map_or(Json::Null, Json::Number),
        },
        ValueKind::String | ValueKind::Bytes => {
            let text = value.as_str().map(str::to_owned).unwrap_or_else(|| value.to_string());
            if value.is_safe() {
                Json::Object(Map::from_iter([(SAFE.to_owned(), Json::String(text))]))
            } else {
                Json::String(text)
            }
        }
        ValueKind::Map => {
            let mut map = Map::new();
            for key in value.try_iter().into_iter().flatten() {
                let item = value.get_item(&key).unwrap_or_default();
                map.insert(key.to_string(), to_json(&item));
            }
            Json::Object(map)
        }
        _ => match value.try_iter() {
            Ok(items) => Json::Array(items.map(|item| to_json(&item)).collect()),
            Err(_) => Json::String(value.to_string()),
        },
    }
}

pub fn from_json(json: &Json) -> Value {
    match json {
        Json::Null => Value::from(()),
        Json::Bool(b) => Value::from(*b),
        Json::Number(n) => n.as_i64().map(Value::from).or_else(|| n.as_f64().map(Value::from)).unwrap_or_default(),
        Json::String(s) => Value::from(s.as_str()),
        Json::Array(items) => Value::from(items.iter().map(from_json).collect::<Vec<_>>()),
        Json::Object(map) => match (map.len(), map.get(SAFE)) {
            (1, Some(Json::String(safe))) => Value::from_safe_string(safe.clone()),
            _ => Value::from(map.iter().map(|(k, v)| (k.clone(), from_json(v))).collect::<BTreeMap<_, _>>()),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use minijinja::context;

    #[test]
    fn values_and_their_safety_survive_the_trip() {
        let value = context! { name => "<b>", n => 3, f => 1.5, ok => true, none => (), link => Value::from_safe_string("<a>".into()), list => vec![1, 2] };
        let back = from_json(&to_json(&value));
        assert_eq!(back.get_attr("name").unwrap().as_str(), Some("<b>"));
        assert!(!back.get_attr("name").unwrap().is_safe());
        assert!(back.get_attr("link").unwrap().is_safe());
        assert_eq!(back.get_attr("n").unwrap().as_i64(), Some(3));
        assert_eq!(to_json(&back), to_json(&value));
    }
}
