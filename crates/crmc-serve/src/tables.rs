//! The table being served, and reloading it.
//!
//! A reload reads and validates the new file on a blocking thread (never on
//! a request's task), then swaps one `Arc` under a write lock held only for
//! the pointer store. A request clones the `Arc` once and decides every
//! item of its body with that table, so it sees one table, never a mix.
//! A file that fails to load leaves the old table serving and is reported
//! in the log, `/metrics` and `/v1/table`.

use crate::auth::sha256_hex;
use crate::clock;
use crmc_eval::Table;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError, RwLock};

/// A loaded, validated table and what `/v1/table` and the decision log say
/// about it.
pub struct Loaded {
    pub table: Table,
    /// SHA-256 of the table file's bytes, hex.
    pub checksum: String,
    pub loaded_at: String,
    /// Contract name → version, for the decision log.
    pub versions: HashMap<String, u32>,
}

impl Loaded {
    pub fn read(path: &Path) -> Result<Loaded, String> {
        let bytes = crmc_eval::file::read_table_file(path)
            .map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
        let table = Table::from_bytes(&bytes)
            .map_err(|e| format!("`{}` is not a usable decision table: {e}", path.display()))?;
        let versions = table
            .contracts
            .iter()
            .map(|c| (table.str(c.name).to_string(), c.version))
            .collect();
        Ok(Loaded {
            table,
            checksum: sha256_hex(&bytes),
            loaded_at: clock::rfc3339(clock::now_secs()),
            versions,
        })
    }
}

/// The last reload that failed, while the old table keeps serving.
#[derive(Clone, Debug)]
pub struct ReloadFailure {
    pub at: String,
    pub message: String,
}

pub struct Tables {
    path: PathBuf,
    current: RwLock<Arc<Loaded>>,
    last_failure: Mutex<Option<ReloadFailure>>,
    /// One reload at a time: SIGHUP and --watch may fire together.
    reloading: tokio::sync::Mutex<()>,
}

impl Tables {
    pub fn new(path: PathBuf, first: Loaded) -> Tables {
        Tables {
            path,
            current: RwLock::new(Arc::new(first)),
            last_failure: Mutex::new(None),
            reloading: tokio::sync::Mutex::new(()),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The table for one request.
    pub fn current(&self) -> Arc<Loaded> {
        Arc::clone(&self.current.read().unwrap_or_else(PoisonError::into_inner))
    }

    pub fn last_failure(&self) -> Option<ReloadFailure> {
        self.last_failure
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Loads the file again; on success swaps it in and returns its
    /// checksum, on failure keeps the old table and records why.
    pub async fn reload(&self) -> Result<String, String> {
        let _one = self.reloading.lock().await;
        let path = self.path.clone();
        let result = tokio::task::spawn_blocking(move || Loaded::read(&path))
            .await
            .map_err(|e| format!("reload task failed: {e}"))
            .and_then(|r| r);
        match result {
            Ok(loaded) => {
                let checksum = loaded.checksum.clone();
                *self.current.write().unwrap_or_else(PoisonError::into_inner) = Arc::new(loaded);
                *self
                    .last_failure
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner) = None;
                Ok(checksum)
            }
            Err(message) => {
                *self
                    .last_failure
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner) = Some(ReloadFailure {
                    at: clock::rfc3339(clock::now_secs()),
                    message: message.clone(),
                });
                Err(message)
            }
        }
    }
}
