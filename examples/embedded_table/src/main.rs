//! Decides mutations (one JSON object a line, on standard input) with the
//! table compiled into this binary: one decision line each, as `crmc eval`.

use std::process::ExitCode;

fn main() -> ExitCode {
    let table = match crmc_embedded_table::table() {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let stdin = std::io::stdin().lock();
    match crmc_eval::decide_stream(&table, stdin, std::io::stdout().lock()) {
        Ok(_) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}
