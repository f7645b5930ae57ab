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
                let list: Vec<_> = rules::all()
                    .map(|r| serde_json::json!({"code": r.code, "severity": r.severity, "rfc": r.rfc, "subject": r.subject, "title": r.title()}))
                    .collect();
                println!("{}", serde_json::Value::Array(list));
            } else {
                for r in rules::all() {
                    println!("{:<30} {:<8} {}", r.code, r.severity.as_str(), r.title());
                }
            }
            ExitCode::SUCCESS
        }
    }
}
