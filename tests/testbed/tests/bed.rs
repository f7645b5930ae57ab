//! The test bed, checked with real clients: reqwest (rustls, the test CA as the only root)
//! for DoH and HTTPS, simple-dns for the DNS messages.

use std::net::{Ipv6Addr, SocketAddr};
use std::time::{Duration, Instant};

use base64::Engine;
use mtasts_testbed::{Expect, Options, SCENARIOS, TestBed};
use simple_dns::rdata::RData;
use simple_dns::{CLASS, Name, Packet, QCLASS, QTYPE, Question, TYPE};

fn start(opts: Options) -> TestBed {
    TestBed::start_with(opts).unwrap_or_else(|e| panic!("the test bed did not start: {e}"))
}

fn query(name: &str, qtype: TYPE) -> Vec<u8> {
    let mut packet = Packet::new_query(0);
    packet.questions.push(Question::new(
        Name::new_unchecked(name),
        QTYPE::TYPE(qtype),
        QCLASS::CLASS(CLASS::IN),
        false,
    ));
    packet.build_bytes_vec().expect("a query")
}

/// What an answer section holds, as text: `TXT <data>`, `CNAME <target>`, `AAAA <addr>`, ...
fn answers(message: &[u8]) -> Vec<String> {
    let packet = Packet::parse(message).expect("a DNS message");
    packet
        .answers
        .iter()
        .map(|rr| match &rr.rdata {
            RData::TXT(txt) => format!("TXT {}", String::try_from(txt.clone()).expect("TXT text")),
            RData::CNAME(cname) => format!("CNAME {}", cname.0),
            RData::A(a) => format!("A {}", std::net::Ipv4Addr::from(a.address)),
            RData::AAAA(aaaa) => format!("AAAA {}", Ipv6Addr::from(aaaa.address)),
            RData::MX(mx) => format!("MX {}", mx.exchange),
            other => format!("{other:?}"),
        })
        .collect()
}

fn doh_client() -> reqwest::Client {
    reqwest::Client::builder().build().expect("a client")
}

/// A DoH GET (RFC 8484: `?dns=` base64url without padding).
async fn doh_get(bed: &TestBed, name: &str, qtype: TYPE) -> reqwest::Response {
    let dns = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(query(name, qtype));
    doh_client()
        .get(format!("{}?dns={dns}", bed.doh_url()))
        .header("accept", "application/dns-message")
        .send()
        .await
        .expect("a DoH answer")
}

async fn doh_answers(bed: &TestBed, name: &str, qtype: TYPE) -> Vec<String> {
    let response = doh_get(bed, name, qtype).await;
    assert_eq!(response.status(), 200, "DoH {name}");
    answers(&response.bytes().await.expect("a body"))
}

/// An HTTPS client that trusts only the test CA, follows no redirect, and finds
/// `host` at `addr`.
fn https_client(bed: &TestBed, host: &str, addr: SocketAddr) -> reqwest::Client {
    let ca = reqwest::Certificate::from_pem(bed.ca_pem().as_bytes()).expect("the CA");
    reqwest::Client::builder()
        .tls_built_in_root_certs(false)
        .add_root_certificate(ca)
        .redirect(reqwest::redirect::Policy::none())
        .resolve(host, addr)
        .build()
        .expect("a client")
}

async fn fetch_policy_at(bed: &TestBed, label: &str, ip: std::net::IpAddr) -> reqwest::Result<reqwest::Response> {
    let host = format!("mta-sts.{}", bed.domain(label));
    let addr = SocketAddr::new(ip, bed.https_port());
    https_client(bed, &host, addr)
        .get(format!("https://{host}:{}/.well-known/mta-sts.txt", bed.https_port()))
        .send()
        .await
}

async fn fetch_policy(bed: &TestBed, label: &str) -> reqwest::Response {
    fetch_policy_at(bed, label, [127, 0, 0, 1].into())
        .await
        .unwrap_or_else(|e| panic!("fetching {label}'s policy: {e:?}"))
}

fn content_type(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap_or("?").to_string())
        .unwrap_or_default()
}

#[tokio::test]
#[ignore = "needs bind9, dnsdist, nginx: run by cargo xtask test"]
async fn doh_get_answers_txt_with_cors() {
    let bed = start(Options::default());
    let name = format!("_mta-sts.{}", bed.domain("enforce"));
    let response = doh_get(&bed, &name, TYPE::TXT).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["access-control-allow-origin"], "*");
    assert_eq!(content_type(&response), "application/dns-message");
    let answers = answers(&response.bytes().await.unwrap());
    assert_eq!(answers, ["TXT v=STSv1; id=20260101T000000;"]);
}

#[tokio::test]
#[ignore = "needs bind9, dnsdist, nginx: run by cargo xtask test"]
async fn doh_post_answers() {
    let bed = start(Options::default());
    let name = format!("_smtp._tls.{}", bed.domain("enforce"));
    let response = doh_client()
        .post(bed.doh_url())
        .header("accept", "application/dns-message")
        .header("content-type", "application/dns-message")
        .body(query(&name, TYPE::TXT))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["access-control-allow-origin"], "*");
    let answers = answers(&response.bytes().await.unwrap());
    assert_eq!(answers, ["TXT v=TLSRPTv1; rua=mailto:tlsrpt@bed.test"]);
}

#[tokio::test]
#[ignore = "needs bind9, dnsdist, nginx: run by cargo xtask test"]
async fn dns_records_of_the_scenarios() {
    let bed = start(Options::default());
    let zone = bed.zone().to_string();
    // The CNAME scenario: the chain, then the provider's TXT.
    let cname = doh_answers(&bed, &format!("_mta-sts.cname.{zone}"), TYPE::TXT).await;
    assert_eq!(
        cname,
        [
            format!("CNAME _mta-sts.provider.{zone}"),
            "TXT v=STSv1; id=20260101T000000;".to_string()
        ]
    );
    let mut two = doh_answers(&bed, &format!("_mta-sts.twosts.{zone}"), TYPE::TXT).await;
    two.sort();
    assert_eq!(two.len(), 2, "{two:?}");
    assert!(two.iter().all(|t| t.starts_with("TXT v=STSv1;")), "{two:?}");
    for label in ["norecord", "notlsrpt"] {
        let rpt = doh_answers(&bed, &format!("_smtp._tls.{label}.{zone}"), TYPE::TXT).await;
        assert!(rpt.is_empty(), "{label}: {rpt:?}");
    }
    let mx = doh_answers(&bed, &format!("uncovered.{zone}"), TYPE::MX).await;
    assert_eq!(mx, [format!("MX mail.uncovered.{zone}")]);
    let mail = doh_answers(&bed, &format!("mail.uncovered.{zone}"), TYPE::A).await;
    assert_eq!(mail, ["A 127.0.0.1"]);
    // v6only: AAAA, no A.
    let host = format!("mta-sts.v6only.{zone}");
    assert_eq!(doh_answers(&bed, &host, TYPE::AAAA).await, ["AAAA ::1"]);
    assert!(doh_answers(&bed, &host, TYPE::A).await.is_empty());
    // Every scenario but norecord publishes a policy record.
    for s in SCENARIOS {
        let txt = doh_answers(&bed, &format!("_mta-sts.{}", bed.domain(s.label)), TYPE::TXT).await;
        assert_eq!(
            txt.is_empty(),
            s.expect == Expect::NotConfigured,
            "{}: {txt:?}",
            s.label
        );
    }
}

#[tokio::test]
#[ignore = "needs bind9, dnsdist, nginx: run by cargo xtask test"]
async fn https_answers_of_the_scenarios() {
    let bed = start(Options::default());
    let good = "version: STSv1\r\nmode: enforce\r\nmx: mx.enforce.bed.test\r\nmax_age: 604800\r\n";

    let enforce = fetch_policy(&bed, "enforce").await;
    assert_eq!(enforce.status(), 200);
    assert_eq!(content_type(&enforce), "text/plain");
    assert_eq!(enforce.text().await.unwrap(), good);

    let testing = fetch_policy(&bed, "testing").await.text().await.unwrap();
    assert!(testing.contains("mode: testing\r\n"), "{testing}");

    let redirect = fetch_policy(&bed, "redirect").await;
    assert_eq!(redirect.status(), 301);
    let location = redirect.headers()["location"].to_str().unwrap();
    assert!(location.ends_with("/policy/mta-sts.txt"), "{location}");

    assert_eq!(fetch_policy(&bed, "notfound").await.status(), 404);

    let html = fetch_policy(&bed, "html").await;
    assert_eq!(html.status(), 200);
    assert_eq!(content_type(&html), "text/html");

    let bom = fetch_policy(&bed, "bom").await.bytes().await.unwrap();
    assert!(bom.starts_with(b"\xef\xbb\xbfversion: STSv1\r\n"));

    let oversize = fetch_policy(&bed, "oversize").await.bytes().await.unwrap();
    assert!(oversize.len() > 65_536, "{}", oversize.len());

    let uncovered = fetch_policy(&bed, "uncovered").await.text().await.unwrap();
    assert!(uncovered.contains("mx: mx.uncovered.bed.test\r\n"), "{uncovered}");
}

#[tokio::test]
#[ignore = "needs bind9, dnsdist, nginx: run by cargo xtask test"]
async fn bad_certificates_fail_verification() {
    let bed = start(Options::default());
    for (label, why) in [("wrongname", "not valid for name"), ("expired", "expired")] {
        let error = fetch_policy_at(&bed, label, [127, 0, 0, 1].into())
            .await
            .expect_err(label);
        // rustls' reason is in the error's source chain.
        let mut chain = format!("{error}");
        let mut source = std::error::Error::source(&error);
        while let Some(e) = source {
            chain.push_str(&format!(": {e}"));
            source = e.source();
        }
        assert!(chain.contains(why), "{label}: {chain}");
    }
}

#[tokio::test]
#[ignore = "needs bind9, dnsdist, nginx: run by cargo xtask test"]
async fn v6only_answers_on_ipv6_loopback() {
    let bed = start(Options::default());
    let response = fetch_policy_at(&bed, "v6only", Ipv6Addr::LOCALHOST.into())
        .await
        .expect("the policy over [::1]");
    assert_eq!(response.status(), 200);
    assert!(response.text().await.unwrap().contains("mx: mx.v6only.bed.test"));
}

#[tokio::test]
#[ignore = "needs bind9, dnsdist, nginx: run by cargo xtask test"]
async fn latency_delays_each_new_connection() {
    let latency = Duration::from_millis(300);
    let bed = start(Options {
        latency_ms: latency.as_millis() as u64,
        bulk: 0,
    });
    let t = Instant::now();
    let txt = doh_answers(&bed, &format!("_mta-sts.{}", bed.domain("enforce")), TYPE::TXT).await;
    let doh = t.elapsed();
    assert_eq!(txt.len(), 1);
    let t = Instant::now();
    assert_eq!(fetch_policy(&bed, "enforce").await.status(), 200);
    let https = t.elapsed();
    let t = Instant::now();
    let v6 = fetch_policy_at(&bed, "v6only", Ipv6Addr::LOCALHOST.into())
        .await
        .unwrap();
    assert_eq!(v6.status(), 200);
    let https_v6 = t.elapsed();
    for (what, took) in [("DoH", doh), ("HTTPS", https), ("HTTPS over [::1]", https_v6)] {
        assert!(
            took >= latency,
            "{what} took {took:?}, less than the {latency:?} latency"
        );
        assert!(took < latency * 4, "{what} took {took:?}");
    }
}

#[tokio::test]
#[ignore = "needs bind9, dnsdist, nginx: run by cargo xtask test"]
async fn bulk_domains_are_valid() {
    let bed = start(Options {
        latency_ms: 0,
        bulk: 25,
    });
    let domains = bed.bulk_domains();
    assert_eq!(domains.len(), 25);
    assert_eq!(domains[0], "bulk0000.bed.test");
    for domain in [&domains[0], &domains[24]] {
        let txt = doh_answers(&bed, &format!("_mta-sts.{domain}"), TYPE::TXT).await;
        assert_eq!(txt, ["TXT v=STSv1; id=20260101T000000;"]);
        let mx = doh_answers(&bed, domain, TYPE::MX).await;
        assert_eq!(mx, ["MX mx.bulk.bed.test"]);
        let label = domain.trim_end_matches(".bed.test");
        let policy = fetch_policy(&bed, label).await;
        assert_eq!(policy.status(), 200);
        assert!(policy.text().await.unwrap().contains("mx: mx.bulk.bed.test\r\n"));
    }
}

#[test]
#[ignore = "needs bind9, dnsdist, nginx: run by cargo xtask test"]
fn teardown_leaves_no_process_and_no_directory() {
    let t = Instant::now();
    let bed = start(Options::default());
    eprintln!("TestBed::start() took {:?}", t.elapsed());
    let pids = bed.server_pids();
    let dir = bed.dir().to_path_buf();
    assert_eq!(pids.len(), 4);
    for (name, pid) in &pids {
        assert!(
            std::path::Path::new(&format!("/proc/{pid}")).exists(),
            "{name} is not running"
        );
    }
    drop(bed);
    for (name, pid) in &pids {
        assert!(
            !std::path::Path::new(&format!("/proc/{pid}")).exists(),
            "{name} ({pid}) is still there"
        );
    }
    assert!(!dir.exists(), "{} is still there", dir.display());
}
