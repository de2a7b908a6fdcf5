//! Builds the unit's one [`Schema`]: the union of every `object` and
//! `extend object` block, objects and fields sorted by name, relations
//! derived from single-target `ref` fields.

use super::errors::CheckError;
use super::model::{Field, FieldId, FieldType, Object, ObjectId, PercentScale, Relation, Schema};
use crate::diagnostics::suggest::suggest;
use crate::span::Span;
use crate::syntax::ast::{FieldAttr, ObjectDecl, TypeExpr, TypeKind};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// The schema plus the names whose declarations were already reported as
/// broken, so that uses of them are not reported a second time.
#[derive(Debug, Default)]
pub struct SchemaInfo {
    pub schema: Schema,
    poisoned_objects: BTreeSet<String>,
    /// `(object, field or relation name)`
    poisoned_members: BTreeSet<(String, String)>,
    /// The values of every picklist and multipicklist field, as a set: a
    /// unit may compare 100,000 literals against a 100,000-value list.
    choices: HashMap<FieldId, HashSet<String>>,
}

impl SchemaInfo {
    /// The allowed values of a (multi)picklist field, as a set.
    pub fn choices(&self, field: FieldId) -> Option<&HashSet<String>> {
        self.choices.get(&field)
    }
    /// True when `object` failed to be declared (already reported).
    pub fn object_poisoned(&self, object: &str) -> bool {
        self.poisoned_objects.contains(object)
    }
    /// True when `object.member` failed to be declared (already reported).
    pub fn member_poisoned(&self, object: &str, member: &str) -> bool {
        self.poisoned_members
            .contains(&(object.to_string(), member.to_string()))
    }
}

const TYPE_NAMES: [&str; 15] = [
    "id",
    "string",
    "email",
    "phone",
    "url",
    "bool",
    "int",
    "number",
    "currency",
    "percent",
    "date",
    "datetime",
    "picklist",
    "multipicklist",
    "ref",
];

struct FieldAcc {
    ty: FieldType,
    field: Field,
}

/// Whether two declarations agree on the type (picklist values as sets).
fn same_type(a: &FieldType, b: &FieldType) -> bool {
    fn set(v: &[String]) -> BTreeSet<&str> {
        v.iter().map(String::as_str).collect()
    }
    match (a, b) {
        (FieldType::Picklist(x), FieldType::Picklist(y))
        | (FieldType::Multipicklist(x), FieldType::Multipicklist(y))
        | (FieldType::Ref(x), FieldType::Ref(y)) => set(x) == set(y),
        _ => a == b,
    }
}

/// A type's name for messages: `percent(0..100)` says its scale.
fn type_text(ty: &FieldType, scale: Option<PercentScale>) -> String {
    match scale {
        Some(scale) => format!("{}({})", ty.name(), scale.text()),
        None => ty.name().to_string(),
    }
}

/// Converts a written type; `None` (with an error) for an unknown type name
/// or a reference to an undeclared object.
fn convert_type(
    ty: &TypeExpr,
    object: &str,
    field: &str,
    declared: &BTreeSet<String>,
    errors: &mut Vec<CheckError>,
) -> Option<(FieldType, Option<PercentScale>)> {
    if let TypeKind::Percent(scale) = &ty.kind {
        return match scale {
            Some(scale) => Some((FieldType::Percent, Some(*scale))),
            None => {
                // Guessing the scale could make `Probability < 10%` allow
                // what the CRM does not mean: the field is refused.
                errors.push(CheckError::PercentWithoutScale {
                    object: object.to_string(),
                    field: field.to_string(),
                    span: ty.span,
                });
                None
            }
        };
    }
    let mut unresolved = false;
    let converted = match &ty.kind {
        TypeKind::Id => FieldType::Id,
        TypeKind::String => FieldType::String,
        TypeKind::Email => FieldType::Email,
        TypeKind::Phone => FieldType::Phone,
        TypeKind::Url => FieldType::Url,
        TypeKind::Bool => FieldType::Bool,
        TypeKind::Int => FieldType::Int,
        TypeKind::Number => FieldType::Number,
        TypeKind::Currency => FieldType::Currency,
        TypeKind::Percent(_) => FieldType::Percent,
        TypeKind::Date => FieldType::Date,
        TypeKind::Datetime => FieldType::Datetime,
        TypeKind::Picklist(v) => FieldType::Picklist(v.iter().map(|s| s.value.clone()).collect()),
        TypeKind::Multipicklist(v) => {
            FieldType::Multipicklist(v.iter().map(|s| s.value.clone()).collect())
        }
        TypeKind::Ref(targets) => {
            // A ref may name an object the schema does not model (an export
            // of one object refers to many others): its values are just ids.
            // A near miss of a declared object is a typo that would cut the
            // parent link (`Account.Type` would stop resolving): an error.
            for t in targets {
                if declared.contains(&t.name) {
                    continue;
                }
                if let Some(suggestion) = suggest(&t.name, declared.iter().map(String::as_str)) {
                    unresolved = true;
                    errors.push(CheckError::UnknownRefTarget {
                        object: object.to_string(),
                        field: field.to_string(),
                        target: t.name.clone(),
                        span: t.span,
                        suggestion,
                    });
                }
            }
            FieldType::Ref(targets.iter().map(|t| t.name.clone()).collect())
        }
        TypeKind::Unknown(name) => {
            errors.push(CheckError::UnknownType {
                name: name.name.clone(),
                span: name.span,
                suggestion: suggest(&name.name, TYPE_NAMES),
            });
            return None;
        }
    };
    (!unresolved).then_some((converted, None))
}

/// The relation a single-target ref field makes: `AccountId` -> `Account`
/// (any `XId`, so `OwnerId: ref(User)` makes `Owner`), or the field's own
/// name when it is the target's name (`Account: ref(Account)`).
pub fn relation_name<'f>(field: &'f str, target: &str) -> Option<&'f str> {
    match field.strip_suffix("Id") {
        Some(stem) if !stem.is_empty() && !stem.ends_with('_') => Some(stem),
        _ => (field == target).then_some(field),
    }
}

pub fn build(decls: &[&ObjectDecl], errors: &mut Vec<CheckError>) -> SchemaInfo {
    let mut info = SchemaInfo::default();
    let mut decls: Vec<&ObjectDecl> = decls.to_vec();
    decls.sort_by_key(|d| d.span);
    let declared: BTreeSet<String> = decls
        .iter()
        .filter(|d| !d.extend)
        .map(|d| d.name.name.clone())
        .collect();

    // object name -> (first declaration's name span, fields by name)
    let mut objects: BTreeMap<String, (Option<Span>, BTreeMap<String, FieldAcc>)> = BTreeMap::new();
    for decl in &decls {
        let name = &decl.name.name;
        if decl.extend && !declared.contains(name) {
            errors.push(CheckError::ExtendUnknownObject {
                name: name.clone(),
                span: decl.name.span,
                suggestion: suggest(name, declared.iter().map(String::as_str)),
                std_module: super::std_names::object_module(name),
            });
            info.poisoned_objects.insert(name.clone());
            continue;
        }
        let entry = objects
            .entry(name.clone())
            .or_insert((None, BTreeMap::new()));
        if !decl.extend && entry.0.is_none() {
            entry.0 = Some(decl.name.span);
        }
        for fd in &decl.fields {
            let fname = &fd.name.name;
            let Some((ty, percent_scale)) = convert_type(&fd.ty, name, fname, &declared, errors)
            else {
                info.poisoned_members.insert((name.clone(), fname.clone()));
                continue;
            };
            let has = |a: FieldAttr| fd.attrs.iter().any(|s| s.node == a);
            match entry.1.get_mut(fname) {
                Some(acc) => {
                    if same_type(&acc.ty, &ty) && acc.field.percent_scale == percent_scale {
                        acc.field.readonly |= has(FieldAttr::Readonly);
                        acc.field.protected |= has(FieldAttr::Protected);
                        acc.field.sensitive |= has(FieldAttr::Sensitive);
                    } else {
                        errors.push(CheckError::FieldTypeConflict {
                            object: name.clone(),
                            field: fname.clone(),
                            first_ty: type_text(&acc.ty, acc.field.percent_scale),
                            second_ty: type_text(&ty, percent_scale),
                            first: acc.field.span,
                            second: fd.ty.span,
                        });
                    }
                }
                None => {
                    entry.1.insert(
                        fname.clone(),
                        FieldAcc {
                            ty: ty.clone(),
                            field: Field {
                                name: fname.clone(),
                                ty,
                                percent_scale,
                                readonly: has(FieldAttr::Readonly),
                                protected: has(FieldAttr::Protected),
                                sensitive: has(FieldAttr::Sensitive),
                                span: fd.span,
                            },
                        },
                    );
                }
            }
        }
    }

    for (name, (span, fields)) in &objects {
        info.schema.objects.push(Object {
            name: name.clone(),
            fields: fields.values().map(|a| a.field.clone()).collect(),
            relations: Vec::new(),
            span: span.unwrap_or_default(),
        });
    }

    // Relations, once every object has its id.
    let ids: BTreeMap<String, ObjectId> = info
        .schema
        .objects
        .iter()
        .enumerate()
        .map(|(i, o)| {
            (
                o.name.clone(),
                ObjectId(u32::try_from(i).unwrap_or(u32::MAX)),
            )
        })
        .collect();
    for (oi, object) in info.schema.objects.iter_mut().enumerate() {
        let oid = ObjectId(u32::try_from(oi).unwrap_or(u32::MAX));
        let mut made: BTreeMap<String, (Relation, Span)> = BTreeMap::new();
        for (fi, field) in object.fields.iter().enumerate() {
            let FieldType::Ref(targets) = &field.ty else {
                continue;
            };
            let [target_name] = targets.as_slice() else {
                continue;
            };
            let Some(&target) = ids.get(target_name) else {
                continue;
            };
            let Some(rel) = relation_name(&field.name, target_name) else {
                continue;
            };
            let rel = rel.to_string();
            if let Some((_, first)) = made.get(&rel) {
                errors.push(CheckError::DuplicateRelation {
                    object: object.name.clone(),
                    relation: rel.clone(),
                    first: *first,
                    second: field.span,
                });
                info.poisoned_members.insert((object.name.clone(), rel));
                continue;
            }
            let via = FieldId {
                object: oid,
                index: u32::try_from(fi).unwrap_or(u32::MAX),
            };
            made.insert(
                rel.clone(),
                (
                    Relation {
                        name: rel,
                        via,
                        target,
                    },
                    field.span,
                ),
            );
        }
        object.relations = made.into_values().map(|(r, _)| r).collect();
    }
    // A ref field that failed to resolve would have made a relation: uses of
    // it were reported with the field.
    let extra: Vec<(String, String)> = info
        .poisoned_members
        .iter()
        .map(|(o, m)| (o.clone(), relation_name(m, m).unwrap_or(m).to_string()))
        .collect();
    info.poisoned_members.extend(extra);
    for (oi, object) in info.schema.objects.iter().enumerate() {
        for (fi, field) in object.fields.iter().enumerate() {
            if let FieldType::Picklist(values) | FieldType::Multipicklist(values) = &field.ty {
                let id = FieldId {
                    object: ObjectId(u32::try_from(oi).unwrap_or(u32::MAX)),
                    index: u32::try_from(fi).unwrap_or(u32::MAX),
                };
                info.choices.insert(id, values.iter().cloned().collect());
            }
        }
    }
    info
}
