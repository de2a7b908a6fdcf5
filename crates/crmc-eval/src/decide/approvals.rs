//! Step 6 of §5.3, approvals: one need per (level, approver) for the
//! targets decided `review` or `escalate`, listing their fields and
//! contracts. The route is the deciding rule's own `by/to` when that rule's
//! outcome is the final one, else the contract's route for the level; the
//! `require` entries of every applicable contract that itself asked for
//! an approval of the field, when their condition is true or unknown.

use super::{Core, Need};
use crate::eval::Tv;
use crate::table::{Approver, Outcome, StrId, Table};

fn needs(o: Outcome) -> bool {
    matches!(o, Outcome::Review | Outcome::Escalate)
}

impl Table {
    pub(super) fn approver_eq(&self, a: Option<Approver>, b: Option<Approver>) -> bool {
        match (a, b) {
            (None, None) => true,
            (Some(Approver::RecordOwner), Some(Approver::RecordOwner)) => true,
            (Some(Approver::Role(x)), Some(Approver::Role(y)))
            | (Some(Approver::User(x)), Some(Approver::User(y)))
            | (Some(Approver::Queue(x)), Some(Approver::Queue(y))) => self.str(x) == self.str(y),
            _ => false,
        }
    }

    /// Appends an approver as a decision names it (`record.owner`,
    /// `role:NAME`, `user:NAME`, `queue:NAME`).
    pub(super) fn approver_into(&self, a: Approver, out: &mut String) {
        let (prefix, name) = match a {
            Approver::RecordOwner => return out.push_str("record.owner"),
            Approver::Role(s) => ("role:", s),
            Approver::User(s) => ("user:", s),
            Approver::Queue(s) => ("queue:", s),
        };
        out.push_str(prefix);
        out.push_str(self.str(name));
    }

    /// `out`: an empty vector to fill; `spare`: needs to reuse.
    pub(super) fn approvals(
        &self,
        core: &Core<'_, '_, '_>,
        stack: &mut Vec<Tv>,
        out: &mut Vec<Need>,
        spare: &mut Vec<Need>,
    ) {
        let mut add =
            |level: &'static str,
             approver: Option<Approver>,
             within: Option<u64>,
             c: StrId,
             ti: usize| {
                let cname = self.str(c);
                let tname = core.targets.get(ti).map_or("", |t| t.name);
                match out
                    .iter_mut()
                    .find(|n| n.level == level && self.approver_eq(n.approver, approver))
                {
                    Some(n) => {
                        n.within = match (n.within, within) {
                            (Some(a), Some(b)) => Some(a.min(b)),
                            (a, b) => a.or(b),
                        };
                        if !n.contracts.iter().any(|x| *x == c || self.str(*x) == cname) {
                            n.contracts.push(c);
                        }
                        if !n.fields.iter().any(|x| {
                            *x == ti || core.targets.get(*x).is_some_and(|t| t.name == tname)
                        }) {
                            n.fields.push(ti);
                        }
                    }
                    None => {
                        let mut n = spare.pop().unwrap_or(Need {
                            level,
                            approver,
                            within,
                            contracts: Vec::new(),
                            fields: Vec::new(),
                        });
                        n.level = level;
                        n.approver = approver;
                        n.within = within;
                        n.contracts.clear();
                        n.contracts.push(c);
                        n.fields.clear();
                        n.fields.push(ti);
                        out.push(n);
                    }
                }
            };
        for (ti, d) in core.decided.iter().enumerate() {
            let outcome = d.outcome;
            if !needs(outcome) {
                continue;
            }
            let Some(ai) = d.by else { continue };
            let Some(a) = core.apps.get(ai) else {
                continue;
            };
            let c = a.c;
            let v = core.verdict(ai, ti);
            let rule_route = v
                .filter(|v| v.rule_outcome == outcome)
                .and_then(|v| v.route);
            let route = match outcome {
                Outcome::Review => c.review_route.as_ref(),
                _ => c.escalate_route.as_ref(),
            };
            let (approver, within) = match (rule_route, route) {
                (Some(r), _) => (Some(r), route.and_then(|r| r.within)),
                (None, Some(r)) => (Some(r.approver), r.within),
                (None, None) => (None, None),
            };
            add(outcome.as_str(), approver, within, c.name, ti);
            // `require` clauses of every applicable contract that itself
            // asked for an approval of this field; unknown counts as holding.
            for (aj, a) in core.apps.iter().enumerate() {
                if !core.verdict(aj, ti).is_some_and(|v| needs(v.outcome)) {
                    continue;
                }
                for req in &a.c.require {
                    if req
                        .when
                        .is_none_or(|w| core.ctx.eval(w, stack) != Tv::False)
                    {
                        add("require", Some(req.approver), None, a.c.name, ti);
                    }
                }
            }
        }
    }
}
