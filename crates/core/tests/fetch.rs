//! Judging recorded fetch facts: every FETCH-* and CACHE-* rule fires on realistic
//! evidence and stays quiet on a healthy fetch; Content-Type edge cases; the body flows
//! into the policy lint; the evidence JSON round-trips.

use mtasts_core::base64;
use mtasts_core::fetch::{
    Address, Certificate, Dns, ErrorKind, Family, FetchError, FetchEvidence, FetchReport, Headers, Http, Snapshot,
    Timings, judge_fetch, policy_host, policy_url, sha256::sha256_hex,
};
use mtasts_core::rules::fetch::cert_name_mismatch::san_matches;
use mtasts_core::{Severity, rules};
use proptest::prelude::*;

const POLICY: &str = "version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmax_age: 604800\r\n";
/// 2025-01-01 00:00:00 UTC.
const NOW: u64 = 1_735_689_600;
const DAY: u64 = 86_400;

fn rfc3339(secs: u64) -> String {
    let t = mtasts_core::generate::CivilTime::from_unix(secs);
    format!("{}T{:02}:{:02}:{:02}Z", t.date(), t.hour, t.minute, t.second)
}

/// A fetch with nothing wrong: every fact known and good.
fn healthy() -> FetchEvidence {
    let mut e = FetchEvidence::new("example.com");
    e.url = Some("https://mta-sts.example.com/.well-known/mta-sts.txt".into());
    e.dns = Some(Dns {
        addresses: vec![
            Address {
                address: "192.0.2.10".into(),
                family: Family::V4,
                error: None,
            },
            Address {
                address: "2001:db8::10".into(),
                family: Family::V6,
                error: None,
            },
        ],
        host_error: None,
    });
    e.tls_version = Some("TLSv1.3".into());
    e.certificate = Some(Certificate {
        subject: Some("CN=mta-sts.example.com".into()),
        sans: vec!["mta-sts.example.com".into()],
        issuer: Some("C=US, O=Let's Encrypt, CN=R11".into()),
        not_before: Some(rfc3339(NOW - 30 * DAY)),
        not_after: Some(rfc3339(NOW + 60 * DAY)),
        valid_for_host: Some(true),
        chains_to_trusted_root: Some(true),
        revoked: Some(false),
        error: None,
    });
    e.http = Some(Http {
        status: 200,
        headers: Headers {
            content_type: Some("text/plain; charset=utf-8".into()),
            location: None,
            cache_control: Some("max-age=60".into()),
        },
    });
    e.set_body(POLICY.as_bytes());
    e.body_size = Some(POLICY.len() as u64);
    e.timings_ms = Some(Timings {
        dns: Some(12),
        connect: Some(30),
        tls: Some(45),
        first_byte: Some(80),
        total: Some(81),
    });
    e.fetched_at = Some(NOW);
    e.txt_found = Some(true);
    e.txt_id = Some("20250101".into());
    e
}

fn codes(r: &FetchReport) -> Vec<&'static str> {
    r.all_diagnostics().map(|d| d.rule.code).collect()
}

#[track_caller]
fn fires(e: &FetchEvidence, code: &str) -> FetchReport {
    let r = judge_fetch(e);
    assert!(r.has(code), "{code} should fire; findings: {:?}", codes(&r));
    r
}

#[track_caller]
fn quiet(e: &FetchEvidence, code: &str) {
    let r = judge_fetch(e);
    assert!(!r.has(code), "{code} should not fire; findings: {:?}", codes(&r));
}

fn severity_of(r: &FetchReport, code: &str) -> Option<Severity> {
    r.all_diagnostics().find(|d| d.rule.code == code).map(|d| d.severity)
}

fn with_status(status: u16) -> FetchEvidence {
    let mut e = healthy();
    if let Some(h) = e.http.as_mut() {
        h.status = status;
    }
    e
}

fn with_content_type(ct: Option<&str>) -> FetchEvidence {
    let mut e = healthy();
    if let Some(h) = e.http.as_mut() {
        h.headers.content_type = ct.map(str::to_string);
    }
    e
}

fn failed(kind: ErrorKind, message: &str, alert: Option<&str>) -> FetchEvidence {
    let mut e = healthy();
    e.http = None;
    e.body = None;
    e.body_size = None;
    e.error = Some(FetchError {
        kind,
        message: message.into(),
        tls_alert: alert.map(str::to_string),
    });
    e
}

fn with_cert(f: impl FnOnce(&mut Certificate)) -> FetchEvidence {
    let mut e = healthy();
    if let Some(c) = e.certificate.as_mut() {
        f(c);
    }
    e
}

// ---------------------------------------------------------------------------------------
// The healthy fetch

#[test]
fn healthy_fetch_is_valid_with_only_information() {
    let r = judge_fetch(&healthy());
    assert!(r.valid, "{:?}", codes(&r));
    assert_eq!(r.host, "mta-sts.example.com");
    assert_eq!(r.url, "https://mta-sts.example.com/.well-known/mta-sts.txt");
    let not_info: Vec<_> = r
        .all_diagnostics()
        .filter(|d| d.severity != Severity::Info)
        .map(|d| (d.rule.code, d.message.clone()))
        .collect();
    assert!(not_info.is_empty(), "{not_info:?}");
    assert_eq!(codes(&r), ["FETCH-URL", "CACHE-SEMANTICS"]);
    assert!(r.policy.as_ref().is_some_and(|p| p.valid));
    assert!(
        r.summary().starts_with("Senders can fetch the policy"),
        "{}",
        r.summary()
    );
    for d in &r.diagnostics {
        assert_eq!((d.span.start, d.span.end, d.line, d.column), (0, 0, 1, 1));
        assert!(d.fix.is_none());
    }
}

#[test]
fn every_fetch_rule_is_registered_with_the_fetch_subject() {
    let fetch: Vec<&str> = rules::fetch::RULES.iter().map(|r| r.code).collect();
    assert_eq!(fetch.len(), 22);
    for code in &fetch {
        let rule = rules::by_code(code).expect("registered");
        assert_eq!(rule.subject, mtasts_core::Subject::Fetch);
        assert!(
            rule.examples().iter().any(|x| x.kind == "fetch" && x.fires),
            "{code} has no fetch example"
        );
    }
}

// ---------------------------------------------------------------------------------------
// URL, DNS, transport

#[test]
fn url_is_the_a_label_form() {
    let mut e = FetchEvidence::new("Bücher.Example.");
    let r = fires(&e, "FETCH-URL");
    assert_eq!(r.host, "mta-sts.xn--bcher-kva.example");
    assert!(r.diagnostics[0].message.contains("A-label"));
    assert_eq!(
        policy_url("bücher.example").as_deref(),
        Some("https://mta-sts.xn--bcher-kva.example/.well-known/mta-sts.txt")
    );
    assert_eq!(policy_host("EXAMPLE.com.").as_deref(), Some("mta-sts.example.com"));
    assert_eq!(policy_host("exa mple.com"), None);
    // Fetching another URL is pointed out; the same URL spelled differently is not.
    e.url = Some("https://mta-sts.xn--bcher-kva.example/mta-sts.txt".into());
    assert!(judge_fetch(&e).diagnostics[0].message.contains("instead"));
    e.url = Some("HTTPS://MTA-STS.xn--bcher-kva.example:443/.well-known/mta-sts.txt".into());
    assert!(!judge_fetch(&e).diagnostics[0].message.contains("instead"));
    // Nonsense domains and empty evidence do not panic.
    for d in ["", ".", "..", "a..b", "-", "\u{0}", "*.example.com"] {
        let r = judge_fetch(&FetchEvidence::new(d));
        assert!(r.has("FETCH-URL"));
        assert!(!r.valid);
    }
}

#[test]
fn host_missing() {
    let mut e = healthy();
    e.dns = Some(Dns {
        addresses: vec![],
        host_error: Some("NXDOMAIN".into()),
    });
    e.http = None;
    e.error = Some(FetchError {
        kind: ErrorKind::Dns,
        message: "no such host".into(),
        tls_alert: None,
    });
    let r = fires(&e, "FETCH-HOST-MISSING");
    assert_eq!(severity_of(&r, "FETCH-HOST-MISSING"), Some(Severity::Error));
    assert!(!r.valid);
    assert!(!r.has("FETCH-STATUS"), "explained by the missing host");
    // No TXT record either: the domain does not use MTA-STS.
    e.txt_found = Some(false);
    e.txt_id = None;
    let r = fires(&e, "FETCH-HOST-MISSING");
    assert_eq!(severity_of(&r, "FETCH-HOST-MISSING"), Some(Severity::Info));
    // Only a DNS error, no lookup detail.
    let e = failed(ErrorKind::Dns, "failed to lookup address", None);
    let mut e2 = e.clone();
    e2.dns = None;
    fires(&e2, "FETCH-HOST-MISSING");
    // An empty answer counts too.
    let mut e3 = healthy();
    e3.dns = Some(Dns::default());
    fires(&e3, "FETCH-HOST-MISSING");
    quiet(&healthy(), "FETCH-HOST-MISSING");
}

#[test]
fn not_https() {
    let mut e = healthy();
    e.url = Some("http://mta-sts.example.com/.well-known/mta-sts.txt".into());
    fires(&e, "FETCH-NOT-HTTPS");
    let e = failed(
        ErrorKind::Tls,
        "error:0A00010B:SSL routines::wrong version number",
        None,
    );
    fires(&e, "FETCH-NOT-HTTPS");
    quiet(&healthy(), "FETCH-NOT-HTTPS");
}

#[test]
fn tls_version() {
    for old in ["TLSv1.1", "TLSv1", "TLSv1.0", "SSLv3", "TLS 1.1"] {
        let mut e = healthy();
        e.tls_version = Some(old.into());
        fires(&e, "FETCH-TLS-VERSION");
    }
    for ok in ["TLSv1.2", "TLSv1.3", "TLS 1.3", "1.3", "tlsv1.2", "QUIC?"] {
        let mut e = healthy();
        e.tls_version = Some(ok.into());
        quiet(&e, "FETCH-TLS-VERSION");
    }
    let e = failed(ErrorKind::Tls, "handshake failure", Some("protocol_version"));
    let r = fires(&e, "FETCH-TLS-VERSION");
    assert!(!r.has("FETCH-STATUS"));
}

#[test]
fn sni() {
    let e = failed(ErrorKind::Tls, "tlsv1 unrecognized name", Some("unrecognized_name"));
    let r = fires(&e, "FETCH-SNI");
    assert!(!r.has("FETCH-STATUS"));
    // A default certificate of another owner.
    let e = with_cert(|c| {
        c.sans = vec!["*.netlify.app".into()];
        c.valid_for_host = Some(false);
    });
    let r = fires(&e, "FETCH-SNI");
    assert!(r.has("FETCH-CERT-NAME-MISMATCH"));
    // A certificate of the same owner that misses the name is not an SNI problem.
    let e = with_cert(|c| {
        c.sans = vec!["example.com".into(), "www.example.com".into()];
        c.valid_for_host = Some(false);
    });
    quiet(&e, "FETCH-SNI");
    fires(&e, "FETCH-CERT-NAME-MISMATCH");
    quiet(&healthy(), "FETCH-SNI");
}

// ---------------------------------------------------------------------------------------
// Certificate

#[test]
fn cert_untrusted() {
    let e = with_cert(|c| c.chains_to_trusted_root = Some(false));
    fires(&e, "FETCH-CERT-UNTRUSTED");
    let e = with_cert(|c| {
        c.chains_to_trusted_root = None;
        c.error = Some("unable to get local issuer certificate".into());
    });
    fires(&e, "FETCH-CERT-UNTRUSTED");
    let e = failed(ErrorKind::Tls, "invalid peer certificate: UnknownIssuer", None);
    let mut e = e;
    e.certificate = None;
    let r = fires(&e, "FETCH-CERT-UNTRUSTED");
    assert!(!r.has("FETCH-STATUS"));
    quiet(&healthy(), "FETCH-CERT-UNTRUSTED");
}

#[test]
fn cert_expired() {
    let e = with_cert(|c| c.not_after = Some(rfc3339(NOW - 3 * DAY)));
    let r = fires(&e, "FETCH-CERT-EXPIRED");
    assert_eq!(severity_of(&r, "FETCH-CERT-EXPIRED"), Some(Severity::Error));
    assert!(!r.valid);
    // Not yet valid.
    let e = with_cert(|c| c.not_before = Some(rfc3339(NOW + DAY)));
    fires(&e, "FETCH-CERT-EXPIRED");
    // Expiring soon: a warning only.
    let e = with_cert(|c| c.not_after = Some(rfc3339(NOW + 5 * DAY)));
    let r = fires(&e, "FETCH-CERT-EXPIRED");
    assert_eq!(severity_of(&r, "FETCH-CERT-EXPIRED"), Some(Severity::Warning));
    assert!(r.valid);
    // Unknown time: only a verifier's words count.
    let mut e = with_cert(|c| c.not_after = Some(rfc3339(NOW - 3 * DAY)));
    e.fetched_at = None;
    quiet(&e, "FETCH-CERT-EXPIRED");
    let mut e = failed(ErrorKind::Tls, "certificate has expired", None);
    e.fetched_at = None;
    fires(&e, "FETCH-CERT-EXPIRED");
    // Garbage dates do not panic and say nothing.
    let e = with_cert(|c| {
        c.not_after = Some("yesterday".into());
        c.not_before = Some("9999-99-99T99:99:99Z".into());
    });
    quiet(&e, "FETCH-CERT-EXPIRED");
    quiet(&healthy(), "FETCH-CERT-EXPIRED");
}

#[test]
fn cert_expired_soon_check_uses_offset() {
    // 2024-12-31T23:59:59.999-01:00 is less than an hour after NOW: expiring soon.
    let e = with_cert(|c| c.not_after = Some("2024-12-31T23:59:59.999-01:00".into()));
    let r = judge_fetch(&e);
    assert_eq!(severity_of(&r, "FETCH-CERT-EXPIRED"), Some(Severity::Warning));
}

#[test]
fn cert_name_mismatch() {
    let e = with_cert(|c| {
        c.sans = vec!["www.example.com".into()];
        c.valid_for_host = Some(false);
    });
    fires(&e, "FETCH-CERT-NAME-MISMATCH");
    // CN-only: does not count.
    let e = with_cert(|c| {
        c.sans = vec![];
        c.valid_for_host = None;
    });
    let r = fires(&e, "FETCH-CERT-NAME-MISMATCH");
    assert!(r.diagnostics.iter().any(|d| d.message.contains("subjectAltName")));
    // Wildcard as the whole left-most label covers the host.
    let e = with_cert(|c| c.sans = vec!["*.example.com".into()]);
    quiet(&e, "FETCH-CERT-NAME-MISMATCH");
    // A partial wildcard does not.
    let e = with_cert(|c| {
        c.sans = vec!["mta*.example.com".into()];
        c.valid_for_host = None;
    });
    let r = fires(&e, "FETCH-CERT-NAME-MISMATCH");
    assert!(
        r.diagnostics
            .iter()
            .any(|d| d.message.contains("whole left-most label"))
    );
    // Our match disagrees with the verifier: the verifier's refusal still counts.
    let e = with_cert(|c| c.valid_for_host = Some(false));
    fires(&e, "FETCH-CERT-NAME-MISMATCH");
    // SANs not recorded but the verifier accepted: nothing to say.
    let e = with_cert(|c| c.sans = vec![]);
    quiet(&e, "FETCH-CERT-NAME-MISMATCH");
    // OpenSSL-style entries and case.
    let e = with_cert(|c| c.sans = vec!["IP Address:192.0.2.1".into(), "DNS:MTA-STS.Example.COM".into()]);
    quiet(&e, "FETCH-CERT-NAME-MISMATCH");
    quiet(&healthy(), "FETCH-CERT-NAME-MISMATCH");
}

#[test]
fn san_matching() {
    let host = "mta-sts.example.com";
    for yes in [
        "mta-sts.example.com",
        "MTA-STS.EXAMPLE.COM",
        "mta-sts.example.com.",
        "*.example.com",
        "DNS:*.example.com",
    ] {
        assert!(san_matches(yes, host), "{yes}");
    }
    for no in [
        "example.com",
        "www.example.com",
        "*.mta-sts.example.com",
        "*.com",
        "*.*.com",
        "*.*.example.com",
        "m*.example.com",
        "*ta-sts.example.com",
        "mta-sts.*.com",
        "*",
        "",
        "IP Address:192.0.2.1",
        "mta-sts.example.com.evil.net",
    ] {
        assert!(!san_matches(no, host), "{no}");
    }
    assert!(!san_matches("*.example.com", "example.com"));
    assert!(!san_matches("*.example.com", "a.mta-sts.example.com"));
    assert!(san_matches("*.example.co.uk", "mta-sts.example.co.uk"));
    assert!(!san_matches("*.co.uk", "mta-sts.co.uk"));
}

#[test]
fn cert_revoked() {
    let e = with_cert(|c| c.revoked = Some(true));
    let r = fires(&e, "FETCH-CERT-REVOKED");
    assert_eq!(severity_of(&r, "FETCH-CERT-REVOKED"), Some(Severity::Warning));
    let e = with_cert(|c| c.revoked = None);
    quiet(&e, "FETCH-CERT-REVOKED");
    let mut e = failed(ErrorKind::Tls, "certificate revoked", Some("certificate_revoked"));
    e.certificate = None;
    fires(&e, "FETCH-CERT-REVOKED");
    quiet(&healthy(), "FETCH-CERT-REVOKED");
}

// ---------------------------------------------------------------------------------------
// HTTP

#[test]
fn status() {
    for s in [201, 203, 204, 206, 400, 401, 403, 429, 500, 502, 503, 304] {
        let r = fires(&with_status(s), "FETCH-STATUS");
        assert!(!r.valid);
        assert!(r.policy.is_none(), "no policy lint for status {s}");
        assert!(!r.has("FETCH-NOT-FOUND") && !r.has("FETCH-REDIRECT"));
    }
    for s in [200, 404, 410, 301, 302, 307, 308] {
        quiet(&with_status(s), "FETCH-STATUS");
    }
    // No response and nothing more specific: a refused connection.
    let r = fires(
        &failed(ErrorKind::Connect, "Connection refused (os error 111)", None),
        "FETCH-STATUS",
    );
    assert!(r.diagnostics.iter().any(|d| d.message.contains("refused")));
    // Unknown error kinds from newer producers deserialize as `other`.
    let e: FetchEvidence =
        serde_json::from_str(r#"{"domain":"example.com","error":{"kind":"quic","message":"x"}}"#).expect("json");
    assert_eq!(e.error.as_ref().map(|e| e.kind), Some(ErrorKind::Other));
    fires(&e, "FETCH-STATUS");
}

#[test]
fn not_found() {
    for s in [404, 410] {
        let r = fires(&with_status(s), "FETCH-NOT-FOUND");
        assert_eq!(severity_of(&r, "FETCH-NOT-FOUND"), Some(Severity::Error));
    }
    let mut e = with_status(404);
    e.txt_found = Some(false);
    e.txt_id = None;
    let r = fires(&e, "FETCH-NOT-FOUND");
    assert_eq!(severity_of(&r, "FETCH-NOT-FOUND"), Some(Severity::Info));
    quiet(&healthy(), "FETCH-NOT-FOUND");
}

#[test]
fn redirect() {
    let mut e = with_status(301);
    if let Some(h) = e.http.as_mut() {
        h.headers.location = Some("https://www.example.com/.well-known/mta-sts.txt".into());
    }
    let r = fires(&e, "FETCH-REDIRECT");
    assert!(
        r.diagnostics
            .iter()
            .any(|d| d.message.contains("https://www.example.com/"))
    );
    assert!(!r.valid);
    let r = fires(&with_status(302), "FETCH-REDIRECT");
    assert!(r.diagnostics.iter().any(|d| d.message.contains("without a Location")));
    quiet(&with_status(304), "FETCH-REDIRECT");
    quiet(&healthy(), "FETCH-REDIRECT");
}

#[test]
fn content_type_edge_cases() {
    for ok in [
        "text/plain",
        "TEXT/PLAIN; charset=UTF-8",
        "text/plain ;charset=utf-8",
        "text/plain; charset=\"us-ascii\"",
        "Text/Plain;",
        " text/plain\t; format=flowed",
    ] {
        let e = with_content_type(Some(ok));
        quiet(&e, "FETCH-CONTENT-TYPE");
        quiet(&e, "FETCH-CONTENT-TYPE-MISSING");
        quiet(&e, "FETCH-CHARSET");
        assert!(judge_fetch(&e).valid, "{ok}");
    }
    for bad in [
        "text/html",
        "application/octet-stream",
        "text/plainx",
        "text/html; x=text/plain",
        "text/plain, text/html",
        "text / plain",
        "",
    ] {
        let e = with_content_type(Some(bad));
        let r = fires(&e, "FETCH-CONTENT-TYPE");
        assert!(!r.valid, "{bad}");
        quiet(&e, "FETCH-CONTENT-TYPE-MISSING");
    }
    let r = fires(&with_content_type(None), "FETCH-CONTENT-TYPE-MISSING");
    assert!(!r.has("FETCH-CONTENT-TYPE"));
    // An HTML page is not linted as a policy; other types are.
    assert!(judge_fetch(&with_content_type(Some("text/html"))).policy.is_none());
    assert!(
        judge_fetch(&with_content_type(Some("application/octet-stream")))
            .policy
            .is_some()
    );
    // Only the 200 response's type matters.
    let mut e = with_status(404);
    if let Some(h) = e.http.as_mut() {
        h.headers.content_type = Some("text/html".into());
    }
    quiet(&e, "FETCH-CONTENT-TYPE");
}

#[test]
fn charset() {
    for bad in [
        "text/plain; charset=utf-16",
        "text/plain; charset=ISO-8859-1",
        "text/plain; CHARSET=\"windows-1252\"",
        "text/plain; charset=utf8",
        "text/plain; charset=utf-8; charset=latin1",
    ] {
        let r = fires(&with_content_type(Some(bad)), "FETCH-CHARSET");
        assert_eq!(severity_of(&r, "FETCH-CHARSET"), Some(Severity::Warning), "{bad}");
    }
    for ok in [
        "text/plain; charset=UTF-8",
        "text/plain; charset=\"us-ascii\"",
        "text/plain; Charset=Us-Ascii",
        "text/plain; format=fixed",
        "text/plain",
    ] {
        quiet(&with_content_type(Some(ok)), "FETCH-CHARSET");
    }
}

#[test]
fn timeout() {
    let mut e = failed(ErrorKind::Timeout, "operation timed out", None);
    e.timings_ms = Some(Timings {
        total: Some(60_000),
        ..Timings::default()
    });
    let r = fires(&e, "FETCH-TIMEOUT");
    assert_eq!(severity_of(&r, "FETCH-TIMEOUT"), Some(Severity::Error));
    assert!(!r.has("FETCH-STATUS"));
    let mut e = healthy();
    e.timings_ms = Some(Timings {
        first_byte: Some(61_000),
        total: Some(61_500),
        ..Timings::default()
    });
    let r = fires(&e, "FETCH-TIMEOUT");
    assert_eq!(severity_of(&r, "FETCH-TIMEOUT"), Some(Severity::Warning));
    assert!(r.valid);
    let mut e = healthy();
    e.timings_ms = Some(Timings {
        total: Some(60_000),
        ..Timings::default()
    });
    quiet(&e, "FETCH-TIMEOUT");
    quiet(&healthy(), "FETCH-TIMEOUT");
}

#[test]
fn size() {
    let mut e = healthy();
    e.body_size = Some(65_537);
    fires(&e, "FETCH-SIZE");
    let mut e = healthy();
    e.body_truncated = true;
    fires(&e, "FETCH-SIZE");
    let mut e = healthy();
    e.body_size = None;
    e.set_body(format!("{POLICY}{}", "x".repeat(70_000)).as_bytes());
    fires(&e, "FETCH-SIZE");
    let mut e = healthy();
    e.body_size = Some(65_536);
    quiet(&e, "FETCH-SIZE");
    quiet(&healthy(), "FETCH-SIZE");
}

#[test]
fn cache_headers() {
    let with_cc = |cc: Option<&str>| {
        let mut e = healthy();
        if let Some(h) = e.http.as_mut() {
            h.headers.cache_control = cc.map(str::to_string);
        }
        e
    };
    for fire in [
        None,
        Some("public, max-age=86400"),
        Some("max-age=60, s-maxage=3600"),
        Some("public"),
        Some("immutable"),
    ] {
        let r = fires(&with_cc(fire), "FETCH-CACHE-HEADERS");
        assert_eq!(severity_of(&r, "FETCH-CACHE-HEADERS"), Some(Severity::Info));
        assert!(r.valid);
    }
    for ok in [
        Some("max-age=60"),
        Some("MAX-AGE=0"),
        Some("no-cache"),
        Some("no-store, max-age=86400"),
        Some("private"),
        Some("max-age=\"30\""),
    ] {
        quiet(&with_cc(ok), "FETCH-CACHE-HEADERS");
    }
}

// ---------------------------------------------------------------------------------------
// Body into the policy lint

#[test]
fn bom_body_flows_into_policy_bom() {
    let mut e = healthy();
    e.set_body(format!("\u{feff}{POLICY}").as_bytes());
    assert!(e.body.is_some(), "a BOM is valid UTF-8, kept as text");
    let r = fires(&e, "POLICY-BOM");
    assert!(!r.valid);
    let policy = r.policy.as_ref().expect("linted");
    assert!(!policy.valid);
    assert!(r.summary().contains("reject"), "{}", r.summary());
    // The same through JSON and through base64.
    let json = serde_json::to_string(&e).expect("json");
    assert!(json.contains("\u{feff}version") || json.contains("\\ufeffversion"));
    let back: FetchEvidence = serde_json::from_str(&json).expect("parse");
    fires(&back, "POLICY-BOM");
    let mut b = healthy();
    b.body = None;
    b.body_base64 = Some(base64::encode(format!("\u{feff}{POLICY}").as_bytes()));
    fires(&b, "POLICY-BOM");
}

#[test]
fn body_bytes_that_are_not_utf8_use_base64() {
    let mut e = healthy();
    let bytes = b"version: STSv1\r\nmode: enforce\xff\r\n";
    e.set_body(bytes);
    assert!(e.body.is_none());
    assert_eq!(e.body_bytes().as_deref(), Some(&bytes[..]));
    fires(&e, "POLICY-NOT-UTF8");
    // Invalid base64: no body, no panic.
    e.body_base64 = Some("!!!".into());
    assert_eq!(e.body_bytes(), None);
    let r = judge_fetch(&e);
    assert!(r.policy.is_none());
    assert!(!r.valid);
}

#[test]
fn policy_is_linted_only_for_200() {
    assert!(judge_fetch(&with_status(500)).policy.is_none());
    let mut e = healthy();
    e.body = Some(String::new());
    let r = fires(&e, "POLICY-EMPTY");
    assert!(!r.valid);
}

// ---------------------------------------------------------------------------------------
// Cache rules

fn snapshot_of(body: &str, id: &str, mode: &str, max_age: u64, mx: &[&str]) -> Snapshot {
    Snapshot {
        id: Some(id.into()),
        body_sha256: Some(sha256_hex(body.as_bytes())),
        fetched_at: Some(NOW - 30 * DAY),
        mode: Some(mode.into()),
        max_age: Some(max_age),
        mx: Some(mx.iter().map(|s| s.to_string()).collect()),
    }
}

const OLD_POLICY: &str = "version: STSv1\r\nmode: testing\r\nmx: mail.example.com\r\nmax_age: 86400\r\n";

#[test]
fn cache_id_not_changed() {
    let mut e = healthy();
    e.previous = Some(snapshot_of(
        OLD_POLICY,
        "20250101",
        "testing",
        86_400,
        &["mail.example.com"],
    ));
    let r = fires(&e, "CACHE-ID-NOT-CHANGED");
    assert!(!r.valid);
    let msg = &r
        .diagnostics
        .iter()
        .find(|d| d.rule.code == "CACHE-ID-NOT-CHANGED")
        .expect("finding")
        .message;
    assert!(
        msg.contains("mode testing → enforce") && msg.contains("max_age 86400 → 604800"),
        "{msg}"
    );
    assert!(r.summary().contains("But"), "{}", r.summary());
    // A new id: fine.
    e.txt_id = Some("20250102".into());
    quiet(&e, "CACHE-ID-NOT-CHANGED");
    quiet(&e, "CACHE-UPDATE-ORDER");
    // Bytes changed (LF instead of CRLF) but the values did not: nothing to say.
    let mut e = healthy();
    e.previous = Some(snapshot_of(
        &POLICY.replace("\r\n", "\n"),
        "20250101",
        "enforce",
        604_800,
        &["mail.example.com"],
    ));
    quiet(&e, "CACHE-ID-NOT-CHANGED");
    // Without the values, the bytes decide.
    if let Some(p) = e.previous.as_mut() {
        p.mode = None;
    }
    fires(&e, "CACHE-ID-NOT-CHANGED");
    // Same body, same id: nothing.
    let mut e = healthy();
    e.previous = Some(snapshot_of(
        POLICY,
        "20250101",
        "enforce",
        604_800,
        &["mail.example.com"],
    ));
    quiet(&e, "CACHE-ID-NOT-CHANGED");
    quiet(&e, "CACHE-UPDATE-ORDER");
    // No current id known: nothing.
    e.txt_id = None;
    e.previous = Some(snapshot_of(OLD_POLICY, "20250101", "testing", 86_400, &[]));
    quiet(&e, "CACHE-ID-NOT-CHANGED");
    quiet(&healthy(), "CACHE-ID-NOT-CHANGED");
}

#[test]
fn cache_update_order() {
    let mut e = healthy();
    e.previous = Some(snapshot_of(
        POLICY,
        "20241201",
        "enforce",
        604_800,
        &["mail.example.com"],
    ));
    let r = fires(&e, "CACHE-UPDATE-ORDER");
    assert_eq!(severity_of(&r, "CACHE-UPDATE-ORDER"), Some(Severity::Warning));
    assert!(r.valid);
    quiet(&e, "CACHE-ID-NOT-CHANGED");
    // Hash compared case-insensitively.
    if let Some(p) = e.previous.as_mut() {
        p.body_sha256 = p.body_sha256.as_ref().map(|h| h.to_uppercase());
    }
    fires(&e, "CACHE-UPDATE-ORDER");
    // The fetch failed: no body to compare.
    let mut e = with_status(500);
    e.previous = Some(snapshot_of(POLICY, "20241201", "enforce", 604_800, &[]));
    quiet(&e, "CACHE-UPDATE-ORDER");
    quiet(&healthy(), "CACHE-UPDATE-ORDER");
}

#[test]
fn cache_removal_without_none() {
    let prev = snapshot_of(POLICY, "20241201", "enforce", 604_800, &["mail.example.com"]);
    // TXT record gone.
    let mut e = healthy();
    e.txt_found = Some(false);
    e.txt_id = None;
    e.previous = Some(prev.clone());
    let r = fires(&e, "CACHE-REMOVAL-WITHOUT-NONE");
    assert!(r.diagnostics.iter().any(|d| d.message.contains("2025-01-08")));
    // Host broken.
    let mut e = failed(ErrorKind::Connect, "connection refused", None);
    e.previous = Some(prev.clone());
    fires(&e, "CACHE-REMOVAL-WITHOUT-NONE");
    let mut e = with_status(404);
    e.previous = Some(Snapshot {
        mode: Some("testing".into()),
        ..prev.clone()
    });
    fires(&e, "CACHE-REMOVAL-WITHOUT-NONE");
    // Previous mode none, or unknown: nothing to keep.
    let mut e = with_status(404);
    e.previous = Some(Snapshot {
        mode: Some("none".into()),
        ..prev.clone()
    });
    quiet(&e, "CACHE-REMOVAL-WITHOUT-NONE");
    e.previous = Some(Snapshot {
        mode: None,
        ..prev.clone()
    });
    quiet(&e, "CACHE-REMOVAL-WITHOUT-NONE");
    // Still serving: nothing.
    let mut e = healthy();
    e.previous = Some(prev);
    quiet(&e, "CACHE-REMOVAL-WITHOUT-NONE");
}

#[test]
fn cache_semantics() {
    let r = fires(&healthy(), "CACHE-SEMANTICS");
    let msg = &r
        .diagnostics
        .iter()
        .find(|d| d.rule.code == "CACHE-SEMANTICS")
        .expect("finding")
        .message;
    assert!(
        msg.contains("1 week") && msg.contains("2025-01-08 00:00:00 UTC"),
        "{msg}"
    );
    assert!(msg.contains("5 minutes") && msg.contains("daily"), "{msg}");
    quiet(&with_status(404), "CACHE-SEMANTICS");
    quiet(&with_content_type(Some("text/html")), "CACHE-SEMANTICS");
}

#[test]
fn snapshot_records_what_the_cache_rules_need() {
    let s = healthy().snapshot();
    assert_eq!(s.id.as_deref(), Some("20250101"));
    assert_eq!(s.body_sha256, Some(sha256_hex(POLICY.as_bytes())));
    assert_eq!(s.fetched_at, Some(NOW));
    assert_eq!(s.mode.as_deref(), Some("enforce"));
    assert_eq!(s.max_age, Some(604_800));
    assert_eq!(s.mx, Some(vec!["mail.example.com".to_string()]));
    // Fed back as `previous` with the same facts: no cache finding.
    let mut e = healthy();
    e.previous = Some(s);
    let r = judge_fetch(&e);
    assert!(r.valid);
    assert!(
        !codes(&r)
            .iter()
            .any(|c| c.starts_with("CACHE-") && *c != "CACHE-SEMANTICS")
    );
    // A failed fetch snapshots no body.
    let s = with_status(500).snapshot();
    assert_eq!((s.body_sha256, s.mode), (None, None));
}

// ---------------------------------------------------------------------------------------
// JSON

#[test]
fn json_round_trip() {
    let mut e = healthy();
    e.previous = Some(snapshot_of(
        OLD_POLICY,
        "20241201",
        "testing",
        86_400,
        &["mail.example.com"],
    ));
    e.error = Some(FetchError {
        kind: ErrorKind::Tls,
        message: "m".into(),
        tls_alert: Some("handshake_failure".into()),
    });
    let json = serde_json::to_string_pretty(&e).expect("serialize");
    let back: FetchEvidence = serde_json::from_str(&json).expect("deserialize");
    assert_eq!(back, e);
    // Field names are the interface.
    let v: serde_json::Value = serde_json::from_str(&json).expect("value");
    for key in [
        "domain",
        "url",
        "dns",
        "error",
        "tls_version",
        "certificate",
        "http",
        "body",
        "body_base64",
        "body_truncated",
        "body_size",
        "timings_ms",
        "fetched_at",
        "txt_found",
        "txt_id",
        "previous",
    ] {
        assert!(v.get(key).is_some(), "{key}");
    }
    assert_eq!(v["dns"]["addresses"][1]["family"], "v6");
    assert_eq!(v["error"]["kind"], "tls");
    assert_eq!(v["http"]["headers"]["content_type"], "text/plain; charset=utf-8");
    assert_eq!(v["certificate"]["chains_to_trusted_root"], true);
    assert_eq!(v["previous"]["body_sha256"].as_str().map(str::len), Some(64));
    // Binary bodies survive too.
    let mut b = healthy();
    b.set_body(&[0, 159, 146, 150, 255, b'\r', b'\n']);
    let back: FetchEvidence = serde_json::from_str(&serde_json::to_string(&b).expect("ser")).expect("de");
    assert_eq!(back.body_bytes(), b.body_bytes());
    // Everything is optional: `{}` and a bare domain parse.
    let empty: FetchEvidence = serde_json::from_str("{}").expect("empty");
    assert_eq!(empty, FetchEvidence::default());
    let r = judge_fetch(&empty);
    assert!(!r.valid);
    assert_eq!(codes(&r), ["FETCH-URL"]);
}

// ---------------------------------------------------------------------------------------
// Totality

fn opt<T: std::fmt::Debug + Clone + 'static>(s: impl Strategy<Value = T> + 'static) -> BoxedStrategy<Option<T>> {
    prop::option::of(s).boxed()
}

prop_compose! {
    fn evidence()(
        domain in ".{0,20}",
        url in opt(".{0,40}"),
        status in opt(any::<u16>()),
        ct in opt(".{0,30}"),
        cc in opt(".{0,30}"),
        loc in opt(".{0,30}"),
        body in opt(any::<Vec<u8>>()),
        b64 in opt(".{0,30}"),
        truncated in any::<bool>(),
        size in opt(any::<u64>()),
        tls in opt(".{0,10}"),
        sans in prop::collection::vec(".{0,20}", 0..4),
        not_after in opt(".{0,30}"),
        not_before in opt(".{0,30}"),
        flags in opt((opt(any::<bool>()), opt(any::<bool>()), opt(any::<bool>()))),
        err in opt((0u8..5, ".{0,30}", opt(".{0,20}"))),
        total in opt(any::<u64>()),
        fetched_at in opt(any::<u64>()),
        txt in (opt(any::<bool>()), opt("[a-z0-9]{1,4}")),
        prev in opt((opt("[a-z0-9]{1,4}"), opt("[0-9a-f]{0,64}"), opt(any::<u64>()), opt(".{0,8}"), opt(any::<u64>()))),
    ) -> FetchEvidence {
        let mut e = FetchEvidence::new(domain);
        e.url = url;
        e.http = status.map(|status| Http { status, headers: Headers { content_type: ct, location: loc, cache_control: cc } });
        if let Some(b) = body { e.set_body(&b); }
        if b64.is_some() { e.body_base64 = b64; }
        e.body_truncated = truncated;
        e.body_size = size;
        e.tls_version = tls;
        e.certificate = flags.map(|(valid, chains, revoked)| Certificate {
            subject: Some("CN=x".into()), sans, issuer: None, not_before, not_after,
            valid_for_host: valid, chains_to_trusted_root: chains, revoked, error: None,
        });
        e.error = err.map(|(k, message, tls_alert)| FetchError {
            kind: [ErrorKind::Dns, ErrorKind::Connect, ErrorKind::Tls, ErrorKind::Timeout, ErrorKind::Other][usize::from(k)],
            message, tls_alert,
        });
        e.timings_ms = total.map(|t| Timings { total: Some(t), ..Timings::default() });
        e.fetched_at = fetched_at;
        (e.txt_found, e.txt_id) = txt;
        e.previous = prev.map(|(id, body_sha256, fetched_at, mode, max_age)| Snapshot { id, body_sha256, fetched_at, mode, max_age, mx: None });
        e
    }
}

proptest! {
    #[test]
    fn judging_is_total_and_valid_means_no_error(e in evidence()) {
        let r = judge_fetch(&e);
        let errors = r.diagnostics.iter().any(|d| d.severity == Severity::Error);
        prop_assert_eq!(r.valid, !errors && r.policy.as_ref().is_some_and(|p| p.valid));
        prop_assert!(r.has("FETCH-URL"));
        let _ = r.summary();
        let _ = e.snapshot();
        let json = serde_json::to_string(&e).expect("serialize");
        let back: FetchEvidence = serde_json::from_str(&json).expect("deserialize");
        prop_assert_eq!(back, e);
    }
}

#[test]
fn a_resolver_failure_is_not_a_missing_host() {
    let mut e = mtasts_core::fetch::FetchEvidence::new("example.com");
    e.txt_found = Some(true);
    e.dns = Some(mtasts_core::fetch::Dns {
        addresses: Vec::new(),
        host_error: Some("the resolver answered SERVFAIL".into()),
    });
    e.error = Some(mtasts_core::fetch::FetchError {
        kind: mtasts_core::fetch::ErrorKind::Dns,
        message: "mta-sts.example.com has no address: the resolver answered SERVFAIL".into(),
        tls_alert: None,
    });
    let r = mtasts_core::fetch::judge_fetch(&e);
    assert!(
        !r.has("FETCH-HOST-MISSING"),
        "{:?}",
        r.all_diagnostics().map(|d| d.rule.code).collect::<Vec<_>>()
    );
    assert!(r.has("FETCH-STATUS"));
    assert!(!r.valid);
    if let Some(dns) = &mut e.dns {
        dns.host_error = Some("NXDOMAIN".into());
    }
    assert!(mtasts_core::fetch::judge_fetch(&e).has("FETCH-HOST-MISSING"));
}
