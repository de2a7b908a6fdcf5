//! `crmc lsp`: the language server on stdin/stdout (editors start it;
//! see `editors/vscode`).

use std::process::ExitCode;

#[derive(clap::Args)]
pub struct LspArgs {
    /// Accepted for clients that pass it; stdio is the only transport
    #[arg(long)]
    pub stdio: bool,
}

pub fn run(_args: LspArgs) -> ExitCode {
    match crmc::lsp::run_stdio() {
        Ok(crmc::lsp::Ending::Clean) => ExitCode::SUCCESS,
        Ok(crmc::lsp::Ending::Unclean) => ExitCode::from(1),
        Err(e) => {
            eprintln!("crmc lsp: {e}");
            ExitCode::from(2)
        }
    }
}
