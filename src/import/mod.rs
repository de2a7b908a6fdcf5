//! `crmc schema import salesforce|hubspot FILE...`: turns a CRM's own schema
//! export (JSON) into a `schema NAME { object ... }` block.
//!
//! Pure: the caller reads the files and hands their text in; nothing here
//! touches the file system. Every field of the export ends up in the output
//! (an unmappable one as the nearest type, with a warning naming it): an
//! importer that silently drops fields would let contracts miss them.
//!
//! Formats:
//! - Salesforce: REST `sobjects/{X}/describe` bodies, one per file, or several
//!   in one file as a JSON array, `{"sobjects": [...]}`, a batch response
//!   (`{"results": [{"result": {...}}]}`) or a composite response
//!   (`{"compositeResponse": [{"body": {...}}]}`).
//! - HubSpot: `/crm/v3/properties/{obj}` (`{"results": [...]}`),
//!   `/crm/v3/schemas/{obj}` (an object with `properties`), a list of those
//!   (`{"results": [schema, ...]}`), legacy v1/v2 property lists (a JSON
//!   array of properties) and v1 property groups (an array of groups, each
//!   with `properties`).

mod hubspot;
mod render;
mod salesforce;

use std::collections::BTreeMap;
use std::fmt;

/// Which CRM the export comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Crm {
    Salesforce,
    Hubspot,
}

impl Crm {
    /// The default schema name (`schema salesforce { ... }`).
    pub fn default_schema_name(self) -> &'static str {
        match self {
            Crm::Salesforce => "salesforce",
            Crm::Hubspot => "hubspot",
        }
    }
}

/// One export file.
#[derive(Clone, Copy, Debug)]
pub struct ImportInput<'a> {
    /// The file name, for messages (and, for HubSpot property lists, to infer
    /// the object name from).
    pub name: &'a str,
    pub json: &'a str,
}

#[derive(Clone, Debug, Default)]
pub struct ImportOptions {
    /// `--object`: keep only these objects (empty: all). For a HubSpot
    /// property list, whose JSON does not name its object, a single
    /// `--object` also names it.
    pub objects: Vec<String>,
    /// `schema NAME`; defaults to `salesforce` / `hubspot`.
    pub schema_name: Option<String>,
}

/// Something the importer did that the user should know about: a field kept
/// as a nearer type, a name sanitized, an object name inferred.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportWarning {
    pub file: String,
    /// The object, as named in the output ("" when not known yet).
    pub object: String,
    /// The field's API name as the CRM spells it ("" for object-level notes).
    pub field: String,
    pub message: String,
}

impl fmt::Display for ImportWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        match (self.object.is_empty(), self.field.is_empty()) {
            (true, _) => {}
            (false, true) => write!(f, ": {}", self.object)?,
            (false, false) => write!(f, ": {}.{}", self.object, self.field)?,
        }
        write!(f, ": {}", self.message)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportOutput {
    /// The `schema NAME { ... }` block, ending with a newline.
    pub text: String,
    pub warnings: Vec<ImportWarning>,
    /// Fields per object, in output order.
    pub field_counts: Vec<(String, usize)>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImportError {
    /// No input files.
    NoInputs,
    /// The file is not JSON.
    Json {
        file: String,
        message: String,
        line: usize,
        column: usize,
    },
    /// JSON, but not an export this importer knows.
    Shape { file: String, message: String },
    /// A HubSpot property list whose object could not be named.
    NoObjectName { file: String },
    /// `--object X` named objects that are in none of the files.
    UnknownObjects {
        missing: Vec<String>,
        available: Vec<String>,
    },
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImportError::NoInputs => write!(f, "no export files given"),
            ImportError::Json {
                file,
                message,
                line,
                column,
            } => write!(f, "{file}:{line}:{column}: invalid JSON: {message}"),
            ImportError::Shape { file, message } => write!(f, "{file}: {message}"),
            ImportError::NoObjectName { file } => write!(
                f,
                "{file}: a HubSpot property list does not say which object it \
                 describes, and the file name does not either; name it with \
                 --object (e.g. --object contacts)"
            ),
            ImportError::UnknownObjects { missing, available } => {
                write!(f, "no such object in the exports: {}", missing.join(", "))?;
                if available.is_empty() {
                    write!(f, " (the exports describe no objects)")
                } else {
                    write!(f, " (they describe: {})", available.join(", "))
                }
            }
        }
    }
}

impl std::error::Error for ImportError {}

/// Imports the exports into one schema block.
pub fn import(
    crm: Crm,
    inputs: &[ImportInput<'_>],
    options: &ImportOptions,
) -> Result<ImportOutput, ImportError> {
    if inputs.is_empty() {
        return Err(ImportError::NoInputs);
    }
    let mut sink = Sink::default();
    let mut raw = Vec::new();
    for input in inputs {
        let value: serde_json::Value =
            serde_json::from_str(input.json).map_err(|e| ImportError::Json {
                file: input.name.to_string(),
                message: json_message(&e),
                line: e.line(),
                column: e.column(),
            })?;
        let objects = match crm {
            Crm::Salesforce => salesforce::objects(input.name, &value, &mut sink)?,
            Crm::Hubspot => hubspot::objects(input.name, &value, options, &mut sink)?,
        };
        raw.extend(objects);
    }

    // Merge by (sanitized) object name, then apply the --object filter.
    let mut merged: BTreeMap<SortKey, Object> = BTreeMap::new();
    for object in raw {
        let key = SortKey::new(&object.name);
        match merged.get_mut(&key) {
            None => {
                merged.insert(key, object);
            }
            Some(existing) => {
                sink.warn(
                    &object.file,
                    &object.name,
                    "",
                    format!(
                        "object also described in {}; fields merged, the first \
                         description of a field wins",
                        existing.file
                    ),
                );
                existing.merge(object, &mut sink);
            }
        }
    }
    if !options.objects.is_empty() {
        let wanted = |o: &Object| {
            options
                .objects
                .iter()
                .any(|w| w.eq_ignore_ascii_case(&o.name) || w.eq_ignore_ascii_case(&o.raw_name))
        };
        let missing: Vec<String> = options
            .objects
            .iter()
            .filter(|w| {
                !merged
                    .values()
                    .any(|o| w.eq_ignore_ascii_case(&o.name) || w.eq_ignore_ascii_case(&o.raw_name))
            })
            .cloned()
            .collect();
        if !missing.is_empty() {
            return Err(ImportError::UnknownObjects {
                missing,
                available: merged.values().map(|o| o.name.clone()).collect(),
            });
        }
        merged.retain(|_, o| wanted(o));
    }

    let schema_name = match &options.schema_name {
        Some(name) => {
            let (clean, changed) = sanitize_ident(name);
            if changed {
                sink.warn(
                    "",
                    "",
                    "",
                    format!("schema name \"{name}\" is not an identifier; using `{clean}`"),
                );
            }
            clean
        }
        None => crm.default_schema_name().to_string(),
    };
    let objects: Vec<Object> = merged.into_values().collect();
    let text = render::schema(&schema_name, &objects);
    let field_counts = objects
        .iter()
        .map(|o| (o.name.clone(), o.fields.len()))
        .collect();
    Ok(ImportOutput {
        text,
        warnings: sink.warnings,
        field_counts,
    })
}

/// serde_json's message without its trailing " at line L column C".
fn json_message(e: &serde_json::Error) -> String {
    let message = e.to_string();
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message,
    }
}

/// Collects warnings.
#[derive(Default)]
pub(crate) struct Sink {
    warnings: Vec<ImportWarning>,
}

impl Sink {
    pub(crate) fn warn(&mut self, file: &str, object: &str, field: &str, message: String) {
        self.warnings.push(ImportWarning {
            file: file.to_string(),
            object: object.to_string(),
            field: field.to_string(),
            message,
        });
    }
}

pub(crate) use crate::syntax::ast::PercentScale;

/// A field type of the language (§3).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Ty {
    Id,
    String,
    Email,
    Phone,
    Url,
    Bool,
    Int,
    Number,
    Currency,
    /// With the CRM's scale: Salesforce sends 5 % as 5, HubSpot's deal
    /// probability as 0.05.
    Percent(PercentScale),
    Date,
    Datetime,
    Picklist(Vec<String>),
    Multipicklist(Vec<String>),
    Ref(Vec<String>),
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Attrs {
    pub(crate) readonly: bool,
    pub(crate) protected: bool,
    pub(crate) sensitive: bool,
}

#[derive(Clone, Debug)]
pub(crate) struct Field {
    /// The identifier written out.
    pub(crate) name: String,
    /// The CRM's API name.
    pub(crate) raw_name: String,
    pub(crate) ty: Ty,
    pub(crate) attrs: Attrs,
}

#[derive(Clone, Debug)]
pub(crate) struct Object {
    pub(crate) name: String,
    pub(crate) raw_name: String,
    /// The file that described it (for messages).
    pub(crate) file: String,
    /// Sorted by name, names unique.
    pub(crate) fields: Vec<Field>,
}

/// Orders names case-insensitively, ties broken bytewise.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct SortKey(String, String);

impl SortKey {
    fn new(name: &str) -> SortKey {
        SortKey(name.to_ascii_lowercase(), name.to_string())
    }
}

impl Object {
    /// Builds an object named `name` (`raw_name`: as the export spells it)
    /// from fields in export order: sanitizes names (with a warning), makes
    /// them unique, sorts them.
    pub(crate) fn build(
        file: &str,
        name: &str,
        raw_name: &str,
        fields: Vec<Field>,
        sink: &mut Sink,
    ) -> Object {
        let original = name;
        let (name, changed) = sanitize_ident(original);
        if changed {
            sink.warn(
                file,
                &name,
                "",
                format!("object name \"{original}\" is not an identifier; written as `{name}`"),
            );
        }
        let mut object = Object {
            name,
            raw_name: raw_name.to_string(),
            file: file.to_string(),
            fields: Vec::new(),
        };
        let mut by_name: BTreeMap<SortKey, Field> = BTreeMap::new();
        for mut field in fields {
            let (mut clean, changed) = sanitize_ident(&field.raw_name);
            if changed {
                sink.warn(
                    file,
                    &object.name,
                    &field.raw_name,
                    format!("API name is not an identifier; written as `{clean}`"),
                );
            }
            if let Some(first) = by_name.values().find(|f| f.name == clean) {
                if first.raw_name == field.raw_name {
                    sink.warn(
                        file,
                        &object.name,
                        &field.raw_name,
                        "field listed twice; the first one is kept".to_string(),
                    );
                    continue;
                }
                let mut n = 2;
                while by_name.values().any(|f| f.name == format!("{clean}_{n}")) {
                    n += 1;
                }
                let renamed = format!("{clean}_{n}");
                sink.warn(
                    file,
                    &object.name,
                    &field.raw_name,
                    format!(
                        "sanitized name `{clean}` is taken by \"{}\"; written as `{renamed}`",
                        first.raw_name
                    ),
                );
                clean = renamed;
            }
            field.name = clean;
            by_name.insert(SortKey::new(&field.name), field);
        }
        object.fields = by_name.into_values().collect();
        object
    }

    fn merge(&mut self, other: Object, sink: &mut Sink) {
        let mut by_name: BTreeMap<SortKey, Field> = self
            .fields
            .drain(..)
            .map(|f| (SortKey::new(&f.name), f))
            .collect();
        for field in other.fields {
            let key = SortKey::new(&field.name);
            match by_name.get(&key) {
                Some(first) => {
                    if first.ty != field.ty || first.attrs != field.attrs {
                        sink.warn(
                            &other.file,
                            &self.name,
                            &field.raw_name,
                            format!(
                                "described differently in {}; that description is kept",
                                self.file
                            ),
                        );
                    }
                }
                None => {
                    by_name.insert(key, field);
                }
            }
        }
        self.fields = by_name.into_values().collect();
    }
}

/// Makes `raw` a valid identifier (`[A-Za-z_][A-Za-z0-9_]*`): every other
/// character becomes `_`, a leading digit gets a `_` prefix. Returns whether
/// anything changed.
pub(crate) fn sanitize_ident(raw: &str) -> (String, bool) {
    let mut out: String = raw
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    let changed = out != raw;
    (out, changed)
}

/// Picklist values ready to write: control characters (which a string
/// literal cannot hold) replaced by spaces, duplicates dropped (first
/// occurrence kept), each with a warning.
pub(crate) fn clean_values(
    values: impl IntoIterator<Item = String>,
    at: (&str, &str, &str),
    sink: &mut Sink,
) -> Vec<String> {
    let (file, object, field) = at;
    let mut out: Vec<String> = Vec::new();
    let mut duplicates: Vec<String> = Vec::new();
    for raw in values {
        let v: String = raw
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        if v != raw {
            sink.warn(
                file,
                object,
                field,
                format!("picklist value {raw:?} holds control characters; written as \"{v}\""),
            );
        }
        if out.contains(&v) {
            if !duplicates.contains(&v) {
                duplicates.push(v);
            }
        } else {
            out.push(v);
        }
    }
    if !duplicates.is_empty() {
        let list: Vec<String> = duplicates.iter().map(|d| format!("\"{d}\"")).collect();
        sink.warn(
            file,
            object,
            field,
            format!("duplicate picklist values dropped: {}", list.join(", ")),
        );
    }
    out
}

/// A short rendering of a JSON value's kind, for shape errors.
pub(crate) fn kind_of(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}
