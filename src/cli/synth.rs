//! `crmc synth` (hidden): a synthetic unit of N contracts over
//! `std/salesforce`, for benchmarks and scale checks.

use std::process::ExitCode;

#[derive(clap::Args)]
pub struct SynthArgs {
    /// Number of contracts
    #[arg(long, default_value_t = 1000)]
    pub contracts: usize,
    /// Field rules per contract
    #[arg(long, default_value_t = 20)]
    pub rules: usize,
    /// Random seed (the same seed gives the same unit)
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

pub fn run(args: SynthArgs) -> ExitCode {
    print!(
        "{}",
        crmc::analyze::synth::synthetic_unit(args.contracts, args.rules, args.seed)
    );
    ExitCode::SUCCESS
}
