//! A crafted table cannot make the loader reserve memory its bytes cannot
//! hold (issue 8 §2: a 20 MB file once asked for one 6.24 GB allocation,
//! aborting under a memory limit). The load runs in a child process under
//! `ulimit -v` (1 GiB of address space): reserving by the claimed count
//! aborts the child, reserving by what the bytes hold does not.

#[path = "support/limited.rs"]
mod limited;
use crmc_eval::codec::{Fnv64, FORMAT_VERSION, MAGIC};
use crmc_eval::Table;

fn varint(w: &mut Vec<u8>, mut v: u64) {
    loop {
        let b = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            w.push(b);
            return;
        }
        w.push(b | 0x80);
    }
}

/// A sealed table whose body claims `n` contracts, followed by zero bytes.
fn crafted(n: usize) -> Vec<u8> {
    let mut body = Vec::new();
    for _ in 0..5 {
        varint(&mut body, 0); // strings, objects, fields, ops, sets: empty
    }
    varint(&mut body, n as u64);
    body.resize(body.len() + n, 0);
    let cv = [0u8]; // compiler version "" (length 0)
    let mut h = Fnv64::default();
    h.update(&cv);
    h.update(&body);
    let mut out = MAGIC.to_vec();
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    out.extend_from_slice(&cv);
    out.extend_from_slice(&h.finish().to_le_bytes());
    out.extend_from_slice(&body);
    out
}

const CHILD: &str = "CRMC_TABLE_ALLOC_CHILD";

#[test]
fn a_claimed_count_reserves_no_more_than_the_bytes_hold() {
    // 8 M contracts claimed, each one zero byte of a sealed file: before the
    // fix, one `with_capacity` of 8 M contract rows (over 1 GiB).
    if std::env::var_os(CHILD).is_some() {
        let bytes = crafted(8_000_000);
        assert!(Table::from_bytes(&bytes).is_err());
        return;
    }
    let out = limited::rerun_under_memory_limit(
        "a_claimed_count_reserves_no_more_than_the_bytes_hold",
        1048576,
        CHILD,
    );
    assert!(
        out.status.success(),
        "the loader exceeded 1 GiB on an 8 MB crafted table: {:?}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
}
