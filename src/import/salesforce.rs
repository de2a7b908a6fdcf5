//! Salesforce REST describe bodies (`sobjects/{X}/describe`) and the
//! containers that carry several of them.

use serde_json::{Map, Value};

use super::{
    clean_values, kind_of, sanitize_ident, Attrs, Field, ImportError, Object, PercentScale, Sink,
    Ty,
};

/// Fields no contract should write silently.
const PROTECTED: &[&str] = &[
    "OwnerId",
    "StageName",
    "CloseDate",
    "ForecastCategoryName",
    "HasOptedOutOfEmail",
    "DoNotCall",
    "Amount",
];

pub(super) fn objects(
    file: &str,
    value: &Value,
    sink: &mut Sink,
) -> Result<Vec<Object>, ImportError> {
    let mut describes = Vec::new();
    collect(file, value, &mut describes, sink, "the file")?;
    if describes.is_empty() {
        sink.warn(file, "", "", "no object describes found".to_string());
    }
    describes
        .into_iter()
        .map(|d| object(file, d, sink))
        .collect()
}

fn shape(file: &str, message: String) -> ImportError {
    ImportError::Shape {
        file: file.to_string(),
        message,
    }
}

/// Finds the describe bodies in `value` (`at` says where, for messages).
fn collect<'v>(
    file: &str,
    value: &'v Value,
    out: &mut Vec<&'v Map<String, Value>>,
    sink: &mut Sink,
    at: &str,
) -> Result<(), ImportError> {
    match value {
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                collect(file, item, out, sink, &format!("element {i} of {at}"))?;
            }
            Ok(())
        }
        Value::Object(map) => {
            if let Some(fields) = map.get("fields") {
                if !fields.is_array() {
                    return Err(shape(
                        file,
                        format!("`fields` of {at} is {}, not an array", kind_of(fields)),
                    ));
                }
                if !map.get("name").is_some_and(Value::is_string) {
                    return Err(shape(
                        file,
                        format!("{at} has `fields` but no `name`: not a describe body"),
                    ));
                }
                out.push(map);
                return Ok(());
            }
            if let Some(Value::Array(items)) = map.get("sobjects") {
                for (i, item) in items.iter().enumerate() {
                    if item.get("fields").is_none() && item.get("name").is_some() {
                        return Err(shape(
                            file,
                            "this is the global describe (`sobjects/`), which lists objects \
                             without their fields; export `sobjects/{X}/describe` for each \
                             object instead"
                                .to_string(),
                        ));
                    }
                    collect(file, item, out, sink, &format!("sobjects[{i}]"))?;
                }
                return Ok(());
            }
            if let Some(Value::Array(items)) = map.get("compositeResponse") {
                for (i, item) in items.iter().enumerate() {
                    let here = format!("compositeResponse[{i}]");
                    let status = item.get("httpStatusCode").and_then(Value::as_u64);
                    if let Some(failed) = status.filter(|s| !(200..300).contains(s)) {
                        skip_failed(file, item, "referenceId", failed, &here, sink);
                        continue;
                    }
                    match item.get("body") {
                        Some(body) => collect(file, body, out, sink, &format!("{here}.body"))?,
                        None => {
                            return Err(shape(file, format!("{here} has no `body`")));
                        }
                    }
                }
                return Ok(());
            }
            if let Some(Value::Array(items)) = map.get("results") {
                for (i, item) in items.iter().enumerate() {
                    let here = format!("results[{i}]");
                    let status = item.get("statusCode").and_then(Value::as_u64);
                    if let Some(failed) = status.filter(|s| !(200..300).contains(s)) {
                        skip_failed(file, item, "", failed, &here, sink);
                        continue;
                    }
                    match item.get("result") {
                        Some(result) => {
                            collect(file, result, out, sink, &format!("{here}.result"))?
                        }
                        None => collect(file, item, out, sink, &here)?,
                    }
                }
                return Ok(());
            }
            let mut keys: Vec<&str> = map.keys().map(String::as_str).take(8).collect();
            if map.len() > keys.len() {
                keys.push("...");
            }
            Err(shape(
                file,
                format!(
                    "{at} is not a Salesforce describe (expected an object with `name` and \
                     `fields`, an array of those, `{{\"sobjects\": [...]}}`, or a batch/composite \
                     response); its keys are: {}",
                    keys.join(", ")
                ),
            ))
        }
        other => Err(shape(
            file,
            format!(
                "{at} is {}, not a Salesforce describe (an object with `name` and `fields`)",
                kind_of(other)
            ),
        )),
    }
}

/// A failed sub-request of a batch/composite response: skipped, with a
/// warning that carries Salesforce's message.
fn skip_failed(file: &str, item: &Value, id_key: &str, status: u64, at: &str, sink: &mut Sink) {
    let body = item.get("body").or_else(|| item.get("result"));
    let message = body
        .and_then(|b| b.get(0).or(Some(b)))
        .and_then(|e| e.get("message"))
        .and_then(Value::as_str)
        .unwrap_or("no message");
    let id = item
        .get(id_key)
        .and_then(Value::as_str)
        .map(|r| format!(" ({r})"))
        .unwrap_or_default();
    sink.warn(
        file,
        "",
        "",
        format!("{at}{id} failed with status {status}, skipped: {message}"),
    );
}

fn str_of<'v>(map: &'v Map<String, Value>, key: &str) -> Option<&'v str> {
    map.get(key).and_then(Value::as_str)
}

fn bool_of(map: &Map<String, Value>, key: &str) -> Option<bool> {
    map.get(key).and_then(Value::as_bool)
}

fn object(
    file: &str,
    describe: &Map<String, Value>,
    sink: &mut Sink,
) -> Result<Object, ImportError> {
    let raw_name = str_of(describe, "name").unwrap_or_default();
    let object_name = sanitize_ident(raw_name).0;
    let empty = Vec::new();
    let fields_json = describe
        .get("fields")
        .and_then(Value::as_array)
        .unwrap_or(&empty);
    let mut fields = Vec::new();
    for (i, item) in fields_json.iter().enumerate() {
        let Some(map) = item.as_object() else {
            return Err(shape(
                file,
                format!("{raw_name}: fields[{i}] is {}, not a field", kind_of(item)),
            ));
        };
        let Some(name) = str_of(map, "name") else {
            return Err(shape(
                file,
                format!("{raw_name}: fields[{i}] has no `name`"),
            ));
        };
        fields.push(field(file, &object_name, name, map, sink));
    }
    Ok(Object::build(file, raw_name, raw_name, fields, sink))
}

fn field(file: &str, object: &str, name: &str, map: &Map<String, Value>, sink: &mut Sink) -> Field {
    let mut warn = |message: String| sink.warn(file, object, name, message);
    let sf_type = str_of(map, "type").unwrap_or("");
    let mut attrs = Attrs {
        readonly: sf_type == "id"
            || bool_of(map, "calculated") == Some(true)
            || bool_of(map, "autoNumber") == Some(true)
            || (bool_of(map, "updateable") == Some(false)
                && bool_of(map, "createable") == Some(false)),
        protected: false,
        sensitive: sf_type == "encryptedstring" || bool_of(map, "encrypted") == Some(true),
    };
    let ty = match sf_type {
        "id" => Ty::Id,
        "string" | "textarea" | "encryptedstring" | "combobox" => Ty::String,
        "email" => Ty::Email,
        "phone" => Ty::Phone,
        "url" => Ty::Url,
        "boolean" => Ty::Bool,
        "int" | "long" => Ty::Int,
        "double" => Ty::Number,
        "currency" => Ty::Currency,
        // REST sends `"Probability": 5` for 5 % (describe: precision 3, scale 0).
        "percent" => Ty::Percent(PercentScale::Hundred),
        "date" => Ty::Date,
        "datetime" => Ty::Datetime,
        "time" => {
            warn("type `time` (a time of day) has no counterpart; imported as string".into());
            Ty::String
        }
        "picklist" | "multipicklist" => {
            let values = picklist_values(map, &mut warn);
            let values = clean_values(values, (file, object, name), sink);
            let mut warn = |message: String| sink.warn(file, object, name, message);
            if let Some(controller) = str_of(map, "controllerName") {
                if bool_of(map, "dependentPicklist") != Some(false) {
                    warn(format!(
                        "dependent picklist controlled by `{controller}`: which values are \
                         valid depends on it; all active values are listed"
                    ));
                }
            }
            if values.is_empty() {
                warn(format!(
                    "{sf_type} with no active values; imported as string"
                ));
                Ty::String
            } else if sf_type == "picklist" {
                Ty::Picklist(values)
            } else {
                Ty::Multipicklist(values)
            }
        }
        "reference" => {
            let mut targets: Vec<String> = map
                .get("referenceTo")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(Value::as_str)
                        .map(|t| {
                            let (clean, changed) = sanitize_ident(t);
                            if changed {
                                sink.warn(
                                    file,
                                    object,
                                    name,
                                    format!(
                                        "reference target \"{t}\" is not an identifier; \
                                         written as `{clean}`"
                                    ),
                                );
                            }
                            clean
                        })
                        .collect()
                })
                .unwrap_or_default();
            targets.sort();
            targets.dedup();
            if targets.is_empty() {
                sink.warn(
                    file,
                    object,
                    name,
                    "reference with no target objects (`referenceTo` is empty); imported as \
                     string"
                        .into(),
                );
                Ty::String
            } else {
                Ty::Ref(targets)
            }
        }
        "address" | "location" => {
            attrs.readonly = true;
            warn(format!(
                "compound `{sf_type}` field: the API does not write it, its component fields \
                 are separate; imported as string readonly"
            ));
            Ty::String
        }
        "base64" => {
            warn("type `base64` (binary content) has no counterpart; imported as string".into());
            Ty::String
        }
        "anyType" | "complexvalue" | "json" => {
            warn(format!(
                "type `{sf_type}` has no counterpart; imported as string"
            ));
            Ty::String
        }
        "" => {
            warn("no `type`; imported as string".into());
            Ty::String
        }
        other => {
            warn(format!(
                "unknown Salesforce type `{other}`; imported as string"
            ));
            Ty::String
        }
    };
    attrs.protected = !attrs.readonly && PROTECTED.contains(&name);
    Field {
        name: String::new(),
        raw_name: name.to_string(),
        ty,
        attrs,
    }
}

/// Active picklist values in describe order; inactive ones are skipped with
/// a warning.
fn picklist_values(map: &Map<String, Value>, warn: &mut impl FnMut(String)) -> Vec<String> {
    let mut values = Vec::new();
    let mut inactive = Vec::new();
    let empty = Vec::new();
    for entry in map
        .get("picklistValues")
        .and_then(Value::as_array)
        .unwrap_or(&empty)
    {
        let Some(value) = entry.get("value").and_then(Value::as_str) else {
            continue;
        };
        if entry.get("active").and_then(Value::as_bool) == Some(false) {
            inactive.push(format!("\"{value}\""));
        } else {
            values.push(value.to_string());
        }
    }
    if !inactive.is_empty() {
        warn(format!(
            "inactive picklist values skipped: {}",
            inactive.join(", ")
        ));
    }
    values
}
