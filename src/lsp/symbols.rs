//! Document symbols: the contracts, guardrails, tests, exclusions, schemas and objects
//! (with their fields) of one file, as an outline.

use crate::span::Span;
use crate::syntax::ast;
use lsp_types::{DocumentSymbol, Range, SymbolKind};

/// The outline of a file; `range` turns a span into an LSP range.
pub fn symbols(tree: &ast::File, range: &dyn Fn(Span) -> Option<Range>) -> Vec<DocumentSymbol> {
    let mut out = Vec::new();
    for item in &tree.items {
        let sym = match item {
            ast::Item::Contract(c) => symbol(
                &c.name.name,
                None,
                SymbolKind::FUNCTION,
                c.span,
                c.name.span,
                range,
                Vec::new(),
            ),
            ast::Item::Test(t) => symbol(
                &t.name.value,
                None,
                SymbolKind::EVENT,
                t.span,
                t.name.span,
                range,
                Vec::new(),
            ),
            ast::Item::Exclusion(e) => symbol(
                &e.name.name,
                Some(format!("on {}", e.object.name)),
                SymbolKind::CONSTANT,
                e.span,
                e.name.span,
                range,
                Vec::new(),
            ),
            ast::Item::Guardrail(g) => symbol(
                &g.name.name,
                Some("guardrail".to_string()),
                SymbolKind::INTERFACE,
                g.span,
                g.name.span,
                range,
                Vec::new(),
            ),
            ast::Item::Object(o) => object(o, range),
            ast::Item::Schema(s) => {
                let children = s.objects.iter().filter_map(|o| object(o, range)).collect();
                symbol(
                    &s.name.name,
                    None,
                    SymbolKind::NAMESPACE,
                    s.span,
                    s.name.span,
                    range,
                    children,
                )
            }
            ast::Item::Import(_) => None,
        };
        out.extend(sym);
    }
    out
}

fn object(o: &ast::ObjectDecl, range: &dyn Fn(Span) -> Option<Range>) -> Option<DocumentSymbol> {
    let fields = o
        .fields
        .iter()
        .filter_map(|f| {
            symbol(
                &f.name.name,
                Some(super::names::type_name(&f.ty)),
                SymbolKind::FIELD,
                f.span,
                f.name.span,
                range,
                Vec::new(),
            )
        })
        .collect();
    let detail = o.extend.then(|| "extend".to_string());
    symbol(
        &o.name.name,
        detail,
        SymbolKind::CLASS,
        o.span,
        o.name.span,
        range,
        fields,
    )
}

#[allow(deprecated)] // `deprecated` is a field the type still requires
fn symbol(
    name: &str,
    detail: Option<String>,
    kind: SymbolKind,
    span: Span,
    name_span: Span,
    range: &dyn Fn(Span) -> Option<Range>,
    children: Vec<DocumentSymbol>,
) -> Option<DocumentSymbol> {
    // An empty name (a recovered, unnamed item) is refused by clients.
    let name = if name.is_empty() { "?" } else { name };
    Some(DocumentSymbol {
        name: name.to_string(),
        detail,
        kind,
        tags: None,
        deprecated: None,
        range: range(span)?,
        selection_range: range(name_span)?,
        children: if children.is_empty() {
            None
        } else {
            Some(children)
        },
    })
}
