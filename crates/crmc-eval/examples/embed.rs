//! Embedding the evaluator: load a compiled table, decide a proposed write.
//!
//! ```text
//! crmc build contracts/ -o acme.crmct
//! cargo run -p crmc-eval --example embed -- acme.crmct mutation.json
//! ```
//!
//! Without arguments it builds a tiny table in memory, so the example runs
//! on its own.

use crmc_eval::builder::{FieldSpec, TableBuilder};
use crmc_eval::table::*;
use crmc_eval::{Mutation, Table};

fn demo_table() -> Result<Vec<u8>, Box<dyn std::error::Error>> {
    let mut b = TableBuilder::new("example");
    let lead = b.object(
        "Lead",
        &[
            FieldSpec::new("Id", TypeTag::Id),
            FieldSpec::new("Industry", TypeTag::Picklist),
        ],
    );
    let industry = b.field(lead, "Industry").ok_or("no Industry")?;
    let empty = b.cond(vec![Op::Atom(Subject::Field(industry), Test::IsEmpty)]);
    let name = b.intern("inbound_lead_enrichment");
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
        auto_at: Some(0.9),
        review_at: Some(0.6),
        field_rules: vec![FieldRules {
            field: industry,
            rules: vec![
                RuleRow {
                    outcome: Outcome::Auto,
                    route: None,
                    when: Some(empty),
                    position: 1,
                },
                RuleRow {
                    outcome: Outcome::Review,
                    route: None,
                    when: None,
                    position: 2,
                },
            ],
        }],
        star: None,
        review_route: Some(Route {
            approver: Approver::RecordOwner,
            within: Some(86_400),
        }),
        escalate_route: None,
        require: vec![],
        audit: Some(vec![
            AuditField::RecordId,
            AuditField::Field,
            AuditField::NewValue,
        ]),
        rollback: None,
        sample: Default::default(),
    });
    Ok(b.finish()?.to_bytes())
}

const DEMO: &str = r#"{"object":"Lead","event":"update","actor":{"kind":"ai","name":"alim"},
 "confidence":0.93,"source":"enrichment","at":"2026-11-21T10:00:00Z",
 "record":{"Id":"00Q1","Industry":null},"changes":{"Industry":"Technology"}}"#;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    // 1. Load the table once (validated: a corrupt file is an error).
    let bytes = match args.first() {
        Some(path) => std::fs::read(path)?,
        None => demo_table()?,
    };
    let table = Table::from_bytes(&bytes)?;
    // 2. Parse the proposed write (§7 JSON) and decide it.
    let input = match args.get(1) {
        Some(path) => std::fs::read_to_string(path)?,
        None => DEMO.to_string(),
    };
    let mutation = Mutation::from_json(&input)?;
    let decision = table.decide(&mutation)?;
    // 3. Act on it: only `auto` writes now.
    println!("{}", decision.to_json_string());
    if decision.outcome == Outcome::Auto {
        eprintln!("write may proceed");
    } else {
        eprintln!("write held: {}", decision.outcome.as_str());
    }
    Ok(())
}
