//! The TLS report reader: loading (JSON, gzip, base64, e-mail, mbox), tolerance of real
//! senders, aggregation, explanations and advice.
//!
//! Fixtures: `tests/data/tlsrpt/` (always present) and, when the repository sits beside
//! `shared/`, the real reports of `shared/data/tlsrpt-reports/` with the counts its
//! README lists.

use mtasts_core::report::aggregate::Aggregator;
use mtasts_core::report::explain::{CLEAN_DAYS_FOR_ENFORCE, suggest_mx_pattern};
use mtasts_core::report::{
    AdviceKind, LoadErrorKind, MAX_DECOMPRESSED, PolicyType, ResultType, TlsReport, aggregate, explain, explain_reason,
    load, load_file, parse_datetime, parse_json,
};
use std::io::Write;
use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/tlsrpt")
}

fn fixture(name: &str) -> Vec<u8> {
    let path = fixtures().join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn shared_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/tlsrpt-reports");
    if dir.is_dir() {
        Some(dir)
    } else {
        println!("note: {} is absent; skipping the shared-data checks", dir.display());
        None
    }
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap()
}

fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
        if out.len() % 77 == 76 {
            out.push('\n');
        }
    }
    out
}

fn one(name: &str, bytes: &[u8]) -> TlsReport {
    let loaded = load_file(name, bytes);
    assert!(loaded.errors.is_empty(), "{name}: {:?}", loaded.errors);
    assert_eq!(loaded.reports.len(), 1, "{name}");
    loaded.reports.into_iter().next().unwrap()
}

fn totals(reports: &[TlsReport]) -> (usize, u64, u64) {
    let policies = reports.iter().map(|r| r.policies.len()).sum();
    let ok = reports.iter().map(TlsReport::total_successful_sessions).sum();
    let failed = reports.iter().map(TlsReport::total_failed_sessions).sum();
    (policies, ok, failed)
}

/// Policies, successful and failed sessions; `None` for a file that is not a report.
type Expected = Option<(usize, u64, u64)>;

/// `shared/data/tlsrpt-reports/README.md`.
const SHARED: &[(&str, Expected)] = &[
    // Deliberately invalid: no contact-info, no total-failure-session-count and an unknown
    // policy type "tls". A tolerant reader still gets one policy with 90 successful sessions,
    // as the README lists, and says what it tolerated in the report's warnings.
    ("EvotecIT__DomainDetective__tlsrpt-invalid.json", Some((1, 90, 0))),
    ("EvotecIT__DomainDetective__tlsrpt.json", Some((1, 90, 10))),
    ("cry-inc__dmarc-report-viewer__google.json", Some((1, 1, 0))),
    ("cry-inc__dmarc-report-viewer__microsoft.json", Some((2, 4, 0))),
    ("cry-inc__dmarc-report-viewer__no-contact.json", Some((1, 1, 0))),
    ("cry-inc__dmarc-report-viewer__no-policy.json", Some((1, 1, 0))),
    ("cry-inc__dmarc-report-viewer__no_ip_and_mx.json", Some((1, 0, 3))),
    ("cry-inc__dmarc-report-viewer__rfc-example.json", Some((1, 5326, 303))),
    ("danmarg__tlsrpt_processor__sample.json", Some((1, 5326, 303))),
    (
        "domainaware__parsedmarc__google.com_smtp_tls_report.eml",
        Some((1, 48, 0)),
    ),
    ("domainaware__parsedmarc__mail.ru.json", Some((1, 0, 1))),
    ("domainaware__parsedmarc__rfc8460.json", Some((1, 5326, 303))),
    ("domainaware__parsedmarc__smtp_tls.json", Some((1, 0, 3))),
    ("kravietz__tlsrpt-rs__empty.eml", None),
    ("kravietz__tlsrpt-rs__google1.eml", Some((1, 1, 0))),
    ("kravietz__tlsrpt-rs__google2.eml", Some((1, 2, 0))),
    ("kravietz__tlsrpt-rs__mail.ru.eml", Some((1, 0, 1))),
    ("kravietz__tlsrpt-rs__mail.ru.json", Some((1, 0, 1))),
    ("kravietz__tlsrpt-rs__microsoft1.eml", Some((2, 4, 0))),
    ("kravietz__tlsrpt-rs__rfc8460.json", Some((1, 5326, 303))),
    ("marcbradshaw__mail-tls-rpt__email.eml", Some((1, 343, 0))),
    ("marcbradshaw__mail-tls-rpt__expected.json", Some((1, 343, 0))),
    ("marcbradshaw__mail-tls-rpt__report.json", Some((1, 343, 0))),
    ("marcbradshaw__mail-tls-rpt__report.json.gz.b64", Some((1, 343, 0))),
    ("mjl-__mox__example.eml", Some((1, 3, 0))),
    ("mjl-__mox__microsoft.eml", Some((1, 2, 0))),
    ("stalwartlabs__mail-auth__rpt01.eml", Some((1, 5326, 303))),
    ("stalwartlabs__mail-auth__rpt01.json", Some((1, 5326, 303))),
    ("stalwartlabs__mail-auth__rpt02.eml", Some((1, 23, 1))),
    ("stalwartlabs__mail-auth__rpt02.json", Some((1, 23, 1))),
    ("stalwartlabs__mail-auth__rpt03.json", Some((2, 2, 0))),
];

#[test]
fn shared_reports_match_the_readme_table() {
    let Some(dir) = shared_dir() else { return };
    for (name, expected) in SHARED {
        let bytes = std::fs::read(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        let loaded = load_file(name, &bytes);
        match expected {
            Some(want) => {
                assert!(loaded.errors.is_empty(), "{name}: {:?}", loaded.errors);
                assert_eq!(loaded.reports.len(), 1, "{name}");
                assert_eq!(totals(&loaded.reports), *want, "{name}");
                let agg = aggregate(std::slice::from_ref(&loaded));
                let got = (
                    agg.total_policies,
                    agg.total_successful_sessions,
                    agg.total_failed_sessions,
                );
                assert_eq!(got, *want, "{name}: aggregate");
                let r = &loaded.reports[0];
                assert!(r.date_range.start.is_some(), "{name}: no start date");
                assert!(!r.report_id.is_empty(), "{name}");
            }
            None => {
                assert!(loaded.reports.is_empty(), "{name}");
                assert_eq!(loaded.errors.len(), 1, "{name}: {:?}", loaded.errors);
                let e = &loaded.errors[0];
                assert!(matches!(e.kind, LoadErrorKind::NoReportInMessage { .. }), "{name}: {e}");
                let msg = e.to_string();
                assert!(msg.starts_with(name) && msg.contains("no TLS report attached"), "{msg}");
            }
        }
    }
}

#[test]
fn shared_dir_has_no_file_the_table_misses() {
    let Some(dir) = shared_dir() else { return };
    for entry in std::fs::read_dir(&dir).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if name != "README.md" {
            assert!(SHARED.iter().any(|(n, _)| *n == name), "{name} is not in the table");
        }
    }
}

#[test]
fn shared_quirks_are_read() {
    let Some(dir) = shared_dir() else { return };
    let read = |name: &str| one(name, &std::fs::read(dir.join(name)).unwrap());

    let invalid = read("EvotecIT__DomainDetective__tlsrpt-invalid.json");
    assert_eq!(invalid.policies[0].policy.policy_type, PolicyType::Other("tls".into()));
    let w = invalid.warnings.join("\n");
    assert!(w.contains("total-failure-session-count is missing"), "{w}");
    assert!(w.contains("contact-info"), "{w}");
    assert!(w.contains("`tls` is not one of"), "{w}");

    // Microsoft 2023: date-times without a zone are UTC.
    let ms = read("mjl-__mox__microsoft.eml");
    assert_eq!(ms.date_range.day().as_deref(), Some("2023-01-10"));
    // No sending-mta-ip, no receiving-mx-hostname, report id ending in `+`.
    let no_ip = read("cry-inc__dmarc-report-viewer__no_ip_and_mx.json");
    let d = &no_ip.policies[0].failure_details[0];
    assert_eq!(d.result_type, ResultType::StsPolicyFetchError);
    assert_eq!(
        (d.sending_mta_ip.as_deref(), d.receiving_mx_hostname.as_deref()),
        (None, None)
    );
    assert_eq!(no_ip.report_id, "1234567890+");
    // Draft-era key.
    let draft = read("danmarg__tlsrpt_processor__sample.json");
    let codes: Vec<_> = draft.policies[0]
        .failure_details
        .iter()
        .filter_map(|d| d.failure_reason_code.as_deref())
        .collect();
    assert_eq!(codes, ["X509_V_ERR_PROXY_PATH_LENGTH_EXCEEDED"]);
    // mx-host as a string, as a list, as "" and with an `mx: ` prefix.
    assert_eq!(draft.policies[0].policy.mx_host, ["*.mail.company-y.example"]);
    assert!(
        read("marcbradshaw__mail-tls-rpt__expected.json").policies[0]
            .policy
            .mx_host
            .is_empty()
    );
    // contact-info: null.
    assert_eq!(read("cry-inc__dmarc-report-viewer__no-contact.json").contact_info, None);
    // No policy-domain on no-policy-found, and an unknown policy type.
    let rpt03 = read("stalwartlabs__mail-auth__rpt03.json");
    assert_eq!(rpt03.policies[0].policy.policy_type, PolicyType::NoPolicyFound);
    assert_eq!(rpt03.policies[0].policy.policy_domain, None);
    assert_eq!(
        rpt03.policies[1].policy.policy_type,
        PolicyType::Other("invalid-policy-type".into())
    );
    // Attachment typed application/tlsrpt (JSON, not gzip).
    assert_eq!(
        read("stalwartlabs__mail-auth__rpt02.eml").source,
        "stalwartlabs__mail-auth__rpt02.eml (attachment \"mail.sender.example!example.com!1013662812!1013749130.json\")"
    );
}

#[test]
fn shared_reports_aggregate_with_duplicates_once() {
    let Some(dir) = shared_dir() else { return };
    let mut loaded = Vec::new();
    for (name, _) in SHARED {
        loaded.push(load_file(name, &std::fs::read(dir.join(name)).unwrap()));
    }
    let agg = aggregate(&loaded);
    assert_eq!(agg.files, SHARED.len());
    assert_eq!(agg.files_failed, 1);
    assert_eq!(agg.errors.len(), 1);
    // Count by hand: the first report of each id.
    let mut seen = std::collections::HashSet::new();
    let (mut ok, mut failed, mut unique) = (0, 0, 0);
    for r in loaded.iter().flat_map(|l| &l.reports) {
        if seen.insert(r.report_id.clone()) {
            unique += 1;
            ok += r.total_successful_sessions();
            failed += r.total_failed_sessions();
        }
    }
    assert_eq!(agg.reports, unique);
    assert_eq!(agg.reports + agg.duplicates_skipped, SHARED.len() - 1);
    assert!(
        agg.duplicate_report_ids
            .contains(&"5065427c-23d3-47ca-b6e0-946ea0e8c4be".to_string())
    );
    assert_eq!((agg.total_successful_sessions, agg.total_failed_sessions), (ok, failed));
    let day_sum: u64 = agg.days.iter().map(|d| d.successful_sessions).sum();
    assert_eq!(day_sum, ok);
    // The RFC example's policy is in testing mode with failures: not ready.
    assert!(
        agg.advice
            .iter()
            .any(|a| a.kind == AdviceKind::EnforceNotYet && a.policy_domain.as_deref() == Some("company-y.example"))
    );
    // Nothing in these reports shows an uncovered MX.
    assert!(
        !agg.advice.iter().any(|a| a.kind == AdviceKind::AddMxPattern),
        "{:#?}",
        agg.advice
    );
}

#[test]
fn rfc_example_json() {
    let r = one("rfc-example.json", &fixture("rfc-example.json"));
    assert_eq!(r.organization_name, "Company-X");
    assert_eq!(r.contact_info.as_deref(), Some("sts-reporting@company-x.example"));
    assert_eq!(r.date_range.day().as_deref(), Some("2016-04-01"));
    assert_eq!(r.date_range.end, parse_datetime("2016-04-01T23:59:59Z"));
    let p = &r.policies[0];
    assert_eq!(p.policy.policy_type, PolicyType::Sts);
    assert_eq!(p.policy.policy_domain.as_deref(), Some("company-y.example"));
    assert_eq!(p.policy.mode(), Some("testing"));
    assert_eq!(p.summary.total_successful_session_count, 5326);
    assert_eq!(p.summary.total_failure_session_count, 303);
    let types: Vec<_> = p.failure_details.iter().map(|d| d.result_type.clone()).collect();
    assert_eq!(
        types,
        [
            ResultType::CertificateExpired,
            ResultType::StarttlsNotSupported,
            ResultType::ValidationFailure
        ]
    );
    assert_eq!(p.failure_details[1].receiving_ip.as_deref(), Some("203.0.113.56"));
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    let parsed = parse_json("rfc-example.json", &fixture("rfc-example.json")).unwrap();
    assert_eq!(parsed, [r]);
}

#[test]
fn gzip_by_name_and_by_content() {
    let json = fixture("rfc-example.json");
    let want = one("rfc-example.json", &json);
    let gz = gzip(&json);
    for name in ["r.json.gz", "r.gz", "no-extension", "misnamed.json", "REPORT.JSON.GZ"] {
        let mut got = one(name, &gz);
        got.source = want.source.clone();
        assert_eq!(got, want, "{name}");
    }
    // base64 of the gzip, as a .b64 file and unnamed.
    let b64 = base64(&gz);
    assert_eq!(one("r.json.gz.b64", b64.as_bytes()).report_id, want.report_id);
    assert_eq!(one("r.txt", b64.as_bytes()).report_id, want.report_id);
}

#[test]
fn corrupt_and_oversized_gzip_are_refused() {
    let gz = gzip(&fixture("rfc-example.json"));
    let truncated = &gz[..gz.len() / 2];
    let e = load("cut.json.gz", truncated).unwrap_err();
    assert!(matches!(e.kind, LoadErrorKind::GzipCorrupt { .. }), "{e}");
    assert!(e.to_string().starts_with("cut.json.gz: gzip data corrupt"), "{e}");
    let mut flipped = gz.clone();
    let mid = flipped.len() / 2;
    flipped[mid] ^= 0xff;
    assert!(load("flip.json.gz", &flipped).is_err());
    let e = load("x.json.gz", b"this is not gzip").unwrap_err();
    assert!(matches!(e.kind, LoadErrorKind::GzipCorrupt { .. }), "{e}");

    // A bomb: 1 MiB of zeros compresses to about 1 KiB; 40 such gzip members concatenated
    // decompress to 40 MiB.
    let member = gzip(&vec![b' '; 1 << 20]);
    let bomb: Vec<u8> = std::iter::repeat_n(member.as_slice(), 40).flatten().copied().collect();
    assert!(bomb.len() < 100_000);
    let e = load("bomb.json.gz", &bomb).unwrap_err();
    assert_eq!(
        e.kind,
        LoadErrorKind::TooLarge {
            limit: MAX_DECOMPRESSED
        }
    );
    assert!(e.to_string().contains("exceeds 32 MiB"), "{e}");
}

#[test]
fn eml_with_gzip_attachment() {
    let r = one("minimal.eml", &fixture("minimal.eml"));
    let want = one("rfc-example.json", &fixture("rfc-example.json"));
    assert_eq!(r.policies, want.policies);
    assert_eq!(
        r.source,
        "minimal.eml (attachment \"company-x.example!company-y.example!1459468800!1459555199.json.gz\")"
    );
}

#[test]
fn mbox_with_several_messages() {
    let loaded = load_file("three.mbox", &fixture("three.mbox"));
    assert_eq!(loaded.reports.len(), 2, "{:?}", loaded.errors);
    assert_eq!(loaded.reports[0].report_id, "5065427c-23d3-47ca-b6e0-946ea0e8c4be");
    assert_eq!(loaded.reports[1].report_id, "quirks-1+");
    assert!(
        loaded.reports[1]
            .source
            .starts_with("three.mbox (message 3, attachment")
    );
    assert_eq!(loaded.errors.len(), 1);
    let e = &loaded.errors[0];
    assert_eq!(e.part.as_deref(), Some("message 2"));
    assert!(matches!(e.kind, LoadErrorKind::NoReportInMessage { .. }));
    assert!(e.to_string().contains("subject \"nightly job\""), "{e}");
    // `load` keeps the reports.
    assert_eq!(load("three.mbox", &fixture("three.mbox")).unwrap().len(), 2);
}

#[test]
fn numbers_as_strings_missing_optional_fields_unknown_types() {
    let r = one("quirks.json", &fixture("quirks.json"));
    assert_eq!(r.organization_name, "Quirky MTA", "key case does not matter");
    assert_eq!(r.contact_info, None);
    assert_eq!(r.date_range.day().as_deref(), Some("2024-03-05"));
    assert_eq!(r.policies.len(), 3);
    let sts = &r.policies[0];
    assert_eq!(sts.policy.policy_type, PolicyType::Sts);
    assert_eq!(sts.policy.policy_domain.as_deref(), Some("example.org"));
    assert_eq!(sts.policy.policy_string[1], "mode: enforce", "trailing CR removed");
    assert_eq!(sts.policy.mode(), Some("enforce"));
    assert_eq!(sts.policy.mx_host, ["mail.example.org"]);
    assert_eq!(sts.summary.total_successful_session_count, 40);
    assert_eq!(sts.summary.total_failure_session_count, 5);
    let d = &sts.failure_details;
    assert_eq!(d[0].result_type, ResultType::CertificateHostMismatch);
    assert_eq!(d[0].failed_session_count, 3);
    assert_eq!(
        d[0].receiving_mx_hostname.as_deref(),
        Some("mail.example.org"),
        "misspelled key"
    );
    assert_eq!(
        d[0].failure_reason_code.as_deref(),
        Some("hostname mismatch"),
        "draft key"
    );
    assert_eq!(
        d[0].additional_information.as_deref(),
        Some("https://quirky.example/why")
    );
    assert_eq!(d[0].sending_mta_ip, None);
    assert_eq!(d[1].result_type, ResultType::Other("mta-sts-weird-new-thing".into()));
    assert_eq!(d[1].failed_session_count, 2);
    assert_eq!(r.policies[1].policy.policy_type, PolicyType::Tlsa);
    assert!(r.policies[1].failure_details.is_empty());
    assert_eq!(r.policies[2].policy.policy_domain, None);
    assert_eq!(r.policies[2].summary.total_failure_session_count, 0);
    assert_eq!((r.total_successful_sessions(), r.total_failed_sessions()), (48, 5));

    let agg = aggregate(&[load_file("quirks.json", &fixture("quirks.json"))]);
    let other = agg
        .result_types
        .iter()
        .find(|t| t.result_type.as_str() == "mta-sts-weird-new-thing")
        .unwrap();
    assert_eq!(other.failed_sessions, 2);
    assert!(other.explanation.meaning.contains("does not define"));
}

#[test]
fn minimal_reports_and_odd_values() {
    let min = br#"{"policies":[{"policy":{"policy-type":"sts"},"summary":{}}]}"#;
    let r = one("min.json", min);
    assert_eq!(r.organization_name, "");
    assert_eq!(r.report_id, "");
    assert_eq!(r.date_range.start, None);
    assert!(r.warnings.iter().any(|w| w.contains("report-id")));
    let agg = aggregate(&[load_file("a.json", min), load_file("b.json", min)]);
    assert_eq!(agg.reports, 2, "reports without an id are never duplicates");
    assert!(agg.days.is_empty());
    assert!(agg.rows.iter().all(|r| r.day == "unknown"));

    let odd = br#"{"report-id":"x","policies":[{"policy":{"policy-type":"sts"},
        "summary":{"total-successful-session-count":-4,"total-failure-session-count":"many"},
        "failure-details":{"result-type":"STARTTLS_NOT_SUPPORTED","failed-session-count":"1"}}]}"#;
    let r = one("odd.json", odd);
    assert_eq!((r.total_successful_sessions(), r.total_failed_sessions()), (0, 0));
    assert_eq!(
        r.policies[0].failure_details[0].result_type,
        ResultType::StarttlsNotSupported
    );
    assert_eq!(r.warnings.iter().filter(|w| w.contains("not a count")).count(), 2);

    // An array of reports and NDJSON.
    let rfc = fixture("rfc-example.json");
    let quirks = fixture("quirks.json");
    let array = format!(
        "[{}, {}]",
        String::from_utf8_lossy(&rfc),
        String::from_utf8_lossy(&quirks)
    );
    assert_eq!(load("array.json", array.as_bytes()).unwrap().len(), 2);
    let ndjson = format!(
        "{}\n{}\n",
        String::from_utf8_lossy(&rfc),
        String::from_utf8_lossy(&quirks)
    );
    assert_eq!(load("ndjson.json", ndjson.as_bytes()).unwrap().len(), 2);
    // A BOM and CRLF.
    let mut bom = b"\xef\xbb\xbf".to_vec();
    bom.extend(String::from_utf8_lossy(&rfc).replace('\n', "\r\n").bytes());
    assert_eq!(one("bom.json", &bom).report_id, "5065427c-23d3-47ca-b6e0-946ea0e8c4be");
}

#[test]
fn clear_errors_and_bad_files_do_not_stop_the_others() {
    let cases: &[(&str, &[u8], &str)] = &[
        ("empty.json", b"  \n", "empty.json: the file is empty"),
        (
            "broken.json",
            b"{\"policies\": [",
            "broken.json: not JSON: EOF while parsing",
        ),
        (
            "dmarc.xml",
            b"<?xml version=\"1.0\"?><feedback></feedback>",
            "dmarc.xml: not a TLS report: this is a DMARC aggregate report (XML)",
        ),
        (
            "list.json",
            b"[1, 2]",
            "list.json: not a TLS report: the JSON is a list",
        ),
        (
            "bin.dat",
            b"\x00\x01\x02\xff",
            "bin.dat: not a TLS report: neither JSON, gzip, base64 nor an e-mail",
        ),
        ("a.zip", b"PK\x03\x04rest", "a.zip: a zip archive"),
        ("x.b64", b"!!!!", "x.b64: not valid base64"),
        (
            "not-a-report.json",
            br#"{"feedback": {}}"#,
            "not-a-report.json: not a TLS report: missing required fields organization-name, date-range, report-id, policies",
        ),
        (
            "partial.json",
            br#"{"report-id":"p","policies":[{"policy":{},"summary":{}},{"summary":{}}]}"#,
            "missing required fields policies[0].policy.policy-type, policies[1].policy",
        ),
    ];
    let mut loaded = Vec::new();
    for (name, bytes, want) in cases {
        let l = load_file(name, bytes);
        assert!(l.reports.is_empty(), "{name}");
        assert_eq!(l.errors.len(), 1, "{name}");
        let msg = l.errors[0].to_string();
        assert!(msg.contains(want), "{name}: {msg}");
        loaded.push(l);
    }
    assert!(load("not-a-report.json", &fixture("not-a-report.json")).is_err());
    loaded.push(load_file("rfc-example.json", &fixture("rfc-example.json")));
    let agg = aggregate(&loaded);
    assert_eq!(agg.files, cases.len() + 1);
    assert_eq!(agg.files_failed, cases.len());
    assert_eq!(agg.errors.len(), cases.len());
    assert_eq!((agg.total_successful_sessions, agg.total_failed_sessions), (5326, 303));
    let json = serde_json::to_value(&agg).unwrap();
    assert_eq!(json["errors"][0]["file"], "empty.json");
    assert_eq!(json["errors"][0]["kind"], "empty");
}

#[test]
fn duplicate_report_ids_count_once() {
    let loaded = [
        load_file("rfc-example.json", &fixture("rfc-example.json")),
        load_file("minimal.eml", &fixture("minimal.eml")),
        load_file("copy.json.gz", &gzip(&fixture("rfc-example.json"))),
        load_file("quirks.json", &fixture("quirks.json")),
    ];
    let agg = aggregate(&loaded);
    assert_eq!(agg.reports, 2);
    assert_eq!(agg.duplicates_skipped, 2);
    assert_eq!(agg.duplicate_report_ids, ["5065427c-23d3-47ca-b6e0-946ea0e8c4be"]);
    assert_eq!(agg.total_successful_sessions, 5326 + 48);
    assert_eq!(agg.total_failed_sessions, 303 + 5);
    assert_eq!(agg.total_policies, 1 + 3);
}

#[test]
fn aggregate_breakdowns() {
    let agg = aggregate(&[
        load_file("rfc-example.json", &fixture("rfc-example.json")),
        load_file("quirks.json", &fixture("quirks.json")),
    ]);
    assert_eq!(agg.first_day.as_deref(), Some("2016-04-01"));
    assert_eq!(agg.last_day.as_deref(), Some("2024-03-05"));
    let keys: Vec<_> = agg
        .policies
        .iter()
        .map(|p| (p.policy_domain.as_deref(), p.policy_type.as_str()))
        .collect();
    assert_eq!(
        keys,
        [
            (None, "no-policy-found"),
            (Some("company-y.example"), "sts"),
            (Some("example.org"), "sts"),
            (Some("example.org"), "tlsa")
        ]
    );
    let y = &agg.policies[1];
    assert_eq!(
        (y.successful_sessions, y.failed_sessions, y.mode.as_deref()),
        (5326, 303, Some("testing"))
    );
    assert_eq!(y.mx_patterns, ["*.mail.company-y.example"]);
    let top = &agg.result_types[0];
    assert_eq!(
        (top.result_type.clone(), top.failed_sessions),
        (ResultType::StarttlsNotSupported, 200)
    );
    // The live MX probe's rule explains it.
    assert_eq!(top.explanation.rule, Some("MXC-STARTTLS"));
    assert_eq!(top.receiving_mx[0].key, "mx2.mail.company-y.example");
    assert_eq!(agg.by_receiving_mx[0].key, "mx2.mail.company-y.example");
    assert_eq!(agg.by_sending_ip[0].key, "2001:db8:abcd:0013::1");
    assert_eq!(agg.by_organization[0].organization, "Company-X");
    assert_eq!(agg.failed_sessions_without_detail, 0);
    let sum: u64 = agg.rows.iter().map(|r| r.sessions).sum();
    assert_eq!(sum, agg.total_successful_sessions + agg.total_failed_sessions);
    let json = serde_json::to_value(&agg).unwrap();
    for key in [
        "total_successful_sessions",
        "total_failed_sessions",
        "policies",
        "result_types",
        "errors",
        "rows",
    ] {
        assert!(json.get(key).is_some(), "{key}");
    }
    assert_eq!(json["result_types"][0]["result_type"], "starttls-not-supported");
    assert_eq!(json["policies"][1]["policy_type"], "sts");
}

#[test]
fn explanations_cover_every_result_type() {
    let catalogue = [
        "MXC-STARTTLS",
        "MXC-CERT",
        "MXC-MX-NOT-COVERED",
        "FETCH-CERT-UNTRUSTED",
        "FETCH-CERT-EXPIRED",
        "FETCH-CERT-NAME-MISMATCH",
        "FETCH-NOT-FOUND",
        "FETCH-STATUS",
        "FETCH-TIMEOUT",
        "FETCH-REDIRECT",
        "FETCH-CONTENT-TYPE",
        "FETCH-HOST-MISSING",
        "POLICY-MODE-INVALID",
        "POLICY-MAX-AGE-INVALID",
        "POLICY-VERSION-INVALID",
    ];
    let mut types = ResultType::KNOWN.to_vec();
    types.push(ResultType::Other("something-new".into()));
    for t in &types {
        let e = explain(t);
        assert!(e.meaning.len() > 20 && e.fix.len() > 20, "{t}");
        if let Some(rule) = e.rule {
            assert!(catalogue.contains(&rule), "{t}: {rule}");
            assert!(
                mtasts_core::rules::by_code(rule).is_some(),
                "{t}: {rule} is not in the registry"
            );
        }
        assert_eq!(ResultType::parse(t.as_str()), *t);
    }
    let fetch = ResultType::StsPolicyFetchError;
    assert_eq!(
        explain_reason(&fetch, "bad https response code: 404"),
        Some("FETCH-NOT-FOUND")
    );
    assert_eq!(
        explain_reason(&fetch, "bad https response code: 500"),
        Some("FETCH-STATUS")
    );
    assert_eq!(
        explain_reason(
            &fetch,
            "context deadline exceeded (Client.Timeout exceeded while awaiting headers)"
        ),
        Some("FETCH-TIMEOUT")
    );
    assert_eq!(
        explain_reason(&ResultType::StsWebpkiInvalid, "x509: certificate has expired"),
        Some("FETCH-CERT-EXPIRED")
    );
    assert_eq!(
        explain_reason(&ResultType::ValidationFailure, "mx-mismatch"),
        Some("MXC-MX-NOT-COVERED")
    );
    for (_, rule) in types.iter().map(|t| (t, explain_reason(t, "anything"))) {
        assert!(rule.is_none_or(|r| catalogue.contains(&r)));
    }
}

#[test]
fn mx_mismatch_suggests_the_pattern_to_add() {
    let agg = aggregate(&[load_file("mx-mismatch.json", &fixture("mx-mismatch.json"))]);
    let adds: Vec<_> = agg
        .advice
        .iter()
        .filter(|a| a.kind == AdviceKind::AddMxPattern)
        .map(|a| (a.suggested_pattern.as_deref().unwrap(), a.rule.unwrap()))
        .collect();
    assert_eq!(
        adds,
        [
            ("*.h-v1.mx.microsoft", "MXC-WILDCARD-DEPTH"),
            ("mx2.contoso.example", "MXC-MX-NOT-COVERED")
        ]
    );
    let msg = &agg.advice[0].message;
    assert!(
        msg.contains("contoso-example.h-v1.mx.microsoft") && msg.contains("add `mx: *.h-v1.mx.microsoft`"),
        "{msg}"
    );
    assert_eq!(agg.policies[0].mx_suggestions.len(), 2);
    let vf = &agg.result_types[0];
    assert_eq!(vf.reason_codes[0].rule, Some("MXC-MX-NOT-COVERED"));

    // A later report shows the policy fixed for the Microsoft host: only mx2 is left.
    let later = String::from_utf8(fixture("mx-mismatch.json"))
        .unwrap()
        .replace("2025-02-10", "2025-02-11")
        .replace(
            r#""mx: *.mx.microsoft""#,
            r#""mx: *.mx.microsoft", "mx: *.h-v1.mx.microsoft""#,
        );
    let agg = aggregate(&[
        load_file("mx-mismatch.json", &fixture("mx-mismatch.json")),
        load_file("later.json", later.as_bytes()),
    ]);
    let adds: Vec<_> = agg
        .advice
        .iter()
        .filter_map(|a| a.suggested_pattern.as_deref())
        .collect();
    assert_eq!(adds, ["mx2.contoso.example"]);
    assert_eq!(
        agg.policies[0].mx_patterns,
        ["*.mx.microsoft", "*.h-v1.mx.microsoft", "mx1.contoso.example"]
    );

    // The suggestion itself.
    let pats: Vec<_> = ["*.example.com", "mx.other.example"]
        .iter()
        .map(|p| mtasts_core::mx::pattern::parse(p.as_bytes()).unwrap())
        .collect();
    assert_eq!(suggest_mx_pattern(&pats, "a.example.com"), None);
    assert_eq!(suggest_mx_pattern(&pats, "MX.Other.Example."), None);
    let apex = suggest_mx_pattern(&pats, "example.com").unwrap();
    assert_eq!((apex.pattern.as_str(), apex.rule), ("example.com", "MXC-WILDCARD-APEX"));
    let deep = suggest_mx_pattern(&pats, "a.b.example.com").unwrap();
    assert_eq!(
        (deep.pattern.as_str(), deep.rule),
        ("*.b.example.com", "MXC-WILDCARD-DEPTH")
    );
    let other = suggest_mx_pattern(&pats, "mx: mail.third.example").unwrap();
    assert_eq!(
        (other.pattern.as_str(), other.rule),
        ("mail.third.example", "MXC-MX-NOT-COVERED")
    );
    assert_eq!(suggest_mx_pattern(&pats, "*.wild.example"), None);
    assert_eq!(suggest_mx_pattern(&pats, "bad_host.example"), None);
    assert_eq!(suggest_mx_pattern(&pats, ""), None);
}

/// A report of one day for `testing.example` in testing mode.
fn day_report(day: u32, ok: u64, failed: u64) -> Vec<u8> {
    let details = if failed > 0 {
        format!(
            r#","failure-details":[{{"result-type":"certificate-expired","receiving-mx-hostname":"mx.testing.example","failed-session-count":{failed}}}]"#
        )
    } else {
        String::new()
    };
    format!(
        r#"{{"organization-name":"Org","report-id":"r-{day}","contact-info":"c@org.example",
        "date-range":{{"start-datetime":"2025-01-{day:02}T00:00:00Z","end-datetime":"2025-01-{day:02}T23:59:59Z"}},
        "policies":[{{"policy":{{"policy-type":"sts","policy-domain":"testing.example",
        "policy-string":["version: STSv1","mode: testing","mx: mx.testing.example","max_age: 604800"]}},
        "summary":{{"total-successful-session-count":{ok},"total-failure-session-count":{failed}}}{details}}}]}}"#
    )
    .into_bytes()
}

fn readiness(days: &[(u32, u64, u64)]) -> (AdviceKind, String) {
    let mut agg = Aggregator::new();
    for &(day, ok, failed) in days {
        agg.add_loaded(&load_file("d.json", &day_report(day, ok, failed)));
    }
    let agg = agg.finish();
    let a = agg
        .advice
        .iter()
        .find(|a| a.kind != AdviceKind::AddMxPattern)
        .expect("readiness advice");
    assert_eq!(a.policy_domain.as_deref(), Some("testing.example"));
    (a.kind, a.message.clone())
}

#[test]
fn testing_to_enforce_advice() {
    assert_eq!(CLEAN_DAYS_FOR_ENFORCE, 14);
    let clean = |from: u32, to: u32| (from..=to).map(|d| (d, 10, 0)).collect::<Vec<_>>();

    let (kind, msg) = readiness(&clean(1, 14));
    assert_eq!(kind, AdviceKind::EnforceLooksSafe, "{msg}");
    assert!(msg.contains("14 consecutive days (2025-01-01 to 2025-01-14)"), "{msg}");

    let (kind, msg) = readiness(&clean(1, 13));
    assert_eq!(kind, AdviceKind::EnforceNotYet, "{msg}");
    assert!(msg.contains("only 13 clean consecutive day(s)"), "{msg}");

    let mut failing = clean(1, 20);
    failing[9] = (10, 5, 2);
    let (kind, msg) = readiness(&failing);
    assert_eq!(kind, AdviceKind::EnforceNotYet, "{msg}");
    assert!(msg.contains("2 failed session(s) on 2025-01-10"), "{msg}");

    let mut gap = clean(1, 20);
    gap.remove(11);
    let (kind, msg) = readiness(&gap);
    assert_eq!(kind, AdviceKind::EnforceNotYet, "{msg}");
    assert!(msg.contains("no report with sessions for 2025-01-12"), "{msg}");

    // Failures long ago and 14 clean days since.
    let mut recovered = clean(1, 30);
    recovered[2] = (3, 0, 9);
    assert_eq!(readiness(&recovered).0, AdviceKind::EnforceLooksSafe);

    // The latest day failing.
    let mut last = clean(1, 20);
    last[19] = (20, 1, 1);
    let (kind, msg) = readiness(&last);
    assert_eq!(kind, AdviceKind::EnforceNotYet);
    assert!(msg.contains("the latest day reported"), "{msg}");

    // An enforce policy gets no readiness advice.
    let agg = aggregate(&[load_file("q.json", &fixture("quirks.json"))]);
    assert!(agg.advice.iter().all(|a| a.kind == AdviceKind::AddMxPattern));
}

#[test]
fn weekly_reports_cover_their_days() {
    // Two clean 7-day reports make 14 covered days.
    let week = |id: &str, start: &str, end: &str| {
        format!(
            r#"{{"organization-name":"Org","report-id":"{id}","date-range":{{"start-datetime":"{start}","end-datetime":"{end}"}},
            "policies":[{{"policy":{{"policy-type":"sts","policy-domain":"w.example","policy-string":["mode: testing","mx: mx.w.example"]}},
            "summary":{{"total-successful-session-count":70,"total-failure-session-count":0}}}}]}}"#
        )
    };
    let a = week("w1", "2025-03-01T00:00:00Z", "2025-03-08T00:00:00Z");
    let b = week("w2", "2025-03-08T00:00:00Z", "2025-03-14T23:59:59Z");
    let agg = aggregate(&[load_file("a.json", a.as_bytes()), load_file("b.json", b.as_bytes())]);
    let adv: Vec<_> = agg.advice.iter().map(|a| a.kind).collect();
    assert_eq!(adv, [AdviceKind::EnforceLooksSafe], "{:#?}", agg.advice);
    assert_eq!(agg.days.len(), 2, "sessions are counted on the start day");
}

#[test]
fn no_panic_on_mangled_input() {
    let mut inputs: Vec<(String, Vec<u8>)> = ["rfc-example.json", "quirks.json", "minimal.eml", "three.mbox"]
        .iter()
        .map(|n| (n.to_string(), fixture(n)))
        .collect();
    inputs.push(("g.json.gz".into(), gzip(&fixture("quirks.json"))));
    for (name, bytes) in &inputs {
        let step = (bytes.len() / 300).max(1);
        for cut in (0..bytes.len()).step_by(step) {
            let _ = load_file(name, &bytes[..cut]);
            let mut flipped = bytes.clone();
            flipped[cut] ^= 0x5a;
            let _ = load_file(name, &flipped);
            let mut spliced = bytes.clone();
            spliced.insert(cut, b'"');
            let _ = load_file(name, &spliced);
        }
    }
    // Deeply nested JSON and containers inside containers.
    let deep = "[".repeat(100_000);
    assert!(load("deep.json", deep.as_bytes()).is_err());
    let mut nested = fixture("rfc-example.json");
    for _ in 0..10 {
        nested = gzip(&nested);
    }
    assert!(load("nested.gz", &nested).is_err());
    let mut rng = 0x2545_f491_4f6c_dd1du64;
    for len in 0..400 {
        let bytes: Vec<u8> = (0..len)
            .map(|_| {
                rng ^= rng << 13;
                rng ^= rng >> 7;
                rng ^= rng << 17;
                (rng >> 24) as u8
            })
            .collect();
        let _ = load_file("random", &bytes);
        let _ = load_file("random.eml", &bytes);
        let _ = load_file("random.json.gz", &bytes);
    }
}
