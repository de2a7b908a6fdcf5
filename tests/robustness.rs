//! No input makes the front end panic: every example file, damaged at
//! random (lines dropped, duplicated or swapped, bytes deleted, tokens
//! inserted), goes through load, parse, check and analyze, and comes out
//! as a result or as diagnostics whose spans lie inside their files.

#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use crmc::pipeline::{self, Depth};
use crmc::source::MemoryProvider;
use proptest::prelude::*;
use std::path::{Path, PathBuf};

fn example_texts() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut out = Vec::new();
    for dir in std::fs::read_dir(root).unwrap().flatten() {
        for f in std::fs::read_dir(dir.path())
            .into_iter()
            .flatten()
            .flatten()
        {
            if f.path().extension().is_some_and(|e| e == "crmc") {
                out.push(std::fs::read_to_string(f.path()).unwrap());
            }
        }
    }
    out.sort();
    out
}

#[derive(Debug, Clone)]
enum Damage {
    DropLine(usize),
    DuplicateLine(usize),
    SwapLines(usize, usize),
    DeleteBytes(usize, usize),
    Insert(usize, &'static str),
}

fn damage() -> impl Strategy<Value = Damage> {
    let token = prop::sample::select(vec![
        "}",
        "{",
        "(",
        ")",
        ",",
        "when",
        "and",
        "not",
        "auto",
        "never",
        "\"",
        "0.5",
        "80%",
        "24h",
        "*",
        ":",
        "==",
        "in",
        "empty",
        "new",
        "changed(",
        "Account.",
        "import \"./x.crmc\"",
        "\u{e9}",
        "\n",
        "// c\n",
    ]);
    prop_oneof![
        any::<usize>().prop_map(Damage::DropLine),
        any::<usize>().prop_map(Damage::DuplicateLine),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Damage::SwapLines(a, b)),
        (any::<usize>(), 1usize..40).prop_map(|(a, n)| Damage::DeleteBytes(a, n)),
        (any::<usize>(), token).prop_map(|(a, t)| Damage::Insert(a, t)),
    ]
}

fn apply(text: &str, d: &Damage) -> String {
    let mut lines: Vec<&str> = text.lines().collect();
    let n = lines.len().max(1);
    let boundary = |i: usize| {
        let mut i = i % (text.len() + 1);
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    match *d {
        Damage::DropLine(i) if !lines.is_empty() => {
            lines.remove(i % n);
            lines.join("\n")
        }
        Damage::DuplicateLine(i) if !lines.is_empty() => {
            let l = lines[i % n];
            lines.insert(i % n, l);
            lines.join("\n")
        }
        Damage::SwapLines(a, b) if !lines.is_empty() => {
            lines.swap(a % n, b % n);
            lines.join("\n")
        }
        Damage::DeleteBytes(a, len) => {
            let start = boundary(a);
            let end = boundary(start.saturating_add(len).min(text.len()));
            format!("{}{}", &text[..start], &text[end.max(start)..])
        }
        Damage::Insert(a, t) => {
            let at = boundary(a);
            format!("{}{t}{}", &text[..at], &text[at..])
        }
        _ => text.to_string(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 192, ..ProptestConfig::default() })]

    #[test]
    fn damaged_examples_never_panic_the_front_end(
        pick in any::<prop::sample::Index>(),
        damages in prop::collection::vec(damage(), 1..4),
    ) {
        let texts = example_texts();
        let mut text = texts[pick.index(texts.len())].clone();
        for d in &damages {
            text = apply(&text, d);
        }
        let provider = MemoryProvider::new().with("unit.crmc", text.clone());
        let front = pipeline::run(&[PathBuf::from("unit.crmc")], &provider, Depth::Analyze).unwrap();
        for d in &front.diagnostics {
            for span in std::iter::once(d.primary.span).chain(d.secondary.iter().map(|l| l.span)) {
                let file = front.parsed.sources.get(span.file).expect("span names a loaded file");
                prop_assert!(span.start <= span.end && (span.end as usize) <= file.text.len(), "{d:?}");
            }
        }
        if let Some(unit) = &front.checked {
            let table = crmc::compile::compile(unit).expect("a checked unit compiles");
            let _ = crmc::testing::run_tests(unit, &table);
        }
    }
}
