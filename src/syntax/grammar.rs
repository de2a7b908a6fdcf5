//! The pest parser generated from `grammar/crmc.pest`. Nothing from here
//! leaves the `syntax` module: pairs are lowered to [`super::ast`] with our
//! own [`crate::span::Span`].

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/crmc.pest"]
pub(super) struct CrmcParser;
