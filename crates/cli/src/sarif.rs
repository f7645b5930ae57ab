//! SARIF 2.1.0 output for code-scanning tools.

use crate::lint::Input;
use mtasts_core::{Report, Section, Severity, rules};
use serde_json::{Value, json};

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

pub fn document(results: &[(Input, Report)]) -> Value {
    let rules: Vec<Value> = rules::all()
        .map(|r| {
            json!({
                "id": r.code,
                "shortDescription": { "text": r.title() },
                "fullDescription": { "text": r.section(Section::WhatItChecks) },
                "help": { "text": r.section(Section::HowToFix), "markdown": r.doc },
                "defaultConfiguration": { "level": level(r.severity) },
                "properties": { "rfc": r.rfc },
            })
        })
        .collect();
    let index = |code: &str| rules::all().position(|r| r.code == code);
    let mut out = Vec::new();
    for (input, report) in results {
        for d in &report.diagnostics {
            let location = json!({
                "physicalLocation": {
                    "artifactLocation": { "uri": input.name },
                    "region": {
                        "startLine": d.line, "startColumn": d.column,
                        "endLine": d.end_line, "endColumn": d.end_column,
                        "byteOffset": d.span.start, "byteLength": d.span.len(),
                    }
                }
            });
            let mut result = json!({
                "ruleId": d.rule.code,
                "ruleIndex": index(d.rule.code),
                "level": level(d.severity),
                "message": { "text": d.message },
                "locations": [location],
            });
            if let Some(fix) = &d.fix {
                result["fixes"] = json!([{
                    "description": { "text": fix.title },
                    "artifactChanges": [{
                        "artifactLocation": { "uri": input.name },
                        "replacements": fix.edits.iter().map(|e| json!({
                            "deletedRegion": { "byteOffset": e.span.start, "byteLength": e.span.len() },
                            "insertedContent": { "text": e.replacement },
                        })).collect::<Vec<_>>(),
                    }],
                }]);
            }
            out.push(result);
        }
    }
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "mtasts",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "results": out,
        }],
    })
}
