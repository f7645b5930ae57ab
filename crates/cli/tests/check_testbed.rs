//! `mtasts check` against the test bed: BIND behind a dnsdist DoH front, nginx serving
//! policies over HTTPS with a test CA, all on loopback (see tests/testbed). Each scenario
//! must reach the verdict and the rule codes the bed's table gives.
//!
//! Needs bind9, dnsdist and nginx: `cargo xtask test` installs them and runs these.

use mtasts_testbed::{Expect, SCENARIOS, TestBed};
use serde_json::Value;
use std::process::{Command, Output};

fn mtasts(bed: &TestBed, args: &[&str]) -> Output {
    let port = bed.https_port().to_string();
    let smtp_port = bed.smtp_port().to_string();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_mtasts"));
    cmd.arg("check")
        .args(["--resolver", &bed.doh_url()])
        .arg("--ca-file")
        .arg(bed.ca_file())
        .args(["--https-port", &port, "--smtp-port", &smtp_port])
        .args(["--allow-loopback", "--timeout", "10"])
        .args(args);
    cmd.output().expect("run mtasts")
}

fn verdict_of(expect: Expect) -> &'static str {
    match expect {
        Expect::NotConfigured => "not_configured",
        Expect::Testing => "testing",
        Expect::EnforceWorking => "enforce_working",
        Expect::Broken => "broken",
    }
}

#[test]
#[ignore = "needs bind9, dnsdist, nginx: run by cargo xtask test"]
fn every_scenario_gets_its_verdict_and_codes() {
    let bed = TestBed::start().expect("test bed");
    let domains: Vec<String> = SCENARIOS.iter().map(|s| bed.domain(s.label)).collect();
    let mut args = vec!["--format", "json", "--concurrency", "8"];
    args.extend(domains.iter().map(String::as_str));
    let out = mtasts(&bed, &args);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect();
    assert_eq!(
        lines.len(),
        SCENARIOS.len(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut wrong = Vec::new();
    for (scenario, line) in SCENARIOS.iter().zip(&lines) {
        assert_eq!(
            line["domain"],
            bed.domain(scenario.label),
            "results come in input order"
        );
        let verdict = line["verdict"].as_str().unwrap_or("none");
        let codes: Vec<&str> = line["findings"]
            .as_array()
            .map(|f| f.iter().filter_map(|x| x["code"].as_str()).collect())
            .unwrap_or_default();
        if verdict != verdict_of(scenario.expect) {
            wrong.push(format!(
                "{}: verdict {verdict}, expected {} ({:?})",
                scenario.label,
                verdict_of(scenario.expect),
                line["reasons"]
            ));
        }
        for code in scenario.codes {
            if !codes.contains(code) {
                wrong.push(format!("{}: no {code} among {codes:?}", scenario.label));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    // Broken domains are among them: exit status 1.
    assert_eq!(out.status.code(), Some(1));
}

#[test]
#[ignore = "needs bind9, dnsdist, nginx: run by cargo xtask test"]
fn one_domain_in_text_shows_the_answer_and_the_fix() {
    let bed = TestBed::start().expect("test bed");
    let out = mtasts(&bed, &[&bed.domain("twosts")]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("BROKEN"), "{text}");
    assert!(text.contains("STS-TXT-MULTIPLE"), "{text}");
    // The finding is shown on the DNS answer it is about.
    assert!(text.contains("IN TXT \"v=STSv1;"), "{text}");

    let out = mtasts(&bed, &[&bed.domain("enforce")]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("ENFORCE AND WORKING"), "{text}");

    // An uncovered MX: the fix is shown on the policy line it changes.
    let out = mtasts(&bed, &[&bed.domain("uncovered")]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("MXC-MX-NOT-COVERED"), "{text}");
    assert!(
        text.contains(&format!("add `mx: mail.{}`", bed.domain("uncovered"))),
        "{text}"
    );
}

#[test]
#[ignore = "needs bind9, dnsdist, nginx: run by cargo xtask test"]
fn csv_and_domain_files() {
    let bed = TestBed::start().expect("test bed");
    let dir = std::env::temp_dir().join(format!("mtasts-check-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let list = dir.join("domains.txt");
    std::fs::write(
        &list,
        format!(
            "# our domains\n{}\n\n{}  # the new one\n",
            bed.domain("enforce"),
            bed.domain("testing")
        ),
    )
    .expect("write list");
    let out = mtasts(&bed, &["--format", "csv", "-f", list.to_str().expect("utf-8 path")]);
    let text = String::from_utf8_lossy(&out.stdout);
    let rows: Vec<&str> = text.lines().collect();
    assert_eq!(rows[0], "domain,verdict,errors,warnings,sts_id,mode,reason");
    assert!(
        rows[1].starts_with(&format!("{},enforce and working,0,", bed.domain("enforce"))),
        "{text}"
    );
    assert!(
        rows[2].starts_with(&format!("{},testing,0,", bed.domain("testing"))),
        "{text}"
    );
    assert_eq!(out.status.code(), Some(0), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
#[ignore = "needs bind9, dnsdist, nginx: run by cargo xtask test"]
fn loopback_needs_the_test_flag() {
    let bed = TestBed::start().expect("test bed");
    let port = bed.https_port().to_string();
    let out = Command::new(env!("CARGO_BIN_EXE_mtasts"))
        .args([
            "check",
            "--format",
            "json",
            "--resolver",
            &bed.doh_url(),
            "--https-port",
            &port,
        ])
        .arg("--ca-file")
        .arg(bed.ca_file())
        .arg(bed.domain("enforce"))
        .output()
        .expect("run mtasts");
    let line: Value = serde_json::from_slice(&out.stdout).expect("json");
    // The policy host resolves to 127.0.0.1: without --allow-loopback the fetch is refused,
    // the DNS part still stands, and the check says why it is incomplete.
    assert_eq!(line["verdict"], "incomplete", "{line}");
    let reason = line["reasons"][0].as_str().unwrap_or_default();
    assert!(reason.contains("127.0.0.1"), "{reason}");
    assert_eq!(out.status.code(), Some(3));
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        &["check"][..],
        &["check", "--resolver", "http://dns.example/dns-query", "example.com"],
        &["check", "--resolver", "ftp://x", "example.com"],
        &["check", "--concurrency", "0", "example.com"],
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_mtasts"))
            .args(args)
            .output()
            .expect("run");
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!out.stderr.is_empty());
    }
}

#[test]
fn a_bad_domain_is_named_not_checked() {
    // No network needed: the name is refused before any query.
    let out = Command::new(env!("CARGO_BIN_EXE_mtasts"))
        .args([
            "check",
            "--resolver",
            "http://127.0.0.1:9/dns-query",
            "--format",
            "json",
            "not a domain",
        ])
        .output()
        .expect("run");
    let line: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert!(
        line["error"].as_str().unwrap_or_default().contains("not a domain"),
        "{line}"
    );
    assert_eq!(out.status.code(), Some(3));
}

#[test]
#[ignore = "needs bind9, dnsdist, nginx: run by cargo xtask test"]
fn the_state_file_catches_a_policy_changed_without_a_new_id() {
    let bed = TestBed::start().expect("test bed");
    let dir = std::env::temp_dir().join(format!("mtasts-state-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let state = dir.join("state.json");
    let state_arg = state.to_str().expect("utf-8 path");
    let domain = bed.domain("enforce");
    let out = mtasts(&bed, &["--format", "json", "--state", state_arg, &domain]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let mut saved: Value = serde_json::from_slice(&std::fs::read(&state).expect("state written")).expect("json");
    let snapshot = &saved["domains"][domain.as_str()];
    assert!(snapshot["id"].as_str().is_some_and(|id| !id.is_empty()), "{saved}");
    assert_eq!(snapshot["mode"], "enforce");
    // The same run again: nothing changed, so no cache finding.
    let out = mtasts(&bed, &["--format", "json", "--state", state_arg, &domain]);
    let line: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert!(!line.to_string().contains("CACHE-ID-NOT-CHANGED"), "{line}");
    // Pretend the last check saw another policy (mode testing) under the same id. (Other
    // bytes with the same values, e.g. new line endings, would not count.)
    saved["domains"][domain.as_str()]["body_sha256"] = Value::from("0".repeat(64));
    saved["domains"][domain.as_str()]["mode"] = Value::from("testing");
    std::fs::write(&state, serde_json::to_vec(&saved).expect("json")).expect("write");
    let out = mtasts(&bed, &["--format", "json", "--state", state_arg, &domain]);
    let line: Value = serde_json::from_slice(&out.stdout).expect("json");
    let codes: Vec<&str> = line["findings"]
        .as_array()
        .map(|f| f.iter().filter_map(|x| x["code"].as_str()).collect())
        .unwrap_or_default();
    assert!(codes.contains(&"CACHE-ID-NOT-CHANGED"), "{codes:?}");
    assert!(
        line["reasons"][0].as_str().unwrap_or_default().contains("testing"),
        "{line}"
    );
    assert_eq!(line["verdict"], "broken", "{line}");
    let _ = std::fs::remove_dir_all(&dir);
}
