use super::*;
use crate::fetch::{Address, Family};

/// A probe that got everything right at `at`.
fn good(host: &str) -> MxProbeEvidence {
    MxProbeEvidence {
        mx_host: host.to_string(),
        port: Some(25),
        greeted: Some(true),
        banner: Some(format!("220 {host} ESMTP")),
        ehlo: Some(vec![host.to_string(), "PIPELINING".into(), "STARTTLS".into()]),
        starttls_offered: Some(true),
        starttls_reply: Some("220 2.0.0 Ready to start TLS".into()),
        tls_version: Some("TLSv1.3".into()),
        certificate: Some(Certificate {
            subject: Some(format!("CN={host}")),
            sans: vec![host.to_string()],
            issuer: Some("CN=Test CA".into()),
            not_before: Some("2024-04-01T00:00:00Z".into()),
            not_after: Some("2024-06-30T00:00:00Z".into()),
            valid_for_host: Some(true),
            chains_to_trusted_root: Some(true),
            ..Certificate::default()
        }),
        probed_at: Some(1_714_557_600), // 2024-05-01
        ..MxProbeEvidence::default()
    }
}

fn codes(r: &ProbeReport) -> Vec<&'static str> {
    r.diagnostics.iter().map(|d| d.rule.code).collect()
}

fn message<'a>(r: &'a ProbeReport, code: &str) -> &'a str {
    r.diagnostics
        .iter()
        .find(|d| d.rule.code == code)
        .map(|d| d.message.as_str())
        .unwrap_or_else(|| panic!("{code} did not fire: {:?}", r.diagnostics))
}

#[test]
fn a_good_mx_has_no_findings() {
    let r = judge_mx_probe(&good("mx1.example.com"), Some(Mode::Enforce));
    assert!(r.valid, "{:?}", r.diagnostics);
    assert!(r.diagnostics.is_empty());
    assert_eq!(
        r.summary(),
        "`mx1.example.com` offers STARTTLS with a certificate senders accept"
    );
}

#[test]
fn the_mx_name_is_normalized() {
    let r = judge_mx_probe(&good("MX1.Example.COM."), None);
    assert_eq!(r.mx_host, "mx1.example.com");
    assert!(r.valid, "{:?}", r.diagnostics);
}

#[test]
fn no_starttls_in_ehlo_is_an_error() {
    let mut e = good("mx1.example.com");
    e.ehlo = Some(vec!["mx1.example.com".into(), "PIPELINING".into(), "8BITMIME".into()]);
    e.starttls_offered = None; // read from the EHLO lines
    e.starttls_reply = None;
    e.tls_version = None;
    e.certificate = None;
    let r = judge_mx_probe(&e, Some(Mode::Enforce));
    assert!(!r.valid);
    assert_eq!(codes(&r), ["MXC-STARTTLS"]);
    let m = message(&r, "MXC-STARTTLS");
    assert!(m.contains("`mx1.example.com` does not offer STARTTLS"), "{m}");
    assert!(m.contains("will not deliver"), "{m}");
}

#[test]
fn starttls_as_the_servers_name_does_not_count_as_offered() {
    let e = MxProbeEvidence {
        mx_host: "starttls.example.com".into(),
        ehlo: Some(vec!["STARTTLS Hello".into(), "SIZE 100".into()]),
        ..MxProbeEvidence::default()
    };
    assert_eq!(e.offers_starttls(), Some(false));
}

#[test]
fn testing_mode_says_mail_still_flows_but_stays_an_error() {
    let mut e = good("mx1.example.com");
    e.starttls_offered = Some(false);
    let r = judge_mx_probe(&e, Some(Mode::Testing));
    let d = &r.diagnostics[0];
    assert_eq!(d.severity, Severity::Error);
    assert!(
        d.message.contains("in `testing` mode senders still deliver"),
        "{}",
        d.message
    );
}

#[test]
fn a_refused_starttls_names_the_reply() {
    let mut e = good("mx1.example.com");
    e.starttls_reply = Some("454 4.7.0 TLS not available".into());
    e.tls_version = None;
    e.certificate = None;
    let r = judge_mx_probe(&e, None);
    assert_eq!(codes(&r), ["MXC-STARTTLS"]);
    assert!(message(&r, "MXC-STARTTLS").contains("`454 4.7.0 TLS not available`"));
}

#[test]
fn a_failed_handshake_without_a_certificate_is_starttls() {
    let mut e = good("mx1.example.com");
    e.tls_version = None;
    e.certificate = None;
    e.error = Some(ProbeError {
        kind: ProbeErrorKind::Tls,
        message: "the TLS handshake with 192.0.2.25:25: peer is incompatible".into(),
        tls_alert: Some("protocol_version".into()),
    });
    let r = judge_mx_probe(&e, Some(Mode::Enforce));
    assert_eq!(codes(&r), ["MXC-STARTTLS"]);
    assert!(message(&r, "MXC-STARTTLS").contains("alert `protocol_version`"));
}

#[test]
fn a_certificate_for_another_name_names_both() {
    let mut e = good("mx1.example.com");
    if let Some(c) = e.certificate.as_mut() {
        c.sans = vec!["mail.hosting.example.net".into(), "DNS:hosting.example.net".into()];
        c.valid_for_host = Some(false);
    }
    let r = judge_mx_probe(&e, Some(Mode::Enforce));
    assert_eq!(codes(&r), ["MXC-CERT"]);
    let m = message(&r, "MXC-CERT");
    assert!(
        m.contains("its subjectAltName names are `mail.hosting.example.net`, `hosting.example.net`, not the MX name `mx1.example.com`"),
        "{m}"
    );
}

#[test]
fn a_common_name_alone_does_not_count() {
    let mut e = good("mx1.example.com");
    if let Some(c) = e.certificate.as_mut() {
        c.sans.clear();
        c.valid_for_host = None;
    }
    let r = judge_mx_probe(&e, None);
    let m = message(&r, "MXC-CERT");
    assert!(
        m.contains("no subjectAltName DNS names, only the subject `CN=mx1.example.com`"),
        "{m}"
    );
}

#[test]
fn wildcards_cover_one_left_most_label_only() {
    let with_san = |san: &str, host: &str| {
        let mut e = good(host);
        if let Some(c) = e.certificate.as_mut() {
            c.sans = vec![san.to_string()];
            c.valid_for_host = None;
        }
        judge_mx_probe(&e, None)
    };
    assert!(with_san("*.example.com", "mx1.example.com").valid);
    assert!(with_san("*.EXAMPLE.com", "mx1.example.com").valid);
    assert!(with_san("*.example.com", "example.com").has("MXC-CERT"));
    assert!(with_san("*.example.com", "a.mx1.example.com").has("MXC-CERT"));
    let partial = with_san("mx*.example.com", "mx1.example.com");
    assert!(
        message(&partial, "MXC-CERT").contains("`*` must be the whole left-most label"),
        "{:?}",
        partial.diagnostics
    );
    assert!(with_san("*.com", "example.com").has("MXC-CERT"));
}

#[test]
fn untrusted_and_expired_are_both_named() {
    let mut e = good("mx1.example.com");
    if let Some(c) = e.certificate.as_mut() {
        c.chains_to_trusted_root = Some(false);
        c.issuer = Some("CN=mx1.example.com".into());
        c.not_after = Some("2021-01-01T00:00:00Z".into());
    }
    let r = judge_mx_probe(&e, Some(Mode::Enforce));
    assert_eq!(codes(&r), ["MXC-CERT"]);
    let m = message(&r, "MXC-CERT");
    assert!(
        m.contains("does not chain to a trusted root (issuer `CN=mx1.example.com`)"),
        "{m}"
    );
    assert!(m.contains("it expired on 2021-01-01"), "{m}");
    assert!(!m.contains("subjectAltName"), "the name is fine: {m}");
}

#[test]
fn not_yet_valid_is_named() {
    let mut e = good("mx1.example.com");
    if let Some(c) = e.certificate.as_mut() {
        c.not_before = Some("2030-01-01T00:00:00Z".into());
        c.not_after = Some("2031-01-01T00:00:00Z".into());
    }
    let r = judge_mx_probe(&e, None);
    assert!(message(&r, "MXC-CERT").contains("not valid before 2030-01-01"));
}

#[test]
fn unknown_facts_fire_nothing() {
    let r = judge_mx_probe(&MxProbeEvidence::new("mx1.example.com"), Some(Mode::Enforce));
    assert!(r.valid);
    assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
}

#[test]
fn an_unreachable_mx_is_a_warning() {
    let e = MxProbeEvidence {
        mx_host: "mx1.example.com".into(),
        dns: Some(Dns {
            addresses: vec![Address {
                address: "192.0.2.25".into(),
                family: Family::V4,
                error: Some("connection refused".into()),
            }],
            host_error: None,
        }),
        error: Some(ProbeError {
            kind: ProbeErrorKind::Connect,
            message: "connecting to 192.0.2.25:25: connection refused".into(),
            tls_alert: None,
        }),
        ..MxProbeEvidence::default()
    };
    let r = judge_mx_probe(&e, Some(Mode::Enforce));
    assert!(r.valid, "a warning does not make it invalid");
    assert_eq!(codes(&r), ["MXC-PROBE-FAILED"]);
    assert_eq!(r.count(Severity::Warning), 1);
    assert!(message(&r, "MXC-PROBE-FAILED").contains("no SMTP connection to `mx1.example.com`"));
}

#[test]
fn a_failure_after_the_handshake_changes_nothing() {
    let mut e = good("mx1.example.com");
    e.error = Some(ProbeError {
        kind: ProbeErrorKind::Smtp,
        message: "no reply to QUIT".into(),
        tls_alert: None,
    });
    assert!(judge_mx_probe(&e, None).diagnostics.is_empty());
}

#[test]
fn evidence_json_round_trips_with_stable_names() {
    let e = good("mx1.example.com");
    let json = serde_json::to_value(&e).unwrap();
    for key in [
        "mx_host",
        "port",
        "dns",
        "address",
        "greeted",
        "banner",
        "ehlo",
        "starttls_offered",
        "starttls_reply",
        "tls_version",
        "certificate",
        "error",
        "timings_ms",
        "probed_at",
    ] {
        assert!(json.get(key).is_some(), "{key} missing from {json}");
    }
    let back: MxProbeEvidence = serde_json::from_value(json).unwrap();
    assert_eq!(back, e);
    let sparse: MxProbeEvidence =
        serde_json::from_str(r#"{"mx_host":"mx.example","error":{"kind":"later-kind"},"extra":1}"#).unwrap();
    assert_eq!(sparse.error.map(|e| e.kind), Some(ProbeErrorKind::Other));
}
