//! `crmc fmt` round trips: any text that parses formats to text that parses
//! to the same tree (spans aside), and formatting that text again changes
//! nothing. The same two promises as tests/fmt.rs, on arbitrary input.
#![no_main]

use crmc::fmt::format_source;
use crmc::span::FileId;
use crmc::syntax::parse;
use libfuzzer_sys::fuzz_target;

/// The tree's debug form with every `Span { .. }` removed, so two trees can
/// be compared for meaning (as tests/fmt.rs does).
fn strip_spans(debug: &str) -> String {
    let mut out = String::with_capacity(debug.len());
    let mut rest = debug;
    while let Some(i) = rest.find("Span {") {
        out.push_str(&rest[..i]);
        let after = &rest[i..];
        let close = after.find('}').map_or(after.len(), |j| j + 1);
        rest = &after[close..];
    }
    out.push_str(rest);
    out
}

fuzz_target!(|data: &[u8]| {
    crmc_fuzz::report_stack_overflows();
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (tree, diags) = parse(FileId(0), text);
    if diags.iter().any(|d| d.is_error()) {
        // Text that does not parse must be refused, never "formatted".
        assert!(
            format_source(text).is_err(),
            "formatted text that does not parse"
        );
        return;
    }
    let once = match format_source(text) {
        Ok(s) => s,
        Err(d) => panic!("text parses but does not format: {d:?}"),
    };
    let (tree_once, diags_once) = parse(FileId(0), &once);
    assert!(
        !diags_once.iter().any(|d| d.is_error()),
        "formatted text does not parse: {diags_once:?}\n--- formatted:\n{once}"
    );
    assert_eq!(
        strip_spans(&format!("{tree:?}")),
        strip_spans(&format!("{tree_once:?}")),
        "formatting changed the meaning\n--- formatted:\n{once}"
    );
    let twice = match format_source(&once) {
        Ok(s) => s,
        Err(d) => panic!("formatted text does not format: {d:?}"),
    };
    assert_eq!(once, twice, "formatting is not a fixed point");
});
