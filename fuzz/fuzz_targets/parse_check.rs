//! Any text through parse + check + analyze: nothing may panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let parsed = crmc::load::load_text("fuzz.crmc", text);
        if !parsed.has_errors() {
            let (checked, _) = crmc::check::check(&parsed.file_refs());
            if let Some(unit) = checked {
                let _ = crmc::analyze::analyze(&unit);
            }
        }
    }
});
