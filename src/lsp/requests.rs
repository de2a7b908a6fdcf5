//! The requests a client makes about documents, each answered from the
//! last check of the document's unit: hover, definition, completion,
//! formatting, symbols, code actions, and `crmc/stdSource`.

use super::completion;
use super::documents::Overlay;
use super::names::Names;
use super::server::Server;
use super::unit::Unit;
use super::{actions, convert, definition, diagnostics, hover, symbols};
use crate::span::FileId;
use lsp_server::{ErrorCode, Request, Response};
use lsp_types as lsp;
use lsp_types::request::Request as _;
use serde::de::DeserializeOwned;
use std::collections::HashMap;

/// What the server can do.
pub fn initialize_result() -> lsp::InitializeResult {
    lsp::InitializeResult {
        capabilities: lsp::ServerCapabilities {
            position_encoding: Some(lsp::PositionEncodingKind::UTF16),
            text_document_sync: Some(lsp::TextDocumentSyncCapability::Options(
                lsp::TextDocumentSyncOptions {
                    open_close: Some(true),
                    change: Some(lsp::TextDocumentSyncKind::FULL),
                    save: Some(lsp::TextDocumentSyncSaveOptions::Supported(true)),
                    ..lsp::TextDocumentSyncOptions::default()
                },
            )),
            hover_provider: Some(lsp::HoverProviderCapability::Simple(true)),
            definition_provider: Some(lsp::OneOf::Left(true)),
            completion_provider: Some(lsp::CompletionOptions {
                trigger_characters: Some(vec!["\"".into(), "(".into(), ".".into(), " ".into()]),
                ..lsp::CompletionOptions::default()
            }),
            document_formatting_provider: Some(lsp::OneOf::Left(true)),
            document_symbol_provider: Some(lsp::OneOf::Left(true)),
            code_action_provider: Some(lsp::CodeActionProviderCapability::Options(
                lsp::CodeActionOptions {
                    code_action_kinds: Some(vec![lsp::CodeActionKind::QUICKFIX]),
                    ..lsp::CodeActionOptions::default()
                },
            )),
            ..lsp::ServerCapabilities::default()
        },
        server_info: Some(lsp::ServerInfo {
            name: "crmc".into(),
            version: Some(env!("CARGO_PKG_VERSION").into()),
        }),
    }
}

/// `crmc/stdSource`: the text of a standard module, `{"module": "salesforce"}`.
#[derive(serde::Deserialize)]
struct StdSourceParams {
    module: String,
}

fn params<P: DeserializeOwned>(req: &Request) -> Result<P, Response> {
    serde_json::from_value(req.params.clone()).map_err(|e| {
        Response::new_err(
            req.id.clone(),
            ErrorCode::InvalidParams as i32,
            e.to_string(),
        )
    })
}

fn ok(req: &Request, result: impl serde::Serialize) -> Response {
    Response::new_ok(req.id.clone(), result)
}

/// Answers one request (the server has checked dirty units already).
pub fn handle(server: &mut Server, req: Request) -> Response {
    match answer(server, &req) {
        Ok(r) | Err(r) => r,
    }
}

fn answer(server: &mut Server, req: &Request) -> Result<Response, Response> {
    use lsp::request as R;
    Ok(match req.method.as_str() {
        R::HoverRequest::METHOD => {
            let p: lsp::HoverParams = params(req)?;
            let at = locate(server, &p.text_document_position_params)?;
            let result = at.and_then(|(unit, file, offset)| {
                let (text, span) = hover::hover(&unit, file, offset)?;
                Some(lsp::Hover {
                    contents: lsp::HoverContents::Markup(lsp::MarkupContent {
                        kind: lsp::MarkupKind::Markdown,
                        value: text,
                    }),
                    range: span.and_then(|s| unit.range(s)),
                })
            });
            ok(req, result)
        }
        R::GotoDefinition::METHOD => {
            let p: lsp::GotoDefinitionParams = params(req)?;
            let at = locate(server, &p.text_document_position_params)?;
            let overlay = Overlay { docs: &server.docs };
            let result = at.and_then(|(unit, file, offset)| {
                definition::definition(&unit, file, offset, &overlay)
            });
            ok(req, result.map(lsp::GotoDefinitionResponse::Scalar))
        }
        R::Completion::METHOD => {
            let p: lsp::CompletionParams = params(req)?;
            ok(req, complete(server, &p.text_document_position))
        }
        R::Formatting::METHOD => {
            let p: lsp::DocumentFormattingParams = params(req)?;
            format(server, req, &p.text_document.uri)?
        }
        R::DocumentSymbolRequest::METHOD => {
            let p: lsp::DocumentSymbolParams = params(req)?;
            let result = unit_file(server, &p.text_document.uri).and_then(|(unit, file)| {
                let tree = unit.tree(file)?;
                let range = |s| unit.range(s);
                Some(lsp::DocumentSymbolResponse::Nested(symbols::symbols(
                    tree, &range,
                )))
            });
            ok(req, result)
        }
        R::CodeActionRequest::METHOD => {
            let p: lsp::CodeActionParams = params(req)?;
            ok(req, code_actions(server, &p))
        }
        "crmc/settle" => {
            server.settle().map_err(|e| {
                Response::new_err(
                    req.id.clone(),
                    ErrorCode::InternalError as i32,
                    e.to_string(),
                )
            })?;
            ok(
                req,
                serde_json::json!({ "units_kept": server.units_kept() }),
            )
        }
        "crmc/stdSource" => {
            let p: StdSourceParams = params(req)?;
            let name = p.module.strip_prefix("std/").unwrap_or(&p.module);
            match crate::load::stdlib::module(name) {
                Some(text) => ok(req, text),
                None => Response::new_err(
                    req.id.clone(),
                    ErrorCode::InvalidParams as i32,
                    format!("there is no standard module `{}`", p.module),
                ),
            }
        }
        _ => Response::new_err(
            req.id.clone(),
            ErrorCode::MethodNotFound as i32,
            format!("crmc lsp does not handle `{}`", req.method),
        ),
    })
}

type Located = Option<(std::rc::Rc<Unit>, FileId, u32)>;

/// The unit, file and byte offset of a position (`None`: no unit knows
/// the file, e.g. it was never opened).
fn locate(server: &Server, at: &lsp::TextDocumentPositionParams) -> Result<Located, Response> {
    let Some((unit, file)) = unit_file(server, &at.text_document.uri) else {
        return Ok(None);
    };
    let Some(src) = unit.source(file) else {
        return Ok(None);
    };
    let offset = convert::offset(&src.text, src.line_starts(), at.position);
    Ok(Some((
        unit.clone(),
        file,
        u32::try_from(offset).unwrap_or(u32::MAX),
    )))
}

fn unit_file(server: &Server, uri: &lsp::Uri) -> Option<(std::rc::Rc<Unit>, FileId)> {
    let key = server.key_of_uri(uri)?;
    let unit = server.units.get(&key)?;
    let file = unit.file_of_key(&key)?;
    Some((unit.clone(), file))
}

fn complete(
    server: &Server,
    at: &lsp::TextDocumentPositionParams,
) -> Option<lsp::CompletionResponse> {
    let key = server.key_of_uri(&at.text_document.uri)?;
    let unit = server.units.get(&key);
    // The editor's text: completion works on what is typed, parsed or not.
    let text = match server.docs.get(&key) {
        Some(d) => d.text.clone(),
        None => unit.and_then(|u| u.source(u.file_of_key(&key)?).map(|s| s.text.clone()))?,
    };
    let starts = convert::line_starts(&text);
    let offset = convert::offset(&text, &starts, at.position);
    let names = unit.map(|u| Names::of(u)).unwrap_or_default();
    let items: Vec<lsp::CompletionItem> = completion::complete(&text, offset, &names)
        .into_iter()
        .map(|p| {
            let from = p.replace_from;
            let label = p.label.clone();
            let mut item = p.into_item();
            if let Some(from) = from {
                let range = convert::range(
                    &text,
                    &starts,
                    u32::try_from(from).unwrap_or(0),
                    u32::try_from(offset).unwrap_or(0),
                );
                item.filter_text = Some(label.clone());
                item.text_edit = Some(lsp::CompletionTextEdit::Edit(lsp::TextEdit {
                    range,
                    new_text: label,
                }));
            }
            item
        })
        .collect();
    Some(lsp::CompletionResponse::Array(items))
}

fn format(server: &Server, req: &Request, uri: &lsp::Uri) -> Result<Response, Response> {
    let text = server
        .key_of_uri(uri)
        .and_then(|k| server.docs.get(&k).map(|d| d.text.clone()));
    let Some(text) = text else {
        return Err(Response::new_err(
            req.id.clone(),
            ErrorCode::InvalidParams as i32,
            "the document is not open".into(),
        ));
    };
    match crate::fmt::format_source(&text) {
        Ok(formatted) if formatted == text => Ok(ok(req, Vec::<lsp::TextEdit>::new())),
        Ok(formatted) => {
            let starts = convert::line_starts(&text);
            let end = u32::try_from(text.len()).unwrap_or(u32::MAX);
            Ok(ok(
                req,
                vec![lsp::TextEdit {
                    range: convert::range(&text, &starts, 0, end),
                    new_text: formatted,
                }],
            ))
        }
        Err(errors) => {
            let first = errors
                .iter()
                .find(|d| d.is_error())
                .map(|d| format!(": {} {}", d.code, d.message))
                .unwrap_or_default();
            // Refused, not a partial format: the file stays as it is.
            Err(Response::new_err(
                req.id.clone(),
                lsp_server::ErrorCode::RequestFailed as i32,
                format!("crmc fmt: the file does not parse{first}"),
            ))
        }
    }
}

// `WorkspaceEdit::changes` is keyed by `Uri`, whose cache cell clippy
// counts as interior mutability; the key is never changed.
#[allow(clippy::mutable_key_type)]
fn code_actions(
    server: &Server,
    p: &lsp::CodeActionParams,
) -> Option<Vec<lsp::CodeActionOrCommand>> {
    let (unit, file) = unit_file(server, &p.text_document.uri)?;
    let mut out = Vec::new();
    for d in &unit.front.diagnostics {
        if d.suppressed.is_some() || d.primary.span.file != file {
            continue;
        }
        let Some(range) = unit.range(d.primary.span) else {
            continue;
        };
        if range.end < p.range.start || p.range.end < range.start {
            continue;
        }
        let span_text = unit.front.parsed.sources.snippet(d.primary.span);
        let Some(new_text) = actions::fix(d, span_text) else {
            continue;
        };
        let mut changes = HashMap::new();
        changes.insert(
            p.text_document.uri.clone(),
            vec![lsp::TextEdit {
                range,
                new_text: new_text.clone(),
            }],
        );
        out.push(lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
            title: format!("replace with `{new_text}`"),
            kind: Some(lsp::CodeActionKind::QUICKFIX),
            diagnostics: diagnostics::convert(&unit, d).map(|d| vec![d]),
            edit: Some(lsp::WorkspaceEdit {
                changes: Some(changes),
                ..lsp::WorkspaceEdit::default()
            }),
            is_preferred: Some(true),
            ..lsp::CodeAction::default()
        }));
    }
    Some(out)
}
