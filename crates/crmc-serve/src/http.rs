//! Requests → responses: routing, limits, auth, and the decide endpoints
//! (bodies are split into items by `body`, items decided by `item`).

use crate::body::{not_utf8, split_batch, Piece, Shape};
use crate::clock;
use crate::declog::Entry;
use crate::item::{decide_item, Ctx, Verdict};
use crate::metrics::ErrorKind;
use crate::State;
use bytes::Bytes;
use crmc_eval::{error_line, Evaluator};
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::header::{HeaderValue, ALLOW, AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE};
use hyper::{Method, Request, Response, StatusCode};
use serde_json::{json, Value};
use std::convert::Infallible;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Instant;

pub type Resp = Response<Full<Bytes>>;

const JSON: &str = "application/json";
const NDJSON: &str = "application/x-ndjson";

/// Every route with the one method it answers.
const ROUTES: [(&str, Method); 7] = [
    ("/v1/decide", Method::POST),
    ("/v1/decide/batch", Method::POST),
    ("/v1/table", Method::GET),
    ("/v1/log", Method::GET),
    ("/healthz", Method::GET),
    ("/readyz", Method::GET),
    ("/metrics", Method::GET),
];

pub async fn handle(state: Arc<State>, req: Request<Incoming>) -> Result<Resp, Infallible> {
    let path = req.uri().path().to_string();
    let Some((_, allowed)) = ROUTES.iter().find(|(p, _)| *p == path) else {
        state.metrics.error(ErrorKind::NotFound);
        return Ok(message(
            StatusCode::NOT_FOUND,
            &format!("no such endpoint `{path}`"),
        ));
    };
    if req.method() != allowed {
        state.metrics.error(ErrorKind::MethodNotAllowed);
        let mut r = message(
            StatusCode::METHOD_NOT_ALLOWED,
            &format!("`{path}` takes {allowed}"),
        );
        r.headers_mut()
            .insert(ALLOW, HeaderValue::from_static(allowed.as_str()));
        return Ok(r);
    }
    Ok(match path.as_str() {
        "/v1/decide" => decide(&state, req, false).await,
        "/v1/decide/batch" => decide(&state, req, true).await,
        "/v1/table" => table_info(&state),
        "/v1/log" => read_log(&state, &req).await,
        "/healthz" => respond(StatusCode::OK, "text/plain", "ok\n".into()),
        "/readyz" => ready(&state),
        _ => {
            let loaded = state.tables.current();
            let failed = state.tables.last_failure().is_some();
            let text = state.metrics.render(failed, &loaded.checksum);
            respond(StatusCode::OK, "text/plain; version=0.0.4", text.into())
        }
    })
}

fn respond(status: StatusCode, content_type: &'static str, body: Bytes) -> Resp {
    let mut r = Response::new(Full::new(body));
    *r.status_mut() = status;
    r.headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    r
}

/// `{"error":{"message":..}}` for a request-level problem (no item).
fn message(status: StatusCode, text: &str) -> Resp {
    let body = json!({"error": {"message": text}}).to_string() + "\n";
    respond(status, JSON, body.into())
}

fn ready(state: &State) -> Resp {
    if state.draining.load(Ordering::Relaxed) {
        return message(StatusCode::SERVICE_UNAVAILABLE, "shutting down");
    }
    // A table is loaded from start (the server does not start without
    // one) and a failed reload keeps the old one: ready while serving.
    respond(StatusCode::OK, "text/plain", "ready\n".into())
}

fn table_info(state: &State) -> Resp {
    let loaded = state.tables.current();
    let t = &loaded.table;
    let contracts: Vec<Value> = t
        .contracts
        .iter()
        .map(|c| {
            json!({
                "name": t.str(c.name),
                "version": c.version,
                "object": t.object(c.object).map(|o| t.str(o.name)),
                "actor": format!("{}:{}", c.actor_kind.as_str(), c.actor_name.map(|n| t.str(n)).unwrap_or("*")),
            })
        })
        .collect();
    let failure = state
        .tables
        .last_failure()
        .map(|f| json!({"at": f.at, "message": f.message}));
    let log = state.log.as_ref().zip(state.log_path.as_ref()).map(
        |(log, path)| json!({"path": path.display().to_string(), "fsync": log.fsync().as_str()}),
    );
    let body = json!({
        "path": state.tables.path().display().to_string(),
        "checksum": loaded.checksum,
        "format_version": crmc_eval::codec::FORMAT_VERSION,
        "compiler_version": t.compiler_version,
        "loaded_at": loaded.loaded_at,
        "contracts": contracts,
        "last_reload_error": failure,
        "decision_log": log,
    });
    respond(StatusCode::OK, JSON, (body.to_string() + "\n").into())
}

/// With `--auth`, the identity of the request's token, or the 401.
#[allow(clippy::result_large_err)]
fn authenticate<'s>(
    state: &'s State,
    req: &Request<Incoming>,
) -> Result<Option<&'s crate::auth::Identity>, Resp> {
    let Some(auth) = &state.auth else {
        return Ok(None);
    };
    match auth.identify(req.headers().get(AUTHORIZATION).map(HeaderValue::as_bytes)) {
        Some(id) => Ok(Some(id)),
        None => {
            state.metrics.error(ErrorKind::Unauthorized);
            let mut r = message(
                StatusCode::UNAUTHORIZED,
                "a valid `Authorization: Bearer TOKEN` is required",
            );
            r.headers_mut()
                .insert("www-authenticate", HeaderValue::from_static("Bearer"));
            Err(r)
        }
    }
}

/// The body, at most `--max-body` bytes, or the 413 (or 400).
#[allow(clippy::result_large_err)]
async fn read_body(state: &State, req: Request<Incoming>) -> Result<Bytes, Resp> {
    let too_large = || {
        state.metrics.error(ErrorKind::TooLarge);
        message(
            StatusCode::PAYLOAD_TOO_LARGE,
            &format!("the body is over {} bytes (--max-body)", state.max_body),
        )
    };
    let declared = req
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > state.max_body as u64) {
        return Err(too_large());
    }
    match Limited::new(req.into_body(), state.max_body)
        .collect()
        .await
    {
        Ok(c) => Ok(c.to_bytes()),
        Err(e) if e.is::<http_body_util::LengthLimitError>() => Err(too_large()),
        Err(e) => {
            state.metrics.error(ErrorKind::Invalid);
            Err(message(
                StatusCode::BAD_REQUEST,
                &format!("cannot read the body: {e}"),
            ))
        }
    }
}

/// Counts a decide request in flight for as long as it lives.
struct InFlight<'s>(&'s State);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.metrics.in_flight.fetch_sub(1, Ordering::Relaxed);
    }
}

/// One item's verdict and where its answer is in the output buffer.
struct Answered<'b> {
    verdict: Verdict<'b>,
    span: std::ops::Range<usize>,
}

async fn decide(state: &State, req: Request<Incoming>, batch: bool) -> Resp {
    state.metrics.in_flight.fetch_add(1, Ordering::Relaxed);
    let _in_flight = InFlight(state);
    let identity = match authenticate(state, &req) {
        Ok(id) => id,
        Err(r) => return r,
    };
    let body = match read_body(state, req).await {
        Ok(b) => b,
        Err(r) => return r,
    };
    let started = Instant::now();
    let loaded = state.tables.current();
    let now = clock::now_secs();
    let now_text = clock::rfc3339(now);
    let ctx = Ctx {
        now,
        now_text: &now_text,
        max_skew_secs: state.max_skew_secs,
        identity,
    };
    let (shape, pieces) = if batch {
        match split_batch(&body) {
            Ok((_, p)) if p.len() > state.max_batch => {
                state.metrics.error(ErrorKind::TooLarge);
                return message(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    &format!(
                        "the batch has {} items, the limit is {} (--max-batch)",
                        p.len(),
                        state.max_batch
                    ),
                );
            }
            Ok(p) => p,
            Err(e) => {
                state.metrics.error(ErrorKind::Invalid);
                let line = error_line(1, &e) + "\n";
                return respond(StatusCode::BAD_REQUEST, JSON, line.into());
            }
        }
    } else {
        let piece = match std::str::from_utf8(&body) {
            Ok(t) => Piece::Text(t),
            Err(_) => Piece::Bad(not_utf8(&body)),
        };
        (Shape::Single, vec![piece])
    };
    // One evaluator for the whole request, over the one table it pinned:
    // its buffers are reused from item to item, as `crmc eval` reuses its.
    let mut ev = Evaluator::new(&loaded.table);
    let mut out: Vec<u8> = Vec::with_capacity(pieces.len() * 512 + 2);
    if shape == Shape::Array {
        out.push(b'[');
    }
    let mut answers: Vec<Answered<'_>> = Vec::with_capacity(pieces.len());
    for (i, piece) in pieces.iter().enumerate() {
        if shape == Shape::Array && i > 0 {
            out.push(b',');
        }
        let start = out.len();
        let verdict = match piece {
            Piece::Text(t) => decide_item(&ctx, &mut ev, t, i + 1, &mut out),
            Piece::Bad(m) => {
                out.extend_from_slice(error_line(i + 1, m).as_bytes());
                Verdict::Error(ErrorKind::Invalid)
            }
        };
        if let Verdict::Forbidden { actor } = &verdict {
            state.metrics.error(ErrorKind::Forbidden);
            let who = identity.map_or("", |id| id.name.as_str());
            eprintln!("crmc serve: 403: identity `{who}` may not speak for actor `{actor}`");
            let where_ = if batch {
                format!(" (item {})", i + 1)
            } else {
                String::new()
            };
            return message(
                StatusCode::FORBIDDEN,
                &format!("this token may not speak for actor `{actor}`{where_}"),
            );
        }
        answers.push(Answered {
            verdict,
            span: start..out.len(),
        });
        if shape != Shape::Array {
            out.push(b'\n');
        }
    }
    if shape == Shape::Array {
        out.extend_from_slice(b"]\n");
    }
    let answer_text = |span: &std::ops::Range<usize>| {
        out.get(span.clone())
            .and_then(|b| std::str::from_utf8(b).ok())
            .unwrap_or("")
    };
    if let Some(log) = &state.log {
        let entries: Vec<Entry<'_>> = answers
            .iter()
            .zip(&pieces)
            .map(|(a, p)| Entry {
                input: match (&a.verdict, p) {
                    (Verdict::Decided { input, .. }, _) => input,
                    (_, Piece::Text(t)) => t,
                    (_, Piece::Bad(_)) => "",
                },
                answer: answer_text(&a.span),
            })
            .collect();
        let who = identity.map(|id| id.name.as_str());
        let logged = tokio::task::block_in_place(|| log.append(&now_text, who, &loaded, &entries));
        if let Err(e) = logged {
            state.metrics.error(ErrorKind::LogWrite);
            eprintln!("crmc serve: 503: cannot write the decision log: {e}");
            return message(
                StatusCode::SERVICE_UNAVAILABLE,
                &format!("the decision log cannot be written ({e}); nothing was decided"),
            );
        }
    }
    state.metrics.latency(started.elapsed());
    let mut status = StatusCode::OK;
    for a in &answers {
        match &a.verdict {
            Verdict::Decided { outcome, .. } => state.metrics.decision(*outcome),
            Verdict::Error(kind) => {
                state.metrics.error(*kind);
                status = StatusCode::BAD_REQUEST;
            }
            Verdict::Forbidden { .. } => {}
        }
    }
    drop(answers);
    // A batch is answered item by item: a bad item is its error line.
    let content_type = match shape {
        Shape::Single => JSON,
        Shape::Lines => {
            status = StatusCode::OK;
            NDJSON
        }
        Shape::Array => {
            status = StatusCode::OK;
            JSON
        }
    };
    let mut r = respond(status, content_type, Bytes::from(out));
    let h = r.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&now_text) {
        h.insert("crmc-now", v);
    }
    if let Ok(v) = HeaderValue::from_str(&loaded.checksum) {
        h.insert("crmc-table", v);
    }
    r
}

/// `GET /v1/log?from=OFFSET`: up to 1 MiB of the decision log from byte
/// OFFSET, cut after the last complete line; `crmc-next-offset` says where
/// to continue. With `--auth` only for tokens with `may_read_log`.
async fn read_log(state: &State, req: &Request<Incoming>) -> Resp {
    if let Some(auth) = &state.auth {
        match auth.identify(req.headers().get(AUTHORIZATION).map(HeaderValue::as_bytes)) {
            None => {
                state.metrics.error(ErrorKind::Unauthorized);
                return message(StatusCode::UNAUTHORIZED, "a valid bearer token is required");
            }
            Some(id) if !id.may_read_log => {
                state.metrics.error(ErrorKind::Forbidden);
                return message(
                    StatusCode::FORBIDDEN,
                    "this token may not read the decision log",
                );
            }
            Some(_) => {}
        }
    }
    let Some(path) = &state.log_path else {
        return message(StatusCode::NOT_FOUND, "no --decision-log is being written");
    };
    let from: u64 = req
        .uri()
        .query()
        .and_then(|q| q.split('&').find_map(|kv| kv.strip_prefix("from=")))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let path = path.clone();
    let read = tokio::task::spawn_blocking(move || read_chunk(&path, from, 1 << 20)).await;
    match read {
        Ok(Ok(chunk)) => {
            let next = from + chunk.len() as u64;
            let mut r = respond(StatusCode::OK, NDJSON, chunk.into());
            r.headers_mut()
                .insert("crmc-next-offset", HeaderValue::from(next));
            r
        }
        Ok(Err(e)) => message(
            StatusCode::INTERNAL_SERVER_ERROR,
            &format!("cannot read the decision log: {e}"),
        ),
        Err(e) => message(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
    }
}

fn read_chunk(path: &std::path::Path, from: u64, max: usize) -> std::io::Result<Vec<u8>> {
    use std::io::{Read, Seek, SeekFrom};
    let mut f = std::fs::File::open(path)?;
    f.seek(SeekFrom::Start(from))?;
    let mut buf = Vec::with_capacity(max.min(1 << 16));
    f.take(max as u64).read_to_end(&mut buf)?;
    let end = buf.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
    buf.truncate(end);
    Ok(buf)
}
