//! The live check's verdict, judged from recorded evidence (no network here: the test
//! bed tests in tests/e2e run the same judge over real servers' answers).

use mtasts_core::check::{CheckEvidence, DnsAnswer, DnsRecord, RType, Source, Verdict, judge, questions};
use mtasts_core::fetch::{FetchEvidence, Headers, Http};

const D: &str = "example.com";
const GOOD_POLICY: &str = "version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmax_age: 604800\r\n";

fn rec(name: &str, rtype: &str, data: &str) -> DnsRecord {
    DnsRecord {
        name: name.into(),
        rtype: rtype.into(),
        ttl: 300,
        data: data.into(),
    }
}

/// Every question answered NXDOMAIN, then `records` filled in per question.
fn evidence(answers: &[(&str, RType, Vec<DnsRecord>)]) -> CheckEvidence {
    let mut e = CheckEvidence::new(D);
    for q in questions(D) {
        let mut a = DnsAnswer {
            name: q.name.clone(),
            rtype: Some(q.rtype),
            rcode: Some("NXDOMAIN".into()),
            ..DnsAnswer::default()
        };
        if let Some((_, _, records)) = answers.iter().find(|(n, t, _)| *n == q.name && *t == q.rtype) {
            a.rcode = Some("NOERROR".into());
            a.records = records.clone();
        }
        e.dns.push(a);
    }
    e
}

fn fetched(body: &str, content_type: &str, status: u16) -> FetchEvidence {
    let mut f = FetchEvidence::new(D);
    f.http = Some(Http {
        status,
        headers: Headers {
            content_type: Some(content_type.into()),
            ..Headers::default()
        },
    });
    f.set_body(body.as_bytes());
    f.body_size = Some(body.len() as u64);
    f.tls_version = Some("TLSv1.3".into());
    f
}

fn good_dns() -> Vec<(&'static str, RType, Vec<DnsRecord>)> {
    vec![
        (
            "_mta-sts.example.com",
            RType::TXT,
            vec![rec("_mta-sts.example.com", "TXT", r#""v=STSv1; id=20240501""#)],
        ),
        (
            "_smtp._tls.example.com",
            RType::TXT,
            vec![rec(
                "_smtp._tls.example.com",
                "TXT",
                r#""v=TLSRPTv1; rua=mailto:tlsrpt@example.com""#,
            )],
        ),
        (
            "example.com",
            RType::MX,
            vec![rec("example.com", "MX", "10 mail.example.com.")],
        ),
        (
            "mta-sts.example.com",
            RType::A,
            vec![rec("mta-sts.example.com", "A", "192.0.2.1")],
        ),
    ]
}

fn codes(r: &mtasts_core::check::CheckReport) -> Vec<&'static str> {
    r.findings().iter().map(|(_, d)| d.rule.code).collect()
}

#[test]
fn enforce_and_working() {
    let mut e = evidence(&good_dns());
    e.fetch = Some(fetched(GOOD_POLICY, "text/plain", 200));
    let r = judge(&e);
    assert_eq!(r.verdict, Verdict::EnforceWorking, "{:?}", r.reasons);
    assert_eq!(r.sts_id.as_deref(), Some("20240501"));
    assert_eq!(r.mx.as_deref(), Some(&["mail.example.com.".to_string()][..]));
    assert_eq!(r.count(mtasts_core::Severity::Error), 0, "{:?}", codes(&r));
    assert!(
        r.dns_text
            .contains(r#"_mta-sts.example.com. 300 IN TXT "v=STSv1; id=20240501""#),
        "{}",
        r.dns_text
    );
}

#[test]
fn no_record_is_not_configured() {
    let e = evidence(&[]);
    let r = judge(&e);
    assert_eq!(r.verdict, Verdict::NotConfigured);
    assert!(r.headline().contains("no `v=STSv1` record"), "{}", r.headline());
    let (_, d) = r
        .findings()
        .into_iter()
        .find(|(_, d)| d.rule.code == "STS-TXT-NOT-FOUND")
        .expect("not found");
    assert_eq!(
        &r.dns_text[d.span.start..d.span.end],
        "; _mta-sts.example.com TXT: NXDOMAIN"
    );
}

#[test]
fn a_policy_without_a_record_is_broken() {
    let mut e = evidence(&[]);
    e.fetch = Some(fetched(GOOD_POLICY, "text/plain", 200));
    assert_eq!(judge(&e).verdict, Verdict::Broken);
}

#[test]
fn two_records_break_it_and_the_finding_points_at_the_answer() {
    let mut dns = good_dns();
    dns[0].2.push(rec("_mta-sts.example.com", "TXT", r#""v=STSv1; id=2""#));
    let mut e = evidence(&dns);
    e.fetch = Some(fetched(GOOD_POLICY, "text/plain", 200));
    let r = judge(&e);
    assert_eq!(r.verdict, Verdict::Broken);
    let (source, d) = r
        .findings()
        .into_iter()
        .find(|(_, d)| d.rule.code == "STS-TXT-MULTIPLE")
        .expect("multiple");
    assert_eq!(source, Source::Dns);
    let line_start = r.dns_text[..d.span.start].rfind('\n').map_or(0, |i| i + 1);
    assert!(
        r.dns_text[line_start..].starts_with("_mta-sts.example.com. 300 IN TXT"),
        "{:?}",
        d.span
    );
}

#[test]
fn a_cname_chain_is_followed() {
    let mut dns = good_dns();
    dns[0].2 = vec![
        rec("_mta-sts.example.com", "CNAME", "_mta-sts.provider.example."),
        rec("_mta-sts.provider.example", "TXT", r#""v=STSv1; id=abc""#),
    ];
    let mut e = evidence(&dns);
    e.fetch = Some(fetched(GOOD_POLICY, "text/plain", 200));
    let r = judge(&e);
    assert_eq!(r.verdict, Verdict::EnforceWorking, "{:?}", r.reasons);
    assert_eq!(r.sts_id.as_deref(), Some("abc"));
    assert!(codes(&r).contains(&"STS-TXT-CNAME"));
    // The provider's name is not judged as a domain of its own.
    assert!(!codes(&r).contains(&"TLSRPT-MISSING-WITH-STS"), "{:?}", codes(&r));
}

#[test]
fn an_uncovered_mx_breaks_enforce() {
    let mut dns = good_dns();
    dns[2].2.push(rec("example.com", "MX", "20 backup.other.example."));
    let mut e = evidence(&dns);
    e.fetch = Some(fetched(GOOD_POLICY, "text/plain", 200));
    let r = judge(&e);
    assert_eq!(r.verdict, Verdict::Broken, "{:?}", r.reasons);
    assert!(codes(&r).contains(&"MXC-MX-NOT-COVERED"));
    assert!(r.headline().contains("backup.other.example"), "{}", r.headline());
}

#[test]
fn testing_and_none_modes() {
    let mut e = evidence(&good_dns());
    e.fetch = Some(fetched(&GOOD_POLICY.replace("enforce", "testing"), "text/plain", 200));
    assert_eq!(judge(&e).verdict, Verdict::Testing);
    e.fetch = Some(fetched(&GOOD_POLICY.replace("enforce", "none"), "text/plain", 200));
    assert_eq!(judge(&e).verdict, Verdict::NotConfigured);
}

#[test]
fn html_and_redirects_are_broken() {
    let mut e = evidence(&good_dns());
    e.fetch = Some(fetched(GOOD_POLICY, "text/html", 200));
    let r = judge(&e);
    assert_eq!(r.verdict, Verdict::Broken);
    assert!(codes(&r).contains(&"FETCH-CONTENT-TYPE"));
    let mut f = fetched("", "text/html", 301);
    if let Some(h) = &mut f.http {
        h.headers.location = Some("https://www.example.com/".into());
    }
    e.fetch = Some(f);
    let r = judge(&e);
    assert_eq!(r.verdict, Verdict::Broken);
    assert!(codes(&r).contains(&"FETCH-REDIRECT"), "{:?}", codes(&r));
}

#[test]
fn without_a_fetch_the_dns_part_still_counts() {
    let mut e = evidence(&good_dns());
    e.fetch_unavailable = Some("no proxy answered at /api/v1/policy".into());
    let r = judge(&e);
    assert_eq!(r.verdict, Verdict::Incomplete);
    assert!(r.headline().contains("no proxy answered"), "{}", r.headline());
}

#[test]
fn a_failed_lookup_is_incomplete_not_absent() {
    let mut e = evidence(&good_dns());
    e.dns[0].rcode = Some("SERVFAIL".into());
    e.dns[0].records.clear();
    let r = judge(&e);
    assert_eq!(r.verdict, Verdict::Incomplete);
    assert!(r.headline().contains("SERVFAIL"), "{}", r.headline());
    // An unknown RRset is not an empty one.
    assert!(!codes(&r).contains(&"STS-TXT-NOT-FOUND"), "{:?}", codes(&r));
}

#[test]
fn a_failed_policy_host_lookup_is_incomplete_not_broken() {
    let mut e = evidence(&good_dns());
    for a in e
        .dns
        .iter_mut()
        .filter(|a| a.name == "mta-sts.example.com" && a.rtype != Some(RType::TXT))
    {
        a.rcode = None;
        a.error = Some("https://doh.example/dns-query: timed out".into());
        a.records.clear();
    }
    let mut f = FetchEvidence::new(D);
    f.error = Some(mtasts_core::fetch::FetchError {
        kind: mtasts_core::fetch::ErrorKind::Dns,
        message: "mta-sts.example.com has no address: timed out".into(),
        tls_alert: None,
    });
    e.fetch = Some(f);
    let r = judge(&e);
    assert_eq!(r.verdict, Verdict::Incomplete, "{:?}", r.reasons);
    assert!(
        r.headline().contains("could not look up `mta-sts.example.com`"),
        "{}",
        r.headline()
    );
}

#[test]
fn missing_tlsrpt_is_reported_but_not_fatal() {
    let mut dns = good_dns();
    dns.remove(1);
    let mut e = evidence(&dns);
    e.fetch = Some(fetched(GOOD_POLICY, "text/plain", 200));
    let r = judge(&e);
    assert_eq!(r.verdict, Verdict::EnforceWorking);
    assert!(codes(&r).contains(&"TLSRPT-MISSING-WITH-STS"), "{:?}", codes(&r));
    assert!(
        r.reasons.iter().any(|x| x.contains("TLSRPT-MISSING-WITH-STS")),
        "{:?}",
        r.reasons
    );
}

#[test]
fn evidence_round_trips_through_json() {
    let mut e = evidence(&good_dns());
    e.fetch = Some(fetched(GOOD_POLICY, "text/plain", 200));
    let json = serde_json::to_string(&e).expect("serialize");
    let back: CheckEvidence = serde_json::from_str(&json).expect("parse");
    assert_eq!(back, e);
    let partial: CheckEvidence = serde_json::from_str(r#"{"domain":"example.com","unknown":1}"#).expect("partial");
    assert_eq!(partial.domain, "example.com");
}

fn no_starttls_probe() -> mtasts_core::probe::MxProbeEvidence {
    let mut p = mtasts_core::probe::MxProbeEvidence::new("mail.example.com.");
    p.port = Some(25);
    p.address = Some("192.0.2.25".into());
    p.greeted = Some(true);
    p.banner = Some("220 mail.example.com ESMTP".into());
    p.ehlo = Some(vec!["mail.example.com".into(), "PIPELINING".into(), "8BITMIME".into()]);
    p.starttls_offered = Some(false);
    p
}

#[test]
fn an_mx_without_starttls_breaks_enforce_but_not_testing() {
    let mut e = evidence(&good_dns());
    e.fetch = Some(fetched(GOOD_POLICY, "text/plain", 200));
    e.mx_probes = vec![no_starttls_probe()];
    let r = judge(&e);
    assert_eq!(r.verdict, Verdict::Broken, "{:?}", r.reasons);
    assert!(r.headline().contains("mail.example.com"), "{}", r.headline());
    let (source, _) = r
        .findings()
        .into_iter()
        .find(|(_, d)| d.rule.code == "MXC-STARTTLS")
        .expect("MXC-STARTTLS");
    assert_eq!(source, Source::Mx);

    e.fetch = Some(fetched(&GOOD_POLICY.replace("enforce", "testing"), "text/plain", 200));
    let r = judge(&e);
    assert_eq!(r.verdict, Verdict::Testing, "{:?}", r.reasons);
    assert!(
        r.headline().contains("switching to enforce now would stop it"),
        "{}",
        r.headline()
    );
}

#[test]
fn unprobed_mx_hosts_are_said_so() {
    let mut e = evidence(&good_dns());
    e.fetch = Some(fetched(GOOD_POLICY, "text/plain", 200));
    e.mx_probe_unavailable = Some("a web page cannot open SMTP connections".into());
    let r = judge(&e);
    assert_eq!(r.verdict, Verdict::EnforceWorking);
    assert!(
        r.reasons.iter().any(|x| x.contains("not checked: a web page cannot")),
        "{:?}",
        r.reasons
    );
}
