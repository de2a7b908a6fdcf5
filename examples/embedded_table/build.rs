//! Compiles `contracts/` into `$OUT_DIR/contracts.crmct`, which `src/main.rs`
//! embeds. A unit with errors fails the build, each problem printed with its
//! snippet and hint by miette's handler; warnings become cargo warnings.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    println!("cargo:rerun-if-changed=contracts");
    let sources = crmc::Sources::paths(["contracts"]);
    match crmc::compile(&sources) {
        Ok(table) => {
            if let Ok(problems) = crmc::check(&sources) {
                for p in problems.iter().filter(|p| !p.is_error()) {
                    let file = p.file_name().unwrap_or("contracts");
                    println!("cargo:warning={file}: {} [{}]", p, p.code());
                }
            }
            let Some(out) = std::env::var_os("OUT_DIR").map(PathBuf::from) else {
                eprintln!("OUT_DIR is not set: run this through cargo");
                return ExitCode::FAILURE;
            };
            if let Err(e) = std::fs::write(out.join("contracts.crmct"), table.to_bytes()) {
                eprintln!("cannot write the table: {e}");
                return ExitCode::FAILURE;
            }
            ExitCode::SUCCESS
        }
        Err(error) => {
            // `{:?}` of a miette::Report is the graphical report: the
            // unit's summary, then every problem with its source snippet.
            eprintln!("{:?}", miette::Report::new(error));
            ExitCode::FAILURE
        }
    }
}
