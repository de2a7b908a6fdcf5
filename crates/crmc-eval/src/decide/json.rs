//! The decision's JSON (§7), written straight into a byte buffer: byte for
//! byte what serializing [`super::Decision`] with `serde_json` gives, with
//! no intermediate `Value`s and buffers reused between decisions.

use super::{Core, TargetKind};
use crate::eval::recycle;
use crate::mutation::{entries_get, In, J};
use crate::names::ObjNames;
use crate::table::{AuditField, Event, Outcome, Table};

/// `n` in decimal, written at the end of a 20-byte buffer: the digits.
pub(super) fn digits(mut n: u64, buf: &mut [u8; 20]) -> &[u8] {
    let mut i = buf.len();
    loop {
        i -= 1;
        if let Some(d) = buf.get_mut(i) {
            *d = b'0' + (n % 10) as u8;
        }
        n /= 10;
        if n == 0 || i == 0 {
            break;
        }
    }
    buf.get(i..).unwrap_or(&[])
}

/// Writes `s` as a JSON string.
pub(super) fn json_str(out: &mut Vec<u8>, s: &str) {
    // What `serde_json` escapes: control characters, `"` and `\\`.
    if !needs_escape(s.as_bytes()) {
        out.reserve(s.len() + 2);
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
    } else {
        // Writing to a `Vec` cannot fail.
        let _ = serde_json::to_writer(&mut *out, s);
    }
}

/// Whether a string has a byte JSON escapes: a control character, `"` or
/// `\\` (eight bytes at a time).
fn needs_escape(s: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // Whether some byte of `w` is zero / below 0x20 (exact, for n <= 0x80).
    let zero = |w: u64| w.wrapping_sub(ONES) & !w & HIGH != 0;
    let below = |w: u64, n: u64| w.wrapping_sub(ONES * n) & !w & HIGH != 0;
    let mut chunks = s.chunks_exact(8);
    for c in &mut chunks {
        let mut b = [0u8; 8];
        b.copy_from_slice(c);
        let w = u64::from_le_bytes(b);
        if below(w, 0x20)
            || zero(w ^ (ONES * u64::from(b'"')))
            || zero(w ^ (ONES * u64::from(b'\\')))
        {
            return true;
        }
    }
    chunks
        .remainder()
        .iter()
        .any(|&b| b < 0x20 || b == b'"' || b == b'\\')
}

pub(super) fn json_opt_str(out: &mut Vec<u8>, s: Option<&str>) {
    match s {
        Some(s) => json_str(out, s),
        None => out.extend_from_slice(b"null"),
    }
}

pub(super) fn json_u64(out: &mut Vec<u8>, n: u64) {
    let mut buf = [0u8; 20];
    out.extend_from_slice(digits(n, &mut buf));
}

impl Table {
    /// The decision's JSON, written directly: byte for byte what serializing
    /// [`Self::materialize`]'s `Decision` with `serde_json` gives. `names`:
    /// the object's name index, if built; `w`: reused buffers.
    pub(super) fn write_json(
        &self,
        m: &In<'_>,
        core: &Core<'_, '_, '_>,
        names: Option<&ObjNames>,
        w: &mut WriteBufs,
        out: &mut Vec<u8>,
    ) {
        out.push(b'{');
        if let Some(id) = m.id {
            out.extend_from_slice(b"\"id\":");
            id.write(out);
            out.push(b',');
        }
        out.extend_from_slice(b"\"outcome\":\"");
        out.extend_from_slice(core.outcome.as_str().as_bytes());
        out.extend_from_slice(b"\",\"fields\":{");
        let nt = core.targets.len();
        // `fields` is a map by name: sorted, the last target of a name wins.
        let order = &mut w.order;
        order.clear();
        order.extend(0..nt);
        let name = |ti: &usize| core.targets.get(*ti).map_or("", |t| t.name);
        if !order.is_sorted_by(|a, b| name(a) < name(b)) {
            order.sort_by(|a, b| name(a).cmp(name(b)));
        }
        // Where each target's reasons array was written, for the audit.
        let reasons_at = &mut w.reasons_at;
        reasons_at.clear();
        reasons_at.resize(nt, None);
        let buf = &mut w.buf;
        let mut first = true;
        for (i, ti) in order.iter().enumerate() {
            if order.get(i + 1).is_some_and(|n| name(n) == name(ti)) {
                continue;
            }
            if !first {
                out.push(b',');
            }
            first = false;
            json_str(out, name(ti));
            out.extend_from_slice(b":{\"outcome\":\"");
            let outcome = core.decided.get(*ti).map_or(Outcome::Never, |d| d.outcome);
            out.extend_from_slice(outcome.as_str().as_bytes());
            out.extend_from_slice(b"\",\"contract\":");
            json_opt_str(
                out,
                self.deciding_contract(core, *ti).map(|c| self.str(c.name)),
            );
            out.extend_from_slice(b",\"rule\":");
            buf.clear();
            if self.rule_label(core, *ti, buf) {
                json_str(out, buf);
            } else {
                out.extend_from_slice(b"null");
            }
            out.extend_from_slice(b",\"reasons\":");
            let start = out.len();
            self.write_reasons(core, *ti, buf, out);
            if let Some(r) = reasons_at.get_mut(*ti) {
                *r = Some((start, out.len()));
            }
            out.push(b'}');
        }
        // A target whose name a later one shadows shares that one's reasons
        // (its `fields` entry); filled here in one pass over the sorted order
        // so the audit never searches the targets (quadratic in a line of
        // many changes).
        let mut winner = None;
        for (i, ti) in order.iter().enumerate().rev() {
            if order.get(i + 1).is_some_and(|n| name(n) == name(ti)) {
                if let Some(r) = reasons_at.get_mut(*ti) {
                    *r = winner;
                }
            } else {
                winner = reasons_at.get(*ti).copied().flatten();
            }
        }
        out.extend_from_slice(b"},\"approvals\":[");
        for (i, n) in core.approvals.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            out.extend_from_slice(b"{\"level\":");
            json_str(out, n.level);
            out.extend_from_slice(b",\"approver\":");
            match n.approver {
                Some(a) => {
                    w.buf.clear();
                    self.approver_into(a, &mut w.buf);
                    json_str(out, &w.buf);
                }
                None => out.extend_from_slice(b"null"),
            }
            if let Some(w) = n.within {
                out.extend_from_slice(b",\"within_secs\":");
                json_u64(out, w);
            }
            out.extend_from_slice(b",\"contracts\":[");
            for (j, c) in n.contracts.iter().enumerate() {
                if j > 0 {
                    out.push(b',');
                }
                json_str(out, self.str(*c));
            }
            out.extend_from_slice(b"],\"fields\":[");
            for (j, ti) in n.fields.iter().enumerate() {
                if j > 0 {
                    out.push(b',');
                }
                json_str(out, name(ti));
            }
            out.extend_from_slice(b"]}");
        }
        // The current value of each changed field (targets `0..changes.len()`
        // are the changes, in order), for the audit and the rollback.
        let mut olds: Vec<Option<J<'_>>> = recycle(std::mem::take(&mut w.olds));
        olds.extend(m.changes.iter().map(|(k, _)| entries_get(&m.record, k)));
        // What every audit entry of the line says alike.
        w.conf.clear();
        match m.confidence.and_then(serde_json::Number::from_f64) {
            Some(n) => {
                let _ = serde_json::to_writer(&mut w.conf, &n);
            }
            None => w.conf.extend_from_slice(b"null"),
        }
        w.actor.clear();
        w.actor.extend_from_slice(b"{\"kind\":");
        json_str(&mut w.actor, m.kind().as_str());
        w.actor.extend_from_slice(b",\"name\":");
        json_str(&mut w.actor, m.name);
        w.actor.push(b'}');
        out.extend_from_slice(b"],\"audit\":[");
        let mut record_id = None;
        for ti in 0..nt {
            if ti > 0 {
                out.push(b',');
            }
            let a = AuditCtx {
                m,
                names,
                olds: &olds,
                reasons_at: &w.reasons_at,
                conf: &w.conf,
                actor: &w.actor,
            };
            self.write_audit(&a, core, ti, &mut record_id, &mut w.buf, out);
        }
        out.extend_from_slice(b"],\"rollback\":{\"previous\":{");
        // `previous` is a map by name: sorted, the last value of a name wins.
        let mut prev: Vec<(&str, Option<J<'_>>)> = recycle(std::mem::take(&mut w.prev));
        if m.event() == Event::Delete {
            prev.extend(m.record.iter().map(|(k, v)| (*k, Some(*v))));
        }
        prev.extend(m.changes.iter().zip(&olds).map(|((k, _), v)| (*k, *v)));
        if !prev.is_sorted_by(|a, b| a.0 < b.0) {
            prev.sort_by(|a, b| a.0.cmp(b.0));
        }
        let mut first = true;
        for (i, (k, v)) in prev.iter().enumerate() {
            if prev.get(i + 1).is_some_and(|n| n.0 == *k) {
                continue;
            }
            if !first {
                out.push(b',');
            }
            first = false;
            json_str(out, k);
            out.push(b':');
            match v {
                Some(v) => v.write(out),
                None => out.extend_from_slice(b"null"),
            }
        }
        w.prev = recycle(prev);
        w.olds = recycle(olds);
        out.extend_from_slice(b"},\"keep\":");
        json_opt_str(out, core.keep.map(|k| self.str(k)));
        out.extend_from_slice(b",\"notify\":[");
        for (i, a) in core.notify.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            w.buf.clear();
            self.approver_into(*a, &mut w.buf);
            json_str(out, &w.buf);
        }
        out.extend_from_slice(b"]}}");
    }

    fn write_reasons(
        &self,
        core: &Core<'_, '_, '_>,
        ti: usize,
        buf: &mut String,
        out: &mut Vec<u8>,
    ) {
        out.push(b'[');
        let mut first = true;
        self.each_reason(core, ti, buf, &mut |r| {
            if !first {
                out.push(b',');
            }
            first = false;
            json_str(out, r);
        });
        out.push(b']');
    }

    fn write_audit<'m>(
        &self,
        a: &AuditCtx<'_, 'm>,
        core: &Core<'_, '_, '_>,
        ti: usize,
        record_id: &mut Option<Option<J<'m>>>,
        buf: &mut String,
        out: &mut Vec<u8>,
    ) {
        let m = a.m;
        let Some(t) = core.targets.get(ti) else {
            out.extend_from_slice(b"{}");
            return;
        };
        let outcome = core.decided.get(ti).map_or(Outcome::Never, |d| d.outcome);
        let (contract, list) = self.audit_list(core, ti);
        let sensitive = self.is_sensitive(t);
        let is_record = matches!(t.kind, TargetKind::Record);
        let masked = |out: &mut Vec<u8>, v: Option<J<'_>>| match v {
            None => out.extend_from_slice(b"null"),
            Some(v) if v.is_null() => out.extend_from_slice(b"null"),
            Some(_) if sensitive => out.extend_from_slice(b"\"***\""),
            Some(v) => v.write(out),
        };
        out.push(b'{');
        for (i, af) in list.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            out.extend_from_slice(audit_key(af));
            match af {
                AuditField::RecordId => {
                    let id =
                        record_id.get_or_insert_with(|| self.record_id_in(m, core.object, a.names));
                    match id {
                        Some(v) => v.write(out),
                        None => out.extend_from_slice(b"null"),
                    }
                }
                AuditField::Contract => json_opt_str(out, contract.map(|c| self.str(c.name))),
                AuditField::Version => match contract {
                    Some(c) => json_u64(out, u64::from(c.version)),
                    None => out.extend_from_slice(b"null"),
                },
                AuditField::Trigger => match m.cause {
                    Some(c) => json_str(out, &c.to_string()),
                    None => json_str(out, m.event().as_str()),
                },
                AuditField::Field => json_str(out, t.name),
                AuditField::OldValue | AuditField::NewValue if is_record => {
                    out.extend_from_slice(b"null")
                }
                // Targets `0..changes.len()` are the changes, in order.
                AuditField::OldValue => masked(
                    out,
                    match a.olds.get(ti) {
                        Some(v) => *v,
                        None => entries_get(&m.record, t.name),
                    },
                ),
                AuditField::NewValue => masked(
                    out,
                    match m.changes.get(ti) {
                        Some((_, v)) => Some(*v),
                        None => entries_get(&m.changes, t.name),
                    },
                ),
                AuditField::Source => json_opt_str(out, m.source),
                AuditField::Confidence => out.extend_from_slice(a.conf),
                AuditField::Timestamp => json_str(out, m.at_text),
                AuditField::Actor => out.extend_from_slice(a.actor),
                AuditField::Outcome => json_str(out, outcome.as_str()),
                AuditField::Reasons => match a.reasons_at.get(ti).copied().flatten() {
                    Some((start, end)) if end <= out.len() => out.extend_from_within(start..end),
                    _ => self.write_reasons(core, core.field_target(ti), buf, out),
                },
            }
        }
        let mut any = list.iter().next().is_some();
        if self.sampled(core, ti) {
            if any {
                out.push(b',');
            }
            out.extend_from_slice(b"\"sampled\":true");
            any = true;
        }
        if let Some(g) = self.guarded(core, ti) {
            if any {
                out.push(b',');
            }
            out.extend_from_slice(b"\"guardrail\":");
            json_str(out, g);
        }
        out.push(b'}');
    }
}

/// What [`Table::write_audit`] reads besides the decision.
struct AuditCtx<'a, 'm> {
    m: &'a In<'m>,
    names: Option<&'a ObjNames>,
    /// The current value of each change.
    olds: &'a [Option<J<'m>>],
    reasons_at: &'a [Option<(usize, usize)>],
    /// The line's `confidence` and `actor` JSON.
    conf: &'a [u8],
    actor: &'a [u8],
}

/// Buffers [`Table::write_json`] reuses between decisions.
#[derive(Default)]
pub(super) struct WriteBufs {
    order: Vec<usize>,
    reasons_at: Vec<Option<(usize, usize)>>,
    olds: Vec<Option<J<'static>>>,
    prev: Vec<(&'static str, Option<J<'static>>)>,
    buf: String,
    conf: Vec<u8>,
    actor: Vec<u8>,
}

/// An audit field's key, quoted, with its colon.
pub(super) fn audit_key(af: AuditField) -> &'static [u8] {
    match af {
        AuditField::RecordId => b"\"record_id\":",
        AuditField::Contract => b"\"contract\":",
        AuditField::Version => b"\"version\":",
        AuditField::Trigger => b"\"trigger\":",
        AuditField::Field => b"\"field\":",
        AuditField::OldValue => b"\"old_value\":",
        AuditField::NewValue => b"\"new_value\":",
        AuditField::Source => b"\"source\":",
        AuditField::Confidence => b"\"confidence\":",
        AuditField::Timestamp => b"\"timestamp\":",
        AuditField::Actor => b"\"actor\":",
        AuditField::Outcome => b"\"outcome\":",
        AuditField::Reasons => b"\"reasons\":",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_str_writes_what_serde_json_writes() {
        for len in 0..20 {
            for pos in 0..len.max(1) {
                for b in 0u8..=0x7f {
                    let mut bytes = vec![b'a'; len];
                    if let Some(x) = bytes.get_mut(pos) {
                        *x = b;
                    }
                    let s = String::from_utf8(bytes).unwrap();
                    let mut out = Vec::new();
                    json_str(&mut out, &s);
                    assert_eq!(out, serde_json::to_vec(&s).unwrap(), "{s:?}");
                }
            }
        }
        for s in ["é\"x", "ééééééééé\u{1}", "\u{7f}\u{80}\u{ffff}abcdefgh\\"] {
            let mut out = Vec::new();
            json_str(&mut out, s);
            assert_eq!(out, serde_json::to_vec(s).unwrap(), "{s:?}");
        }
    }
}
