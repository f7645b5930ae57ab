//! Every rule's doc is complete, and its examples are tests: each input in "Example"
//! makes the rule fire, each input in "How to fix" does not.

use mtasts_core::{Kind, MxHost, Section, lint, lint_policy, rules};

#[test]
fn codes_are_unique_and_well_formed() {
    let mut codes: Vec<&str> = rules::all().map(|r| r.code).collect();
    let n = codes.len();
    codes.sort();
    codes.dedup();
    assert_eq!(codes.len(), n, "duplicate rule codes");
    for code in codes {
        assert!(
            code.bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-'),
            "{code}"
        );
    }
}

#[test]
fn every_rule_has_a_complete_doc() {
    let mut problems = Vec::new();
    for rule in rules::all() {
        let first = rule.doc.lines().next().unwrap_or_default();
        if !first.starts_with(&format!("# {}: ", rule.code)) {
            problems.push(format!("{}: first line must be `# {}: <title>`", rule.code, rule.code));
        }
        for section in Section::ALL {
            let text = rule.section(section);
            if text.is_empty() || text.contains("TODO") {
                problems.push(format!(
                    "{}: section `{}` is missing or TODO",
                    rule.code,
                    section.heading()
                ));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn doc_examples_fire_and_fixed_examples_do_not() {
    let mut problems = Vec::new();
    let mut checked = 0;
    for rule in rules::all() {
        let examples = rule.examples();
        if !examples.iter().any(|e| e.fires) {
            problems.push(format!("{}: no example input in `## Example`", rule.code));
        }
        for ex in examples {
            if ex.kind == "fetch" {
                checked += 1;
                let evidence: mtasts_core::fetch::FetchEvidence = match serde_json::from_slice(&ex.input) {
                    Ok(e) => e,
                    Err(err) => {
                        problems.push(format!("{}: `fetch` example is not evidence JSON: {err}", rule.code));
                        continue;
                    }
                };
                let report = mtasts_core::fetch::judge_fetch(&evidence);
                if report.has(rule.code) != ex.fires {
                    let codes: Vec<&str> = report.all_diagnostics().map(|d| d.rule.code).collect();
                    problems.push(format!(
                        "{}: {} fetch example {} (findings: {:?})",
                        rule.code,
                        if ex.fires { "`Example`" } else { "`How to fix`" },
                        if ex.fires {
                            "does not fire the rule"
                        } else {
                            "still fires the rule"
                        },
                        codes
                    ));
                }
                continue;
            }
            if ex.kind == "probe" {
                checked += 1;
                let evidence: mtasts_core::probe::MxProbeEvidence = match serde_json::from_slice(&ex.input) {
                    Ok(e) => e,
                    Err(err) => {
                        problems.push(format!("{}: `probe` example is not evidence JSON: {err}", rule.code));
                        continue;
                    }
                };
                let mode = ex
                    .mode
                    .as_deref()
                    .and_then(|m| mtasts_core::mta_sts::Mode::parse(m.as_bytes()));
                let report = mtasts_core::probe::judge_mx_probe(&evidence, mode);
                if report.has(rule.code) != ex.fires {
                    let codes: Vec<&str> = report.diagnostics.iter().map(|d| d.rule.code).collect();
                    problems.push(format!(
                        "{}: {} probe example {} (findings: {:?})",
                        rule.code,
                        if ex.fires { "`Example`" } else { "`How to fix`" },
                        if ex.fires {
                            "does not fire the rule"
                        } else {
                            "still fires the rule"
                        },
                        codes
                    ));
                }
                continue;
            }
            let report = match ex.kind {
                "policy" => {
                    let hosts: Option<Vec<MxHost>> = ex.mx.as_ref().map(|l| l.iter().map(|h| MxHost::new(h)).collect());
                    lint_policy(&ex.input, hosts.as_deref())
                }
                "sts" => lint(Kind::Sts, &ex.input),
                "tlsrpt" => lint(Kind::Tlsrpt, &ex.input),
                _ => {
                    let mode = ex
                        .mode
                        .as_deref()
                        .and_then(|m| mtasts_core::mta_sts::Mode::parse(m.as_bytes()));
                    mtasts_core::lint_zone(&ex.input, mode)
                }
            };
            checked += 1;
            let fired = report.has(rule.code);
            if fired != ex.fires {
                let codes: Vec<&str> = report.diagnostics.iter().map(|d| d.rule.code).collect();
                problems.push(format!(
                    "{}: {} example {:?} {} (findings: {:?})",
                    rule.code,
                    if ex.fires { "`Example`" } else { "`How to fix`" },
                    String::from_utf8_lossy(&ex.input),
                    if ex.fires {
                        "does not fire the rule"
                    } else {
                        "still fires the rule"
                    },
                    codes
                ));
            }
        }
    }
    assert!(checked > 0);
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}
