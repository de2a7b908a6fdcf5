//! `crmc serve`: an HTTP/1.1 sidecar that decides proposed CRM writes with
//! a compiled crmc table, answering byte for byte what `crmc eval` prints.
//!
//! Built on tokio + hyper 1 directly (no framework): seven fixed routes do
//! not need a router, and the fewer layers between the socket and
//! the evaluator the lower the per-request cost. A request decides all its
//! items with one `crmc_eval::Evaluator` over the one table it pinned.
//!
//! [`Server::bind`] loads everything that can fail (table, `--auth` file,
//! decision log, the address) before a socket accepts; [`Server::serve`]
//! runs until its shutdown future resolves, then drains in-flight requests.
//! [`run`] is the command: signals (SIGHUP reload, SIGTERM/SIGINT drain),
//! `--watch`, and its own runtime.

mod auth;
mod body;
mod clock;
mod config;
mod declog;
mod http;
mod item;
mod metrics;
mod tables;

pub use auth::sha256_hex;
pub use config::{parse_duration, Config, Fsync};

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;

/// Everything a request handler reads.
pub(crate) struct State {
    tables: tables::Tables,
    auth: Option<auth::Auth>,
    log: Option<declog::DecisionLog>,
    log_path: Option<PathBuf>,
    metrics: metrics::Metrics,
    max_skew_secs: i64,
    max_body: usize,
    max_batch: usize,
    draining: AtomicBool,
}

/// A reload trigger that can be kept after the server was moved into
/// [`Server::serve`] (tests, and the signal and watch tasks).
#[derive(Clone)]
pub struct Reloader(Arc<State>);

impl Reloader {
    /// Loads the table file again (off the request path) and swaps it in;
    /// a file that fails keeps the old table. Returns the new checksum.
    pub async fn reload(&self) -> Result<String, String> {
        let state = &self.0;
        let result = state.tables.reload().await;
        match &result {
            Ok(sum) => {
                state.metrics.reloads.fetch_add(1, Ordering::Relaxed);
                eprintln!(
                    "crmc serve: reloaded `{}` (sha256 {sum})",
                    state.tables.path().display()
                );
            }
            Err(e) => {
                state
                    .metrics
                    .reload_failures
                    .fetch_add(1, Ordering::Relaxed);
                eprintln!(
                    "crmc serve: reload failed, still serving sha256 {}: {e}",
                    state.tables.current().checksum
                );
            }
        }
        result
    }
}

pub struct Server {
    listener: TcpListener,
    state: Arc<State>,
    /// With `--watch`: the table file's stamp taken *before* the first
    /// read, so a change made between loading and the watcher's first poll
    /// is still seen (the watcher used to take its first stamp when it was
    /// scheduled, and a file replaced before then was never reloaded).
    watch: Option<FileStamp>,
}

impl Server {
    /// Loads the table, the auth file and the log, and binds the address.
    /// Without `--auth` only a loopback address is accepted.
    pub async fn bind(config: &Config) -> Result<Server, String> {
        if config.auth.is_none() && !config.addr.ip().is_loopback() {
            return Err(format!(
                "refusing to listen on {} without --auth: any caller could claim any actor; \
                 give --auth FILE or a loopback address (127.0.0.1, ::1)",
                config.addr
            ));
        }
        let path = config.table.clone();
        let stamp = config.watch.then(|| FileStamp::of(&config.table));
        let first = tokio::task::spawn_blocking(move || tables::Loaded::read(&path))
            .await
            .map_err(|e| e.to_string())??;
        let auth = config.auth.as_deref().map(auth::Auth::load).transpose()?;
        let log = config
            .decision_log
            .as_deref()
            .map(|p| declog::DecisionLog::open(p, config.fsync))
            .transpose()?;
        let listener = TcpListener::bind(config.addr)
            .await
            .map_err(|e| format!("cannot listen on {}: {e}", config.addr))?;
        let state = State {
            tables: tables::Tables::new(config.table.clone(), first),
            auth,
            log,
            log_path: config.decision_log.clone(),
            metrics: metrics::Metrics::default(),
            max_skew_secs: config.max_skew_secs,
            max_body: config.max_body,
            max_batch: config.max_batch,
            draining: AtomicBool::new(false),
        };
        Ok(Server {
            listener,
            state: Arc::new(state),
            watch: stamp,
        })
    }

    pub fn local_addr(&self) -> Result<SocketAddr, String> {
        self.listener.local_addr().map_err(|e| e.to_string())
    }

    pub fn reloader(&self) -> Reloader {
        Reloader(Arc::clone(&self.state))
    }

    /// What the server says when it starts (stderr).
    pub fn banner(&self) -> String {
        let addr = self
            .local_addr()
            .unwrap_or_else(|_| SocketAddr::from(([0, 0, 0, 0], 0)));
        let loaded = self.state.tables.current();
        let auth = if self.state.auth.is_some() {
            "bearer tokens required (--auth)".to_string()
        } else {
            "no --auth: loopback only, every local caller may claim any actor".to_string()
        };
        let log = match (&self.state.log, &self.state.log_path) {
            (Some(log), Some(path)) => format!(
                "; decision log {} (fsync {})",
                path.display(),
                log.fsync().as_str()
            ),
            _ => String::new(),
        };
        let watch = if self.watch.is_some() {
            "; --watch"
        } else {
            ""
        };
        format!(
            "crmc serve: listening on http://{addr} ({}, {} contracts, sha256 {}); {auth}{log}{watch}",
            self.state.tables.path().display(),
            loaded.table.contracts.len(),
            loaded.checksum
        )
    }

    /// Serves until `shutdown` resolves, then stops accepting, lets every
    /// in-flight request finish (idle keep-alive connections are closed)
    /// and returns.
    pub async fn serve(self, shutdown: impl Future<Output = ()>) -> Result<(), String> {
        let Server {
            listener,
            state,
            watch,
        } = self;
        if let Some(stamp) = watch {
            tokio::spawn(watch_file(Reloader(Arc::clone(&state)), stamp));
        }
        let graceful = hyper_util::server::graceful::GracefulShutdown::new();
        tokio::pin!(shutdown);
        loop {
            tokio::select! {
                accepted = listener.accept() => {
                    let stream = match accepted {
                        Ok((s, _)) => s,
                        // Out of file descriptors and the like: wait, go on.
                        Err(e) => {
                            eprintln!("crmc serve: accept failed: {e}");
                            tokio::time::sleep(Duration::from_millis(50)).await;
                            continue;
                        }
                    };
                    let _ = stream.set_nodelay(true);
                    let state = Arc::clone(&state);
                    let svc = service_fn(move |req| http::handle(Arc::clone(&state), req));
                    let conn = http1::Builder::new()
                        .timer(hyper_util::rt::TokioTimer::new())
                        .header_read_timeout(Duration::from_secs(30))
                        .serve_connection(TokioIo::new(stream), svc);
                    let conn = graceful.watch(conn);
                    tokio::spawn(async move {
                        let _ = conn.await;
                    });
                }
                () = &mut shutdown => break,
            }
        }
        state.draining.store(true, Ordering::Relaxed);
        drop(listener);
        eprintln!("crmc serve: draining in-flight requests");
        graceful.shutdown().await;
        eprintln!("crmc serve: stopped");
        Ok(())
    }
}

/// What `--watch` compares between polls: a rename over the file changes
/// the inode, an in-place write the size or a time. `None` parts (a file
/// that cannot be read now) compare too, so a file that comes back counts
/// as a change.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
struct FileStamp(Option<(u64, u64, i64, i64, i64, i64)>);

impl FileStamp {
    fn of(path: &std::path::Path) -> FileStamp {
        use std::os::unix::fs::MetadataExt;
        FileStamp(std::fs::metadata(path).ok().map(|m| {
            (
                m.ino(),
                m.len(),
                m.mtime(),
                m.mtime_nsec(),
                m.ctime(),
                m.ctime_nsec(),
            )
        }))
    }
}

/// `--watch`: reload when the file's stamp changes (polled every 500 ms).
async fn watch_file(reloader: Reloader, mut last: FileStamp) {
    let path = reloader.0.tables.path().to_path_buf();
    loop {
        tokio::time::sleep(Duration::from_millis(500)).await;
        let now = FileStamp::of(&path);
        if now != last {
            last = now;
            let _ = reloader.reload().await;
        }
    }
}

/// The `crmc serve` command: binds, prints the banner, reloads on SIGHUP,
/// drains and returns on SIGTERM or SIGINT.
pub fn run(config: Config) -> Result<(), String> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the runtime: {e}"))?;
    rt.block_on(async {
        use tokio::signal::unix::{signal, SignalKind};
        let server = Server::bind(&config).await?;
        let mut hup = signal(SignalKind::hangup()).map_err(|e| e.to_string())?;
        let mut term = signal(SignalKind::terminate()).map_err(|e| e.to_string())?;
        let mut int = signal(SignalKind::interrupt()).map_err(|e| e.to_string())?;
        let reloader = server.reloader();
        tokio::spawn(async move {
            while hup.recv().await.is_some() {
                let _ = reloader.reload().await;
            }
        });
        eprintln!("{}", server.banner());
        server
            .serve(async move {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = int.recv() => {}
                }
            })
            .await
    })
}
