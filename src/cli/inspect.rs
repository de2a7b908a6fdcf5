//! `crmc inspect`: what a decision table holds.

use super::{eval::load_table, fail_usage};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct InspectArgs {
    /// The decision table written by `crmc build`
    pub table: PathBuf,
}

pub fn run(args: InspectArgs) -> ExitCode {
    let table = match load_table(&args.table) {
        Ok(t) => t,
        Err(e) => return fail_usage(e),
    };
    let size = std::fs::metadata(&args.table).map(|m| m.len()).unwrap_or(0);
    let rules: usize = table
        .contracts
        .iter()
        .map(|c| {
            c.field_rules.iter().map(|f| f.rules.len()).sum::<usize>()
                + c.star.as_ref().map_or(0, Vec::len)
        })
        .sum();
    outln!("table        {}", args.table.display());
    outln!(
        "format       {} (built by crmc {})",
        crmc_eval::codec::FORMAT_VERSION,
        table.compiler_version
    );
    outln!(
        "size         {size} bytes ({} per field rule)",
        (size as usize).checked_div(rules).unwrap_or(0)
    );
    outln!("objects      {}", table.objects.len());
    outln!("fields       {}", table.fields.len());
    outln!("contracts    {}", table.contracts.len());
    outln!("guardrails   {}", table.guardrails.len());
    outln!("field rules  {rules}");
    outln!(
        "conditions   {} ops, {} value sets, {} strings",
        table.ops.len(),
        table.sets.len(),
        table.strings.len()
    );
    let object =
        |o: crmc_eval::table::ObjectIx| table.object(o).map(|o| table.str(o.name)).unwrap_or("?");
    let actor = |kind: crmc_eval::table::ActorKind, name: Option<crmc_eval::table::StrId>| {
        format!(
            "{} {}",
            kind.as_str(),
            name.map(|n| table.str(n)).unwrap_or("*")
        )
    };
    let row = |a: &str, b: &str, c: &str, d: &str, e: &str| {
        outln!("{a:<40} {b:>7}  {c:<14} {d:<28} {e:>6}");
    };
    if !table.contracts.is_empty() {
        outln!();
        row("contract", "version", "object", "actor", "rules");
        for c in &table.contracts {
            let n = c.field_rules.iter().map(|f| f.rules.len()).sum::<usize>()
                + c.star.as_ref().map_or(0, Vec::len);
            row(
                table.str(c.name),
                &c.version.to_string(),
                object(c.object),
                &actor(c.actor_kind, c.actor_name),
                &n.to_string(),
            );
        }
    }
    if !table.guardrails.is_empty() {
        outln!();
        row("guardrail", "", "object", "actor", "floors");
        for g in &table.guardrails {
            let floors = g.floors.len() + usize::from(g.star.is_some());
            row(
                table.str(g.name),
                "",
                object(g.object),
                &actor(g.actor_kind, g.actor_name),
                &floors.to_string(),
            );
        }
    }
    ExitCode::SUCCESS
}
