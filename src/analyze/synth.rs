//! A generator of large units for benchmarks (filled in below).

/// `.crmc` source text of `contracts` contracts with `rules_per_contract`
/// field rules each, over `std/salesforce`.
pub fn synthetic_unit(contracts: usize, rules_per_contract: usize, seed: u64) -> String {
    let _ = (contracts, rules_per_contract, seed);
    String::new()
}
