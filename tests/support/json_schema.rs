//! A JSON Schema (draft-04) validator for the keywords the SARIF 2.1.0
//! schema uses, so tests can check SARIF logs against the official schema
//! offline. An unknown keyword or pattern fails the test: nothing in the
//! schema is silently skipped.
#![allow(dead_code, clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use serde_json::Value;

/// Every violation of `schema` by `doc`, as `path: what` lines.
pub fn validate(schema: &Value, doc: &Value) -> Vec<String> {
    let mut errors = Vec::new();
    check(schema, schema, doc, "$", &mut errors);
    errors
}

fn resolve<'a>(root: &'a Value, reference: &str) -> &'a Value {
    let pointer = reference
        .strip_prefix('#')
        .unwrap_or_else(|| panic!("only local $ref: {reference}"));
    root.pointer(pointer)
        .unwrap_or_else(|| panic!("dangling $ref {reference}"))
}

fn type_matches(name: &str, v: &Value) -> bool {
    match name {
        "object" => v.is_object(),
        "array" => v.is_array(),
        "string" => v.is_string(),
        "boolean" => v.is_boolean(),
        "null" => v.is_null(),
        "number" => v.is_number(),
        "integer" => v.as_f64().is_some_and(|f| f.fract() == 0.0),
        other => panic!("unknown type {other}"),
    }
}

fn uri_chars_ok(s: &str) -> bool {
    let bytes = s.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        let ok = b.is_ascii_alphanumeric() || b"-._~:/?#[]@!$&'()*+,;=%".contains(&b);
        if !ok {
            return false;
        }
        if b == b'%'
            && !(bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit))
        {
            return false;
        }
    }
    true
}

fn has_scheme(s: &str) -> bool {
    match s.split_once(':') {
        Some((scheme, _)) => {
            scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        }
        None => false,
    }
}

fn format_ok(format: &str, s: &str) -> bool {
    match format {
        "uri" => uri_chars_ok(s) && has_scheme(s),
        "uri-reference" => uri_chars_ok(s),
        "date-time" => s.len() >= 20 && s.as_bytes()[4] == b'-' && s.as_bytes()[10] == b'T',
        other => panic!("unknown format {other}"),
    }
}

fn pattern_ok(pattern: &str, s: &str) -> bool {
    let hex = |t: &str| t.chars().all(|c| c.is_ascii_hexdigit());
    match pattern {
        "[0-9]+(\\.[0-9]+){3}" => {
            let parts: Vec<&str> = s.split('.').collect();
            parts.len() == 4 && parts.iter().all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
        }
        "[^/]+/.+" => s.split_once('/').is_some_and(|(a, b)| !a.is_empty() && !b.is_empty()),
        "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-5][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$" => {
            let p: Vec<&str> = s.split('-').collect();
            p.len() == 5
                && [8, 4, 4, 4, 12].iter().zip(&p).all(|(n, t)| t.len() == *n && hex(t))
                && ('1'..='5').contains(&p[2].chars().next().unwrap())
                && "89abAB".contains(p[3].chars().next().unwrap())
        }
        "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$" => {
            s.len() >= 2 && s.chars().take(2).all(|c| c.is_ascii_alphabetic())
        }
        other => panic!("unknown pattern {other}"),
    }
}

fn check(root: &Value, schema: &Value, v: &Value, path: &str, errors: &mut Vec<String>) {
    let Some(obj) = schema.as_object() else {
        panic!("schema at {path} is not an object");
    };
    for (key, rule) in obj {
        match key.as_str() {
            "$ref" => check(root, resolve(root, rule.as_str().unwrap()), v, path, errors),
            "$schema" | "id" | "title" | "description" | "default" | "definitions" => {}
            "type" => {
                let names: Vec<&str> = match rule {
                    Value::String(s) => vec![s.as_str()],
                    Value::Array(a) => a.iter().map(|t| t.as_str().unwrap()).collect(),
                    _ => panic!("bad type"),
                };
                if !names.iter().any(|n| type_matches(n, v)) {
                    errors.push(format!("{path}: expected {names:?}, found {v}"));
                }
            }
            "enum" => {
                if !rule.as_array().unwrap().contains(v) {
                    errors.push(format!("{path}: {v} not in {rule}"));
                }
            }
            "required" => {
                if let Some(o) = v.as_object() {
                    for r in rule.as_array().unwrap() {
                        if !o.contains_key(r.as_str().unwrap()) {
                            errors.push(format!("{path}: missing required {r}"));
                        }
                    }
                }
            }
            "properties" => {
                if let Some(o) = v.as_object() {
                    for (name, sub) in rule.as_object().unwrap() {
                        if let Some(x) = o.get(name) {
                            check(root, sub, x, &format!("{path}.{name}"), errors);
                        }
                    }
                }
            }
            "additionalProperties" => {
                if let Some(o) = v.as_object() {
                    let known = obj.get("properties").and_then(Value::as_object);
                    for (name, x) in o {
                        if known.is_some_and(|k| k.contains_key(name)) {
                            continue;
                        }
                        match rule {
                            Value::Bool(false) => {
                                errors.push(format!("{path}: property `{name}` is not allowed"))
                            }
                            Value::Bool(true) => {}
                            sub => check(root, sub, x, &format!("{path}.{name}"), errors),
                        }
                    }
                }
            }
            "items" => {
                if let Some(a) = v.as_array() {
                    for (i, x) in a.iter().enumerate() {
                        check(root, rule, x, &format!("{path}[{i}]"), errors);
                    }
                }
            }
            "minItems" => {
                if let Some(a) = v.as_array() {
                    if (a.len() as u64) < rule.as_u64().unwrap() {
                        errors.push(format!("{path}: fewer than {rule} items"));
                    }
                }
            }
            "uniqueItems" => {
                if let Some(a) = v.as_array() {
                    if rule == &Value::Bool(true)
                        && a.iter().enumerate().any(|(i, x)| a[..i].contains(x))
                    {
                        errors.push(format!("{path}: items are not unique"));
                    }
                }
            }
            "minimum" => {
                if v.as_f64().is_some_and(|x| x < rule.as_f64().unwrap()) {
                    errors.push(format!("{path}: {v} < minimum {rule}"));
                }
            }
            "maximum" => {
                if v.as_f64().is_some_and(|x| x > rule.as_f64().unwrap()) {
                    errors.push(format!("{path}: {v} > maximum {rule}"));
                }
            }
            "pattern" => {
                if let Some(s) = v.as_str() {
                    if !pattern_ok(rule.as_str().unwrap(), s) {
                        errors.push(format!("{path}: {s:?} does not match {rule}"));
                    }
                }
            }
            "format" => {
                if let Some(s) = v.as_str() {
                    if !format_ok(rule.as_str().unwrap(), s) {
                        errors.push(format!("{path}: {s:?} is not a valid {rule}"));
                    }
                }
            }
            "anyOf" | "oneOf" => {
                let passing = rule
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|sub| {
                        let mut e = Vec::new();
                        check(root, sub, v, path, &mut e);
                        e.is_empty()
                    })
                    .count();
                let ok = if key == "anyOf" {
                    passing >= 1
                } else {
                    passing == 1
                };
                if !ok {
                    errors.push(format!("{path}: {passing} of the {key} alternatives match"));
                }
            }
            other => panic!("validator does not know keyword `{other}` (at {path})"),
        }
    }
}

#[test]
fn the_validator_rejects_what_the_schema_forbids() {
    let schema: Value =
        serde_json::from_str(include_str!("../fixtures/sarif/sarif-2.1.0-rtm.5.json")).unwrap();
    let ok = serde_json::json!({"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": []}]});
    assert!(
        validate(&schema, &ok).is_empty(),
        "{:?}",
        validate(&schema, &ok)
    );
    let bad = [
        serde_json::json!({"runs": []}),
        serde_json::json!({"version": "2.0", "runs": []}),
        serde_json::json!({"version": "2.1.0", "runs": [{"tool": {}}]}),
        serde_json::json!({"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "columnKind": "bytes"}]}),
        serde_json::json!({"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x", "informationUri": "not a uri"}}}]}),
        serde_json::json!({"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{"message": {"text": "m"}, "locations": [{"physicalLocation": {"artifactLocation": {"uri": "/a b"}}}]}]}]}),
        serde_json::json!({"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "invocations": [{}]}]}),
        serde_json::json!({"version": "2.1.0", "runs": [], "extra": 1}),
    ];
    for b in bad {
        assert!(!validate(&schema, &b).is_empty(), "accepted {b}");
    }
}
