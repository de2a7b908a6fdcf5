//! Which standard module declares a name, so that a unit using
//! `sf_lead_opted_out` or `Lead` without the import is told which
//! `import "std/..."` it is missing instead of only "not declared".

use crate::load::stdlib::MODULES;
use crate::span::FileId;
use crate::syntax::ast::Item;
use std::collections::BTreeMap;
use std::sync::OnceLock;

#[derive(Default)]
struct Index {
    /// exclusion name -> module
    exclusions: BTreeMap<String, &'static str>,
    /// object name -> module (the first module that declares it)
    objects: BTreeMap<String, &'static str>,
}

fn index() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut index = Index::default();
        for (module, text) in MODULES {
            let (file, _) = crate::syntax::parse(FileId(0), text);
            for item in &file.items {
                match item {
                    Item::Exclusion(e) => {
                        index
                            .exclusions
                            .entry(e.name.name.clone())
                            .or_insert(module);
                    }
                    Item::Schema(s) => {
                        for o in s.objects.iter().filter(|o| !o.extend) {
                            index.objects.entry(o.name.name.clone()).or_insert(module);
                        }
                    }
                    Item::Object(o) if !o.extend => {
                        index.objects.entry(o.name.name.clone()).or_insert(module);
                    }
                    _ => {}
                }
            }
        }
        index
    })
}

/// The standard module (`suppression`) that declares exclusion `name`.
pub fn exclusion_module(name: &str) -> Option<&'static str> {
    index().exclusions.get(name).copied()
}

/// The standard module (`salesforce`) that declares object `name`.
pub fn object_module(name: &str) -> Option<&'static str> {
    index().objects.get(name).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_std_names() {
        assert_eq!(exclusion_module("sf_lead_opted_out"), Some("suppression"));
        assert_eq!(object_module("Lead"), Some("salesforce"));
        assert_eq!(object_module("deals"), Some("hubspot"));
        assert_eq!(exclusion_module("acme_lead_competitor"), None);
    }
}
