//! `--auth FILE`: which bearer tokens may speak for which actors.
//!
//! The file holds one JSON object a line (blank lines and lines starting
//! with `#` are skipped):
//!
//! ```text
//! {"identity":"router-svc","token_sha256":"<64 hex digits>","actors":["integration:router"],"may_read_log":false}
//! ```
//!
//! `token_sha256` is the SHA-256 of the token (`printf %s "$TOKEN" | sha256sum`),
//! so the file never holds a usable secret. `actors` lists `kind:name`
//! (`ai:alim`) or `kind:*` (any actor of that kind). A request's token is
//! hashed and compared with every entry in constant time; the token itself
//! is never stored, logged or echoed; only the entry's `identity` is.

use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::path::Path;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    identity: String,
    token_sha256: String,
    actors: Vec<String>,
    #[serde(default)]
    may_read_log: bool,
}

/// One token's rights.
#[derive(Debug)]
pub struct Identity {
    pub name: String,
    hash: [u8; 32],
    actors: Vec<(String, Option<String>)>,
    pub may_read_log: bool,
}

impl Identity {
    /// Whether this token may speak for the actor `kind`/`name`.
    pub fn allows(&self, kind: &str, name: &str) -> bool {
        self.actors
            .iter()
            .any(|(k, n)| k == kind && n.as_deref().is_none_or(|n| n == name))
    }
}

#[derive(Debug)]
pub struct Auth {
    identities: Vec<Identity>,
}

/// An auth file holds one line per token; a million of them fit in this.
const MAX_AUTH_BYTES: u64 = 256 * 1024 * 1024;

impl Auth {
    pub fn load(path: &Path) -> Result<Auth, String> {
        let bytes = crmc_eval::file::read_bounded(path, MAX_AUTH_BYTES, "an auth file")
            .map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
        let text = String::from_utf8(bytes)
            .map_err(|_| format!("cannot read `{}`: it is not UTF-8 text", path.display()))?;
        Auth::parse(&text).map_err(|e| format!("`{}`: {e}", path.display()))
    }

    pub fn parse(text: &str) -> Result<Auth, String> {
        let mut identities = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let n = i + 1;
            let e: Entry = serde_json::from_str(line).map_err(|e| format!("line {n}: {e}"))?;
            let hash = parse_hex32(&e.token_sha256).ok_or_else(|| {
                format!("line {n}: `token_sha256` must be 64 hex digits (the token's SHA-256)")
            })?;
            let mut actors = Vec::new();
            for a in &e.actors {
                let (kind, name) = a.split_once(':').ok_or_else(|| {
                    format!("line {n}: actor `{a}` is not `kind:name` or `kind:*`")
                })?;
                if crmc_eval::table::ActorKind::parse(kind).is_none() {
                    return Err(format!("line {n}: actor `{a}`: unknown kind `{kind}`"));
                }
                let name = (name != "*").then(|| name.to_string());
                actors.push((kind.to_string(), name));
            }
            identities.push(Identity {
                name: e.identity,
                hash,
                actors,
                may_read_log: e.may_read_log,
            });
        }
        if identities.is_empty() {
            return Err("no tokens: every request would be refused".to_string());
        }
        Ok(Auth { identities })
    }

    /// The identity whose token this is, from an `Authorization` header
    /// value (`Bearer TOKEN`). Every entry is compared, in constant time,
    /// so the time taken says nothing about which prefix matched.
    pub fn identify(&self, header: Option<&[u8]>) -> Option<&Identity> {
        let token = header?.strip_prefix(b"Bearer ")?;
        let hash: [u8; 32] = Sha256::digest(token).into();
        let mut found = None;
        for id in &self.identities {
            if ct_eq(&id.hash, &hash) {
                found = Some(id);
            }
        }
        found
    }
}

/// Constant-time equality of two hashes: no early exit on a difference.
fn ct_eq(a: &[u8; 32], b: &[u8; 32]) -> bool {
    let diff = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    std::hint::black_box(diff) == 0
}

fn parse_hex32(s: &str) -> Option<[u8; 32]> {
    let s = s.trim();
    if s.len() != 64 || !s.is_ascii() {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, b) in out.iter_mut().enumerate() {
        *b = u8::from_str_radix(s.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(out)
}

/// SHA-256 hex of `bytes` (the table checksum, and tokens in tests).
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn auth() -> Auth {
        let line = format!(
            r#"{{"identity":"bot","token_sha256":"{}","actors":["ai:alim","integration:*"]}}"#,
            sha256_hex(b"s3cret")
        );
        Auth::parse(&format!("# tokens\n\n{line}\n")).unwrap()
    }

    #[test]
    fn a_token_maps_to_its_identity_and_actors() {
        let a = auth();
        let id = a.identify(Some(b"Bearer s3cret")).unwrap();
        assert_eq!(id.name, "bot");
        assert!(id.allows("ai", "alim"));
        assert!(!id.allows("ai", "other"));
        assert!(id.allows("integration", "anything"));
        assert!(!id.may_read_log);
        assert!(a.identify(Some(b"Bearer s3cre")).is_none());
        assert!(a.identify(Some(b"s3cret")).is_none());
        assert!(a.identify(None).is_none());
    }

    #[test]
    fn bad_files_are_refused() {
        assert!(Auth::parse("").is_err());
        assert!(Auth::parse(r#"{"identity":"x","token_sha256":"ab","actors":[]}"#).is_err());
        let h = sha256_hex(b"t");
        let bad_actor = format!(r#"{{"identity":"x","token_sha256":"{h}","actors":["alim"]}}"#);
        assert!(Auth::parse(&bad_actor).is_err());
        let bad_kind = format!(r#"{{"identity":"x","token_sha256":"{h}","actors":["robot:x"]}}"#);
        assert!(Auth::parse(&bad_kind).is_err());
    }
}
