//! The names a unit declares, gathered from its syntax trees (not the
//! checked unit, which exists only without errors: an editor needs names
//! most while the file is wrong): objects and their fields, wherever they
//! are declared or extended, and exclusions.

use super::unit::Unit;
use crate::span::Span;
use crate::syntax::ast;
use std::collections::BTreeMap;

/// One object: where it is declared and its fields.
#[derive(Default)]
pub struct Object<'a> {
    /// `object X { ... }` declarations first, then `extend object X`.
    pub decls: Vec<&'a ast::ObjectDecl>,
    pub fields: BTreeMap<&'a str, &'a ast::FieldDecl>,
}

impl<'a> Object<'a> {
    /// Where the object is declared (its name in the first declaration).
    pub fn span(&self) -> Option<Span> {
        self.decls.first().map(|d| d.name.span)
    }
}

/// Everything named in a unit.
#[derive(Default)]
pub struct Names<'a> {
    pub objects: BTreeMap<&'a str, Object<'a>>,
    pub exclusions: BTreeMap<&'a str, &'a ast::ExclusionDecl>,
}

impl<'a> Names<'a> {
    pub fn of(unit: &'a Unit) -> Names<'a> {
        let mut names = Names::default();
        let mut extends = Vec::new();
        for (_, tree) in unit.trees() {
            for item in &tree.items {
                match item {
                    ast::Item::Object(o) if o.extend => extends.push(o),
                    ast::Item::Object(o) => names.add_object(o),
                    ast::Item::Schema(s) => {
                        for o in &s.objects {
                            if o.extend {
                                extends.push(o);
                            } else {
                                names.add_object(o);
                            }
                        }
                    }
                    ast::Item::Exclusion(e) => {
                        names.exclusions.entry(&e.name.name).or_insert(e);
                    }
                    _ => {}
                }
            }
        }
        for o in extends {
            names.add_object(o);
        }
        names
    }

    fn add_object(&mut self, o: &'a ast::ObjectDecl) {
        let entry = self.objects.entry(&o.name.name).or_default();
        entry.decls.push(o);
        for f in &o.fields {
            entry.fields.entry(&f.name.name).or_insert(f);
        }
    }

    pub fn field(&self, object: &str, field: &str) -> Option<&'a ast::FieldDecl> {
        self.objects.get(object)?.fields.get(field).copied()
    }

    /// The object a relation name leads to from `object`: `Account` through
    /// `AccountId: ref(Account)` (the checker's own rule for relations).
    pub fn relation(&self, object: &str, relation: &str) -> Option<&'a str> {
        self.objects.get(object)?.fields.values().find_map(|f| {
            let ast::TypeKind::Ref(targets) = &f.ty.kind else {
                return None;
            };
            let [one] = targets.as_slice() else {
                return None;
            };
            (crate::check::relation_name(&f.name.name, &one.name) == Some(relation))
                .then_some(one.name.as_str())
        })
    }

    /// The object a dotted path's last segment belongs to, from `object`.
    fn owner_of<'p>(&self, object: &'p str, relations: &[ast::Ident]) -> Option<&'p str>
    where
        'a: 'p,
    {
        let mut at: &'p str = object;
        for r in relations {
            at = self.relation(at, &r.name)?;
        }
        Some(at)
    }

    /// Segment `index` of `segments`, a path read from `object` (hover and
    /// definition resolve paths alike).
    pub fn resolve_path<'p>(
        &self,
        object: &'p str,
        segments: &[ast::Ident],
        index: usize,
    ) -> Option<PathEnd<'a, 'p>>
    where
        'a: 'p,
    {
        let ident = segments.get(index)?;
        let owner = self.owner_of(object, segments.get(..index)?)?;
        if index + 1 < segments.len() {
            Some(PathEnd::Parent(self.relation(owner, &ident.name)?))
        } else {
            Some(PathEnd::Field {
                owner,
                decl: self.field(owner, &ident.name)?,
            })
        }
    }
}

/// What a segment of a dotted path (`Account.Owner.Name`) names.
pub enum PathEnd<'a, 'p> {
    /// A relation segment: the parent object it leads to.
    Parent(&'p str),
    /// The last segment: a field of `owner`.
    Field {
        owner: &'p str,
        decl: &'a ast::FieldDecl,
    },
}

/// The object a contract is about (its `object` clause).
pub fn contract_object(c: &ast::Contract) -> Option<&ast::Ident> {
    c.clauses.iter().find_map(|cl| match &cl.kind {
        ast::ClauseKind::Object(o) => Some(o),
        _ => None,
    })
}

/// The type as written, without a picklist's values (hover lists them).
pub fn type_name(ty: &ast::TypeExpr) -> String {
    use ast::TypeKind as T;
    match &ty.kind {
        T::Id => "id".into(),
        T::String => "string".into(),
        T::Email => "email".into(),
        T::Phone => "phone".into(),
        T::Url => "url".into(),
        T::Bool => "bool".into(),
        T::Int => "int".into(),
        T::Number => "number".into(),
        T::Currency => "currency".into(),
        T::Percent(None) => "percent".into(),
        T::Percent(Some(s)) => format!("percent({})", s.text()),
        T::Date => "date".into(),
        T::Datetime => "datetime".into(),
        T::Picklist(_) => "picklist".into(),
        T::Multipicklist(_) => "multipicklist".into(),
        T::Ref(targets) => format!(
            "ref({})",
            targets
                .iter()
                .map(|t| t.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        T::Unknown(i) => i.name.clone(),
    }
}

/// A picklist's (or multipicklist's) allowed values.
pub fn picklist_values(ty: &ast::TypeExpr) -> &[ast::StrLit] {
    match &ty.kind {
        ast::TypeKind::Picklist(v) | ast::TypeKind::Multipicklist(v) => v,
        _ => &[],
    }
}

/// `protected`, `readonly`, `sensitive` as written.
pub fn attr_name(a: ast::FieldAttr) -> &'static str {
    match a {
        ast::FieldAttr::Readonly => "readonly",
        ast::FieldAttr::Protected => "protected",
        ast::FieldAttr::Sensitive => "sensitive",
    }
}
