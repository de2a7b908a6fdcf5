//! Table size and load time: the `decide` bench's tables (10 contracts) at
//! 20 to 20,000 field rules, written with `Table::to_bytes` and loaded with
//! `Table::from_bytes` (which validates every index).
//!
//! `cargo run --release -p crmc-eval --example table_size`
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crmc_eval::Table;
use std::time::Instant;

#[path = "../benches/fixture.rs"]
mod fixture;
use fixture::table;

fn main() {
    for rules in [20, 200, 2_000, 20_000] {
        let t = table(rules, 10);
        let bytes = t.to_bytes();
        let n = t.rule_count();
        let mut times: Vec<f64> = (0..51)
            .map(|_| {
                let start = Instant::now();
                let loaded = Table::from_bytes(std::hint::black_box(&bytes)).unwrap();
                let e = start.elapsed().as_secs_f64();
                assert_eq!(loaded.contracts.len(), 10);
                e
            })
            .collect();
        times.sort_by(f64::total_cmp);
        println!(
            "{n:>6} rules: {:>9} bytes, {:>5.1} bytes/rule, load median {:>8.3} ms (min {:.3} ms, 51 loads)",
            bytes.len(),
            bytes.len() as f64 / n as f64,
            times[25] * 1e3,
            times[0] * 1e3
        );
    }
}
