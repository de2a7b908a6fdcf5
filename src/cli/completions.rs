//! `crmc completions SHELL`: a completion script generated from the same
//! clap definition the command parses with, so it never goes stale.

use clap::CommandFactory;
use clap_complete::Shell;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct CompletionsArgs {
    /// The shell to write the script for
    #[arg(value_enum)]
    pub shell: Shell,
}

pub fn run(args: CompletionsArgs) -> ExitCode {
    let mut command = super::Cli::command();
    // Into a buffer first: clap_complete panics when its writer fails (a
    // closed pipe); `out!` turns that into exit 2 like every other command.
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "crmc", &mut script);
    out!("{}", String::from_utf8_lossy(&script));
    ExitCode::SUCCESS
}
