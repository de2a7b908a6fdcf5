//! Review samples, written from the language section ("Review samples")
//! and not from the evaluator's code: the differential test holds the two
//! to the same writes.

use serde_json::Value as Json;

/// The message: each part's length (8 bytes, little-endian), then its
/// bytes; the parts are the record id, the contract, its version in
/// decimal and the field.
fn message(parts: [&str; 4]) -> Vec<u8> {
    let mut out = Vec::new();
    for p in parts {
        out.extend_from_slice(&(p.len() as u64).to_le_bytes());
        out.extend_from_slice(p.as_bytes());
    }
    out
}

/// FNV-1a, 64 bits.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf29ce484222325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x100000001b3)
    })
}

/// The SplitMix64 finalizer.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d049bb133111eb);
    z ^ (z >> 31)
}

/// Whether the write is sampled at `rate` hundredths of a percent: a
/// record id that is not non-empty text always is.
pub(super) fn sampled(
    record_id: &Json,
    contract: &str,
    version: u32,
    field: &str,
    rate: u16,
) -> bool {
    let id = match record_id {
        Json::String(s) if !s.is_empty() => s,
        _ => return true,
    };
    let version = version.to_string();
    let bucket = mix(fnv1a(&message([id, contract, &version, field]))) % 10_000;
    bucket < u64::from(rate)
}
