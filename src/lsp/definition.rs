//! Go to definition: a field to its declaration (in the unit's schema or
//! a `std/…` module), a relation or object to the object's declaration, an
//! exclusion to its `exclusion` line, an import to the imported file.

use super::at::{self, Target};
use super::names::{Names, PathEnd};
use super::unit::Unit;
use crate::source::{normalize, SourceProvider};
use crate::span::{FileId, Span};
use lsp_types::Location;
use std::path::{Path, PathBuf};

/// Where the thing at `offset` of `file` is defined.
pub fn definition(
    unit: &Unit,
    file: FileId,
    offset: u32,
    provider: &dyn SourceProvider,
) -> Option<Location> {
    let tree = unit.tree(file)?;
    let target = at::find(tree, offset)?;
    let names = Names::of(unit);
    let span = match target {
        Target::Path {
            object,
            segments,
            index,
        } => match names.resolve_path(object?, segments, index)? {
            PathEnd::Parent(parent) => names.objects.get(parent)?.span()?,
            PathEnd::Field { decl, .. } => decl.name.span,
        },
        Target::Field { object, ident } => names.field(object?, &ident.name)?.name.span,
        Target::FieldDecl { decl, .. } => decl.name.span,
        Target::Object(ident) => names.objects.get(ident.name.as_str())?.span()?,
        Target::Exclusion(ident) => names.exclusions.get(ident.name.as_str())?.name.span,
        Target::Import(import) => {
            let written = &import.path.value;
            let key = match written.strip_prefix("std/") {
                Some(module) => PathBuf::from(format!("<std>/{module}")),
                None => {
                    let here = unit.source(file)?.key.clone();
                    let dir = here.parent().map(Path::to_path_buf).unwrap_or_default();
                    provider.canonicalize(&normalize(&dir.join(written)))
                }
            };
            let target = unit.file_of_key(&key)?;
            Span::new(target, 0, 0)
        }
        Target::Outcome(..) | Target::Contract(_) => return None,
    };
    unit.location(span)
}
