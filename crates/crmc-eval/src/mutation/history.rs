//! The mutation's `history`: per field, the last write before this one, as
//! the CRM's field history tells it (who, when, through what). Conditions
//! such as `Industry set by human` and `source of Industry in ("CRM_UI")`
//! read it. A field the history does not list is *unknown* (on update and
//! delete; on create there was no earlier write); `null` says the field was
//! never written.
//!
//! ```json
//! "history": {
//!   "Industry": {"actor": {"kind": "human", "name": "jane@acme.example"},
//!                "at": "2026-10-02T09:00:00Z", "source": "CRM_UI"},
//!   "Title": null
//! }
//! ```
//!
//! Anything else (an unknown key, an actor kind the language lacks, an `at`
//! that is not RFC 3339) makes the line an error: a misread history could
//! make a rule about people's writes stand aside.

use super::{Actor, EvalError};
use crate::table::ActorKind;
use crate::time;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// The last write of one field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LastWrite {
    pub actor: Actor,
    /// Seconds since the epoch.
    pub at: i64,
    /// `at` as written.
    pub at_text: String,
    /// Where the write came from (HubSpot's `sourceType`, Salesforce's
    /// change origin), when the history says.
    pub source: Option<String>,
}

/// Per field name, its last write; `None`: never written.
pub type History = BTreeMap<String, Option<LastWrite>>;

const KEYS: [&str; 3] = ["actor", "at", "source"];

/// Parses `history` (absent or `null`: no history at all).
pub(crate) fn parse(v: Option<&Value>) -> Result<Option<History>, EvalError> {
    let obj = match v {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Object(m)) => m,
        Some(_) => return Err(EvalError::new("`history` must be an object")),
    };
    let mut out = History::new();
    for (field, entry) in obj {
        let w = match entry {
            Value::Null => None,
            Value::Object(e) => Some(last_write(field, e)?),
            _ => {
                return Err(EvalError::new(format!(
                    "`history.{field}` must be an object (the last write) or null (never written)"
                )))
            }
        };
        out.insert(field.clone(), w);
    }
    Ok(Some(out))
}

fn last_write(field: &str, e: &Map<String, Value>) -> Result<LastWrite, EvalError> {
    let err = |m: String| EvalError::new(format!("`history.{field}`: {m}"));
    if let Some(k) = e.keys().find(|k| !KEYS.contains(&k.as_str())) {
        return Err(err(format!(
            "unknown key `{k}` (a last write has `actor`, `at` and `source`)"
        )));
    }
    let actor = match e.get("actor") {
        Some(Value::Object(a)) => {
            let kind = match a.get("kind") {
                Some(Value::String(k)) => ActorKind::parse(k).ok_or_else(|| {
                    err(format!(
                        "unknown actor kind `{k}` (expected ai, integration or human)"
                    ))
                })?,
                _ => return Err(err("`actor.kind` must be a string".into())),
            };
            let name = match a.get("name") {
                Some(Value::String(n)) => n.clone(),
                _ => return Err(err("`actor.name` must be a string".into())),
            };
            if let Some(k) = a.keys().find(|k| *k != "kind" && *k != "name") {
                return Err(err(format!("unknown key `actor.{k}`")));
            }
            Actor { kind, name }
        }
        Some(_) => return Err(err("`actor` must be an object".into())),
        None => return Err(err("missing `actor` (who wrote the field last)".into())),
    };
    let (at, at_text) = match e.get("at") {
        Some(Value::String(t)) => match time::parse_datetime(t) {
            Some(s) => (s, t.clone()),
            None => return Err(err(format!("`at` is not an RFC 3339 timestamp: `{t}`"))),
        },
        Some(_) => return Err(err("`at` must be a string".into())),
        None => return Err(err("missing `at` (when the field was written last)".into())),
    };
    let source = match e.get("source") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => return Err(err("`source` must be a string".into())),
    };
    Ok(LastWrite {
        actor,
        at,
        at_text,
        source,
    })
}

/// `history` as JSON (what [`parse`] reads).
pub fn to_value(h: &History) -> Value {
    let mut m = Map::new();
    for (f, w) in h {
        let v = match w {
            None => Value::Null,
            Some(w) => {
                let mut e = Map::new();
                e.insert(
                    "actor".into(),
                    serde_json::json!({"kind": w.actor.kind.as_str(), "name": w.actor.name}),
                );
                e.insert("at".into(), Value::String(w.at_text.clone()));
                if let Some(s) = &w.source {
                    e.insert("source".into(), Value::String(s.clone()));
                }
                Value::Object(e)
            }
        };
        m.insert(f.clone(), v);
    }
    Value::Object(m)
}

// ---------------------------------------------------------------- HubSpot

/// How HubSpot's `sourceType` of a property version maps to the kind of
/// actor that wrote it: a person in HubSpot (the UI, the mobile apps, an
/// import or bulk edit someone ran), or an integration (the API, an app,
/// a workflow, a calculation, a form, another CRM's sync). The source type
/// itself becomes the last write's `source`.
pub const HUBSPOT_KINDS: &[(&str, ActorKind)] = &[
    ("CRM_UI", ActorKind::Human),
    ("MOBILE_IOS", ActorKind::Human),
    ("MOBILE_ANDROID", ActorKind::Human),
    ("IMPORT", ActorKind::Human),
    ("BATCH_UPDATE", ActorKind::Human),
    ("API", ActorKind::Integration),
    ("INTEGRATION", ActorKind::Integration),
    ("AUTOMATION_PLATFORM", ActorKind::Integration),
    ("WORKFLOWS", ActorKind::Integration),
    ("CALCULATED", ActorKind::Integration),
    ("ANALYTICS", ActorKind::Integration),
    ("FORM", ActorKind::Integration),
    ("EMAIL", ActorKind::Integration),
    ("SALES", ActorKind::Integration),
    ("SALESFORCE", ActorKind::Integration),
    ("MIGRATION", ActorKind::Integration),
];

/// `history` from one HubSpot object read with `propertiesWithHistory`
/// (`GET /crm/v3/objects/{type}/{id}?propertiesWithHistory=a,b`): for
/// each property, its newest version (by `timestamp`) — who by its
/// `sourceType` ([`HUBSPOT_KINDS`], then `extra`, which wins), named
/// `user:<updatedByUserId>`, else its `sourceId`, else its `sourceLabel`,
/// else the source type; when by its `timestamp` (RFC 3339, or epoch
/// milliseconds); from where by its `sourceType`. A property with no
/// versions was never written. A source type neither table names is an
/// error (a guess could make a rule about people's writes stand aside).
pub fn from_hubspot(record: &Value, extra: &[(String, ActorKind)]) -> Result<History, EvalError> {
    let err = |m: String| EvalError::new(format!("HubSpot history: {m}"));
    let props =
        match record.get("propertiesWithHistory") {
            Some(Value::Object(p)) => p,
            Some(_) => return Err(err("`propertiesWithHistory` must be an object".into())),
            None => return Err(err(
                "no `propertiesWithHistory` (read the object with `?propertiesWithHistory=...`)"
                    .into(),
            )),
        };
    let mut out = History::new();
    for (prop, versions) in props {
        let Value::Array(versions) = versions else {
            return Err(err(format!("`{prop}` must be a list of versions")));
        };
        let mut newest: Option<(i64, &Map<String, Value>)> = None;
        for v in versions {
            let Value::Object(v) = v else {
                return Err(err(format!("a version of `{prop}` is not an object")));
            };
            let at = match v.get("timestamp") {
                Some(Value::String(t)) => time::parse_datetime(t),
                Some(Value::Number(n)) => n.as_i64().map(|ms| ms.div_euclid(1000)),
                _ => None,
            }
            .ok_or_else(|| err(format!("a version of `{prop}` has no valid `timestamp`")))?;
            if newest.is_none_or(|(t, _)| at > t) {
                newest = Some((at, v));
            }
        }
        let Some((at, v)) = newest else {
            out.insert(prop.clone(), None);
            continue;
        };
        let source = match v.get("sourceType") {
            Some(Value::String(s)) => s.clone(),
            _ => {
                return Err(err(format!(
                    "the newest version of `{prop}` has no `sourceType`"
                )))
            }
        };
        let kind = extra
            .iter()
            .find(|(s, _)| *s == source)
            .map(|(_, k)| *k)
            .or_else(|| {
                HUBSPOT_KINDS
                    .iter()
                    .find(|(s, _)| *s == source)
                    .map(|(_, k)| *k)
            })
            .ok_or_else(|| {
                err(format!(
                    "`{prop}` was last written from source type `{source}`, which is not mapped to \
                     an actor kind; say which it is (for example `--kind {source}=integration`)"
                ))
            })?;
        let text = |k: &str| match v.get(k) {
            Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
            Some(Value::Number(n)) => Some(n.to_string()),
            _ => None,
        };
        let name = text("updatedByUserId")
            .map(|u| format!("user:{u}"))
            .or_else(|| text("sourceId"))
            .or_else(|| text("sourceLabel"))
            .unwrap_or_else(|| source.clone());
        out.insert(
            prop.clone(),
            Some(LastWrite {
                actor: Actor { kind, name },
                at,
                at_text: datetime_text(at),
                source: Some(source),
            }),
        );
    }
    Ok(out)
}

/// Seconds since the epoch as `YYYY-MM-DDTHH:MM:SSZ`.
fn datetime_text(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = time::civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3_600,
        rem % 3_600 / 60,
        rem % 60
    )
}

// ---------------------------------------------------------------- Salesforce

/// Who wrote a Salesforce field-history row, by `CreatedById`: people
/// unless listed as an integration user or an AI agent's user.
#[derive(Clone, Debug, Default)]
pub struct SalesforceUsers {
    pub integration: Vec<String>,
    pub ai: Vec<String>,
}

/// `history` from a Salesforce field-history query result
/// (`SELECT Field, CreatedById, CreatedDate FROM LeadHistory WHERE LeadId =
/// '…'`; `{"records": [...]}`): for each `Field`, its newest row — by
/// `CreatedById` (a person, unless `users` lists it), at `CreatedDate`
/// (Salesforce writes `+0000` offsets; both forms are read). Salesforce
/// records no source, so `source of F` stays unknown; `created` rows (the
/// record's creation) are skipped, they name no field.
pub fn from_salesforce(result: &Value, users: &SalesforceUsers) -> Result<History, EvalError> {
    let err = |m: String| EvalError::new(format!("Salesforce history: {m}"));
    let Some(Value::Array(rows)) = result.get("records") else {
        return Err(err("no `records` list (a SOQL query result)".into()));
    };
    let mut out = History::new();
    let mut newest: BTreeMap<String, i64> = BTreeMap::new();
    for row in rows {
        let text = |k: &str| match row.get(k) {
            Some(Value::String(s)) if !s.is_empty() => Ok(s.as_str()),
            _ => Err(err(format!("a row without `{k}`"))),
        };
        let field = text("Field")?;
        if field == "created" {
            continue;
        }
        let by = text("CreatedById")?;
        let when = text("CreatedDate")?;
        let at = time::parse_datetime(&salesforce_offset(when))
            .ok_or_else(|| err(format!("`CreatedDate` is not a timestamp: `{when}`")))?;
        if newest.get(field).is_some_and(|t| *t >= at) {
            continue;
        }
        newest.insert(field.to_string(), at);
        let kind = if users.ai.iter().any(|u| u == by) {
            ActorKind::Ai
        } else if users.integration.iter().any(|u| u == by) {
            ActorKind::Integration
        } else {
            ActorKind::Human
        };
        out.insert(
            field.to_string(),
            Some(LastWrite {
                actor: Actor {
                    kind,
                    name: by.to_string(),
                },
                at,
                at_text: datetime_text(at),
                source: None,
            }),
        );
    }
    Ok(out)
}

/// `…+0000` as `…+00:00` (RFC 3339).
fn salesforce_offset(s: &str) -> String {
    let b = s.as_bytes();
    let n = b.len();
    if n > 5 && matches!(b[n - 5], b'+' | b'-') && b[n - 4..].iter().all(u8::is_ascii_digit) {
        format!("{}:{}", &s[..n - 2], &s[n - 2..])
    } else {
        s.to_string()
    }
}
