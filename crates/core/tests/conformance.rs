//! Verdicts a sender following RFC 8461 / RFC 8460 would reach, including the RFCs' own
//! examples and the cases where well-known peers get it wrong (landscape §4b).

use mtasts_core::{Kind, MxHost, Parsed, Report, Severity, lint, lint_policy, mx};

fn policy(src: &str) -> Report {
    lint_policy(src.as_bytes(), None)
}

fn codes(r: &Report) -> Vec<&'static str> {
    r.diagnostics.iter().map(|d| d.rule.code).collect()
}

#[track_caller]
fn assert_policy(src: &str, mode: &str, max_age: u64, mx: &[&str]) {
    let r = policy(src);
    assert!(r.valid, "{src:?} should be valid: {:?}", codes(&r));
    match r.parsed {
        Some(Parsed::Policy(p)) => {
            assert_eq!(p.version, "STSv1");
            assert_eq!(p.mode.as_str(), mode, "{src:?}");
            assert_eq!(p.max_age, max_age, "{src:?}");
            assert_eq!(p.mx, mx, "{src:?}");
        }
        other => panic!("{src:?}: parsed {other:?}"),
    }
}

#[track_caller]
fn assert_invalid(kind: Kind, src: &str, code: &str) {
    let r = lint(kind, src.as_bytes());
    assert!(!r.valid, "{src:?} should be invalid: {:?}", codes(&r));
    assert!(r.parsed.is_none());
    assert!(r.has(code), "{src:?} should report {code}: {:?}", codes(&r));
}

#[track_caller]
fn sts_id(src: &str) -> Option<String> {
    match lint(Kind::Sts, src.as_bytes()) {
        Report {
            valid: true,
            parsed: Some(Parsed::Sts(s)),
            ..
        } => Some(s.id),
        _ => None,
    }
}

#[track_caller]
fn rua(src: &str) -> Option<Vec<String>> {
    match lint(Kind::Tlsrpt, src.as_bytes()) {
        Report {
            valid: true,
            parsed: Some(Parsed::Tlsrpt(t)),
            ..
        } => Some(t.rua),
        _ => None,
    }
}

// --- RFC examples -------------------------------------------------------------------

#[test]
fn rfc8461_examples() {
    // §3.1
    assert_eq!(
        sts_id("v=STSv1; id=20160831085700Z;").as_deref(),
        Some("20160831085700Z")
    );
    // §3.2
    assert_policy(
        "version: STSv1\nmode: enforce\nmx: mail.example.com\nmx: *.example.net\nmx: backupmx.example.com\nmax_age: 604800\n",
        "enforce",
        604_800,
        &["mail.example.com", "*.example.net", "backupmx.example.com"],
    );
}

#[test]
fn rfc8460_examples() {
    assert_eq!(
        rua("v=TLSRPTv1;rua=mailto:reports@example.com"),
        Some(vec!["mailto:reports@example.com".into()])
    );
    assert_eq!(
        rua("v=TLSRPTv1; rua=https://reporting.example.com/v1/tlsrpt"),
        Some(vec!["https://reporting.example.com/v1/tlsrpt".into()])
    );
}

// --- policy grammar ---------------------------------------------------------------------

#[test]
fn line_endings_lf_crlf_and_mixed_are_valid() {
    let crlf = "version: STSv1\r\nmode: testing\r\nmx: a.example.com\r\nmax_age: 86400\r\n";
    assert_policy(crlf, "testing", 86400, &["a.example.com"]);
    assert!(policy(crlf).diagnostics.is_empty() || !policy(crlf).has("POLICY-LF-LINE-ENDINGS"));
    let lf = "version: STSv1\nmode: testing\nmx: a.example.com\nmax_age: 86400\n";
    assert_policy(lf, "testing", 86400, &["a.example.com"]); // esmtp.email, webperf_core flagged this
    assert!(policy(lf).has("POLICY-LF-LINE-ENDINGS"));
    let mixed = "version: STSv1\r\nmode: testing\nmx: a.example.com\r\nmax_age: 86400\n";
    assert_policy(mixed, "testing", 86400, &["a.example.com"]); // checkdmarc rejects this
    let no_final = "version: STSv1\nmode: testing\nmx: a.example.com\nmax_age: 86400";
    assert_policy(no_final, "testing", 86400, &["a.example.com"]);
}

#[test]
fn bad_line_endings_blank_lines_and_indentation_are_invalid() {
    assert_invalid(
        Kind::Policy,
        "version: STSv1\rmode: testing\rmx: a.example\rmax_age: 86400\r",
        "POLICY-BAD-LINE-ENDING",
    );
    assert_invalid(
        Kind::Policy,
        "version: STSv1\r\r\nmode: testing\nmx: a.example\nmax_age: 86400\n",
        "POLICY-BAD-LINE-ENDING",
    );
    assert_invalid(
        Kind::Policy,
        "\nversion: STSv1\nmode: testing\nmx: a.example\nmax_age: 86400\n",
        "POLICY-BLANK-LINE",
    );
    assert_invalid(
        Kind::Policy,
        "version: STSv1\nmode: testing\nmx: a.example\nmax_age: 86400\n\n",
        "POLICY-BLANK-LINE",
    );
    assert_invalid(
        Kind::Policy,
        "version: STSv1\n mode: testing\nmx: a.example\nmax_age: 86400\n",
        "POLICY-LEADING-WSP",
    );
    assert_invalid(
        Kind::Policy,
        "version: STSv1\n# comment\nmode: testing\nmx: a.example\nmax_age: 86400\n",
        "POLICY-LINE-SYNTAX",
    );
    assert_invalid(
        Kind::Policy,
        "version: STSv1\nmode : testing\nmx: a.example\nmax_age: 86400\n",
        "POLICY-LINE-SYNTAX",
    );
}

#[test]
fn bom_and_encoding() {
    assert_invalid(
        Kind::Policy,
        "\u{feff}version: STSv1\nmode: testing\nmx: a.example\nmax_age: 86400\n",
        "POLICY-BOM",
    );
    let r = lint_policy(
        b"version: STSv1\nmode: testing\nmx: a.example\nmax_age: 86400\nnote: \xff\n",
        None,
    );
    assert!(!r.valid && r.has("POLICY-NOT-UTF8"));
    // UTF-8 is fine in extension values.
    assert_policy(
        "version: STSv1\nmode: testing\nmx: a.example\nmax_age: 86400\nnote: café ☕\n",
        "testing",
        86400,
        &["a.example"],
    );
}

#[test]
fn whitespace_around_values() {
    // `":" *WSP` allows none, and trailing WSP belongs to the line.
    assert_policy(
        "version:STSv1\nmode:\tenforce \nmx:  a.example\t\nmax_age: 604800  \n",
        "enforce",
        604_800,
        &["a.example"],
    );
    // HTAB inside an extension value is not allowed.
    assert_invalid(
        Kind::Policy,
        "version: STSv1\nmode: testing\nmx: a.example\nmax_age: 86400\next: a\tb\n",
        "POLICY-EXT-VALUE-INVALID",
    );
    assert_invalid(
        Kind::Policy,
        "version: STSv1\nmode: testing\nmx: a.example\nmax_age: 86400\next:\n",
        "POLICY-EXT-VALUE-INVALID",
    );
}

#[test]
fn required_fields_and_defaults_are_not_invented() {
    // checkdmarc pre-fills defaults; stalwart and mailauth default the mode.
    assert_invalid(Kind::Policy, "mx: a.example\n", "POLICY-VERSION-MISSING");
    assert_invalid(
        Kind::Policy,
        "version: STSv1\nmx: a.example\nmax_age: 86400\n",
        "POLICY-MODE-MISSING",
    );
    assert_invalid(
        Kind::Policy,
        "version: STSv1\nmode: enforce\nmx: a.example\n",
        "POLICY-MAX-AGE-MISSING",
    );
    assert_invalid(Kind::Policy, "version: STSv1\nmode: none\n", "POLICY-MAX-AGE-MISSING");
    assert_invalid(
        Kind::Policy,
        "version: STSv1\nmode: enforce\nmax_age: 604800\n",
        "POLICY-MX-MISSING",
    );
    assert_invalid(
        Kind::Policy,
        "version: STSv1\nmode: testing\nmax_age: 604800\n",
        "POLICY-MX-MISSING",
    );
}

#[test]
fn mode_none_without_mx_is_valid() {
    // DNSHealth, EFF, chasquid, stalwart, mailrs, mimecast get this wrong.
    assert_policy("version: STSv1\nmode: none\nmax_age: 86400\n", "none", 86400, &[]);
}

#[test]
fn duplicates_first_wins_and_later_values_are_ignored() {
    // postfix-mta-sts-resolver, go-mtasts, stalwart, mailauth: last wins; checkdmarc: error.
    assert_policy(
        "version: STSv1\nmode: testing\nmode: enforce\nmx: a.example\nmax_age: 86400\n",
        "testing",
        86400,
        &["a.example"],
    );
    assert_policy(
        "version: STSv1\nmode: testing\nmode: enforced\nmx: a.example\nmax_age: 86400\nmax_age: x\n",
        "testing",
        86400,
        &["a.example"],
    );
    assert!(
        policy("version: STSv1\nmode: testing\nmode: enforce\nmx: a.example\nmax_age: 86400\n")
            .has("POLICY-DUPLICATE-FIELD")
    );
    // The first instance decides, even when it is the invalid one.
    assert_invalid(
        Kind::Policy,
        "version: STSv1\nmode: enforced\nmode: enforce\nmx: a.example\nmax_age: 86400\n",
        "POLICY-MODE-INVALID",
    );
}

#[test]
fn unknown_fields_are_ignored() {
    // checkdmarc, danmarg, MailCheck reject them.
    let r = policy(
        "version: STSv1\nmode: testing\nmx: a.example\nmax_age: 86400\nfoo: bar\nnote: see https://example.com:8443/x\n",
    );
    assert!(r.valid);
    assert!(r.has("POLICY-UNKNOWN-FIELD"));
}

#[test]
fn case_variant_names_are_extensions_so_fields_go_missing() {
    // mailrs, mailauth accept these as the real fields.
    let r = policy("Version: STSv1\nMode: enforce\nMX: a.example\nMax_Age: 604800\n");
    assert!(!r.valid);
    assert!(r.has("POLICY-CASE-VARIANT-FIELD") && r.has("POLICY-VERSION-MISSING") && r.has("POLICY-MODE-MISSING"));
    assert_invalid(
        Kind::Policy,
        "version: STSv1\nmode: Enforce\nmx: a.example\nmax_age: 604800\n",
        "POLICY-MODE-INVALID",
    );
    assert_invalid(
        Kind::Policy,
        "version: stsv1\nmode: enforce\nmx: a.example\nmax_age: 604800\n",
        "POLICY-VERSION-INVALID",
    );
}

#[test]
fn max_age_is_one_to_ten_digits_up_to_one_year() {
    for bad in ["+86400", "-1", "86400.5", "1e5", "1_000", "", "12345678901", " 8 6"] {
        let src = format!("version: STSv1\nmode: testing\nmx: a.example\nmax_age: {bad}\n");
        assert_invalid(Kind::Policy, &src, "POLICY-MAX-AGE-INVALID");
    }
    assert_invalid(
        Kind::Policy,
        "version: STSv1\nmode: testing\nmx: a.example\nmax_age: 31557601\n",
        "POLICY-MAX-AGE-TOO-LARGE",
    );
    assert_policy(
        "version: STSv1\nmode: testing\nmx: a.example\nmax_age: 31557600\n",
        "testing",
        31_557_600,
        &["a.example"],
    );
    // 0 is legal (chasquid, MailCheck, danmarg reject it).
    assert_policy(
        "version: STSv1\nmode: testing\nmx: a.example\nmax_age: 0\n",
        "testing",
        0,
        &["a.example"],
    );
    assert_policy(
        "version: STSv1\nmode: testing\nmx: a.example\nmax_age: 0604800\n",
        "testing",
        604_800,
        &["a.example"],
    );
}

#[test]
fn mx_patterns() {
    for bad in [
        "mail_1.example",
        "test.example-",
        "-a.example",
        ".example.com",
        "a..example",
        "*.*.example",
        "mx*.example.com",
        "mx.*.example.com",
        "*",
        "*.",
        "a.example.com.",
        "møx.example",
        "a b",
    ] {
        let src = format!("version: STSv1\nmode: testing\nmx: {bad}\nmax_age: 86400\n");
        let r = policy(&src);
        assert!(!r.valid, "mx {bad:?} should be invalid: {:?}", codes(&r));
    }
    // An invalid mx is invalid even in mode none.
    assert!(!policy("version: STSv1\nmode: none\nmx: møx.example\nmax_age: 86400\n").valid);
    assert_invalid(
        Kind::Policy,
        "version: STSv1\nmode: testing\nmx:\nmax_age: 86400\n",
        "POLICY-MX-EMPTY",
    );
    assert_invalid(
        Kind::Policy,
        &format!(
            "version: STSv1\nmode: testing\nmx: {}.example\nmax_age: 86400\n",
            "a".repeat(64)
        ),
        "POLICY-MX-LENGTH",
    );
    assert_policy(
        "version: STSv1\nmode: testing\nmx: 1.example\nmx: MX.Example.COM\nmax_age: 86400\n",
        "testing",
        86400,
        &["1.example", "MX.Example.COM"],
    );
}

#[test]
fn legacy_json_and_empty() {
    assert_invalid(
        Kind::Policy,
        "{\"version\": \"STSv1\", \"mode\": \"enforce\"}",
        "POLICY-LEGACY-JSON",
    );
    assert_invalid(Kind::Policy, "", "POLICY-EMPTY");
}

// --- _mta-sts records --------------------------------------------------------------

#[test]
fn sts_record_grammar() {
    for (src, id) in [
        ("v=STSv1; id=abc", "abc"),
        ("v=STSv1;id=abc", "abc"),
        ("v=STSv1; id=abc;", "abc"),
        ("v=STSv1; id=abc; ", "abc"),
        ("v=STSv1 ; id=abc", "abc"), // errata 6285: grammatical when alone
        ("v=STSv1;\tid=abc\t;", "abc"),
        ("v=STSv1; id=a; ext=1", "a"),
        ("v=STSv1; ext.name-1_x=v@l:ue; id=a", "a"),
        ("v=STSv1; id=a; id=b", "a"), // first wins
        (
            "v=STSv1; id=12345678901234567890123456789012",
            "12345678901234567890123456789012",
        ),
    ] {
        assert_eq!(sts_id(src).as_deref(), Some(id), "{src:?}");
    }
    for (src, code) in [
        ("v=STSv1", "STS-TXT-NO-FIELDS"),
        ("v=STSv1;", "STS-TXT-NO-FIELDS"),
        ("v=STSv1; ext=1", "STS-TXT-ID-MISSING"),
        ("v=STSv1; id=", "STS-TXT-ID-INVALID"),
        ("v=STSv1; id=2024-01-01", "STS-TXT-ID-INVALID"),
        ("v=STSv1; id=policy_will_fail", "STS-TXT-ID-INVALID"), // stalwart's own test id
        ("v=STSv1; id=123456789012345678901234567890123", "STS-TXT-ID-INVALID"),
        ("v=stsv1; id=1", "STS-TXT-VERSION-INVALID"),
        ("v = STSv1; id=1", "STS-TXT-VERSION-INVALID"),
        ("v=STSv10; id=1", "STS-TXT-VERSION-INVALID"),
        ("v=STSv1 id=1", "STS-TXT-VERSION-INVALID"),
        (" v=STSv1; id=1", "STS-TXT-LEADING-WSP"),
        ("id=1; v=STSv1", "STS-TXT-VERSION-NOT-FIRST"),
        ("v=STSv1; id=1;;", "STS-TXT-EMPTY-FIELD"),
        ("v=STSv1; id=1 ", "STS-TXT-TRAILING-GARBAGE"),
        ("v=STSv1; id=1 ext=2", "STS-TXT-TRAILING-GARBAGE"),
        ("v=STSv1; id = 1", "STS-TXT-FIELD-SYNTAX"),
        ("v=STSv1; id=1; bogus", "STS-TXT-FIELD-SYNTAX"),
        ("v=STSv1; id=1; _x=1", "STS-TXT-EXT-NAME-INVALID"),
        ("v=STSv1; id=1; x==", "STS-TXT-EXT-VALUE-INVALID"),
        ("v=STSv1; id=1; x=", "STS-TXT-EXT-VALUE-INVALID"),
        ("v=STSv1; id=1; key=£", "STS-TXT-NON-ASCII"),
    ] {
        assert_invalid(Kind::Sts, src, code);
    }
}

#[test]
fn sts_rrset_discovery() {
    // Two candidates: no policy (Hardenize once passed this).
    assert_invalid(Kind::Sts, "v=STSv1; id=1\nv=STSv1; id=2\n", "STS-TXT-MULTIPLE");
    // Unrelated records are discarded (go-mtasts counts them, KumoMTA joins them).
    assert_eq!(
        sts_id("google-site-verification=x\nv=STSv1; id=1\n").as_deref(),
        Some("1")
    );
    // With several records, only those beginning with `v=STSv1;` count (errata 6285).
    assert_eq!(sts_id("v=STSv1 ; id=abc\nv=STSv1; id=def\n").as_deref(), Some("def"));
    assert_invalid(Kind::Sts, "v=STSv1 ; id=abc\nother=1\n", "STS-TXT-NOT-FOUND");
    assert_invalid(Kind::Sts, "google-site-verification=x\n", "STS-TXT-NOT-FOUND");
    assert_invalid(Kind::Sts, "", "STS-TXT-NOT-FOUND");
    // A record that is invalid is not rescued by an unrelated one.
    assert_invalid(Kind::Sts, "v=STSv1; id=a-b\nspf=1\n", "STS-TXT-ID-INVALID");
}

#[test]
fn zone_file_presentation() {
    assert_eq!(sts_id("\"v=STSv1; id=ab\" \"cd\"").as_deref(), Some("abcd"));
    assert!(lint(Kind::Sts, b"\"v=STSv1; id=ab\" \"cd\"").has("STS-TXT-MULTI-STRING"));
    assert_eq!(sts_id("\"v=STSv1;\\032id=\\097b\"").as_deref(), Some("ab"));
    assert_eq!(sts_id("\"v=STSv1; id=1\" ; a comment").as_deref(), Some("1"));
    assert_invalid(Kind::Sts, "\"v=STSv1; id=1", "STS-TXT-ZONE-SYNTAX");
    // Quotes typed into a DNS UI end up inside the data.
    assert_invalid(Kind::Sts, "\"\\\"v=STSv1; id=1;\\\"\"", "STS-TXT-QUOTED");
    let r = lint(Kind::Sts, b"\"\\\"v=STSv1; id=1;\\\"\"");
    let serious: Vec<_> = r
        .diagnostics
        .iter()
        .filter(|d| d.severity != Severity::Info)
        .map(|d| d.rule.code)
        .collect();
    assert_eq!(serious, ["STS-TXT-QUOTED"], "one finding for one mistake");
}

// --- _smtp._tls records ------------------------------------------------------------

#[test]
fn tlsrpt_record_grammar() {
    assert_eq!(
        rua("v=TLSRPTv1; rua=mailto:tlsrpt@mox.example , \t https://mox.example/tlsrpt ; "),
        Some(vec![
            "mailto:tlsrpt@mox.example".into(),
            "https://mox.example/tlsrpt".into()
        ])
    );
    assert_eq!(
        rua("v=TLSRPTv1; rua=mailto:a@example.com; ext=yes"),
        Some(vec!["mailto:a@example.com".into()])
    );
    assert_eq!(
        rua("v=TLSRPTv1; rua=mailto:a@example.com; rua=mailto:b@example.com"),
        Some(vec!["mailto:a@example.com".into(), "mailto:b@example.com".into()])
    );
    assert_eq!(
        rua("v=TLSRPTv1; rua=https://r.example:8443/x?y=1"),
        Some(vec!["https://r.example:8443/x?y=1".into()])
    );
    assert_eq!(
        rua("v=TLSRPTv1; rua=mailto:tls-rpt@example.com"),
        Some(vec!["mailto:tls-rpt@example.com".into()])
    );
    for (src, code) in [
        ("v=TLSRPTv1", "TLSRPT-NO-FIELDS"),
        ("v=TLSRPTv1;", "TLSRPT-NO-FIELDS"),
        ("v=TLSRPTv1; RUA=mailto:a@b.example", "TLSRPT-RUA-MISSING"),
        ("v=TLSRPTv1; rua=", "TLSRPT-RUA-EMPTY"),
        ("v=TLSRPTv1; rua=noscheme", "TLSRPT-URI-INVALID"),
        ("v=TLSRPTv1; rua=https://x.example/a b", "TLSRPT-TRAILING-GARBAGE"),
        ("v=TLSRPTv1; rua=mailto:a@b.example, ,", "TLSRPT-URI-INVALID"),
        ("v=TLSRPTv1; rua=mailto:a@b.example!10m", "TLSRPT-URI-UNENCODED-CHAR"),
        ("v=TLSRPTv1; rua=http://r.example/x", "TLSRPT-URI-SCHEME"),
        ("v=TLSRPTv1; rua=mailto:", "TLSRPT-URI-INVALID"),
        ("v=TLSRPTv1; rua=mailto:a..b@x.example", "TLSRPT-MAILTO-INVALID"),
        ("v=TLSRPTv1; rua=mailto:a@b.example:test", "TLSRPT-MAILTO-INVALID"),
        ("v=TLSRPTv1; rua=mailto:a@b.example;;", "TLSRPT-EMPTY-FIELD"),
        ("v=TLSRPTv1; rua=mailto:a@b.example other", "TLSRPT-TRAILING-GARBAGE"),
        ("v=TLSRPTv1; rua=mailto:a@b.example ", "TLSRPT-TRAILING-GARBAGE"),
        ("v=TLSRPTv1; rua =mailto:a@b.example", "TLSRPT-FIELD-SYNTAX"),
        ("v=TLSRPTv1; rua=mailto:a@b.example; 1%=a", "TLSRPT-EXT-NAME-INVALID"),
        ("v=TLSRPTv1; rua=mailto:a@b.example; x=a=b", "TLSRPT-EXT-VALUE-INVALID"),
        ("v=TLSRPTv10; rua=mailto:a@b.example", "TLSRPT-VERSION-INVALID"),
        ("v=tlsrptv1; rua=mailto:a@b.example", "TLSRPT-VERSION-INVALID"),
        (" v=TLSRPTv1; rua=mailto:a@b.example", "TLSRPT-LEADING-WSP"),
        ("rua=mailto:a@b.example; v=TLSRPTv1", "TLSRPT-VERSION-NOT-FIRST"),
        ("v=TLSRPTv1;", "TLSRPT-NO-FIELDS"),
    ] {
        assert_invalid(Kind::Tlsrpt, src, code);
    }
    // A host without a dot or an IP literal is a valid URI: warn only (MailCheck rejects).
    let r = lint(Kind::Tlsrpt, b"v=TLSRPTv1; rua=https://com/x");
    assert!(r.valid && r.has("TLSRPT-HTTPS-HOST"));
    // The help-desk cheat sheet's record.
    assert_invalid(Kind::Tlsrpt, "v=TLSRPTv1;", "TLSRPT-NO-FIELDS");
    assert_invalid(
        Kind::Tlsrpt,
        "v=TLSRPTv1; rua=mailto:a@example.com\nv=TLSRPTv1; rua=mailto:b@example.com",
        "TLSRPT-MULTIPLE",
    );
}

// --- MX matching ----------------------------------------------------------------------

fn pat(p: &str) -> mx::MxPattern {
    mx::pattern::parse(p.as_bytes()).expect("valid pattern")
}

fn matches(p: &str, host: &str) -> bool {
    mx::first_match([&pat(p)], host).is_some()
}

#[test]
fn mx_matching_follows_section_4_1() {
    assert!(matches("mail.example.com", "mail.example.com"));
    assert!(matches("mail.example.com", "MAIL.Example.COM."));
    assert!(matches("*.example.com", "mail.example.com"));
    assert!(matches("*.example.com", "Mail.Example.Com."));
    assert!(matches("*.EXAMPLE.com", "mail.example.com"));
    assert!(!matches("*.example.com", "example.com"));
    assert!(!matches("*.example.com", "foo.bar.example.com")); // mailauth, checkdmarc, mimecast match
    assert!(!matches("mx.example.com", "mx.example.com.evil.net")); // checkdmarc's unanchored regex
    assert!(!matches("mail.example.com", "evil-mail.example.com"));
    assert!(!matches("*.mimecast.com", "xmimecast.com")); // mimecast's `.*` regex
    assert!(!matches("*.example.com", ".example.com"));
    assert!(!matches("example.com", "example.com.."));
    assert!(matches("xn--mx-lka.example", "møx.example"));
}

#[test]
fn mx_consistency() {
    let src = b"version: STSv1\nmode: enforce\nmx: mail.example.com\nmx: *.example.net\nmx: old.example.com\nmax_age: 604800\n";
    let hosts: Vec<MxHost> = [
        "mail.example.com.",
        "mx2.example.org.",
        "a.b.example.net",
        "example.net",
    ]
    .iter()
    .map(|h| MxHost::new(h))
    .collect();
    let r = lint_policy(src, Some(&hosts));
    assert!(r.valid, "MX findings do not make the policy invalid");
    let not_covered: Vec<_> = r
        .diagnostics
        .iter()
        .filter(|d| d.rule.code == "MXC-MX-NOT-COVERED")
        .collect();
    assert_eq!(not_covered.len(), 3);
    assert!(not_covered.iter().all(|d| d.severity == Severity::Error));
    assert!(r.has("MXC-PATTERN-UNUSED") && r.has("MXC-WILDCARD-DEPTH") && r.has("MXC-WILDCARD-APEX"));
    // Testing mode: a warning.
    let testing = b"version: STSv1\nmode: testing\nmx: mail.example.com\nmax_age: 604800\n";
    let r = lint_policy(testing, Some(&[MxHost::new("other.example.com")]));
    assert!(
        r.diagnostics
            .iter()
            .any(|d| d.rule.code == "MXC-MX-NOT-COVERED" && d.severity == Severity::Warning)
    );
    assert!(r.has("MXC-NONE-COVERED"));
    // The fix adds the host as a pattern.
    let fixed = mtasts_core::fix_all(Kind::Policy, testing, Some(&[MxHost::new("other.example.com")]));
    let r = lint_policy(&fixed, Some(&[MxHost::new("other.example.com")]));
    assert!(!r.has("MXC-MX-NOT-COVERED"), "{}", String::from_utf8_lossy(&fixed));
}

// --- fixes ---------------------------------------------------------------------------------

#[test]
fn fix_all_repairs_the_common_mistakes() {
    let broken = "\u{feff}version: STSv1\r\nMode: enforce\r\nmx: mail.example.com. backup.example.com\r\n  max_age: 604800\r\n\r\n";
    let fixed = mtasts_core::fix_all(Kind::Policy, broken.as_bytes(), None);
    let r = lint_policy(&fixed, None);
    assert!(r.valid, "{:?}: {:?}", String::from_utf8_lossy(&fixed), codes(&r));
    assert_eq!(
        String::from_utf8_lossy(&fixed),
        "version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmx: backup.example.com\r\nmax_age: 604800\r\n"
    );

    let fixed = mtasts_core::fix_all(Kind::Sts, b" v=STSv1 id=abc ", None);
    assert_eq!(String::from_utf8_lossy(&fixed), "v=STSv1; id=abc");
    let fixed = mtasts_core::fix_all(Kind::Sts, b"\"\\\"v=stsv1; id=abc;;\\\"\"", None);
    assert_eq!(String::from_utf8_lossy(&fixed), "\"v=STSv1; id=abc;\"");
    let fixed = mtasts_core::fix_all(Kind::Tlsrpt, b"v=TLSRPTv1 ; RUA=mailto:a@example.com ", None);
    assert_eq!(String::from_utf8_lossy(&fixed), "v=TLSRPTv1; rua=mailto:a@example.com");
}

#[test]
fn spans_lines_and_columns() {
    let r = policy("version: STSv1\nmode: enforce\nmx: mail_1.example.com\nmax_age: 604800\n");
    let d = r
        .diagnostics
        .iter()
        .find(|d| d.rule.code == "POLICY-MX-INVALID")
        .expect("finding");
    assert_eq!((d.line, d.column), (3, 9));
    assert_eq!(
        &"version: STSv1\nmode: enforce\nmx: mail_1.example.com\nmax_age: 604800\n"[d.span.start..d.span.end],
        "_"
    );
    // Columns count characters.
    let r = policy("version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 604800\nnøte: x\n");
    let d = r
        .diagnostics
        .iter()
        .find(|d| d.rule.code == "POLICY-FIELD-NAME-INVALID")
        .expect("finding");
    assert_eq!((d.line, d.column, d.end_column), (5, 1, 5));
}

#[test]
fn junk_never_panics_and_is_bounded() {
    let mut junk = Vec::new();
    let mut x: u32 = 12345;
    for _ in 0..1_000_000 {
        x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
        junk.push((x >> 16) as u8);
    }
    for kind in [Kind::Policy, Kind::Sts, Kind::Tlsrpt] {
        let r = lint(kind, &junk);
        assert!(!r.valid);
        assert!(r.diagnostics.len() <= 100 * mtasts_core::rules::all().count());
        assert!(
            r.diagnostics
                .iter()
                .all(|d| d.span.end <= junk.len() && d.line >= 1 && d.column >= 1)
        );
    }
    let nul = b"version: STSv1\0\nmode: enforce\nmx: a.example\nmax_age: 1\n";
    assert!(!lint(Kind::Policy, nul).valid);
}

#[test]
fn valid_means_no_errors() {
    for src in [
        "version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 604800\n",
        "version: STSv1\nmode: enforce\n",
        "v=STSv1; id=1",
        "garbage",
    ] {
        for kind in [Kind::Policy, Kind::Sts, Kind::Tlsrpt] {
            let r = lint(kind, src.as_bytes());
            assert_eq!(r.valid, r.count(Severity::Error) == 0, "{kind:?} {src:?}");
            assert_eq!(r.valid, r.parsed.is_some(), "{kind:?} {src:?}");
        }
    }
}

#[test]
fn detect_kind() {
    assert_eq!(
        mtasts_core::detect_kind(b"version: STSv1\nmode: testing\n"),
        Kind::Policy
    );
    assert_eq!(mtasts_core::detect_kind(b"\"v=STSv1; id=1\""), Kind::Sts);
    assert_eq!(mtasts_core::detect_kind(b"v=TLSRPTv1; rua=mailto:a@b.c"), Kind::Tlsrpt);
    assert_eq!(mtasts_core::detect_kind(b"Mode: enforce"), Kind::Policy);
    assert_eq!(mtasts_core::detect_kind(b"\xef\xbb\xbfversion: STSv1"), Kind::Policy);
}

// --- zone files ---------------------------------------------------------------------------

#[test]
fn zone_files_and_dig_output() {
    let zone = "$ORIGIN example.com.\n@ 3600 IN MX 10 mx1.example.com.\n_mta-sts 3600 IN TXT \"v=STSv1; id=20240101\"\n_smtp._tls IN TXT ( \"v=TLSRPTv1; \"\n  \"rua=mailto:tls@example.net\" )\n";
    let r = lint(Kind::Zone, zone.as_bytes());
    assert!(r.valid, "{:?}", codes(&r));
    let Some(Parsed::Zone(z)) = r.parsed else {
        panic!("no summary")
    };
    assert_eq!(z.domains.len(), 1);
    assert_eq!(z.domains[0].sts_id.as_deref(), Some("20240101"));
    assert_eq!(
        z.domains[0].tlsrpt_rua,
        Some(vec!["mailto:tls@example.net".to_string()])
    );
    assert_eq!(z.domains[0].mx, ["mx1.example.com."]);
    assert_eq!(mtasts_core::detect_kind(zone.as_bytes()), Kind::Zone);

    // The help-desk article's typo, records at the apex, the draft name.
    let wrong = "_mts-sts.example.com. IN TXT \"v=STSv1; id=27042401\"\nexample.com. IN TXT \"v=TLSRPTv1; rua=mailto:a@example.net\"\n_smtp-tlsrpt.example.com. IN TXT \"v=TLSRPTv1; rua=mailto:a@example.net\"\n";
    let r = lint(Kind::Zone, wrong.as_bytes());
    assert!(
        r.has("STS-TXT-WRONG-LOCATION") && r.has("TLSRPT-WRONG-LOCATION") && r.has("TLSRPT-LEGACY-LOCATION"),
        "{:?}",
        codes(&r)
    );

    // Two STS records in a zone: the domain has no policy.
    let two = "_mta-sts.example.com. IN TXT \"v=STSv1; id=1\"\n_mta-sts.example.com. IN TXT \"v=STSv1; id=2\"\n";
    assert_invalid(Kind::Zone, two, "STS-TXT-MULTIPLE");

    // MTA-STS without TLS-RPT, and the mode known from the policy.
    let bare = "_mta-sts.example.com. IN TXT \"v=STSv1; id=1\"\n";
    assert!(lint(Kind::Zone, bare.as_bytes()).has("TLSRPT-MISSING-WITH-STS"));
    assert!(mtasts_core::lint_zone(bare.as_bytes(), Some(mtasts_core::mta_sts::Mode::Testing)).has("MODE-NO-TLSRPT"));

    // dig output pasted as `sts` records.
    let dig = ";; ANSWER SECTION:\n_mta-sts.example.com.\t300\tIN\tTXT\t\"v=STSv1; id=abc\"\n";
    assert_eq!(sts_id(dig).as_deref(), Some("abc"));
}
