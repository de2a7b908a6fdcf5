//! Review samples: which of a contract's `auto` writes `sample N% for
//! review` sends to review.
//!
//! The choice is a stable hash of (record id, contract name, contract
//! version, field name), so a replay of the same write samples it again and
//! another evaluator can recompute it. The hash is FNV-1a (64 bits) over the
//! four parts, each preceded by its length in bytes as 8 bytes little-endian
//! (the version as its decimal text), followed by the SplitMix64 finalizer;
//! the bucket is the result modulo [`SCALE`], and a write is sampled when
//! its bucket is below the rate (hundredths of a percent). A write whose
//! record has no id (a text id that is empty or missing, or not text) is
//! always sampled: without an id the choice could not be replayed, so it
//! fails closed.
//!
//! The hash is not a secret: anyone who knows the record ids can tell which
//! writes are sampled. Sampling is quality control of an automation that
//! is already allowed to write, not an access control.

/// 100%, in hundredths of a percent.
pub const SCALE: u32 = 10_000;

/// The field name a delete (which changes no field) is sampled under.
pub const RECORD: &str = "*";

/// The bucket of one write, in `0..SCALE`.
pub fn bucket(record_id: &str, contract: &str, version: u32, field: &str) -> u32 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |bytes: &[u8]| {
        for &b in (bytes.len() as u64).to_le_bytes().iter().chain(bytes) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    };
    eat(record_id.as_bytes());
    eat(contract.as_bytes());
    // the version's decimal digits, on the stack (no allocation per write)
    let mut digits = [0u8; 10];
    let mut at = digits.len();
    let mut v = version;
    loop {
        at -= 1;
        digits[at] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    eat(&digits[at..]);
    eat(field.as_bytes());
    let mut z = h;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^= z >> 31;
    (z % u64::from(SCALE)) as u32
}

/// Whether a write at `rate` is sampled (`record_id`: the record's id,
/// `None` when it has none).
pub fn sampled(
    record_id: Option<&str>,
    contract: &str,
    version: u32,
    field: &str,
    rate: u32,
) -> bool {
    match record_id {
        Some(id) if !id.is_empty() => bucket(id, contract, version, field) < rate,
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_version_is_hashed_as_its_decimal_text() {
        // the stack digits are what `to_string` writes, at every length
        for v in [0, 1, 9, 10, 99, 100, 12_345, u32::MAX] {
            for (id, c, f) in [("", "", ""), ("00Q1", "inbound", "Industry")] {
                let want = bucket_reference(id, c, &v.to_string(), f);
                assert_eq!(bucket(id, c, v, f), want, "{v}");
            }
        }
    }

    /// [`bucket`] with the version given as text (the documented form).
    fn bucket_reference(record_id: &str, contract: &str, version: &str, field: &str) -> u32 {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for part in [record_id, contract, version, field] {
            for &b in (part.len() as u64)
                .to_le_bytes()
                .iter()
                .chain(part.as_bytes())
            {
                h ^= u64::from(b);
                h = h.wrapping_mul(0x0000_0100_0000_01b3);
            }
        }
        let mut z = h;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^= z >> 31;
        (z % u64::from(SCALE)) as u32
    }

    #[test]
    fn buckets_are_stable_and_spread() {
        // Pinned: a change to the hash would re-sample every replayed log.
        assert_eq!(
            bucket("00Q1", "c", 1, "Industry"),
            bucket("00Q1", "c", 1, "Industry")
        );
        let pinned = [
            bucket("00Q1", "inbound", 1, "Industry"),
            bucket("00Q2", "inbound", 1, "Industry"),
            bucket("00Q1", "inbound", 2, "Industry"),
            bucket("00Q1", "inbound", 1, "Title"),
        ];
        assert_eq!(
            pinned
                .iter()
                .collect::<std::collections::BTreeSet<_>>()
                .len(),
            4
        );
        let hits = (0..20_000)
            .filter(|i| sampled(Some(&format!("00Q{i}")), "inbound", 1, "Industry", 500))
            .count();
        assert!((800..1200).contains(&hits), "{hits} of 20000 sampled at 5%");
    }

    #[test]
    fn a_write_without_a_record_id_is_sampled() {
        assert!(sampled(None, "c", 1, "F", 1));
        assert!(sampled(Some(""), "c", 1, "F", 1));
        assert!(sampled(Some("x"), "c", 1, "F", SCALE));
    }

    #[test]
    fn parts_do_not_run_together() {
        // the length prefixes keep ("ab", "c") apart from ("a", "bc")
        let a = (0..50).filter(|i| {
            bucket(&format!("{i}ab"), "c", 1, "F") == bucket(&format!("{i}a"), "bc", 1, "F")
        });
        assert_eq!(a.count(), 0);
    }
}
