//! `crmc schema import`: snapshot tests over small fixtures in every format
//! the importer reads, structured checks on its warnings and errors, and (when
//! the shared folder of real exports is present) a run over real exports.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use crmc::import::{import, Crm, ImportError, ImportInput, ImportOptions, ImportOutput};

fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn run(crm: Crm, files: &[&str], options: &ImportOptions) -> ImportOutput {
    let texts: Vec<(String, String)> = files.iter().map(|f| (f.to_string(), fixture(f))).collect();
    let inputs: Vec<ImportInput<'_>> = texts
        .iter()
        .map(|(name, json)| ImportInput { name, json })
        .collect();
    import(crm, &inputs, options).unwrap_or_else(|e| panic!("import failed: {e}"))
}

fn run_default(crm: Crm, files: &[&str]) -> ImportOutput {
    run(crm, files, &ImportOptions::default())
}

/// `object.field: message` lines, for readable assertions.
fn warnings(out: &ImportOutput) -> Vec<String> {
    out.warnings
        .iter()
        .map(|w| format!("{}.{}: {}", w.object, w.field, w.message))
        .collect()
}

fn has_warning(out: &ImportOutput, object: &str, field: &str, needle: &str) -> bool {
    out.warnings
        .iter()
        .any(|w| w.object == object && w.field == field && w.message.contains(needle))
}

/// The imported schema parses and passes the checker without a diagnostic.
fn assert_parses(name: &str, text: &str) {
    let (_file, diagnostics) = crmc::syntax::parse(crmc::span::FileId(0), text);
    assert!(
        diagnostics.is_empty(),
        "{name}: the imported schema does not parse: {:#?}",
        diagnostics.iter().map(|d| &d.message).collect::<Vec<_>>()
    );
    let parsed = crmc::load::load_text("imported.crmc", text);
    let (checked, diagnostics) = crmc::check::check(&parsed.file_refs());
    assert!(
        checked.is_some() && diagnostics.is_empty(),
        "{name}: the imported schema does not check: {:#?}",
        diagnostics.iter().map(|d| &d.message).collect::<Vec<_>>()
    );
}

// ---------------------------------------------------------------------------
// Salesforce

#[test]
fn salesforce_single_describe() {
    let out = run_default(Crm::Salesforce, &["sf_lead.describe.json"]);
    insta::assert_snapshot!(out.text);
    insta::assert_snapshot!(
        "salesforce_single_describe_warnings",
        warnings(&out).join("\n")
    );
    assert_eq!(out.field_counts, vec![("Lead".to_string(), 38)]);
    assert_parses("sf_lead", &out.text);
}

#[test]
fn salesforce_quirks_are_warned_about() {
    let out = run_default(Crm::Salesforce, &["sf_lead.describe.json"]);
    for (field, needle) in [
        ("Industry", "inactive picklist values skipped: \"Legacy\""),
        ("Industry", "duplicate picklist values dropped: \"Banking\""),
        ("Sub_Status__c", "dependent picklist controlled by `Status`"),
        (
            "Retired_Code__c",
            "picklist with no active values; imported as string",
        ),
        ("Orphan__c", "`referenceTo` is empty"),
        ("Address", "compound `address` field"),
        ("Site_Location__c", "compound `location` field"),
        ("Call_Time__c", "type `time`"),
        ("Photo__c", "type `base64`"),
        ("Anything__c", "type `anyType`"),
        (
            "Category__c",
            "unknown Salesforce type `datacategorygroupreference`",
        ),
    ] {
        assert!(
            has_warning(&out, "Lead", field, needle),
            "no warning on {field} containing {needle:?}; got {:#?}",
            warnings(&out)
        );
    }
    assert_eq!(out.warnings.len(), 13, "{:#?}", warnings(&out));
    assert!(out
        .warnings
        .iter()
        .all(|w| w.file == "sf_lead.describe.json"));
}

#[test]
fn salesforce_composite_response() {
    let out = run_default(Crm::Salesforce, &["sf_composite.json"]);
    insta::assert_snapshot!(out.text);
    assert_eq!(
        out.field_counts,
        vec![("Account".to_string(), 5), ("Opportunity".to_string(), 7)]
    );
    // The failed sub-request is skipped, not silently.
    assert!(out.warnings.iter().any(|w| w.message
        == "compositeResponse[2] (describeWidget) failed with status 404, skipped: The \
            requested resource does not exist"));
    assert!(has_warning(
        &out,
        "Account",
        "BillingAddress",
        "compound `address`"
    ));
    assert_eq!(out.warnings.len(), 2, "{:#?}", warnings(&out));
    assert_parses("sf_composite", &out.text);
}

#[test]
fn salesforce_containers_agree() {
    let composite = run_default(Crm::Salesforce, &["sf_composite.json"]).text;
    for file in ["sf_array.json", "sf_sobjects.json", "sf_batch.json"] {
        let out = run_default(Crm::Salesforce, &[file]);
        assert_eq!(out.text, composite, "{file}");
        assert_eq!(out.warnings.len(), 1, "{file}: {:#?}", warnings(&out));
    }
    // Two files at once: one schema, objects sorted.
    let two = run_default(Crm::Salesforce, &["sf_lead.describe.json", "sf_array.json"]);
    let names: Vec<&str> = two.field_counts.iter().map(|(o, _)| o.as_str()).collect();
    assert_eq!(names, ["Account", "Lead", "Opportunity"]);
    assert_parses("two", &two.text);
}

#[test]
fn object_filter_and_schema_name() {
    let options = ImportOptions {
        objects: vec!["opportunity".to_string()],
        schema_name: Some("acme-prod".to_string()),
    };
    let out = run(Crm::Salesforce, &["sf_composite.json"], &options);
    assert!(out
        .text
        .starts_with("schema acme_prod {\n  object Opportunity {\n"));
    assert_eq!(out.field_counts, vec![("Opportunity".to_string(), 7)]);
    assert!(out.warnings.iter().any(|w| w
        .message
        .contains("schema name \"acme-prod\" is not an identifier")));

    let options = ImportOptions {
        objects: vec!["Widget".to_string()],
        schema_name: None,
    };
    let inputs = [ImportInput {
        name: "sf_composite.json",
        json: &fixture("sf_composite.json"),
    }];
    let err = import(Crm::Salesforce, &inputs, &options).unwrap_err();
    assert_eq!(
        err,
        ImportError::UnknownObjects {
            missing: vec!["Widget".to_string()],
            available: vec!["Account".to_string(), "Opportunity".to_string()],
        }
    );
    assert_eq!(
        err.to_string(),
        "no such object in the exports: Widget (they describe: Account, Opportunity)"
    );
}

#[test]
fn same_object_twice_is_merged_with_a_warning() {
    let out = run_default(Crm::Salesforce, &["sf_array.json", "sf_batch.json"]);
    assert_eq!(
        out.text,
        run_default(Crm::Salesforce, &["sf_array.json"]).text
    );
    let merged: Vec<&str> = out
        .warnings
        .iter()
        .filter(|w| {
            w.message
                .starts_with("object also described in sf_array.json")
        })
        .map(|w| w.object.as_str())
        .collect();
    assert_eq!(merged, ["Account", "Opportunity"]);
}

// ---------------------------------------------------------------------------
// HubSpot

#[test]
fn hubspot_v3_properties() {
    let out = run_default(Crm::Hubspot, &["hs_contacts_properties_v3.json"]);
    insta::assert_snapshot!(out.text);
    insta::assert_snapshot!("hubspot_v3_properties_warnings", warnings(&out).join("\n"));
    assert_eq!(out.field_counts, vec![("contacts".to_string(), 21)]);
    assert!(has_warning(
        &out,
        "contacts",
        "",
        "inferred from the file name"
    ));
    assert!(has_warning(
        &out,
        "contacts",
        "lifecyclestage",
        "pipelines API"
    ));
    assert!(has_warning(
        &out,
        "contacts",
        "hubspot_owner_id",
        "owners API"
    ));
    assert!(has_warning(
        &out,
        "contacts",
        "hs_team_ids",
        "external options"
    ));
    assert!(has_warning(
        &out,
        "contacts",
        "industry",
        "duplicate picklist values dropped"
    ));
    assert!(has_warning(
        &out,
        "contacts",
        "hs_object_coordinates",
        "object_coordinates"
    ));
    assert!(has_warning(&out, "contacts", "raw_payload", "type `json`"));
    assert!(has_warning(
        &out,
        "contacts",
        "mystery",
        "unknown HubSpot type `currency_code`"
    ));
    assert!(has_warning(
        &out,
        "contacts",
        "2nd-email",
        "written as `_2nd_email`"
    ));
    assert_parses("hs_v3", &out.text);
}

/// HubSpot's deal-stage probability is a 0-1 fraction (`percent(0..1)`);
/// number properties that only look like percentages stay `number`, with a
/// warning, because the export does not say their scale.
#[test]
fn hubspot_percent_scales() {
    let options = ImportOptions {
        objects: vec!["deals".to_string()],
        schema_name: None,
    };
    let out = run(
        Crm::Hubspot,
        &["hs_deals_percent_properties.json"],
        &options,
    );
    assert!(
        out.text
            .contains("hs_deal_stage_probability: percent(0..1)"),
        "{}",
        out.text
    );
    assert!(
        out.text.contains("hs_forecast_probability:   number"),
        "{}",
        out.text
    );
    assert!(
        out.text.contains("discount_rate:             number"),
        "{}",
        out.text
    );
    assert!(has_warning(
        &out,
        "deals",
        "hs_forecast_probability",
        "does not say its scale"
    ));
    assert!(has_warning(
        &out,
        "deals",
        "discount_rate",
        "does not say its scale"
    ));
    assert!(!out
        .warnings
        .iter()
        .any(|w| w.field == "num_contacted_notes" || w.field == "hs_deal_stage_probability"));
    assert_parses("hs_percent", &out.text);
}

/// Salesforce `percent` fields are sent on 0..100 (`Probability: 5` is 5 %).
#[test]
fn salesforce_percent_is_0_to_100() {
    let out = run_default(Crm::Salesforce, &["sf_lead.describe.json"]);
    assert!(
        out.text.contains("Win_Chance__c:      percent(0..100)"),
        "{}",
        out.text
    );
}

#[test]
fn hubspot_object_named_by_the_option() {
    let options = ImportOptions {
        objects: vec!["leads".to_string()],
        schema_name: None,
    };
    let out = run(Crm::Hubspot, &["hs_contacts_properties_v3.json"], &options);
    assert_eq!(out.field_counts, vec![("leads".to_string(), 21)]);
    assert!(!out.warnings.iter().any(|w| w.message.contains("inferred")));
}

#[test]
fn hubspot_v3_schema() {
    let out = run_default(Crm::Hubspot, &["hs_schema_deals.json"]);
    insta::assert_snapshot!(out.text);
    assert_eq!(out.field_counts, vec![("deals".to_string(), 7)]);
    let mut fields: Vec<&str> = out.warnings.iter().map(|w| w.field.as_str()).collect();
    fields.sort();
    assert_eq!(fields, ["dealstage", "pipeline"]);
    assert!(out
        .warnings
        .iter()
        .all(|w| w.message.contains("pipelines API")));
    assert_parses("hs_schema", &out.text);
}

#[test]
fn hubspot_schema_list() {
    let out = run_default(Crm::Hubspot, &["hs_schemas_list.json"]);
    insta::assert_snapshot!(out.text);
    assert_eq!(
        out.field_counts,
        vec![("cars".to_string(), 3), ("tickets".to_string(), 2)]
    );
    assert_eq!(warnings(&out).len(), 1, "{:#?}", warnings(&out));
    assert!(has_warning(
        &out,
        "tickets",
        "hs_pipeline_stage",
        "pipelines API"
    ));
}

#[test]
fn hubspot_legacy_v1_list() {
    let out = run_default(Crm::Hubspot, &["contacts_properties_v1.json"]);
    insta::assert_snapshot!(out.text);
    insta::assert_snapshot!("hubspot_legacy_v1_list_warnings", warnings(&out).join("\n"));
    // 15 properties, one marked deleted (skipped with a warning).
    assert_eq!(out.field_counts, vec![("contacts".to_string(), 14)]);
    assert!(has_warning(
        &out,
        "contacts",
        "old_field",
        "marked deleted; skipped"
    ));
    assert!(has_warning(&out, "contacts", "vip", "no options listed"));
    assert_parses("hs_v1", &out.text);
}

// ---------------------------------------------------------------------------
// Errors

fn import_err(crm: Crm, name: &str, json: &str) -> ImportError {
    import(
        crm,
        &[ImportInput { name, json }],
        &ImportOptions::default(),
    )
    .unwrap_err()
}

#[test]
fn bad_json_reports_file_line_and_column() {
    let err = import_err(
        Crm::Salesforce,
        "Lead.json",
        "{\n  \"name\": \"Lead\",\n  \"fields\": [,]\n}",
    );
    let ImportError::Json {
        file, line, column, ..
    } = &err
    else {
        panic!("{err:?}");
    };
    assert_eq!((file.as_str(), *line, *column), ("Lead.json", 3, 14));
    assert_eq!(
        err.to_string(),
        "Lead.json:3:14: invalid JSON: expected value"
    );
}

#[test]
fn wrong_shapes_are_errors() {
    let err = import_err(
        Crm::Salesforce,
        "props.json",
        &fixture("hs_schema_deals.json"),
    );
    assert!(
        matches!(&err, ImportError::Shape { file, message }
            if file == "props.json" && message.contains("not a Salesforce describe")),
        "{err}"
    );
    let global = r#"{"encoding":"UTF-8","sobjects":[{"name":"Account","label":"Account"}]}"#;
    let err = import_err(Crm::Salesforce, "sobjects.json", global);
    assert!(err.to_string().contains("global describe"), "{err}");
    let err = import_err(Crm::Salesforce, "x.json", "42");
    assert_eq!(
        err.to_string(),
        "x.json: the file is a number, not a Salesforce describe (an object with `name` and \
         `fields`)"
    );
    let err = import_err(Crm::Hubspot, "x.json", r#"{"status":"error"}"#);
    assert!(
        err.to_string().contains("not a HubSpot property export"),
        "{err}"
    );
    let err = import_err(
        Crm::Hubspot,
        "x.json",
        r#"{"results":[{"label":"no name"}]}"#,
    );
    assert_eq!(err.to_string(), "x.json: results[0] has no `name`");
    let err = import(Crm::Hubspot, &[], &ImportOptions::default()).unwrap_err();
    assert_eq!(err, ImportError::NoInputs);
}

#[test]
fn hubspot_list_needs_an_object_name() {
    let err = import_err(Crm::Hubspot, "export-v2.json", "[]");
    assert_eq!(
        err,
        ImportError::NoObjectName {
            file: "export-v2.json".to_string()
        }
    );
    assert!(err.to_string().contains("--object"));
    // Any other word in the file name is taken, with a warning.
    let inputs = [ImportInput {
        name: "exports/widgets.json",
        json: r#"[{"name":"size","type":"number","fieldType":"number"}]"#,
    }];
    let out = import(Crm::Hubspot, &inputs, &ImportOptions::default()).unwrap();
    assert_eq!(out.field_counts, vec![("widgets".to_string(), 1)]);
    assert_eq!(
        out.text,
        "schema hubspot {\n  object widgets {\n    size: number\n  }\n}\n"
    );
}

// ---------------------------------------------------------------------------
// Real exports (shared folder; never committed)

fn shared_exports() -> Option<PathBuf> {
    let path = PathBuf::from("/work/shared/crm-exports");
    path.exists().then_some(path)
}

fn json_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            json_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
}

#[test]
fn real_exports_import_and_parse() {
    let Some(root) = shared_exports() else {
        return;
    };
    let mut files = Vec::new();
    json_files(&root, &mut files);
    assert!(!files.is_empty());
    let mut table = String::from("| file | object | fields | warnings |\n|---|---|---|---|\n");
    for path in &files {
        let rel = path.strip_prefix(&root).unwrap().display().to_string();
        let crm = if rel.starts_with("salesforce") {
            Crm::Salesforce
        } else {
            Crm::Hubspot
        };
        let json = std::fs::read_to_string(path).unwrap();
        let out = import(
            crm,
            &[ImportInput {
                name: &rel,
                json: &json,
            }],
            &ImportOptions::default(),
        )
        .unwrap_or_else(|e| panic!("{rel}: {e}"));
        assert_parses(&rel, &out.text);
        // Every field of the export is in the output.
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        let exported = match &value {
            serde_json::Value::Array(a) => a.len(),
            v => v
                .get("fields")
                .or_else(|| v.get("properties"))
                .or_else(|| v.get("results"))
                .and_then(|f| f.as_array())
                .map_or(0, Vec::len),
        };
        let (object, count) = out.field_counts.first().cloned().unwrap();
        assert_eq!(out.field_counts.len(), 1, "{rel}");
        assert_eq!(count, exported, "{rel}: fields dropped");
        table.push_str(&format!(
            "| {rel} | {object} | {count} | {} |\n",
            out.warnings.len()
        ));
        if std::env::var_os("CRMC_IMPORT_DUMP").is_some() {
            let dump = Path::new(env!("CARGO_TARGET_TMPDIR")).join(rel.replace('/', "__"));
            std::fs::write(dump.with_extension("crmc"), &out.text).unwrap();
            let w: Vec<String> = out.warnings.iter().map(|w| w.to_string()).collect();
            std::fs::write(dump.with_extension("warnings"), w.join("\n")).unwrap();
        }
    }
    println!("{table}");
}
