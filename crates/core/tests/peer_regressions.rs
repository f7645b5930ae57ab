//! Bugs and strictness problems of other checkers (`landscape.md` §4b, catalogue §6-7),
//! each pinned as the verdict the RFC gives. A test name says whose behaviour it guards
//! against.

use mtasts_core::{Kind, Parsed, Severity, lint, lint_policy, mx};

fn valid(kind: Kind, src: &str) -> bool {
    lint(kind, src.as_bytes()).valid
}

fn mode_of(src: &str) -> Option<String> {
    match lint_policy(src.as_bytes(), None).parsed {
        Some(Parsed::Policy(p)) => Some(p.mode.as_str().to_string()),
        _ => None,
    }
}

fn covers(pattern: &str, host: &str) -> bool {
    let p = mx::pattern::parse(pattern.as_bytes()).expect("valid pattern");
    mx::first_match([&p], host).is_some()
}

#[test]
fn checkdmarc_wildcard_and_substring_matching() {
    // An unanchored regex: `mail.example.com` "covers" a host in an attacker's zone.
    assert!(!covers("mail.example.com", "evil-mail.example.com.attacker.net"));
    assert!(!covers("mx.example.com", "mx.example.com.evil.net"));
    // A wildcard matches several labels there.
    assert!(!covers("*.example.com", "a.b.example.com"));
}

#[test]
fn checkdmarc_mixed_line_endings_unknown_keys_extensions_duplicates() {
    let mixed = "version: STSv1\r\nmode: enforce\nmx: a.example.com\r\nmax_age: 604800\n";
    assert!(valid(Kind::Policy, mixed));
    let unknown = "version: STSv1\nmode: enforce\nmx: a.example.com\nmax_age: 604800\ncontact: admin@example.com\n";
    assert!(valid(Kind::Policy, unknown));
    assert!(valid(Kind::Sts, "v=STSv1; id=1; foo=bar"));
    assert!(valid(Kind::Tlsrpt, "v=TLSRPTv1; rua=mailto:a@example.com; ext=1"));
    let dup = "version: STSv1\nmode: enforce\nmode: testing\nmx: a.example.com\nmax_age: 604800\n";
    assert_eq!(mode_of(dup).as_deref(), Some("enforce"));
}

#[test]
fn checkdmarc_does_not_invent_defaults() {
    // Defaults `version=STSv1`, `mode=none`, `max_age=0` made `mx: a.example` pass.
    assert!(!valid(Kind::Policy, "mx: a.example\n"));
}

#[test]
fn dnshealth_and_eff_mode_none_is_valid() {
    assert_eq!(
        mode_of("version: STSv1\nmode: none\nmax_age: 86400\n").as_deref(),
        Some("none")
    );
}

#[test]
fn postfix_mta_sts_resolver_first_duplicate_wins() {
    assert_eq!(
        mode_of("version: STSv1\nmode: testing\nmode: enforce\nmx: a.example\nmax_age: 86400\n").as_deref(),
        Some("testing")
    );
}

#[test]
fn ps_mta_sts_template_matching() {
    // Any id of 1-32 alphanumerics, not only ones ending in `Z`; any legal max_age.
    assert!(valid(Kind::Sts, "v=STSv1; id=20240102"));
    assert!(valid(Kind::Sts, "v=STSv1; id=abc"));
    assert!(valid(
        Kind::Policy,
        "version: STSv1\nmode: enforce\nmx: *.mail.protection.outlook.com\nmax_age: 1209600\n"
    ));
}

#[test]
fn hardenize_two_sts_records_mean_no_policy() {
    assert!(!valid(Kind::Sts, "v=STSv1; id=1\nv=STSv1; id=2\n"));
}

#[test]
fn webperf_core_and_esmtp_lf_endings_are_valid() {
    let r = lint_policy(b"version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 604800\n", None);
    assert!(r.valid);
    let lf = r
        .diagnostics
        .iter()
        .find(|d| d.rule.code == "POLICY-LF-LINE-ENDINGS")
        .expect("noted");
    assert_eq!(lf.severity, Severity::Info);
}

#[test]
fn aykevl_exact_prefix_versus_grammar() {
    // Alone, `v=STSv1 ;` is grammatical; among several records it is discarded (errata 6285).
    assert!(valid(Kind::Sts, "v=STSv1 ; id=1"));
    let r = lint(Kind::Sts, b"v=STSv1 ; id=1\nsite-verification=x\n");
    assert!(!r.valid && r.has("STS-TXT-NOT-FOUND") && r.has("STS-TXT-WSP-BEFORE-SEMICOLON"));
}

#[test]
fn go_mtasts_and_kumomta_unrelated_records_are_discarded() {
    assert!(valid(Kind::Sts, "google-site-verification=abc\nv=STSv1; id=1\n"));
}

#[test]
fn mailrs_and_mailauth_case_variants_are_not_fields() {
    assert!(!valid(
        Kind::Policy,
        "version: STSv1\nMode: enforce\nmx: a.example\nmax_age: 604800\n"
    ));
    assert!(!valid(Kind::Sts, "V=STSv1; id=1"));
    assert!(!valid(Kind::Tlsrpt, "v=TLSRPTv1; RUA=mailto:a@example.com"));
}

#[test]
fn chasquid_mailcheck_danmarg_max_age_zero_is_legal() {
    assert!(valid(
        Kind::Policy,
        "version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 0\n"
    ));
}

#[test]
fn python_go_rust_js_number_parsers_are_too_lenient() {
    for v in ["+86400", "1_000", "1e5", "", "-5", " 86400x"] {
        let src = format!("version: STSv1\nmode: testing\nmx: a.example\nmax_age: {v}\n");
        assert!(!valid(Kind::Policy, &src), "max_age {v:?}");
    }
}

#[test]
fn stalwart_and_mailauth_missing_mode_is_not_none() {
    assert!(!valid(Kind::Policy, "version: STSv1\nmx: a.example\nmax_age: 86400\n"));
}

#[test]
fn mimecast_and_stalwart_quotes_and_ids() {
    // mimecast strips quotes and hides this mistake; stalwart's own tests use `_` in ids.
    assert!(!valid(Kind::Sts, "\"\\\"v=STSv1; id=1;\\\"\""));
    assert!(!valid(Kind::Sts, "v=STSv1; id=policy_will_fail"));
}

#[test]
fn mailcheck_colons_in_values_and_https_hosts() {
    assert!(valid(
        Kind::Policy,
        "version: STSv1\nmode: testing\nmx: a.example\nmax_age: 86400\nnote: see https://example.com:8443/\n"
    ));
    assert!(valid(
        Kind::Tlsrpt,
        "v=TLSRPTv1; rua=https://reports.example.com:443/tlsrpt"
    ));
}

#[test]
fn help_desk_cheat_sheet() {
    // `mode: none | testing | enforce` written as a value, no `mx`, `v=TLSRPTv1;` with no rua.
    assert!(!valid(
        Kind::Policy,
        "version: STSv1\nmode: none | testing | enforce\nmax_age: 86401\n"
    ));
    assert!(!valid(Kind::Policy, "version: STSv1\nmode: testing\nmax_age: 86401\n"));
    assert!(!valid(Kind::Tlsrpt, "v=TLSRPTv1;"));
}
