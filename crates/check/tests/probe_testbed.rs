//! The native MX probe against the test bed's real SMTP server (aiosmtpd): MX hosts are
//! resolved through the bed's DoH front, probed at [`TestBed::smtp_port`] and judged.
//! The scenarios that need a probe get their codes; every other scenario's MX passes.
//!
//! Needs the bed's servers (bind9, dnsdist, nginx, python3-aiosmtpd): `cargo xtask test`
//! installs them and runs these.
#![cfg(feature = "native")]

use std::time::Duration;

use mtasts_check::fetch::FetchSettings;
use mtasts_check::native::{DohLookup, ReqwestHttp};
use mtasts_check::smtp::probe_mx;
use mtasts_core::mta_sts::Mode;
use mtasts_core::probe::{MxProbeEvidence, ProbeReport, judge_mx_probe};
use mtasts_testbed::{SCENARIOS, TestBed};

/// The probe's own codes: only a probe reports them.
const PROBE_CODES: &[&str] = &["MXC-STARTTLS", "MXC-CERT", "MXC-PROBE-FAILED"];

struct Prober {
    bed: TestBed,
    lookup: DohLookup,
    settings: FetchSettings,
}

impl Prober {
    fn start() -> Prober {
        let bed = TestBed::start().unwrap_or_else(|e| panic!("the test bed did not start: {e}"));
        let http = ReqwestHttp::new(Duration::from_secs(10), &[]).unwrap_or_else(|e| panic!("DoH client: {e}"));
        let lookup = DohLookup {
            http,
            resolver: bed.doh_url(),
        };
        let settings = FetchSettings {
            allow_loopback: true,
            extra_roots_pem: bed.ca_pem().as_bytes().to_vec(),
            ..FetchSettings::default()
        };
        Prober { bed, lookup, settings }
    }

    async fn probe(&self, mx: &str) -> (MxProbeEvidence, ProbeReport) {
        let e = probe_mx(mx, &self.lookup, &self.settings, self.bed.smtp_port()).await;
        let report = judge_mx_probe(&e, Some(Mode::Enforce));
        (e, report)
    }
}

fn codes(report: &ProbeReport) -> Vec<&'static str> {
    report.diagnostics.iter().map(|d| d.rule.code).collect()
}

fn probe_codes(report: &ProbeReport) -> Vec<&'static str> {
    codes(report).into_iter().filter(|c| PROBE_CODES.contains(c)).collect()
}

#[tokio::test]
#[ignore = "needs bind9, dnsdist, nginx, aiosmtpd: run by cargo xtask test"]
async fn good_mx_passes_the_probe() {
    let p = Prober::start();
    let (e, report) = p.probe("mx.enforce.bed.test").await;
    assert!(probe_codes(&report).is_empty(), "{:?}\n{e:#?}", report.diagnostics);
    assert!(report.valid, "{:?}", report.diagnostics);
    assert_eq!(e.address.as_deref(), Some("127.0.0.1"), "{e:#?}");
    assert_eq!(e.greeted, Some(true), "{e:#?}");
    assert!(e.banner.as_deref().is_some_and(|b| b.starts_with("220 ")), "{e:#?}");
    assert_eq!(e.starttls_offered, Some(true), "{e:#?}");
    assert!(e.tls_version.is_some(), "{e:#?}");
    let cert = e.certificate.as_ref().expect("the certificate is recorded");
    assert!(cert.sans.iter().any(|s| s.contains("mx.enforce.bed.test")), "{cert:?}");
    assert_eq!(cert.valid_for_host, Some(true), "{cert:?}");
    assert_eq!(cert.chains_to_trusted_root, Some(true), "{cert:?}");
    assert!(e.error.is_none(), "{e:#?}");
}

#[tokio::test]
#[ignore = "needs bind9, dnsdist, nginx, aiosmtpd: run by cargo xtask test"]
async fn mx_without_starttls_gets_mxc_starttls() {
    let p = Prober::start();
    let (e, report) = p.probe("mx.nostarttls.bed.test").await;
    assert_eq!(probe_codes(&report), ["MXC-STARTTLS"], "{e:#?}");
    assert_eq!(e.address.as_deref(), Some("127.0.0.2"), "{e:#?}");
    assert_eq!(e.starttls_offered, Some(false), "{e:#?}");
    assert!(e.ehlo.as_ref().is_some_and(|l| !l.is_empty()), "{e:#?}");
    assert!(e.tls_version.is_none(), "{e:#?}");
    assert!(e.certificate.is_none(), "{e:#?}");
}

#[tokio::test]
#[ignore = "needs bind9, dnsdist, nginx, aiosmtpd: run by cargo xtask test"]
async fn mx_with_a_certificate_for_another_name_gets_mxc_cert() {
    let p = Prober::start();
    let (e, report) = p.probe("mx.mxbadcert.bed.test").await;
    assert_eq!(probe_codes(&report), ["MXC-CERT"], "{e:#?}");
    let message = &report.diagnostics[0].message;
    assert!(message.contains("mx.elsewhere.bed.test"), "{message}");
    assert!(e.tls_version.is_some(), "TLS itself works: {e:#?}");
    let cert = e.certificate.as_ref().expect("the certificate is recorded");
    assert_eq!(cert.valid_for_host, Some(false), "{cert:?}");
    assert_eq!(cert.chains_to_trusted_root, Some(true), "{cert:?}");
}

/// The table: scenarios that need a probe get their probe codes from it; the MX hosts of
/// all the others pass it.
#[tokio::test]
#[ignore = "needs bind9, dnsdist, nginx, aiosmtpd: run by cargo xtask test"]
async fn every_scenario_mx_gets_its_probe_codes() {
    let p = Prober::start();
    let mut wrong = Vec::new();
    for s in SCENARIOS {
        let mx_hosts = p.bed.mx_hosts(s.label);
        assert!(!mx_hosts.is_empty(), "{} has no MX", s.label);
        let expected: Vec<&str> = s.codes.iter().copied().filter(|c| PROBE_CODES.contains(c)).collect();
        assert_eq!(s.needs_mx_probe(), !expected.is_empty(), "{}", s.label);
        for mx in mx_hosts {
            let (_, report) = p.probe(&mx).await;
            let found = probe_codes(&report);
            if found != expected {
                wrong.push(format!(
                    "{} ({mx}): {found:?}, expected {expected:?}: {}",
                    s.label,
                    report.summary()
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
