//! `decide_stream` holds at most one line of the bounded length, however
//! long a line of its input is (before the bound, `read_until` buffered the
//! whole line). The stream runs in a child process under `ulimit -v`
//! (512 MiB of address space, as in `table_alloc.rs`) on a generated
//! 640 MiB line: buffering the line aborts the child, bounding it does not.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/limited.rs"]
mod limited;
use crmc_eval::builder::{FieldSpec, TableBuilder};
use crmc_eval::table::*;
use std::io::{BufReader, Read};

/// A valid line, then `long` bytes of `x` and a newline, then the valid
/// line again, generated as read (the input itself is never in memory).
struct Input {
    good: Vec<u8>,
    long: usize,
    pos: usize,
}

impl Read for Input {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let g = self.good.len();
        let total = 2 * g + self.long + 1;
        let p = self.pos;
        let n = if p >= total {
            0
        } else if p < g {
            let k = buf.len().min(g - p);
            buf[..k].copy_from_slice(&self.good[p..p + k]);
            k
        } else if p < g + self.long {
            // The long line, in large slices: the reader's pace, not ours.
            let k = buf.len().min(g + self.long - p);
            buf[..k].fill(b'x');
            k
        } else if p == g + self.long {
            buf[0] = b'\n';
            1
        } else {
            let q = p - g - self.long - 1;
            let k = buf.len().min(g - q);
            buf[..k].copy_from_slice(&self.good[q..q + k]);
            k
        };
        self.pos += n;
        Ok(n)
    }
}

const CHILD: &str = "CRMC_STREAM_MEMORY_CHILD";
const LONG: usize = 640 << 20;

#[test]
fn a_640_mib_line_is_never_held_in_memory() {
    if std::env::var_os(CHILD).is_none() {
        let out = limited::rerun_under_memory_limit(
            "a_640_mib_line_is_never_held_in_memory",
            524288,
            CHILD,
        );
        assert!(
            out.status.success(),
            "decide_stream exceeded 512 MiB on a 640 MiB line: {:?}\n{}{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        return;
    }
    let mut b = TableBuilder::new("mem");
    let lead = b.object("Lead", &[FieldSpec::new("Industry", TypeTag::Picklist)]);
    let industry = b.field(lead, "Industry").unwrap();
    let name = b.intern("enrich");
    b.contract(ContractRow {
        name,
        version: 1,
        object: lead,
        actor_kind: ActorKind::Ai,
        actor_name: None,
        mode: Mode::ConditionalWrite,
        triggers: vec![Trigger::Update(None)],
        eligible: None,
        exclusions: vec![],
        auto_at: None,
        review_at: None,
        field_rules: vec![FieldRules {
            field: industry,
            rules: vec![RuleRow {
                outcome: Outcome::Auto,
                route: None,
                when: None,
                position: 1,
            }],
        }],
        star: None,
        review_route: None,
        escalate_route: None,
        require: vec![],
        audit: None,
        rollback: None,
        sample: Default::default(),
    });
    let t = b.finish().unwrap();
    let good = br#"{"object":"Lead","event":"update","actor":{"kind":"ai","name":"a"},"at":"2026-11-21T10:00:00Z","record":{},"changes":{"Industry":"Banking"}}
"#
    .to_vec();
    let input = BufReader::with_capacity(
        1 << 16,
        Input {
            good,
            long: LONG,
            pos: 0,
        },
    );
    let mut out = Vec::with_capacity(1 << 12);
    let stats = crmc_eval::decide_stream(&t, input, &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(stats.lines, 3);
    assert_eq!(lines.len(), 3, "{text}");
    assert!(lines[0].starts_with(r#"{"outcome":"auto""#), "{}", lines[0]);
    let too_long = format!("line too long: {LONG} bytes");
    assert!(lines[1].contains(&too_long), "{}", lines[1]);
    assert_eq!(lines[2], lines[0]);
}
