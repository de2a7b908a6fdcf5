//! The `crmc` command: reads files, calls the library, prints. Every
//! command's logic lives in `cli/`, every stage's in the library.

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
