//! Any text through the front end and the compiler, as `crmc check` and
//! `crmc build` run it: parse, check, analyze, compile. Nothing may panic or
//! overflow the stack, and a table the compiler writes must load again.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    crmc_fuzz::report_stack_overflows();
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let parsed = crmc::load::load_text("fuzz.crmc", text);
    if parsed.has_errors() {
        return;
    }
    let (checked, _) = crmc::check::check(&parsed.file_refs());
    let Some(unit) = checked else {
        return;
    };
    let _ = crmc::analyze::analyze(&unit);
    if let Ok(table) = crmc::compile::compile(&unit) {
        let bytes = table.to_bytes();
        if let Err(e) = crmc_eval::Table::from_bytes(&bytes) {
            panic!("a compiled table does not load: {e}");
        }
    }
});
