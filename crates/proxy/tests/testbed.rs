//! The proxy's API against the test bed's real servers: BIND behind dnsdist (DoH) looks
//! up `mta-sts.<domain>`, nginx serves the policy over HTTPS with the bed's test CA. The
//! proxy runs on a real socket; the client is reqwest. The engine judges what the API
//! returns, and must reach each fetch scenario's rule codes.
//!
//! Needs bind9, dnsdist and nginx: `cargo xtask test` installs them and runs these.

use mtasts_check::native::{DohLookup, ReqwestHttp};
use mtasts_core::fetch::{FetchEvidence, judge_fetch};
use mtasts_proxy::Config;
use mtasts_testbed::{SCENARIOS, TestBed};
use serde_json::Value;
use std::sync::Arc;
use std::time::Duration;

struct Running {
    base: String,
    _stop: tokio::sync::oneshot::Sender<()>,
}

async fn proxy(bed: &TestBed, allow_loopback: bool) -> Running {
    let dir = std::env::temp_dir().join(format!("mtasts-proxy-bed-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    std::fs::write(dir.join("index.html"), "<!doctype html><title>t</title>").expect("index");
    let mut config = Config::new(&dir);
    config.fetch.allow_loopback = allow_loopback;
    config.fetch.https_port = bed.https_port();
    config.fetch.extra_roots_pem = bed.ca_pem().as_bytes().to_vec();
    config.fetch.total_timeout = Duration::from_secs(10);
    config.lookup = Arc::new(DohLookup {
        http: ReqwestHttp::new(Duration::from_secs(10), &[]).expect("client"),
        resolver: bed.doh_url(),
    });
    config.rate_per_minute = 0;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(mtasts_proxy::serve_app(listener, config, async move {
        let _ = stopped.await;
    }));
    Running { base, _stop: stop }
}

async fn get(base: &str, domain: &str) -> (u16, Value) {
    let response = reqwest::get(format!("{base}/api/v1/policy?domain={domain}"))
        .await
        .expect("request");
    let status = response.status().as_u16();
    (status, response.json().await.expect("json body"))
}

/// Scenarios whose key findings come from the fetch (the others are about DNS).
const FETCH_SCENARIOS: &[&str] = &[
    "enforce",
    "redirect",
    "notfound",
    "html",
    "bom",
    "oversize",
    "wrongname",
    "expired",
    "v6only",
];

#[tokio::test]
#[ignore = "needs bind9, dnsdist, nginx: run by cargo xtask test"]
async fn the_api_gives_the_evidence_the_engine_needs() {
    let bed = TestBed::start().expect("test bed");
    let running = proxy(&bed, true).await;
    let mut wrong = Vec::new();
    for label in FETCH_SCENARIOS {
        let scenario = SCENARIOS.iter().find(|s| s.label == *label).expect("scenario");
        let (status, json) = get(&running.base, &bed.domain(label)).await;
        assert_eq!(status, 200, "{label}: {json}");
        let evidence: FetchEvidence = serde_json::from_value(json).expect("FetchEvidence JSON");
        let report = judge_fetch(&evidence);
        for code in scenario.codes {
            if !report.has(code) {
                wrong.push(format!(
                    "{label}: no {code}; got {:?}",
                    report.all_diagnostics().map(|d| d.rule.code).collect::<Vec<_>>()
                ));
            }
        }
        let good = matches!(*label, "enforce" | "v6only");
        if report.valid != good {
            wrong.push(format!(
                "{label}: valid = {}, expected {good}: {}",
                report.valid,
                report.summary()
            ));
        }
        if *label == "v6only" {
            let dns = evidence.dns.expect("dns facts");
            assert!(dns.addresses.iter().all(|a| a.address == "::1"), "{dns:?}");
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[tokio::test]
#[ignore = "needs bind9, dnsdist, nginx: run by cargo xtask test"]
async fn loopback_policy_hosts_are_refused_without_the_test_flag() {
    let bed = TestBed::start().expect("test bed");
    let running = proxy(&bed, false).await;
    let (status, json) = get(&running.base, &bed.domain("enforce")).await;
    assert_eq!(status, 422, "{json}");
    assert!(
        json["error"].as_str().unwrap_or_default().contains("127.0.0.1"),
        "{json}"
    );
    // A name without an address is a fact (FETCH-HOST-MISSING), not a refusal.
    let (status, json) = get(&running.base, &bed.domain("norecord")).await;
    assert_eq!(status, 200, "{json}");
    let evidence: FetchEvidence = serde_json::from_value(json).expect("evidence");
    assert_eq!(evidence.dns.and_then(|d| d.host_error).as_deref(), Some("NXDOMAIN"));
}
