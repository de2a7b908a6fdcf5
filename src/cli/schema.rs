//! `crmc schema import salesforce|hubspot FILE...`: a `schema` block from a
//! CRM's own export.

use super::fail_usage;
use crmc::import::{self, Crm, ImportInput, ImportOptions};
use crmc::source::{DiskProvider, SourceProvider};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Subcommand)]
pub enum SchemaCommand {
    /// Read CRM describe/property exports and print a `schema` block
    #[command(
        after_help = "Salesforce: REST `sobjects/{X}/describe` JSON, one file per object or a composite.\n\
HubSpot: `/crm/v3/properties/{obj}`, `/crm/v3/schemas/{obj}`, or legacy v1/v2 property lists.\n\n\
Fields the CRM will not let anyone update become `readonly`; anything that cannot be mapped\n\
exactly is kept as the nearest type, with a warning naming it.\n\n\
Exit status: 0 imported, 1 an export could not be understood, 2 usage or I/O error.\n\n\
Examples:\n  crmc schema import salesforce Lead.json Account.json -o schema.crmc\n  \
crmc schema import hubspot contacts_properties.json --object contacts"
    )]
    Import(ImportArgs),
}

#[derive(clap::Args)]
pub struct ImportArgs {
    /// Which CRM the exports come from
    #[arg(value_enum)]
    pub crm: CrmArg,
    /// Export files (JSON); `-` for standard input
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Write the schema to this file instead of standard output
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Import only these objects (repeatable); for HubSpot property lists, names the object
    #[arg(long = "object")]
    pub objects: Vec<String>,
    /// The schema block's name (default: `salesforce` or `hubspot`)
    #[arg(long)]
    pub name: Option<String>,
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum CrmArg {
    Salesforce,
    Hubspot,
}

pub fn run(command: SchemaCommand) -> ExitCode {
    let SchemaCommand::Import(args) = command;
    let mut texts = Vec::new();
    if args.files.iter().filter(|f| super::stdin_path(f)).count() > 1 {
        return fail_usage("`-` (standard input) can be given only once");
    }
    for f in &args.files {
        if super::stdin_path(f) {
            match super::paths::read_stdin() {
                Ok(t) => texts.push((super::paths::STDIN_NAME.to_string(), t)),
                Err(e) => return fail_usage(e),
            }
            continue;
        }
        match DiskProvider.read(f) {
            Ok(t) => texts.push((f.display().to_string(), t)),
            Err(e) => return fail_usage(format!("cannot read `{}`: {e}", f.display())),
        }
    }
    let inputs: Vec<ImportInput> = texts
        .iter()
        .map(|(name, json)| ImportInput { name, json })
        .collect();
    let crm = match args.crm {
        CrmArg::Salesforce => Crm::Salesforce,
        CrmArg::Hubspot => Crm::Hubspot,
    };
    let options = ImportOptions {
        objects: args.objects,
        schema_name: args.name,
    };
    let output = match import::import(crm, &inputs, &options) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    for w in &output.warnings {
        eprintln!("warning: {w}");
    }
    let total: usize = output.field_counts.iter().map(|(_, n)| n).sum();
    let counts: Vec<String> = output
        .field_counts
        .iter()
        .map(|(o, n)| format!("{o} {n}"))
        .collect();
    if !super::quiet() {
        eprintln!(
            "crmc: imported {total} fields ({}), {} warning{}",
            counts.join(", "),
            output.warnings.len(),
            if output.warnings.len() == 1 { "" } else { "s" }
        );
    }
    match args.output {
        Some(path) => {
            if let Err(e) = std::fs::write(&path, &output.text) {
                return fail_usage(format!("cannot write `{}`: {e}", path.display()));
            }
        }
        None => out!("{}", output.text),
    }
    ExitCode::SUCCESS
}
