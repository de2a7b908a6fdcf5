//! The printer: walks the tree, writes canonical lines, and re-inserts the
//! comments (kept on the side by the parser) before the node that follows
//! them, or at the end of the line they ended.

use super::exprs::{approver, chain, expr, literal, string};
use crate::span::Span;
use crate::syntax::ast::*;

/// Lines longer than this are broken where the language allows.
const WIDTH: usize = 100;
const INDENT: &str = "  ";

pub fn print_file(file: &File, text: &str) -> String {
    let mut p = Printer {
        text,
        comments: &file.comments,
        next_comment: 0,
        out: String::new(),
        depth: 0,
    };
    let mut prev: Option<&Item> = None;
    for item in &file.items {
        if let Some(prev) = prev {
            let both_imports = matches!((prev, item), (Item::Import(_), Item::Import(_)));
            if !both_imports || p.blank_between(prev.span().end, item.span().start) {
                p.out.push('\n');
            }
        }
        p.leading(item.span().start);
        p.item(item);
        p.trailing(item.span().end);
        prev = Some(item);
    }
    p.leading(u32::MAX);
    p.out
}

struct Printer<'a> {
    text: &'a str,
    comments: &'a [Comment],
    next_comment: usize,
    out: String,
    depth: usize,
}

impl Printer<'_> {
    fn indent(&self) -> String {
        INDENT.repeat(self.depth)
    }

    fn line(&mut self, s: &str) {
        let indent = self.indent();
        self.out.push_str(&indent);
        self.out.push_str(s);
        self.out.push('\n');
    }

    /// Writes, on lines of their own, the comments that start before `pos`.
    fn leading(&mut self, pos: u32) {
        while let Some(c) = self.comments.get(self.next_comment) {
            if c.span.start >= pos {
                break;
            }
            let line = format!("//{}", c.text.trim_end());
            self.line(&line);
            self.next_comment += 1;
            // Keep the author's blank line between a comment and what follows.
            let next = self
                .comments
                .get(self.next_comment)
                .map_or(pos, |n| n.span.start.min(pos));
            if pos != u32::MAX && self.blank_between(c.span.end, next) {
                self.out.push('\n');
            }
        }
    }

    /// Appends the comment that follows `end` on the same source line.
    fn trailing(&mut self, end: u32) {
        if let Some(c) = self.comments.get(self.next_comment) {
            let between = self
                .text
                .get(end as usize..c.span.start as usize)
                .unwrap_or("\n");
            if c.span.start >= end && !between.contains('\n') && self.out.ends_with('\n') {
                self.out.pop();
                self.out.push_str(&format!(" //{}\n", c.text.trim_end()));
                self.next_comment += 1;
            }
        }
    }

    /// Whether the author left a blank line between two positions.
    fn blank_between(&self, from: u32, to: u32) -> bool {
        let Some(gap) = self.text.get(from as usize..to as usize) else {
            return false;
        };
        let mut lines = gap.split('\n');
        lines.next();
        let mut middle: Vec<&str> = lines.collect();
        middle.pop();
        middle.iter().any(|l| l.trim().is_empty())
    }

    /// Prints `children` inside `{ }`, keeping comments and blank lines.
    fn block<T>(
        &mut self,
        header: &str,
        children: &[T],
        span: Span,
        spans: impl Fn(&T) -> Span,
        mut each: impl FnMut(&mut Self, &T),
    ) {
        self.line(&format!("{header} {{"));
        self.depth += 1;
        let mut prev_end: Option<u32> = None;
        for child in children {
            let s = spans(child);
            if prev_end.is_some_and(|e| self.blank_between(e, s.start)) {
                self.out.push('\n');
            }
            self.leading(s.start);
            each(self, child);
            self.trailing(s.end);
            prev_end = Some(s.end);
        }
        self.leading(span.end.saturating_sub(1));
        self.depth -= 1;
        self.line("}");
    }

    fn item(&mut self, item: &Item) {
        match item {
            Item::Import(i) => self.line(&format!("import {}", string(&i.path.value))),
            Item::Schema(s) => self.block(
                &format!("schema {}", s.name.name),
                &s.objects,
                s.span,
                |o| o.span,
                |p, o| p.object(o),
            ),
            Item::Object(o) => self.object(o),
            Item::Exclusion(e) => {
                let head = format!("exclusion {} on {} when", e.name.name, e.object.name);
                self.condition_line(&head, &e.when);
            }
            Item::Guardrail(g) => self.guardrail(g),
            Item::Contract(c) => self.contract(c),
            Item::Test(t) => self.test(t),
        }
    }

    fn guardrail(&mut self, g: &GuardrailDecl) {
        self.block(
            &format!("guardrail {}", g.name.name),
            &g.items,
            g.span,
            |i| i.span,
            |p, i| p.guard_item(i),
        );
    }

    fn guard_item(&mut self, item: &GuardItem) {
        match &item.kind {
            GuardItemKind::Object(o) => self.line(&format!("object {}", o.name)),
            GuardItemKind::Actor(a) => self.line(&format!(
                "actor {} {}",
                a.kind.node.as_str(),
                string(&a.name.value)
            )),
            GuardItemKind::When(e) => self.condition_line("when", e),
            GuardItemKind::Reason(r) => self.line(&format!("reason {}", string(&r.value))),
            GuardItemKind::Fields(floors) => {
                let w = floors
                    .iter()
                    .map(|f| target_text(&f.target).len() + 1)
                    .max()
                    .unwrap_or(0);
                self.block(
                    "fields",
                    floors,
                    item.span,
                    |f| f.span,
                    |p, f| {
                        let name = format!("{}:", target_text(&f.target));
                        let at = if f.at_least { "at least " } else { "" };
                        p.line(&format!("{name:<w$} {at}{}", f.outcome.node.as_str()));
                    },
                );
            }
        }
    }

    fn object(&mut self, o: &ObjectDecl) {
        let header = format!(
            "{}object {}",
            if o.extend { "extend " } else { "" },
            o.name.name
        );
        let name_w = o
            .fields
            .iter()
            .map(|f| f.name.name.len() + 1)
            .max()
            .unwrap_or(0);
        let type_w = o
            .fields
            .iter()
            .filter(|f| !f.attrs.is_empty())
            .map(|f| type_text(&f.ty).len())
            .max()
            .unwrap_or(0);
        self.block(
            &header,
            &o.fields,
            o.span,
            |f| f.span,
            |p, f| {
                let name = format!("{:<name_w$} ", format!("{}:", f.name.name));
                let attrs: Vec<&str> = f.attrs.iter().map(|a| attr_text(a.node)).collect();
                let ty = type_text(&f.ty);
                let one = if attrs.is_empty() {
                    format!("{name}{ty}")
                } else {
                    format!("{name}{ty:<type_w$} {}", attrs.join(" "))
                };
                if p.indent().len() + one.len() <= WIDTH {
                    p.line(one.trim_end());
                } else {
                    p.wrapped_type(&name, &f.ty, &attrs);
                }
            },
        );
    }

    /// A long picklist, its values filled up to the width.
    fn wrapped_type(&mut self, name: &str, ty: &TypeExpr, attrs: &[&str]) {
        let (head, values) = match &ty.kind {
            TypeKind::Picklist(v) => ("picklist(", v),
            TypeKind::Multipicklist(v) => ("multipicklist(", v),
            _ => {
                let line = format!("{name}{} {}", type_text(ty), attrs.join(" "));
                self.line(line.trim_end());
                return;
            }
        };
        let items: Vec<String> = values.iter().map(|v| string(&v.value)).collect();
        let prefix = format!("{name}{head}");
        let tail = if attrs.is_empty() {
            ")".to_string()
        } else {
            format!(") {}", attrs.join(" "))
        };
        self.fill(&prefix, &items, ", ", &tail);
    }

    /// Prints `prefix item, item, ...tail`, wrapping lines under the first item.
    fn fill(&mut self, prefix: &str, items: &[String], sep: &str, tail: &str) {
        let pad = " ".repeat(prefix.chars().count());
        let mut current = prefix.to_string();
        let mut first_on_line = true;
        for (i, item) in items.iter().enumerate() {
            let last = i + 1 == items.len();
            let piece = if last {
                format!("{item}{tail}")
            } else {
                format!("{item}{}", sep.trim_end())
            };
            if !first_on_line && self.indent().len() + current.len() + 1 + piece.len() > WIDTH {
                self.line(current.trim_end());
                current = pad.clone();
                first_on_line = true;
            }
            if !first_on_line {
                current.push(' ');
            }
            current.push_str(&piece);
            first_on_line = false;
        }
        if items.is_empty() {
            current.push_str(tail);
        }
        self.line(current.trim_end());
    }

    /// `head COND`, breaking a long top-level `and`/`or` chain with the
    /// operators right-aligned under the last word of `head`.
    fn condition_line(&mut self, head: &str, cond: &Expr) {
        let one = format!("{head} {}", expr(cond));
        let (parts, op) = chain(cond);
        let Some(op) = op.filter(|_| self.indent().len() + one.len() > WIDTH) else {
            self.line(&one);
            return;
        };
        self.line(&format!("{head} {}", expr(parts[0])));
        let pad = " ".repeat((head.chars().count()).saturating_sub(op.len()));
        for part in &parts[1..] {
            self.line(&format!("{pad}{op} {}", expr(part)));
        }
    }

    fn contract(&mut self, c: &Contract) {
        let mut header = format!("contract {}", c.name.name);
        if let Some(v) = &c.header_version {
            header.push_str(&format!(" version {}", v.node));
        }
        self.block(
            &header,
            &c.clauses,
            c.span,
            |cl| cl.span,
            |p, cl| p.clause(cl),
        );
    }

    fn clause(&mut self, clause: &Clause) {
        match &clause.kind {
            ClauseKind::Object(o) => self.line(&format!("object {}", o.name)),
            ClauseKind::Actor(a) => self.line(&format!(
                "actor {} {}",
                a.kind.node.as_str(),
                string(&a.name.value)
            )),
            ClauseKind::Owner(o) => self.line(&format!("owner {}", string(&o.value))),
            ClauseKind::Mode(m) => self.line(&format!("mode {}", m.node.as_str())),
            ClauseKind::Version(v) => self.line(&format!("version {}", v.node)),
            ClauseKind::Trigger(events) => {
                let list: Vec<String> = events.iter().map(trigger_text).collect();
                self.line(&format!("trigger on {}", list.join(", ")));
            }
            ClauseKind::Eligible(e) => self.condition_line("eligible when", e),
            ClauseKind::Exclude(ExcludeTarget::Named(n)) => {
                self.line(&format!("exclude {}", n.name))
            }
            ClauseKind::Exclude(ExcludeTarget::When(e)) => self.condition_line("exclude when", e),
            ClauseKind::Confidence(ts) => {
                let w = ts
                    .iter()
                    .map(|t| t.level.node.as_str().len())
                    .max()
                    .unwrap_or(0);
                self.block(
                    "confidence",
                    ts,
                    clause.span,
                    |t| t.span,
                    |p, t| {
                        p.line(&format!(
                            "{:<w$} at least {}",
                            t.level.node.as_str(),
                            literal(&t.value)
                        ));
                    },
                );
            }
            ClauseKind::Fields(lines) => {
                let w = lines
                    .iter()
                    .map(|l| target_text(&l.target).len() + 1)
                    .max()
                    .unwrap_or(0);
                self.block(
                    "fields",
                    lines,
                    clause.span,
                    |l| l.span,
                    |p, l| p.field_rules(l, w),
                );
            }
            ClauseKind::Approval(items) => {
                let w = items
                    .iter()
                    .map(|i| approval_word(i).len())
                    .max()
                    .unwrap_or(0);
                self.block("approval", items, clause.span, approval_span, |p, i| {
                    p.approval(i, w)
                });
            }
            ClauseKind::Audit(names) => {
                let items: Vec<String> = names.iter().map(|n| n.name.clone()).collect();
                self.fill("audit ", &items, ", ", "");
            }
            ClauseKind::Rollback(items) => {
                self.block(
                    "rollback",
                    items,
                    clause.span,
                    rollback_span,
                    |p, i| match i {
                        RollbackItem::Keep { for_, .. } => {
                            p.line(&format!("keep previous values for {}", for_.node))
                        }
                        RollbackItem::Notify { who, .. } => {
                            p.line(&format!("notify {}", approver(who)))
                        }
                    },
                );
            }
            ClauseKind::Metric { name, target } => self.line(&format!(
                "metric {} target {}",
                string(&name.value),
                literal(target)
            )),
            ClauseKind::Sample {
                rate,
                fields,
                outcome,
            } => {
                let tail = format!(" for {}", outcome.node.as_str());
                if fields.is_empty() {
                    self.line(&format!("sample {}{tail}", literal(rate)));
                } else {
                    let names: Vec<String> = fields.iter().map(|f| f.name.clone()).collect();
                    self.fill(
                        &format!("sample {} of ", literal(rate)),
                        &names,
                        ", ",
                        &tail,
                    );
                }
            }
        }
    }

    fn field_rules(&mut self, l: &FieldRules, width: usize) {
        let name = format!("{:<width$} ", format!("{}:", target_text(&l.target)));
        let rules: Vec<String> = l.rules.iter().map(rule_text).collect();
        let one = format!("{name}{}", rules.join(", "));
        if self.indent().len() + one.len() <= WIDTH || rules.len() < 2 {
            self.line(&one);
            return;
        }
        let pad = " ".repeat(name.len());
        for (i, r) in rules.iter().enumerate() {
            let lead = if i == 0 { &name } else { &pad };
            let comma = if i + 1 < rules.len() { "," } else { "" };
            self.line(&format!("{lead}{r}{comma}"));
        }
    }

    fn approval(&mut self, item: &ApprovalItem, width: usize) {
        let word = approval_word(item);
        match item {
            ApprovalItem::Route {
                approver: a,
                within,
                ..
            } => {
                let mut s = format!("{word:<width$} by {}", approver(a));
                if let Some(w) = within {
                    s.push_str(&format!(" within {}", w.node));
                }
                self.line(&s);
            }
            ApprovalItem::Require {
                approver: a, when, ..
            } => {
                let head = format!("{word:<width$} {}", approver(a));
                match when {
                    Some(e) => self.condition_line(&format!("{head} when"), e),
                    None => self.line(&head),
                }
            }
        }
    }

    fn test(&mut self, t: &TestBlock) {
        let header = format!("test {}", string(&t.name.value));
        self.block(&header, &t.items, t.span, |i| i.span, |p, i| p.test_item(i));
    }

    fn test_item(&mut self, item: &TestItem) {
        match &item.kind {
            TestItemKind::Actor(a) => self.line(&format!(
                "actor {} {}",
                a.kind.node.as_str(),
                string(&a.name.value)
            )),
            TestItemKind::Event(e) => self.line(&format!("event {}", e.name)),
            TestItemKind::Trigger(t) => self.line(&format!("trigger {}", trigger_text(t))),
            TestItemKind::Confidence(c) => self.line(&format!("confidence {}", literal(c))),
            TestItemKind::Source(s) => self.line(&format!("source {}", string(&s.value))),
            TestItemKind::At(s) => self.line(&format!("at {}", string(&s.value))),
            TestItemKind::Record { object, values } => self.values("record", &object.name, values),
            TestItemKind::Parent { object, values } => self.values("parent", &object.name, values),
            TestItemKind::Change { field, value } => {
                self.line(&format!("change {} to {}", field.name, literal(value)))
            }
            TestItemKind::History { field, write } => match write {
                None => self.line(&format!("history {} never", field.name)),
                Some(w) => {
                    let mut s = format!(
                        "history {} by {} {}",
                        field.name,
                        w.actor.kind.node.as_str(),
                        string(&w.actor.name.value)
                    );
                    if let Some(at) = &w.at {
                        s.push_str(&format!(" at {}", string(&at.value)));
                    }
                    if let Some(src) = &w.source {
                        s.push_str(&format!(" source {}", string(&src.value)));
                    }
                    self.line(&s)
                }
            },
            TestItemKind::Expect { field, outcome } => match field {
                Some(f) => self.line(&format!("expect {} {}", f.name, outcome.node.as_str())),
                None => self.line(&format!("expect {}", outcome.node.as_str())),
            },
        }
    }

    /// `record Lead { A: 1, B: 2 }` on one line if it fits, else one value a line.
    fn values(&mut self, keyword: &str, object: &str, values: &[(Ident, Literal)]) {
        let pairs: Vec<String> = values
            .iter()
            .map(|(k, v)| format!("{}: {}", k.name, literal(v)))
            .collect();
        let one = if pairs.is_empty() {
            format!("{keyword} {object} {{}}")
        } else {
            format!("{keyword} {object} {{ {} }}", pairs.join(", "))
        };
        if self.indent().len() + one.len() <= WIDTH {
            self.line(&one);
            return;
        }
        self.line(&format!("{keyword} {object} {{"));
        self.depth += 1;
        for (i, pair) in pairs.iter().enumerate() {
            let comma = if i + 1 < pairs.len() { "," } else { "" };
            self.line(&format!("{pair}{comma}"));
        }
        self.depth -= 1;
        self.line("}");
    }
}

fn type_text(ty: &TypeExpr) -> String {
    let list = |vals: &[StrLit]| {
        vals.iter()
            .map(|v| string(&v.value))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match &ty.kind {
        TypeKind::Id => "id".into(),
        TypeKind::String => "string".into(),
        TypeKind::Email => "email".into(),
        TypeKind::Phone => "phone".into(),
        TypeKind::Url => "url".into(),
        TypeKind::Bool => "bool".into(),
        TypeKind::Int => "int".into(),
        TypeKind::Number => "number".into(),
        TypeKind::Currency => "currency".into(),
        TypeKind::Percent(None) => "percent".into(),
        TypeKind::Percent(Some(scale)) => format!("percent({})", scale.text()),
        TypeKind::Date => "date".into(),
        TypeKind::Datetime => "datetime".into(),
        TypeKind::Picklist(v) => format!("picklist({})", list(v)),
        TypeKind::Multipicklist(v) => format!("multipicklist({})", list(v)),
        TypeKind::Ref(targets) => {
            format!(
                "ref({})",
                targets
                    .iter()
                    .map(|t| t.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }
        TypeKind::Unknown(i) => i.name.clone(),
    }
}

fn attr_text(a: FieldAttr) -> &'static str {
    match a {
        FieldAttr::Readonly => "readonly",
        FieldAttr::Protected => "protected",
        FieldAttr::Sensitive => "sensitive",
    }
}

fn trigger_text(t: &TriggerEvent) -> String {
    let of = |o: &Option<crate::syntax::ast::Ident>| match o {
        Some(o) => format!(" of {}", o.name),
        None => String::new(),
    };
    match t {
        TriggerEvent::Create { of: o, .. } => format!("create{}", of(o)),
        TriggerEvent::Delete { of: o, .. } => format!("delete{}", of(o)),
        TriggerEvent::Update { fields, of: o, .. } => {
            let list = fields.as_ref().map_or(String::new(), |f| {
                format!(
                    "({})",
                    f.iter()
                        .map(|i| i.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            });
            format!("update{list}{}", of(o))
        }
        TriggerEvent::Signal { name, .. } => format!("signal {}", string(&name.value)),
        TriggerEvent::Schedule { name: None, .. } => "schedule".into(),
        TriggerEvent::Schedule { name: Some(n), .. } => format!("schedule {}", string(&n.value)),
    }
}

fn target_text(t: &FieldTarget) -> &str {
    match t {
        FieldTarget::Field(i) => &i.name,
        FieldTarget::Star(_) => "*",
    }
}

fn rule_text(r: &Rule) -> String {
    let mut s = r.outcome.node.as_str().to_string();
    if let Some(a) = &r.route {
        let word = if r.outcome.node == Outcome::Escalate {
            "to"
        } else {
            "by"
        };
        s.push_str(&format!(" {word} {}", approver(a)));
    }
    if let Some(w) = &r.when {
        s.push_str(&format!(" when {}", expr(w)));
    }
    s
}

fn approval_word(i: &ApprovalItem) -> &'static str {
    match i {
        ApprovalItem::Route { level, .. } => level.node.as_str(),
        ApprovalItem::Require { .. } => "require",
    }
}

fn approval_span(i: &ApprovalItem) -> Span {
    match i {
        ApprovalItem::Route { span, .. } | ApprovalItem::Require { span, .. } => *span,
    }
}

fn rollback_span(i: &RollbackItem) -> Span {
    match i {
        RollbackItem::Keep { span, .. } | RollbackItem::Notify { span, .. } => *span,
    }
}
