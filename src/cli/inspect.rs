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
    if !table.contracts.is_empty() {
        outln!();
        outln!(
            "{:<40} {:>7}  {:<14} {:<28} {:>6}",
            "contract",
            "version",
            "object",
            "actor",
            "rules"
        );
        for c in &table.contracts {
            let object = table
                .object(c.object)
                .map(|o| table.str(o.name))
                .unwrap_or("?");
            let actor = format!(
                "{} {}",
                c.actor_kind.as_str(),
                c.actor_name.map(|n| table.str(n)).unwrap_or("*")
            );
            let n = c.field_rules.iter().map(|f| f.rules.len()).sum::<usize>()
                + c.star.as_ref().map_or(0, Vec::len);
            outln!(
                "{:<40} {:>7}  {:<14} {:<28} {:>6}",
                table.str(c.name),
                c.version,
                object,
                actor,
                n
            );
        }
    }
    if !table.guardrails.is_empty() {
        outln!();
        outln!(
            "{:<40} {:>7}  {:<14} {:<28} {:>6}",
            "guardrail",
            "",
            "object",
            "actor",
            "floors"
        );
        for g in &table.guardrails {
            let object = table
                .object(g.object)
                .map(|o| table.str(o.name))
                .unwrap_or("?");
            let actor = format!(
                "{} {}",
                g.actor_kind.as_str(),
                g.actor_name.map(|n| table.str(n)).unwrap_or("*")
            );
            let floors = g.floors.len() + usize::from(g.star.is_some());
            outln!(
                "{:<40} {:>7}  {:<14} {:<28} {:>6}",
                table.str(g.name),
                "",
                object,
                actor,
                floors
            );
        }
    }
    ExitCode::SUCCESS
}
