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
    /// `mixed` (territories, the default); `ownership`: N actors auto-writing
    /// the same 12 fields; `conflict`: N contracts of one actor, half `auto`
    /// and half `review` for one field
    #[arg(long, default_value = "mixed", value_parser = ["mixed", "ownership", "conflict"])]
    pub shape: String,
}

pub fn run(args: SynthArgs) -> ExitCode {
    use crmc::analyze::synth;
    let text = match args.shape.as_str() {
        "ownership" => synth::ownership_unit(args.contracts, 12),
        "conflict" => synth::conflict_unit(args.contracts),
        _ => synth::synthetic_unit(args.contracts, args.rules, args.seed),
    };
    out!("{text}");
    ExitCode::SUCCESS
}
