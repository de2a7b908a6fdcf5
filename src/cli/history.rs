//! `crmc history hubspot|salesforce FILE`: a mutation's `history` from a
//! CRM's own field history (HubSpot's `propertiesWithHistory`, Salesforce's
//! `…History` objects).

use super::fail_usage;
use crmc::source::{DiskProvider, SourceProvider};
use crmc_eval::table::ActorKind;
use serde_json::Value;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Subcommand)]
pub enum HistoryCommand {
    /// Read a HubSpot object with `propertiesWithHistory` and print its `history`
    #[command(
        after_help = "Input: `GET /crm/v3/objects/{type}/{id}?propertiesWithHistory=a,b` (one object),\n\
or a batch read (`{\"results\": [...]}`, one output line per object: `{\"id\": ..., \"history\": ...}`).\n\n\
Each property's newest version gives its last write: the actor kind from its `sourceType`\n\
(CRM_UI, MOBILE_*, IMPORT, BATCH_UPDATE: human; API, INTEGRATION, AUTOMATION_PLATFORM, ...:\n\
integration), named `user:<updatedByUserId>` (else its sourceId or sourceLabel), at its\n\
`timestamp`, from its `sourceType`. A source type the table does not know is an error:\n\
say what it is with `--kind TYPE=ai|integration|human`.\n\n\
Exit status: 0 converted, 1 the input is not a HubSpot history, 2 usage or I/O error.\n\n\
Examples:\n  crmc history hubspot contact.json\n  crmc history hubspot batch.json --kind VERA_AGENT=ai"
    )]
    Hubspot(HubspotArgs),
    /// Read a Salesforce field-history query result and print its `history`
    #[command(
        after_help = "Input: a SOQL result of `SELECT Field, CreatedById, CreatedDate FROM LeadHistory\n\
WHERE LeadId = '00Q...'` (any `...History` object). Each field's newest row gives its last\n\
write: by `CreatedById` (a person, unless listed with --integration-user or --ai-user), at\n\
`CreatedDate`. Salesforce records no source: `source of F` stays unknown.\n\n\
Exit status: 0 converted, 1 the input is not a field-history result, 2 usage or I/O error.\n\n\
Example:\n  crmc history salesforce lead_history.json --integration-user 005000000000INT"
    )]
    Salesforce(SalesforceArgs),
}

#[derive(clap::Args)]
pub struct SalesforceArgs {
    /// The query result (JSON); `-` for standard input
    pub file: PathBuf,
    /// A user id whose writes are an integration's (repeatable)
    #[arg(long = "integration-user", value_name = "ID")]
    pub integration: Vec<String>,
    /// A user id whose writes are an AI agent's (repeatable)
    #[arg(long = "ai-user", value_name = "ID")]
    pub ai: Vec<String>,
}

#[derive(clap::Args)]
pub struct HubspotArgs {
    /// The HubSpot response (JSON); `-` for standard input
    pub file: PathBuf,
    /// Map a `sourceType` to an actor kind (repeatable; wins over the built-in table)
    #[arg(long = "kind", value_name = "TYPE=KIND")]
    pub kinds: Vec<String>,
}

pub fn run(command: HistoryCommand) -> ExitCode {
    match command {
        HistoryCommand::Hubspot(args) => hubspot(args),
        HistoryCommand::Salesforce(args) => salesforce(args),
    }
}

/// The input file as JSON, or the exit code that says why not.
fn read_json(file: &std::path::Path) -> Result<Value, ExitCode> {
    let text = if super::stdin_path(file) {
        super::paths::read_stdin()
    } else {
        DiskProvider
            .read(file)
            .map_err(|e| format!("cannot read `{}`: {e}", file.display()))
    };
    let text = text.map_err(fail_usage)?;
    serde_json::from_str(&text).map_err(|e| {
        eprintln!("error: `{}` is not JSON: {e}", file.display());
        ExitCode::from(1)
    })
}

fn hubspot(args: HubspotArgs) -> ExitCode {
    let mut extra = Vec::new();
    for k in &args.kinds {
        let parsed = k
            .split_once('=')
            .and_then(|(t, kind)| Some((t.to_string(), ActorKind::parse(kind)?)));
        match parsed {
            Some(p) if !p.0.is_empty() => extra.push(p),
            _ => {
                return fail_usage(format!(
                    "`--kind {k}`: write TYPE=KIND, KIND one of ai, integration, human"
                ))
            }
        }
    }
    let value = match read_json(&args.file) {
        Ok(v) => v,
        Err(code) => return code,
    };
    let convert = |record: &Value| crmc_eval::history::from_hubspot(record, &extra);
    let Some(Value::Array(records)) = value.get("results") else {
        return print(convert(&value));
    };
    // every object first: a batch with a bad object prints nothing
    let mut lines = Vec::with_capacity(records.len());
    for r in records {
        match convert(r) {
            Ok(h) => lines.push(serde_json::json!({
                "id": r.get("id").cloned().unwrap_or(Value::Null),
                "history": crmc_eval::history::to_value(&h),
            })),
            Err(e) => {
                let id = r.get("id").map(Value::to_string).unwrap_or_default();
                eprintln!("error: object {id}: {e}");
                return ExitCode::from(1);
            }
        }
    }
    for l in lines {
        outln!("{l}");
    }
    ExitCode::SUCCESS
}

fn salesforce(args: SalesforceArgs) -> ExitCode {
    let value = match read_json(&args.file) {
        Ok(v) => v,
        Err(code) => return code,
    };
    let users = crmc_eval::history::SalesforceUsers {
        integration: args.integration,
        ai: args.ai,
    };
    print(crmc_eval::history::from_salesforce(&value, &users))
}

/// One `history` on standard output, or its error (exit 1).
fn print(h: Result<crmc_eval::History, crmc_eval::EvalError>) -> ExitCode {
    match h {
        Ok(h) => {
            outln!("{}", crmc_eval::history::to_value(&h));
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}
