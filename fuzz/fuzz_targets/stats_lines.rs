//! Arbitrary text as a `crmc stats` log line: read strictly, then as a
//! decision line and as a feedback line. Never a panic; a decided field
//! read has a known outcome; a feedback line read names a known kind; a
//! line with a repeated key is never read at all.
#![no_main]

use crmc::stats::{decision_line, feedback_line};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    crmc_fuzz::report_stack_overflows();
    let Ok(line) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(v) = crmc_eval::strict_json::parse(line) else {
        return;
    };
    // the lenient parse agrees where the strict one accepts
    if let Ok(lenient) = serde_json::from_str::<serde_json::Value>(line) {
        assert_eq!(lenient, v, "strict and lenient parses differ on {line}");
    }
    if let Ok(fields) = decision_line(&v) {
        for f in fields {
            assert!(crmc_eval::Outcome::ALL.contains(&f.outcome));
            let _ = crmc::stats::tally::bucket(f.confidence);
        }
    }
    if let Ok(fb) = feedback_line(&v) {
        assert!(crmc::stats::Feedback::ALL.contains(&fb.feedback));
    }
});
