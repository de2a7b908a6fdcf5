//! `crmc doc` as a reader meets it: the real binary writes the report of
//! every bundled example and of fixtures, and the pages (parsed as HTML,
//! then as headless Chromium renders them) hold every contract, every field
//! line and every finding of `crmc check`, each finding beside its
//! contract. Plus: same input, same bytes; markup in names and literals
//! comes out as text; a unit with errors gets a report of them; the output
//! directory is only ever the report's.

#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

#[path = "support/cli.rs"]
mod cli_support;

use cli_support::{crmc, text, workdir};
use crmc::pipeline::{self, Depth};
use crmc::source::DiskProvider;
use scraper::{ElementRef, Html, Selector};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn crmc_files(dir: &Path) -> Vec<PathBuf> {
    if dir.is_file() {
        return vec![dir.to_path_buf()];
    }
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "crmc"))
        .collect();
    out.sort();
    out
}

/// Every example unit (directories with `.crmc` files).
fn examples() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(repo().join("examples"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir() && !crmc_files(p).is_empty())
        .collect();
    dirs.sort();
    assert!(dirs.len() >= 9, "the bundled examples are found");
    dirs
}

/// What the report must hold, from the library's own front end.
struct Truth {
    /// (contract, its field lines)
    contracts: Vec<(String, Vec<String>)>,
    /// (code, message, the contract it is about, witness)
    findings: Vec<(String, String, Option<String>, Option<Value>)>,
    errors: bool,
}

fn truth(unit: &Path) -> Truth {
    let front = pipeline::run(&crmc_files(unit), &DiskProvider, Depth::Analyze).unwrap();
    let mut contracts = Vec::new();
    let mut spans = Vec::new();
    if let Some(u) = &front.checked {
        for c in &u.contracts {
            let fields = c
                .fields
                .iter()
                .map(|l| u.schema.field(l.field).name.clone())
                .collect();
            contracts.push((c.name.clone(), fields));
            spans.push((c.span, c.name.clone()));
        }
    }
    let findings = front
        .diagnostics
        .iter()
        .map(|d| {
            let s = d.primary.span;
            let about = spans
                .iter()
                .find(|(c, _)| c.file == s.file && c.start <= s.start && s.start < c.end)
                .map(|(_, n)| n.clone());
            (
                d.code.to_string(),
                d.message.clone(),
                about,
                d.witness.clone(),
            )
        })
        .collect();
    Truth {
        contracts,
        findings,
        errors: front.error_count() > 0,
    }
}

/// `crmc check --format json` agrees with the library on the findings.
fn check_json(unit: &Path) -> Vec<(String, String)> {
    let out = crmc(
        &["check", "--format", "json", unit.to_str().unwrap()],
        repo(),
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn doc(unit: &Path, out: &Path) -> std::process::Output {
    crmc(
        &["doc", unit.to_str().unwrap(), "-o", out.to_str().unwrap()],
        repo(),
    )
}

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

fn texts(html: &Html, s: &str) -> Vec<String> {
    html.select(&sel(s))
        .map(|e| e.text().collect::<String>().trim().to_string())
        .collect()
}

fn inner(e: ElementRef<'_>, s: &str) -> String {
    e.select(&sel(s))
        .next()
        .map(|x| x.text().collect::<String>())
        .unwrap_or_default()
}

/// The finding articles of a page: (code, message, witness text).
fn articles(html: &Html) -> Vec<(String, String, Option<String>)> {
    html.select(&sel("article.finding"))
        .map(|a| {
            let w = a
                .select(&sel("pre.witness"))
                .next()
                .map(|w| w.text().collect::<String>());
            (
                a.value().attr("data-code").unwrap_or("").to_string(),
                inner(a, ".message"),
                w,
            )
        })
        .collect()
}

/// Checks a report's pages, however they are read (`page`: the site-relative
/// path to a parsed page).
fn check_report(t: &Truth, page: &dyn Fn(&str) -> Html, who: &str) {
    let index = page("index.html");
    let links: Vec<(String, String)> = index
        .select(&sel("table.contracts tbody tr td:first-child a"))
        .map(|a| {
            (
                a.text().collect::<String>(),
                a.value().attr("href").unwrap().to_string(),
            )
        })
        .collect();
    let names: Vec<String> = t.contracts.iter().map(|(n, _)| n.clone()).collect();
    assert_eq!(
        links.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>(),
        names,
        "{who}: every contract is listed on the index"
    );
    if !t.contracts.is_empty() {
        let rows = index.select(&sel("table.automap tbody tr")).count();
        assert_eq!(
            rows,
            t.contracts.len(),
            "{who}: one automation-map row per contract"
        );
    }
    let findings = page("findings.html");
    let all = articles(&findings);
    assert_eq!(
        all.len(),
        t.findings.len(),
        "{who}: every finding is on the findings page"
    );
    for ((code, msg, _, witness), (c, m, w)) in t.findings.iter().zip(&all) {
        assert_eq!((code, msg), (c, m), "{who}: findings in `crmc check` order");
        let shown: Option<Value> = w.as_ref().map(|w| serde_json::from_str(w).unwrap());
        assert_eq!(
            &shown, witness,
            "{who}: the witness of {code} is shown as it is"
        );
    }
    for ((name, fields), (_, href)) in t.contracts.iter().zip(&links) {
        let p = page(href);
        assert_eq!(
            texts(&p, "h1 code"),
            vec![name.clone()],
            "{who}: {href} is {name}'s"
        );
        let mut want = fields.clone();
        want.push("*".to_string());
        assert_eq!(
            texts(&p, "table.matrix th[scope=row] code.field"),
            want,
            "{who}: every field line of {name} is in its matrix"
        );
        let here = articles(&p);
        for (code, msg, about, _) in &t.findings {
            if about.as_deref() == Some(name) {
                assert!(
                    here.iter().any(|(c, m, _)| c == code && m == msg),
                    "{who}: {code} `{msg}` is on the page of {name}"
                );
            }
        }
    }
}

fn read_site(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                let rel = p
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

fn parsed(dir: &Path) -> impl Fn(&str) -> Html + '_ {
    move |rel: &str| {
        let text = std::fs::read_to_string(dir.join(rel))
            .unwrap_or_else(|e| panic!("{} in the report: {e}", rel));
        Html::parse_document(&text)
    }
}

#[test]
fn every_example_report_holds_every_contract_field_and_finding() {
    let base = workdir("examples");
    for unit in examples() {
        let name = unit.file_name().unwrap().to_string_lossy().to_string();
        let out = base.join(&name);
        let run = doc(&unit, &out);
        let t = truth(&unit);
        let want = if t.errors { 1 } else { 0 };
        assert_eq!(
            run.status.code(),
            Some(want),
            "{name}: {}",
            text(&run.stderr)
        );
        let from_cli = check_json(&unit);
        let from_lib: Vec<(String, String)> = t
            .findings
            .iter()
            .map(|(c, m, _, _)| (c.clone(), m.clone()))
            .collect();
        assert_eq!(
            from_cli, from_lib,
            "{name}: the findings are `crmc check`'s"
        );
        check_report(&t, &parsed(&out), &name);
        let site = read_site(&out);
        assert!(
            site.contains_key("assets/style.css"),
            "{name}: the stylesheet"
        );
        for (path, bytes) in &site {
            if path.ends_with(".html") {
                let page = String::from_utf8(bytes.clone()).unwrap();
                assert!(!page.contains("<script"), "{name}/{path}: no script");
                assert!(page.contains("assets/style.css"), "{name}/{path}: styled");
            }
        }
    }
}

#[test]
fn the_broken_example_shows_its_findings_beside_their_contracts() {
    let out = workdir("broken");
    let unit = repo().join("examples/broken");
    let run = doc(&unit, &out);
    assert_eq!(run.status.code(), Some(1), "{}", text(&run.stderr));
    let t = truth(&unit);
    let codes: Vec<&str> = t.findings.iter().map(|f| f.0.as_str()).collect();
    for code in ["E0501", "W0503", "W0504", "E0507"] {
        assert!(
            codes.contains(&code),
            "examples/broken shows {code}: {codes:?}"
        );
    }
    // the loop is drawn: its contracts and fields are marked in the graph
    let index = parsed(&out)("index.html");
    let loops = texts(&index, "ul.loops li");
    assert_eq!(loops.len(), 1, "{loops:?}");
    assert!(
        loops[0].starts_with("score_on_segment → Fit_Score__c → segment_on_score"),
        "{loops:?}"
    );
    let svg = std::fs::read_to_string(out.join("automation.svg")).unwrap();
    assert!(svg.contains("#c62828"), "loop steps are drawn red");
    // a rule after one that always holds is not counted as a way to `auto`
    let enrich = parsed(&out)("contracts/enrich_leads.html");
    let unreached = texts(&enrich, ".rule.unreachable code");
    assert_eq!(unreached, vec!["Rating#2".to_string()]);
    let map = texts(
        &index,
        "table.automap tbody tr:first-child td:nth-child(3) div",
    );
    assert_eq!(
        map,
        vec![
            "auto Industry, AnnualRevenue".to_string(),
            "review Rating".to_string(),
            "never every other field".to_string()
        ]
    );
}

#[test]
fn one_automation_never_triggers_itself_in_the_graph() {
    // every contract of follow_up_governance is `ai "followup-assistant"`
    // and starts on a signal or a schedule, which no write is: the picture
    // has writers and fields, no triggers (a record trigger its own writes
    // match would be drawn, as the analyzer's W0514 reports it)
    let out = workdir("one-automation");
    doc(&repo().join("examples/follow_up_governance"), &out);
    let svg = Html::parse_document(&std::fs::read_to_string(out.join("automation.svg")).unwrap());
    let linked: Vec<String> = svg
        .select(&sel("a"))
        .map(|a| a.value().attr("href").unwrap().to_string())
        .collect();
    assert_eq!(
        linked,
        vec![
            "contracts/followup_allowed.html".to_string(),
            "contracts/followup_allowed_tasks.html".to_string()
        ],
        "only the two contracts that can write auto, once each"
    );
    // in examples/broken, other automations' writes do trigger enrich_leads
    let out = workdir("other-automations");
    doc(&repo().join("examples/broken"), &out);
    let svg = std::fs::read_to_string(out.join("automation.svg")).unwrap();
    assert_eq!(
        svg.matches("href=\"contracts/enrich_leads.html\"").count(),
        2,
        "writer and triggered"
    );
}

#[test]
fn a_suppressed_finding_is_shown_as_suppressed_with_its_reason() {
    let dir = workdir("suppressed");
    let unit = dir.join("u.crmc");
    std::fs::write(
        &unit,
        "import \"std/salesforce\"\nimport \"std/suppression\"\n\n// crmc: allow(W0512) the CRM's field history keeps old values\ncontract rate {\n  object Lead\n  actor ai \"x\"\n  trigger on create\n  exclude sf_lead_opted_out\n  fields {\n    Rating: auto\n    *: never\n  }\n  audit record_id, contract, version, trigger, field, old_value, new_value, source, confidence, timestamp, actor\n}\n",
    )
    .unwrap();
    let out = dir.join("report");
    let run = doc(&unit, &out);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    let t = truth(&unit);
    check_report(&t, &parsed(&out), "suppressed");
    let page = parsed(&out)("contracts/rate.html");
    let shown = page
        .select(&sel("article.finding[data-code=W0512] .suppressed"))
        .map(|e| e.text().collect::<String>())
        .collect::<Vec<_>>();
    assert_eq!(
        shown,
        vec!["suppressed: the CRM's field history keeps old values".to_string()]
    );
    let index = parsed(&out)("index.html");
    let counts = texts(&index, "#overview li a");
    assert_eq!(
        counts,
        vec!["1 suppressed".to_string()],
        "suppressed findings are not counted as warnings"
    );
}

#[test]
fn same_input_same_bytes() {
    let base = workdir("determinism");
    let unit = repo().join("examples/follow_up_trigger");
    let (a, b) = (base.join("a"), base.join("b"));
    doc(&unit, &a);
    doc(&unit, &b);
    let (sa, sb) = (read_site(&a), read_site(&b));
    assert!(sa.len() > 4, "{:?}", sa.keys());
    assert_eq!(sa, sb);
    // and rewriting a report in place changes nothing
    doc(&unit, &a);
    assert_eq!(read_site(&a), sb);
}

#[test]
fn names_and_literals_come_out_inert() {
    let out = workdir("escape");
    let unit = repo().join("tests/doc/escape.crmc");
    let run = doc(&unit, &out);
    // the fixture's two contracts loop (E0507): the report is still written
    assert_eq!(run.status.code(), Some(1), "{}", text(&run.stderr));
    let t = truth(&unit);
    check_report(&t, &parsed(&out), "escape");
    let hostile = [
        "<script>alert('status')</script>",
        "<img src=x onerror=alert(1)>",
        "<script>alert('owner')</script>",
        "</pre><b>bold</b>",
        "<iframe src=javascript:alert(2)>",
        "&amp;<svg onload=alert(3)>",
        "<script>alert('role')</script>",
        "<style>body{display:none}</style>",
        "\"><script>alert('q')</script>",
    ];
    let site = read_site(&out);
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    for (path, bytes) in &site {
        let raw = String::from_utf8(bytes.clone()).unwrap();
        for tag in ["<script", "<img", "<iframe", "<style", "<b>", "<svg onload"] {
            assert!(!raw.contains(tag), "{path}: `{tag}` came out as markup");
        }
        if !(path.ends_with(".html") || path.ends_with(".svg")) {
            continue;
        }
        let html = Html::parse_document(&raw);
        for tag in ["script", "img", "iframe", "style", "b"] {
            assert_eq!(
                html.select(&sel(tag)).count(),
                0,
                "{path}: a `{tag}` element"
            );
        }
        let all: String = html.root_element().text().collect();
        for h in hostile {
            if all.contains(h) {
                *seen.entry(h).or_default() += 1;
            }
        }
    }
    for h in hostile {
        assert!(seen.contains_key(h), "`{h}` is shown as text somewhere");
    }
    // the contract page shows the owner, actor, route and metric as text
    let page = parsed(&out)("contracts/injected.html");
    let who: String = page.select(&sel("#who")).next().unwrap().text().collect();
    assert!(who.contains("<script>alert('owner')</script>"), "{who}");
    assert!(who.contains("ai \"<img src=x onerror=alert(1)>\""), "{who}");
    let metrics = texts(&page, "#metrics li");
    assert_eq!(
        metrics,
        vec!["<style>body{display:none}</style> — target 0.8 (80%)".to_string()]
    );
}

#[test]
fn a_unit_with_errors_gets_a_report_of_them() {
    let dir = workdir("errors");
    let unit = dir.join("bad.crmc");
    std::fs::write(
        &unit,
        "import \"std/salesforce\"\n\ncontract c {\n  object Lead\n  actor ai \"x\"\n  trigger on update\n  eligible when Industri == \"Banking\"\n  fields {\n    *: never\n  }\n}\n",
    )
    .unwrap();
    let out = dir.join("report");
    let run = doc(&unit, &out);
    assert_eq!(run.status.code(), Some(1), "{}", text(&run.stderr));
    let t = truth(&unit);
    assert!(t.errors && t.contracts.is_empty());
    check_report(&t, &parsed(&out), "errors");
    let index = parsed(&out)("index.html");
    assert_eq!(index.select(&sel("p.blocked")).count(), 1);
    assert!(
        !out.join("contracts").exists(),
        "no contract pages for a unit that does not check"
    );
    // the unit-level findings are on the index too
    let codes: Vec<String> = articles(&index).into_iter().map(|a| a.0).collect();
    assert_eq!(
        codes,
        t.findings.iter().map(|f| f.0.clone()).collect::<Vec<_>>()
    );
}

#[test]
fn the_output_directory_is_only_ever_the_reports() {
    let dir = workdir("outdir");
    let unit_path = dir.join("u.crmc");
    let unit = |name: &str| {
        format!(
            "import \"std/salesforce\"\n\ncontract {name} {{\n  object Lead\n  actor ai \"x\"\n  mode draft\n  trigger on update\n  fields {{\n    Rating: review\n    *: never\n  }}\n  approval {{\n    review by record.owner within 24h\n  }}\n  audit record_id, contract, version, trigger, field, old_value, new_value, source, confidence, timestamp, actor\n}}\n"
        )
    };
    std::fs::write(&unit_path, unit("first")).unwrap();
    // a directory that is not a report is refused, and left as it was
    let foreign = dir.join("foreign");
    std::fs::create_dir_all(&foreign).unwrap();
    std::fs::write(foreign.join("index.html"), "mine").unwrap();
    let run = doc(&unit_path, &foreign);
    assert_eq!(run.status.code(), Some(2), "{}", text(&run.stderr));
    assert!(
        text(&run.stderr).contains("holds no report"),
        "{}",
        text(&run.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(foreign.join("index.html")).unwrap(),
        "mine"
    );
    assert_eq!(read_site(&foreign).len(), 1);
    // a report is rewritten: a renamed contract's old page goes, other files stay
    let out = dir.join("report");
    assert_eq!(doc(&unit_path, &out).status.code(), Some(0));
    assert!(out.join("contracts/first.html").exists());
    std::fs::write(out.join("notes.txt"), "kept").unwrap();
    std::fs::write(&unit_path, unit("second")).unwrap();
    assert_eq!(doc(&unit_path, &out).status.code(), Some(0));
    assert!(
        !out.join("contracts/first.html").exists(),
        "the stale page is removed"
    );
    assert!(out.join("contracts/second.html").exists());
    assert_eq!(
        std::fs::read_to_string(out.join("notes.txt")).unwrap(),
        "kept"
    );
    // usage: no -o
    let run = crmc(&["doc", unit_path.to_str().unwrap()], &dir);
    assert_eq!(run.status.code(), Some(2));
    // a missing input is an I/O error
    let run = crmc(&["doc", "nowhere.crmc", "-o", "r"], &dir);
    assert_eq!(run.status.code(), Some(2));
}

#[test]
fn contract_pages_of_names_equal_but_for_case_do_not_share_a_file() {
    let dir = workdir("case");
    let unit = dir.join("u.crmc");
    let contract = |name: &str, actor: &str| {
        format!(
            "contract {name} {{\n  object Lead\n  actor ai \"{actor}\"\n  mode draft\n  trigger on update\n  fields {{\n    Rating: review\n    *: never\n  }}\n  approval {{\n    review by record.owner within 24h\n  }}\n  audit record_id, contract, version, trigger, field, old_value, new_value, source, confidence, timestamp, actor\n}}\n"
        )
    };
    std::fs::write(
        &unit,
        format!(
            "import \"std/salesforce\"\n\n{}\n{}",
            contract("Rate", "a"),
            contract("rate", "b")
        ),
    )
    .unwrap();
    let out = dir.join("report");
    let run = doc(&unit, &out);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    let t = truth(&unit);
    check_report(&t, &parsed(&out), "case");
    let pages: Vec<String> = read_site(&out)
        .into_keys()
        .filter(|p| p.starts_with("contracts/"))
        .map(|p| p.to_ascii_lowercase())
        .collect();
    let mut unique = pages.clone();
    unique.dedup();
    assert_eq!(pages.len(), 2);
    assert_eq!(unique.len(), 2, "{pages:?}");
}

// ---------------------------------------------------------------- the browser

fn chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("CRMC_CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    for dir in std::env::split_paths(&path) {
        for name in ["chromium", "chromium-browser", "google-chrome"] {
            let p = dir.join(name);
            if p.is_file() {
                return Some(p);
            }
        }
    }
    None
}

/// Runs headless Chromium with `args` and returns its standard output.
/// A browser that has not finished after two minutes has hung (a guard,
/// not a measurement): it is killed and the test fails.
fn browse(chrome: &Path, profile: &Path, args: &[String]) -> Vec<u8> {
    use std::io::Read;
    use std::process::{Command, Stdio};
    let mut child = Command::new(chrome)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--hide-scrollbars",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-extensions",
            "--disable-background-networking",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromium starts");
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = stdout.read_to_end(&mut buf);
        buf
    });
    let start = std::time::Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "chromium {args:?}: {status}");
            break;
        }
        if start.elapsed() > std::time::Duration::from_secs(120) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium {args:?} did not finish");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    reader.join().unwrap()
}

fn url(path: &Path) -> String {
    format!("file://{}", path.canonicalize().unwrap().display())
}

#[test]
fn headless_chromium_shows_every_contract_field_and_finding() {
    let Some(chrome) = chromium() else {
        if std::env::var_os("CRMC_REQUIRE_CHROMIUM").is_some() {
            panic!("CRMC_REQUIRE_CHROMIUM is set but no chromium is on PATH (or CRMC_CHROMIUM)");
        }
        eprintln!("notice: chromium not found: the browser test of `crmc doc` is skipped (set CRMC_REQUIRE_CHROMIUM to fail instead)");
        return;
    };
    let base = workdir("chromium");
    let units = [
        repo().join("examples/broken"),
        repo().join("examples/follow_up_governance"),
        repo().join("tests/doc/escape.crmc"),
    ];
    for (k, unit) in units.iter().enumerate() {
        let out = base.join(format!("site{k}"));
        doc(unit, &out);
        let profile = base.join(format!("profile{k}"));
        // a screenshot of the overview: a real PNG of the window's size
        let shot = base.join(format!("index{k}.png"));
        browse(
            &chrome,
            &profile,
            &[
                format!("--screenshot={}", shot.display()),
                "--window-size=1280,2000".to_string(),
                url(&out.join("index.html")),
            ],
        );
        let png = std::fs::read(&shot).unwrap();
        assert!(
            png.len() > 1000,
            "{}: a screenshot with content",
            shot.display()
        );
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "a PNG");
        let width = u32::from_be_bytes(png[16..20].try_into().unwrap());
        let height = u32::from_be_bytes(png[20..24].try_into().unwrap());
        assert_eq!((width, height), (1280, 2000));
        // the DOM as the browser built it holds what the report must
        let dom = |rel: &str| {
            let bytes = browse(
                &chrome,
                &profile,
                &["--dump-dom".to_string(), url(&out.join(rel))],
            );
            Html::parse_document(&String::from_utf8(bytes).unwrap())
        };
        let t = truth(unit);
        check_report(&t, &dom, &format!("chromium {}", unit.display()));
    }
}
