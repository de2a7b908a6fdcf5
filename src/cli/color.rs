//! When output is coloured: `--color auto|always|never` (global), with
//! `auto` meaning "on a terminal, unless `NO_COLOR` is set to a non-empty
//! value or `TERM=dumb`" (no-color.org). An explicit `always` or `never`
//! wins over the environment, as in cargo.

use codespan_reporting::term::termcolor::ColorChoice;
use std::io::IsTerminal;
use std::sync::OnceLock;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ColorWhen {
    /// Colour on a terminal, unless NO_COLOR is set
    #[default]
    Auto,
    /// Always colour (even when piped)
    Always,
    /// Never colour
    Never,
}

static WHEN: OnceLock<ColorWhen> = OnceLock::new();

/// Set once, from the command line, before any output.
pub fn set(when: ColorWhen) {
    let _ = WHEN.set(when);
}

fn enabled(is_terminal: bool) -> bool {
    match WHEN.get().copied().unwrap_or_default() {
        ColorWhen::Always => true,
        ColorWhen::Never => false,
        ColorWhen::Auto => {
            is_terminal
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::env::var_os("TERM").is_none_or(|t| t != "dumb")
        }
    }
}

/// Whether standard output gets colour.
pub fn stdout() -> bool {
    enabled(std::io::stdout().is_terminal())
}

/// The termcolor choice for standard error (diagnostics).
pub fn stderr_choice() -> ColorChoice {
    if enabled(std::io::stderr().is_terminal()) {
        ColorChoice::Always
    } else {
        ColorChoice::Never
    }
}
