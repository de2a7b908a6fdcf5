//! HubSpot property definitions: `/crm/v3/properties/{obj}`,
//! `/crm/v3/schemas/{obj}` (and lists of schemas), legacy v1/v2 property
//! lists and v1 property groups.

use serde_json::{Map, Value};

use super::{
    clean_values, kind_of, sanitize_ident, Attrs, Field, ImportError, ImportOptions, Object,
    PercentScale, Sink, Ty,
};

/// Standard objects by `objectTypeId`, named as the v3 API paths name them.
const STANDARD_OBJECTS: &[(&str, &str)] = &[
    ("0-1", "contacts"),
    ("0-2", "companies"),
    ("0-3", "deals"),
    ("0-4", "engagements"),
    ("0-5", "tickets"),
    ("0-7", "products"),
    ("0-8", "line_items"),
    ("0-14", "quotes"),
    ("0-27", "tasks"),
    ("0-46", "notes"),
    ("0-47", "meetings"),
    ("0-48", "calls"),
    ("0-49", "emails"),
    ("0-136", "leads"),
];

/// Words that may name an object in a file name, singular or plural.
const KNOWN_NAMES: &[(&str, &str)] = &[
    ("contact", "contacts"),
    ("company", "companies"),
    ("deal", "deals"),
    ("ticket", "tickets"),
    ("product", "products"),
    ("line_item", "line_items"),
    ("lineitem", "line_items"),
    ("quote", "quotes"),
    ("task", "tasks"),
    ("note", "notes"),
    ("meeting", "meetings"),
    ("call", "calls"),
    ("email", "emails"),
    ("lead", "leads"),
    ("engagement", "engagements"),
];

/// File-name words that never name an object.
const NOT_NAMES: &[&str] = &[
    "properties",
    "property",
    "schemas",
    "schema",
    "metadata",
    "sampled",
    "sample",
    "crm",
    "hubspot",
    "export",
    "exports",
    "json",
    "all",
    "list",
    "objects",
    "object",
    "groups",
    "response",
    "v1",
    "v2",
    "v3",
    "v4",
];

/// `referencedObjectType` values that name a CRM object (a record id
/// property becomes a `ref`); others (OWNER, SEQUENCE) do not.
const REFERENCED_OBJECTS: &[(&str, &str)] = &[
    ("CONTACT", "contacts"),
    ("COMPANY", "companies"),
    ("DEAL", "deals"),
    ("TICKET", "tickets"),
    ("PRODUCT", "products"),
    ("LINE_ITEM", "line_items"),
    ("QUOTE", "quotes"),
];

/// Number properties HubSpot documents as a probability from 0 to 1 (a deal
/// stage's probability is 0.0-1.0; the shadow's description says "between 0
/// and 1"): `percent(0..1)`. Other number properties do not say their scale.
const FRACTION_PERCENTS: &[&str] = &[
    "hs_deal_stage_probability",
    "hs_deal_stage_probability_shadow",
];

/// Enumerations whose values live in the pipelines API.
const PIPELINE_PROPERTIES: &[&str] = &[
    "lifecyclestage",
    "dealstage",
    "pipeline",
    "hs_pipeline",
    "hs_pipeline_stage",
];

pub(super) fn objects(
    file: &str,
    value: &Value,
    options: &ImportOptions,
    sink: &mut Sink,
) -> Result<Vec<Object>, ImportError> {
    match value {
        Value::Object(map) if map.get("properties").is_some_and(Value::is_array) => {
            Ok(vec![schema(file, map, "the file", sink)?])
        }
        Value::Object(map) => match map.get("results") {
            Some(Value::Array(items)) if items.iter().any(is_schema) => {
                let mut out = Vec::new();
                for (i, item) in items.iter().enumerate() {
                    match item.as_object() {
                        Some(schema_map) if is_schema(item) => {
                            out.push(schema(file, schema_map, &format!("results[{i}]"), sink)?)
                        }
                        _ => {
                            return Err(shape(
                                file,
                                format!(
                                    "results[{i}] is not an object schema (no `properties`), \
                                     unlike the others"
                                ),
                            ))
                        }
                    }
                }
                Ok(out)
            }
            Some(Value::Array(items)) => {
                let name = object_name(file, options, sink)?;
                Ok(vec![property_list(
                    file, &name, &name, items, "results", sink,
                )?])
            }
            _ => {
                let mut keys: Vec<&str> = map.keys().map(String::as_str).take(8).collect();
                if map.len() > keys.len() {
                    keys.push("...");
                }
                Err(shape(
                    file,
                    format!(
                        "not a HubSpot property export (expected `{{\"results\": [...]}}` from \
                         /crm/v3/properties, an object schema with `properties`, or a v1/v2 \
                         property list); its keys are: {}",
                        keys.join(", ")
                    ),
                ))
            }
        },
        Value::Array(items) => {
            let groups = !items.is_empty()
                && items.iter().all(|g| {
                    g.get("properties").is_some_and(Value::is_array) && g.get("type").is_none()
                });
            let name = object_name(file, options, sink)?;
            if groups {
                // v1 property groups (`?includeProperties=true`).
                let flat: Vec<Value> = items
                    .iter()
                    .filter_map(|g| g.get("properties").and_then(Value::as_array))
                    .flatten()
                    .cloned()
                    .collect();
                Ok(vec![property_list(
                    file,
                    &name,
                    &name,
                    &flat,
                    "the groups",
                    sink,
                )?])
            } else {
                Ok(vec![property_list(
                    file, &name, &name, items, "the list", sink,
                )?])
            }
        }
        other => Err(shape(
            file,
            format!(
                "the file is {}, not a HubSpot property export",
                kind_of(other)
            ),
        )),
    }
}

fn is_schema(value: &Value) -> bool {
    value.get("properties").is_some_and(Value::is_array)
}

fn shape(file: &str, message: String) -> ImportError {
    ImportError::Shape {
        file: file.to_string(),
        message,
    }
}

/// An object schema (`/crm/v3/schemas/{obj}`): its name comes from its
/// `objectTypeId` (standard objects) or its `name` (custom objects).
fn schema(
    file: &str,
    map: &Map<String, Value>,
    at: &str,
    sink: &mut Sink,
) -> Result<Object, ImportError> {
    let type_id = map.get("objectTypeId").and_then(Value::as_str);
    let raw = map.get("name").and_then(Value::as_str);
    let name = match (type_id, raw) {
        (Some(id), _) if STANDARD_OBJECTS.iter().any(|(i, _)| *i == id) => STANDARD_OBJECTS
            .iter()
            .find(|(i, _)| *i == id)
            .map(|(_, n)| n.to_string())
            .unwrap_or_default(),
        (_, Some(raw)) => known_name(&raw.to_ascii_lowercase()).unwrap_or_else(|| raw.to_string()),
        (Some(id), None) => id.to_string(),
        (None, None) => {
            return Err(shape(
                file,
                format!("the schema in {at} has neither `name` nor `objectTypeId`"),
            ))
        }
    };
    let raw_name = raw.unwrap_or(&name).to_string();
    let empty = Vec::new();
    let props = map
        .get("properties")
        .and_then(Value::as_array)
        .unwrap_or(&empty);
    property_list(file, &name, &raw_name, props, "properties", sink)
}

/// The object a property list describes: a single `--object`, else the file
/// name (with a warning), else an error.
fn object_name(
    file: &str,
    options: &ImportOptions,
    sink: &mut Sink,
) -> Result<String, ImportError> {
    if let [only] = options.objects.as_slice() {
        return Ok(only.clone());
    }
    let base = file.rsplit(['/', '\\']).next().unwrap_or(file);
    let stem = base.split('.').next().unwrap_or(base).to_ascii_lowercase();
    let words: Vec<&str> = stem
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let pairs = words.windows(2).map(|p| format!("{}_{}", p[0], p[1]));
    let known = pairs
        .chain(words.iter().map(|w| w.to_string()))
        .find_map(|w| known_name(&w));
    let guess = known.or_else(|| {
        words
            .iter()
            .find(|w| !NOT_NAMES.contains(w) && !w.chars().all(|c| c.is_ascii_digit()))
            .map(|w| w.to_string())
    });
    match guess {
        Some(name) => {
            sink.warn(
                file,
                &name,
                "",
                format!(
                    "the export does not name its object; `{name}` was inferred from the file \
                     name (set it with --object)"
                ),
            );
            Ok(name)
        }
        None => Err(ImportError::NoObjectName {
            file: file.to_string(),
        }),
    }
}

fn known_name(word: &str) -> Option<String> {
    KNOWN_NAMES
        .iter()
        .find(|(singular, plural)| word == *singular || word == *plural)
        .map(|(_, plural)| plural.to_string())
}

fn property_list(
    file: &str,
    name: &str,
    raw_name: &str,
    props: &[Value],
    at: &str,
    sink: &mut Sink,
) -> Result<Object, ImportError> {
    let object = sanitize_ident(name).0;
    let mut fields = Vec::new();
    for (i, prop) in props.iter().enumerate() {
        let Some(map) = prop.as_object() else {
            return Err(shape(
                file,
                format!("{at}[{i}] is {}, not a property", kind_of(prop)),
            ));
        };
        let Some(prop_name) = map.get("name").and_then(Value::as_str) else {
            return Err(shape(file, format!("{at}[{i}] has no `name`")));
        };
        if map.get("deleted").and_then(Value::as_bool) == Some(true) {
            sink.warn(
                file,
                &object,
                prop_name,
                "property is marked deleted; skipped".into(),
            );
            continue;
        }
        fields.push(property(file, &object, prop_name, map, sink));
    }
    Ok(Object::build(file, name, raw_name, fields, sink))
}

fn property(
    file: &str,
    object: &str,
    name: &str,
    map: &Map<String, Value>,
    sink: &mut Sink,
) -> Field {
    let hs_type = map.get("type").and_then(Value::as_str).unwrap_or("");
    let field_type = map.get("fieldType").and_then(Value::as_str).unwrap_or("");
    let flag = |key: &str| map.get(key).and_then(Value::as_bool) == Some(true);
    let modification_readonly = map
        .get("modificationMetadata")
        .and_then(|m| m.get("readOnlyValue"))
        .and_then(Value::as_bool)
        == Some(true);
    let mut attrs = Attrs {
        readonly: modification_readonly
            || flag("readOnlyValue")
            || flag("calculated")
            || field_type.starts_with("calculation_"),
        protected: false,
        sensitive: matches!(
            map.get("dataSensitivity").and_then(Value::as_str),
            Some("sensitive" | "highly_sensitive")
        ),
    };
    let mut warn = |message: String| sink.warn(file, object, name, message);
    let referenced = map
        .get("referencedObjectType")
        .and_then(Value::as_str)
        .and_then(|r| REFERENCED_OBJECTS.iter().find(|(t, _)| *t == r))
        .map(|(_, object)| object.to_string());
    let currency = map.get("showCurrencySymbol").and_then(Value::as_bool) == Some(true)
        || map.get("numberDisplayHint").and_then(Value::as_str) == Some("currency");
    let ty = match hs_type {
        "string" if field_type == "phonenumber" => Ty::Phone,
        // HubSpot's own email property (validated as an address).
        "string" if name == "email" => Ty::Email,
        "string" => Ty::String,
        "number" if referenced.is_some() => Ty::Ref(referenced.into_iter().collect()),
        "number" if currency => Ty::Currency,
        "number" if FRACTION_PERCENTS.contains(&name) => Ty::Percent(PercentScale::One),
        "number" => {
            let hint = map.get("numberDisplayHint").and_then(Value::as_str);
            let lower = name.to_ascii_lowercase();
            if hint == Some("percentage")
                || lower.contains("probability")
                || lower.contains("percent")
            {
                // The export does not say whether 5 % is stored as 5 or 0.05.
                warn(
                    "looks like a percentage, but the export does not say its scale; imported \
                     as number (where `10%` means 0.1): declare it `percent(0..1)` or \
                     `percent(0..100)` after checking a value HubSpot sends"
                        .into(),
                );
            }
            Ty::Number
        }
        "bool" | "booleancheckbox" => Ty::Bool,
        "date" => Ty::Date,
        "datetime" => Ty::Datetime,
        "phone_number" => Ty::Phone,
        "enumeration" => {
            let raw: Vec<String> = map
                .get("options")
                .and_then(Value::as_array)
                .map(|options| {
                    options
                        .iter()
                        .filter_map(|o| o.get("value"))
                        .filter_map(|v| match v {
                            Value::String(s) => Some(s.clone()),
                            Value::Number(n) => Some(n.to_string()),
                            Value::Bool(b) => Some(b.to_string()),
                            _ => None,
                        })
                        .collect()
                })
                .unwrap_or_default();
            let values = clean_values(raw, (file, object, name), sink);
            let mut warn = |message: String| sink.warn(file, object, name, message);
            if values.is_empty() {
                warn(no_options_message(name, map));
                Ty::String
            } else if field_type == "booleancheckbox"
                && values.iter().all(|v| v == "true" || v == "false")
            {
                Ty::Bool
            } else if field_type == "checkbox" {
                Ty::Multipicklist(values)
            } else {
                Ty::Picklist(values)
            }
        }
        "object_coordinates" => {
            attrs.readonly = true;
            warn(
                "type `object_coordinates` (an internal record locator) has no counterpart; \
                 imported as string readonly"
                    .into(),
            );
            Ty::String
        }
        "json" => {
            warn("type `json` has no counterpart; imported as string".into());
            Ty::String
        }
        "" => {
            warn("no `type`; imported as string".into());
            Ty::String
        }
        other => {
            warn(format!(
                "unknown HubSpot type `{other}`; imported as string"
            ));
            Ty::String
        }
    };
    attrs.protected = !attrs.readonly && is_protected(name);
    Field {
        name: String::new(),
        raw_name: name.to_string(),
        ty,
        attrs,
    }
}

fn no_options_message(name: &str, map: &Map<String, Value>) -> String {
    let referenced = map
        .get("referencedObjectType")
        .and_then(Value::as_str)
        .filter(|r| !r.is_empty());
    if PIPELINE_PROPERTIES.contains(&name) {
        "enumeration with no options listed: its values come from the pipelines API \
         (/crm/v3/pipelines); imported as string"
            .into()
    } else if referenced == Some("OWNER") || name.ends_with("owner_id") {
        "enumeration with no options listed: its values are owner ids from the owners API; \
         imported as string"
            .into()
    } else if let Some(object) = referenced {
        format!(
            "enumeration with no options listed: its values are ids of {object} records; \
             imported as string"
        )
    } else if map.get("externalOptions").and_then(Value::as_bool) == Some(true) {
        "enumeration with external options (not listed in the export); imported as string".into()
    } else {
        "enumeration with no options listed; imported as string".into()
    }
}

/// Ownership, lifecycle, consent and the deal pipeline/forecast, as in
/// `std/hubspot`.
fn is_protected(name: &str) -> bool {
    matches!(
        name,
        "hubspot_owner_id"
            | "lifecyclestage"
            | "dealstage"
            | "pipeline"
            | "amount"
            | "closedate"
            | "hs_manual_forecast_category"
    ) || name.starts_with("hs_email_optout")
        || name.contains("unsubscribe")
}
