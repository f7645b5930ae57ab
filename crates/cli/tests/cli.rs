//! The `mtasts` command through its real interface: arguments, stdin, files, exit codes.

use serde_json::Value;
use std::io::Write;
use std::process::{Command, Output, Stdio};

fn mtasts(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mtasts"))
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn mtasts");
    let written = child.stdin.take().expect("stdin").write_all(stdin);
    // A usage error ends the command before it reads its input: that pipe is closed.
    if let Err(e) = written {
        assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "write stdin: {e}");
    }
    child.wait_with_output().expect("wait")
}

fn json_lines(out: &Output) -> Vec<Value> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect()
}

const GOOD: &str =
    "version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmx: *.example.net\r\nmax_age: 604800\r\n";

#[test]
fn lint_json_valid_policy() {
    let out = mtasts(&["lint", "--format", "json", "-"], GOOD.as_bytes());
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let v = &json_lines(&out)[0];
    assert_eq!(v["file"], "-");
    assert_eq!(v["kind"], "policy");
    assert_eq!(v["valid"], true);
    assert_eq!(v["parsed"]["mode"], "enforce");
    assert_eq!(v["parsed"]["max_age"], 604800);
    assert_eq!(v["parsed"]["version"], "STSv1");
    assert_eq!(
        v["parsed"]["mx"],
        serde_json::json!(["mail.example.com", "*.example.net"])
    );
}

#[test]
fn lint_json_invalid_policy_has_located_diagnostics() {
    let out = mtasts(
        &["lint", "--format", "json"],
        b"version: STSv1\nmode: enforced\nmx: a.example\nmax_age: 86400\n",
    );
    assert_eq!(out.status.code(), Some(1));
    let v = &json_lines(&out)[0];
    assert_eq!(v["valid"], false);
    assert_eq!(v["parsed"], Value::Null);
    let d = v["diagnostics"]
        .as_array()
        .expect("array")
        .iter()
        .find(|d| d["code"] == "POLICY-MODE-INVALID")
        .expect("mode finding");
    assert_eq!((d["line"].as_u64(), d["column"].as_u64()), (Some(2), Some(7)));
    assert_eq!(d["severity"], "error");
    assert_eq!(d["rfc"], "RFC 8461 §3.2");
    assert!(d["message"].as_str().is_some_and(|m| m.contains("enforced")));
}

#[test]
fn lint_records_one_per_line_and_kinds() {
    let out = mtasts(
        &["lint", "--kind", "sts", "--format", "json"],
        b"\"v=STSv1; id=ab\" \"cd\"\ngoogle-site-verification=x\n",
    );
    let v = &json_lines(&out)[0];
    assert_eq!((v["kind"].as_str(), v["valid"].as_bool()), (Some("sts"), Some(true)));
    assert_eq!(v["parsed"]["id"], "abcd");
    let out = mtasts(
        &["lint", "--kind", "tlsrpt", "--format", "json"],
        b"v=TLSRPTv1; rua=mailto:a@example.com,https://r.example.com/x\n",
    );
    let v = &json_lines(&out)[0];
    assert_eq!(
        v["parsed"]["rua"],
        serde_json::json!(["mailto:a@example.com", "https://r.example.com/x"])
    );
    // auto detection
    let out = mtasts(&["lint", "--format", "json"], b"v=TLSRPTv1;rua=mailto:a@example.com");
    assert_eq!(json_lines(&out)[0]["kind"], "tlsrpt");
    let out = mtasts(&["lint", "--format", "json"], b"v=STSv1; id=1");
    assert_eq!(json_lines(&out)[0]["kind"], "sts");
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn several_files_exit_codes_and_io_errors() {
    let dir = std::env::temp_dir().join(format!("mtasts-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp");
    let good = dir.join("good.txt");
    let bad = dir.join("bad.txt");
    std::fs::write(&good, GOOD).expect("write");
    std::fs::write(&bad, "version: STSv1\nmode: enforce\n").expect("write");
    let g = good.to_str().expect("utf8");
    let b = bad.to_str().expect("utf8");
    let out = mtasts(&["lint", "--format", "json", g, b], b"");
    assert_eq!(out.status.code(), Some(1));
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["file"], g);
    assert_eq!(lines[1]["valid"], false);
    let out = mtasts(&["lint", g, "/nonexistent/mta-sts.txt"], b"");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/mta-sts.txt"));
    let out = mtasts(&["lint", "--kind", "bogus"], b"");
    assert_eq!(out.status.code(), Some(2));
    // --fix rewrites the file and the result lints clean.
    std::fs::write(
        &bad,
        "\u{feff}version: STSv1\r\nMode: enforce\r\nmx: mail.example.com.\r\nmax_age: 604800\r\n\r\n",
    )
    .expect("write");
    let out = mtasts(&["lint", "--fix", b], b"");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    assert_eq!(
        std::fs::read_to_string(&bad).expect("read"),
        "version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmax_age: 604800\r\n"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn text_output_marks_the_source() {
    let out = mtasts(
        &["lint"],
        b"version: STSv1\nmode: enforce\nmx: mail_1.example.com\nmax_age: 604800\n",
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("[POLICY-MX-INVALID]"), "{text}");
    assert!(text.contains("mx: mail_1.example.com"));
    assert!(text.contains("Senders will ignore this policy"));
}

#[test]
fn sarif_output() {
    let out = mtasts(
        &["lint", "--format", "sarif"],
        b"\xef\xbb\xbfversion: STSv1\nmode: enforce\nmx: a.example\nmax_age: 604800\n",
    );
    let v: Value = serde_json::from_slice(&out.stdout).expect("SARIF is JSON");
    assert_eq!(v["version"], "2.1.0");
    let run = &v["runs"][0];
    assert!(run["tool"]["driver"]["rules"].as_array().is_some_and(|r| r.len() > 90));
    let result = run["results"]
        .as_array()
        .expect("results")
        .iter()
        .find(|r| r["ruleId"] == "POLICY-BOM")
        .expect("BOM result");
    assert_eq!(result["level"], "error");
    assert_eq!(result["locations"][0]["physicalLocation"]["region"]["startLine"], 1);
    assert_eq!(
        result["fixes"][0]["artifactChanges"][0]["replacements"][0]["deletedRegion"]["byteLength"],
        3
    );
}

#[test]
fn lint_with_mx_list() {
    let out = mtasts(
        &[
            "lint",
            "--format",
            "json",
            "--mx",
            "mail.example.com.",
            "--mx",
            "mx2.example.org",
        ],
        GOOD.as_bytes(),
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "an MX host that enforcing senders refuse fails the run"
    );
    let v = &json_lines(&out)[0];
    assert_eq!(v["valid"], true, "the policy itself is valid");
    assert!(
        v["diagnostics"]
            .as_array()
            .is_some_and(|d| d.iter().any(|d| d["code"] == "MXC-MX-NOT-COVERED"))
    );
}

#[test]
fn mx_match() {
    let run = |args: &[&str]| mtasts(&[&["mx-match"], args].concat(), b"");
    let out = run(&[
        "--pattern",
        "*.example.com",
        "--pattern",
        "mail.example.net",
        "MAIL.example.net.",
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("mail.example.net"));
    assert_eq!(
        run(&["--pattern", "*.example.com", "a.b.example.com"]).status.code(),
        Some(1)
    );
    assert_eq!(
        run(&["--pattern", "*.example.com", "example.com"]).status.code(),
        Some(1)
    );
    assert_eq!(
        run(&["--pattern", "mx.example.com", "mx.example.com.evil.net"])
            .status
            .code(),
        Some(1)
    );
    assert_eq!(
        run(&["--pattern", "*.example.com", "x.example.com"]).status.code(),
        Some(0)
    );
    assert_eq!(
        run(&["--pattern", "mail.example.com.", "mail.example.com"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        run(&["--pattern", "*.*.example.com", "a.b.example.com"]).status.code(),
        Some(2)
    );
    assert_eq!(
        run(&["--pattern", "mx*.example.com", "mx1.example.com"]).status.code(),
        Some(2)
    );
    assert_eq!(
        run(&["mail.example.com"]).status.code(),
        Some(2),
        "a pattern is required"
    );
}

#[test]
fn rules_list_and_doc() {
    let out = mtasts(&["rules"], b"");
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.lines().count() > 90 && text.contains("POLICY-BOM"));
    let out = mtasts(&["rules", "policy-bom"], b"");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("## What it checks") && text.contains("## How to fix"));
    assert_eq!(mtasts(&["rules", "NOPE"], b"").status.code(), Some(2));
}

#[test]
fn zone_mode_flag_says_what_missing_tlsrpt_means() {
    let zone = b"$ORIGIN example.com.\n_mta-sts 300 IN TXT \"v=STSv1; id=1\"\n@ 300 IN MX 10 mail.example.com.\n";
    let codes = |args: &[&str]| -> Vec<String> {
        let out = mtasts(args, zone);
        json_lines(&out)[0]["diagnostics"]
            .as_array()
            .expect("diagnostics")
            .iter()
            .filter_map(|d| d["code"].as_str().map(str::to_string))
            .collect()
    };
    let without = codes(&["lint", "--kind", "zone", "--format", "json", "-"]);
    assert!(without.contains(&"TLSRPT-MISSING-WITH-STS".to_string()), "{without:?}");
    assert!(!without.contains(&"MODE-NO-TLSRPT".to_string()), "{without:?}");
    let with = codes(&["lint", "--kind", "zone", "--mode", "testing", "--format", "json", "-"]);
    assert!(with.contains(&"MODE-NO-TLSRPT".to_string()), "{with:?}");
    let out = mtasts(&["lint", "--kind", "zone", "--mode", "bogus", "-"], zone);
    assert_eq!(out.status.code(), Some(2));
}
