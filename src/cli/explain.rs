//! `crmc explain CODE`: the long text of a diagnostic code.

use super::fail_usage;
use crmc::diagnostics::{codes, suggest};
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct ExplainArgs {
    /// A code such as E0301 (case does not matter); omit to list all codes
    pub code: Option<String>,
}

pub fn run(args: ExplainArgs) -> ExitCode {
    let Some(code) = args.code else {
        for c in codes::all() {
            outln!(
                "{}  {:<8} {:<26} {}",
                c.code,
                c.severity.as_str(),
                c.kind,
                c.title
            );
        }
        return ExitCode::SUCCESS;
    };
    match codes::lookup(&code) {
        Some(info) => {
            outln!(
                "{} ({}, {}): {}\n",
                info.code,
                info.severity.as_str(),
                info.kind,
                info.title
            );
            outln!("{}", info.explanation.trim_end());
            ExitCode::SUCCESS
        }
        None => {
            let hint = suggest::suggest(&code.to_uppercase(), codes::all().map(|c| c.code))
                .map(|c| format!("; did you mean `{c}`?"))
                .unwrap_or_else(|| "; `crmc explain` lists every code".to_string());
            fail_usage(format!("there is no diagnostic code `{code}`{hint}"))
        }
    }
}
