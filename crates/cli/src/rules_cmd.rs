//! `mtasts rules [CODE]`.

use clap::Args;
use mtasts_core::rules;
use std::process::ExitCode;

#[derive(Args)]
pub struct RulesArgs {
    /// Show this rule's doc (e.g. POLICY-BOM); without it, list all rules.
    code: Option<String>,
    /// List as JSON.
    #[arg(long)]
    json: bool,
    /// With --json and no CODE: give each rule's doc (Markdown) too. The web page's build
    /// writes this to `rules.json`, which the page fetches when it shows a doc.
    #[arg(long, requires = "json", conflicts_with = "code")]
    docs: bool,
}

/// Every rule as a JSON array: code, severity, rfc, subject, title and, `with_docs`, its
/// doc. Made from the registry itself, so the page's `rules.json` cannot drift from it.
pub fn rules_json(with_docs: bool) -> serde_json::Value {
    let list = rules::all()
        .map(|r| {
            let mut entry = serde_json::json!({"code": r.code, "severity": r.severity, "rfc": r.rfc, "subject": r.subject, "title": r.title()});
            if with_docs {
                entry["doc"] = r.doc.into();
            }
            entry
        })
        .collect();
    serde_json::Value::Array(list)
}

pub fn run(args: &RulesArgs) -> ExitCode {
    match &args.code {
        Some(code) => match rules::by_code(code) {
            Some(rule) => {
                if args.json {
                    println!(
                        "{}",
                        serde_json::json!({"code": rule.code, "severity": rule.severity, "rfc": rule.rfc, "subject": rule.subject, "title": rule.title(), "doc": rule.doc})
                    );
                } else {
                    println!("{} ({}, {})\n", rule.code, rule.severity.as_str(), rule.rfc);
                    println!("{}", rule.doc.trim_end());
                }
                ExitCode::SUCCESS
            }
            None => {
                eprintln!("mtasts: no rule `{code}`; `mtasts rules` lists them");
                ExitCode::from(2)
            }
        },
        None => {
            if args.json {
                println!("{}", rules_json(args.docs));
            } else {
                for r in rules::all() {
                    println!("{:<30} {:<8} {}", r.code, r.severity.as_str(), r.title());
                }
            }
            ExitCode::SUCCESS
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the web page's `rules.json` holds: every registered rule, in registry order,
    /// each with its full doc.
    #[test]
    fn rules_json_with_docs_has_every_rule_and_its_doc() {
        let json = rules_json(true);
        let entries = json.as_array().expect("an array");
        let codes: Vec<&str> = entries.iter().filter_map(|e| e["code"].as_str()).collect();
        let registered: Vec<&str> = rules::all().map(|r| r.code).collect();
        assert_eq!(codes, registered);
        for (entry, rule) in entries.iter().zip(rules::all()) {
            let doc = entry["doc"].as_str().unwrap_or_default();
            assert!(
                doc.starts_with(&format!("# {}: ", rule.code)),
                "{}: doc {doc:.40?}",
                rule.code
            );
            assert!(doc.contains("## How to fix"), "{}", rule.code);
            assert_eq!(entry["title"].as_str(), Some(rule.title()), "{}", rule.code);
            assert!(!rule.title().is_empty(), "{}", rule.code);
            assert_eq!(entry["severity"], serde_json::json!(rule.severity), "{}", rule.code);
            assert_eq!(entry["subject"], serde_json::json!(rule.subject), "{}", rule.code);
        }
    }

    #[test]
    fn rules_json_without_docs_lists_no_doc() {
        let json = rules_json(false);
        let entries = json.as_array().expect("an array");
        assert_eq!(entries.len(), rules::all().count());
        assert!(entries.iter().all(|e| e.get("doc").is_none()));
    }
}
