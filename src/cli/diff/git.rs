//! `git:REV:PATH` units: the `.crmc` files under PATH as of commit REV,
//! read with `git ls-tree` and `git show` (no checkout), so CI can compare
//! a pull request with its base. Paths are relative to the current
//! directory, as git takes them; imports resolve against the same commit.

use crmc::source::{normalize, SourceProvider, MAX_SOURCE_BYTES};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// `git:REV:PATH` split, or `None` for a plain path.
pub fn parse(spec: &str) -> Option<Result<(String, PathBuf), String>> {
    let rest = spec.strip_prefix("git:")?;
    Some(match rest.split_once(':') {
        Some((rev, path)) if !rev.is_empty() && !rev.starts_with('-') => {
            let path = if path.is_empty() { "." } else { path };
            Ok((rev.to_string(), PathBuf::from(path)))
        }
        _ => Err(format!(
            "`{spec}`: expected `git:REV:PATH` (e.g. `git:origin/main:contracts`)"
        )),
    })
}

/// Runs git, reading at most [`MAX_SOURCE_BYTES`] of its output.
fn git(args: &[&str]) -> std::io::Result<String> {
    let mut child = Command::new("git")
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| std::io::Error::new(e.kind(), format!("cannot run git: {e}")))?;
    let mut out = Vec::new();
    if let Some(stdout) = child.stdout.take() {
        stdout.take(MAX_SOURCE_BYTES + 1).read_to_end(&mut out)?;
    }
    let mut err = String::new();
    if let Some(stderr) = child.stderr.take() {
        let _ = stderr.take(64 * 1024).read_to_string(&mut err);
    }
    if out.len() as u64 > MAX_SOURCE_BYTES {
        let _ = child.kill();
        let _ = child.wait();
        return Err(crmc_eval::file::too_long(MAX_SOURCE_BYTES, "git's output"));
    }
    let status = child.wait()?;
    if !status.success() {
        let msg = err
            .lines()
            .next()
            .unwrap_or("git failed")
            .trim()
            .to_string();
        return Err(std::io::Error::other(msg));
    }
    String::from_utf8(out).map_err(|_| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "stream did not contain valid UTF-8",
        )
    })
}

/// The `.crmc` files under `path` at `rev`, sorted.
pub fn files(rev: &str, path: &Path) -> Result<Vec<PathBuf>, String> {
    let p = path.to_string_lossy();
    let listed = git(&["ls-tree", "-r", "--name-only", rev, "--", &p])
        .map_err(|e| format!("cannot list `{p}` at `{rev}`: {e}"))?;
    let mut out: Vec<PathBuf> = listed
        .lines()
        .filter(|l| l.ends_with(".crmc") || Path::new(l) == path)
        .map(PathBuf::from)
        .collect();
    out.sort();
    if out.is_empty() {
        return Err(format!("no `.crmc` file under `{p}` at `{rev}`"));
    }
    Ok(out)
}

/// Files as of one commit.
pub struct GitProvider {
    pub rev: String,
}

impl SourceProvider for GitProvider {
    fn read(&self, path: &Path) -> std::io::Result<String> {
        let p = normalize(path);
        git(&["show", &format!("{}:./{}", self.rev, p.to_string_lossy())])
    }
    fn canonicalize(&self, path: &Path) -> PathBuf {
        normalize(path)
    }
}
