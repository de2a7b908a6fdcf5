//! Shared by the HTTP tests: a small table, a server on a loopback port
//! (its own runtime on its own thread) and a minimal HTTP/1.1 client, so
//! the tests talk to the real socket as any caller would.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crmc_eval::builder::{FieldSpec, TableBuilder};
use crmc_eval::table::*;
use crmc_serve::{Config, Reloader, Server};
use std::net::SocketAddr;
use std::path::PathBuf;

/// A table with one contract for `ai:alim` on `Lead`: `Industry` is `auto`
/// while empty, else `review`; with `strict`, `never` instead of `auto`
/// (so the two tables' answers differ for the same mutation). `version`
/// is the contract's version (visible in the audit of every decision).
pub fn table_bytes(version: u32, strict: bool) -> Vec<u8> {
    let mut b = TableBuilder::new("test");
    let lead = b.object(
        "Lead",
        &[
            FieldSpec::new("Industry", TypeTag::String),
            FieldSpec::new("Score", TypeTag::Number),
        ],
    );
    let industry = b.field(lead, "Industry").unwrap();
    let score = b.field(lead, "Score").unwrap();
    let empty = b.cond(vec![Op::Atom(Subject::Field(industry), Test::IsEmpty)]);
    let name = b.intern("enrich");
    let alim = b.intern("alim");
    let first = if strict {
        Outcome::Never
    } else {
        Outcome::Auto
    };
    b.contract(ContractRow {
        name,
        version,
        object: lead,
        actor_kind: ActorKind::Ai,
        actor_name: Some(alim),
        mode: Mode::ConditionalWrite,
        triggers: vec![Trigger::Update(None)],
        eligible: None,
        exclusions: vec![],
        auto_at: None,
        review_at: None,
        field_rules: vec![
            FieldRules {
                field: industry,
                rules: vec![
                    RuleRow {
                        outcome: first,
                        route: None,
                        when: Some(empty),
                        position: 1,
                    },
                    RuleRow {
                        outcome: Outcome::Review,
                        route: None,
                        when: None,
                        position: 2,
                    },
                ],
            },
            FieldRules {
                field: score,
                rules: vec![RuleRow {
                    outcome: Outcome::Review,
                    route: None,
                    when: None,
                    position: 1,
                }],
            },
        ],
        star: None,
        review_route: None,
        escalate_route: None,
        require: vec![],
        audit: None,
        rollback: None,
        sample: Default::default(),
    });
    b.finish().unwrap().to_bytes()
}

/// A fresh directory under the target dir for one test.
pub fn workdir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("crmc-serve-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A mutation by `ai:alim` at `at` (`None`: no `at` key) changing Industry.
pub fn mutation(at: Option<&str>, industry_now: &str) -> String {
    let at = at.map(|a| format!(r#""at":"{a}","#)).unwrap_or_default();
    format!(
        r#"{{"object":"Lead","event":"update",{at}"actor":{{"kind":"ai","name":"alim"}},"record":{{"Industry":{industry_now}}},"changes":{{"Industry":"Banking"}}}}"#
    )
}

/// Now, as RFC 3339 (the server's clock is the same machine's).
pub fn now_text() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let days = secs.div_euclid(86_400);
    // Reuse the evaluator's calendar by searching the day's date: cheap
    // enough for a test, and independent of the server's own formatter.
    let mut y = 1970 + days / 366;
    while crmc_eval::time::days_from_civil(y + 1, 1, 1) <= days {
        y += 1;
    }
    let mut m = 1;
    while m < 12 && crmc_eval::time::days_from_civil(y, m + 1, 1) <= days {
        m += 1;
    }
    let d = days - crmc_eval::time::days_from_civil(y, m, 1) + 1;
    let rem = secs.rem_euclid(86_400);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

pub struct Running {
    pub addr: SocketAddr,
    pub reloader: Reloader,
    pub rt: tokio::runtime::Handle,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<Result<(), String>>>,
}

impl Running {
    pub fn reload(&self) -> Result<String, String> {
        self.rt.block_on(self.reloader.reload())
    }

    /// Starts the drain and waits for the server to return.
    pub fn stop(mut self) -> Result<(), String> {
        self.stop.take().unwrap().send(()).unwrap();
        self.thread.take().unwrap().join().unwrap()
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
    }
}

/// Binds `config` (its addr should be 127.0.0.1:0) and serves it.
pub fn start(config: Config) -> Result<Running, String> {
    start_after_bind(config, || {})
}

/// As [`start`], running `between` after the server has loaded its table
/// and before it serves (the window in which a `--watch` race lived).
pub fn start_after_bind(
    config: Config,
    between: impl FnOnce() + Send + 'static,
) -> Result<Running, String> {
    let (tx, rx) = std::sync::mpsc::channel();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let thread = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let handle = rt.handle().clone();
        rt.block_on(async move {
            let server = match Server::bind(&config).await {
                Ok(s) => s,
                Err(e) => {
                    tx.send(Err(e.clone())).unwrap();
                    return Err(e);
                }
            };
            tx.send(Ok((
                server.local_addr().unwrap(),
                server.reloader(),
                handle,
            )))
            .unwrap();
            between();
            server
                .serve(async move {
                    let _ = stop_rx.await;
                })
                .await
        })
    });
    let (addr, reloader, rt) = rx.recv().unwrap()?;
    Ok(Running {
        addr,
        reloader,
        rt,
        stop: Some(stop_tx),
        thread: Some(thread),
    })
}

/// A server on a loopback port with `table` written to a file in `dir`.
pub fn config_with_table(dir: &std::path::Path, table: &[u8]) -> Config {
    let path = dir.join("t.crmct");
    std::fs::write(&path, table).unwrap();
    let mut c = Config::new(path);
    c.addr = "127.0.0.1:0".parse().unwrap();
    c
}

#[path = "client.rs"]
mod client;
pub use client::*;
