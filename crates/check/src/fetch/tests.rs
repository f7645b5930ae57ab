//! The fetch against in-process HTTPS servers on loopback, with certificates from a
//! test CA made by rcgen. The servers speak raw HTTP/1.1 so each test controls every
//! byte (BOM, CRLF, missing Content-Length, a stall half-way).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use mtasts_core::fetch::{ErrorKind, Family, FetchEvidence, judge_fetch};
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;

use super::*;

/// A test certificate authority.
struct Pki {
    ca_pem: String,
    issuer: Issuer<'static, KeyPair>,
}

/// A server certificate chain and its key.
struct Leaf {
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
}

impl Pki {
    fn new() -> Pki {
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.distinguished_name.push(DnType::CommonName, "mtasts test CA");
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let key = KeyPair::generate().unwrap();
        let cert = params.self_signed(&key).unwrap();
        Pki {
            ca_pem: cert.pem(),
            issuer: Issuer::new(params, key),
        }
    }

    /// A leaf for `names`, valid from `days_from_now.0` to `days_from_now.1` days.
    fn leaf_dated(&self, names: &[&str], days: (i64, i64)) -> Leaf {
        let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
        let mut params = CertificateParams::new(names.clone()).unwrap();
        params.distinguished_name.push(DnType::CommonName, names[0].clone());
        let now = time::OffsetDateTime::now_utc();
        params.not_before = now + time::Duration::days(days.0);
        params.not_after = now + time::Duration::days(days.1);
        let key = KeyPair::generate().unwrap();
        let cert = params.signed_by(&key, &self.issuer).unwrap();
        Leaf {
            chain: vec![cert.der().clone()],
            key: PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
        }
    }

    fn leaf(&self, names: &[&str]) -> Leaf {
        self.leaf_dated(names, (-1, 30))
    }
}

/// What the test server does once the TLS handshake is done.
#[derive(Clone)]
enum Reply {
    /// Send this whole response (head and body bytes) and close.
    Raw(Vec<u8>),
    /// Read the request, then say nothing.
    StallAfterRequest,
    /// Send a head promising 100 bytes, 3 of them, then say nothing.
    StallInBody,
}

fn response(status: &str, headers: &[(&str, &str)], body: &[u8]) -> Reply {
    let mut out = format!(
        "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (name, value) in headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str("\r\n");
    let mut bytes = out.into_bytes();
    bytes.extend_from_slice(body);
    Reply::Raw(bytes)
}

/// What the server saw of one request.
#[derive(Clone, Debug, Default)]
struct Seen {
    sni: Option<String>,
    head: String,
}

struct Server {
    port: u16,
    connections: Arc<AtomicUsize>,
    seen: Arc<Mutex<Vec<Seen>>>,
}

fn server_config(leaf: Leaf, versions: &[&'static rustls::SupportedProtocolVersion]) -> rustls::ServerConfig {
    rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_protocol_versions(versions)
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(leaf.chain, leaf.key)
        .unwrap()
}

async fn serve(config: rustls::ServerConfig, bind: IpAddr, reply: Reply) -> Server {
    let listener = TcpListener::bind(SocketAddr::new(bind, 0)).await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let acceptor = TlsAcceptor::from(Arc::new(config));
    let connections = Arc::new(AtomicUsize::new(0));
    let seen = Arc::new(Mutex::new(Vec::new()));
    let (count, log) = (connections.clone(), seen.clone());
    tokio::spawn(async move {
        loop {
            let Ok((tcp, _)) = listener.accept().await else { return };
            count.fetch_add(1, Ordering::SeqCst);
            let (acceptor, reply, log) = (acceptor.clone(), reply.clone(), log.clone());
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let sni = tls.get_ref().1.server_name().map(str::to_string);
                let mut head = Vec::new();
                let mut buf = [0u8; 4096];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match tls.read(&mut buf).await {
                        Ok(0) | Err(_) => break,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                log.lock().unwrap().push(Seen {
                    sni,
                    head: String::from_utf8_lossy(&head).into_owned(),
                });
                match reply {
                    Reply::Raw(bytes) => {
                        let _ = tls.write_all(&bytes).await;
                        let _ = tls.shutdown().await;
                    }
                    Reply::StallAfterRequest => tokio::time::sleep(Duration::from_secs(3600)).await,
                    Reply::StallInBody => {
                        let _ = tls
                            .write_all(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\nver")
                            .await;
                        let _ = tls.flush().await;
                        tokio::time::sleep(Duration::from_secs(3600)).await;
                    }
                }
            });
        }
    });
    Server {
        port,
        connections,
        seen,
    }
}

async fn serve_leaf(leaf: Leaf, reply: Reply) -> Server {
    serve(server_config(leaf, rustls::DEFAULT_VERSIONS), LOCALHOST, reply).await
}

const LOCALHOST: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);
const HOST: &str = "mta-sts.example.com";
const POLICY: &str = "version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmax_age: 604800\r\n";

/// Answers every lookup with fixed addresses and counts the calls.
struct FixedLookup {
    addrs: Vec<IpAddr>,
    error: Option<String>,
    calls: AtomicUsize,
}

impl FixedLookup {
    fn new(addrs: &[IpAddr]) -> FixedLookup {
        FixedLookup {
            addrs: addrs.to_vec(),
            error: None,
            calls: AtomicUsize::new(0),
        }
    }
}

impl Lookup for FixedLookup {
    fn lookup<'a>(&'a self, host: &'a str) -> BoxFuture<'a, LookupAnswer> {
        assert_eq!(host, HOST, "the fetch looks up the policy host only");
        self.calls.fetch_add(1, Ordering::SeqCst);
        let answer = LookupAnswer {
            addrs: self.addrs.clone(),
            error: self.error.clone(),
        };
        Box::pin(async move { answer })
    }
}

/// Answers loopback the first time and a private address after that: a rebinding
/// attack, which only works against a client that looks up twice.
struct RebindingLookup {
    calls: AtomicUsize,
}

impl Lookup for RebindingLookup {
    fn lookup<'a>(&'a self, _host: &'a str) -> BoxFuture<'a, LookupAnswer> {
        let first = self.calls.fetch_add(1, Ordering::SeqCst) == 0;
        let ip = if first {
            LOCALHOST
        } else {
            IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1))
        };
        Box::pin(async move {
            LookupAnswer {
                addrs: vec![ip],
                error: None,
            }
        })
    }
}

fn settings(pki: &Pki, port: u16) -> FetchSettings {
    FetchSettings {
        allow_loopback: true,
        https_port: port,
        extra_roots_pem: pki.ca_pem.clone().into_bytes(),
        connect_timeout: Duration::from_secs(5),
        total_timeout: Duration::from_secs(10),
    }
}

async fn fetch(pki: &Pki, server: &Server) -> FetchEvidence {
    let lookup = FixedLookup::new(&[LOCALHOST]);
    fetch_policy("example.com", &lookup, &settings(pki, server.port))
        .await
        .unwrap()
}

#[tokio::test]
async fn a_good_policy_is_recorded_exactly() {
    let pki = Pki::new();
    let body = format!("\u{feff}{POLICY}");
    let server = serve_leaf(
        pki.leaf(&[HOST]),
        response(
            "200 OK",
            &[
                ("Content-Type", "text/plain; charset=utf-8"),
                ("Cache-Control", "max-age=60"),
                ("Set-Cookie", "session=1"),
            ],
            body.as_bytes(),
        ),
    )
    .await;
    let lookup = FixedLookup::new(&[LOCALHOST]);
    let e = fetch_policy("Example.COM.", &lookup, &settings(&pki, server.port))
        .await
        .unwrap();

    assert_eq!(e.domain, "Example.COM.");
    assert_eq!(
        e.url.as_deref(),
        Some(format!("https://{HOST}:{}/.well-known/mta-sts.txt", server.port).as_str())
    );
    assert_eq!(e.error, None);
    assert_eq!(e.body.as_deref(), Some(body.as_str()), "BOM and CRLF kept");
    assert_eq!(e.body_size, Some(body.len() as u64));
    assert!(!e.body_truncated);
    assert_eq!(e.tls_version.as_deref(), Some("TLSv1.3"));
    let http = e.http.as_ref().unwrap();
    assert_eq!(http.status, 200);
    assert_eq!(http.headers.content_type.as_deref(), Some("text/plain; charset=utf-8"));
    assert_eq!(http.headers.cache_control.as_deref(), Some("max-age=60"));
    assert_eq!(http.headers.location, None);
    let cert = e.certificate.as_ref().unwrap();
    assert_eq!(cert.subject.as_deref(), Some("CN=mta-sts.example.com"));
    assert_eq!(cert.issuer.as_deref(), Some("CN=mtasts test CA"));
    assert_eq!(cert.sans, vec![HOST.to_string()]);
    assert_eq!(cert.valid_for_host, Some(true));
    assert_eq!(cert.chains_to_trusted_root, Some(true));
    assert_eq!(cert.error, None);
    let not_after = cert.not_after.as_deref().unwrap();
    assert!(
        mtasts_core::fetch::time::parse_rfc3339(not_after).is_some(),
        "{not_after}"
    );
    let dns = e.dns.as_ref().unwrap();
    assert_eq!(dns.addresses.len(), 1);
    assert_eq!(dns.addresses[0].address, "127.0.0.1");
    assert_eq!(dns.addresses[0].family, Family::V4);
    assert_eq!(dns.addresses[0].error, None);
    let t = e.timings_ms.as_ref().unwrap();
    let phases = [t.dns, t.connect, t.tls, t.first_byte, t.total].map(Option::unwrap);
    assert!(phases.windows(2).all(|w| w[0] <= w[1]), "{phases:?}");
    assert!(e.fetched_at.unwrap() > 1_700_000_000);

    // What the server saw: the policy host as SNI and Host, the one path, nothing else.
    let seen = server.seen.lock().unwrap()[0].clone();
    assert_eq!(seen.sni.as_deref(), Some(HOST));
    let head = seen.head.to_ascii_lowercase();
    assert!(head.starts_with("get /.well-known/mta-sts.txt http/1.1\r\n"), "{head}");
    assert!(
        head.contains(&format!("\r\nhost: {HOST}:{}\r\n", server.port)),
        "{head}"
    );
    assert!(head.contains("\r\naccept-encoding: identity\r\n"), "{head}");
    assert!(!head.contains("cookie") && !head.contains("authorization"), "{head}");

    // The engine: the fetch is fine, the BOM is the policy's problem.
    let report = judge_fetch(&e);
    assert!(
        !report
            .all_diagnostics()
            .any(|d| d.rule.code.starts_with("FETCH-") && d.severity == mtasts_core::diagnostic::Severity::Error),
        "{:?}",
        report.all_diagnostics().map(|d| d.rule.code).collect::<Vec<_>>()
    );
    assert!(report.has("POLICY-BOM"));
}

#[tokio::test]
async fn a_plain_policy_is_valid_for_the_engine() {
    let pki = Pki::new();
    let server = serve_leaf(
        pki.leaf(&[HOST]),
        response("200 OK", &[("Content-Type", "text/plain")], POLICY.as_bytes()),
    )
    .await;
    let e = fetch(&pki, &server).await;
    let report = judge_fetch(&e);
    assert!(report.valid, "{}", report.summary());
}

#[tokio::test]
async fn a_redirect_is_recorded_not_followed() {
    let pki = Pki::new();
    let server = serve_leaf(
        pki.leaf(&[HOST]),
        response(
            "301 Moved Permanently",
            &[("Location", "https://example.com/mta-sts.txt")],
            b"",
        ),
    )
    .await;
    let e = fetch(&pki, &server).await;
    let http = e.http.as_ref().unwrap();
    assert_eq!(http.status, 301);
    assert_eq!(
        http.headers.location.as_deref(),
        Some("https://example.com/mta-sts.txt")
    );
    assert_eq!(server.connections.load(Ordering::SeqCst), 1, "no second request");
    assert!(judge_fetch(&e).has("FETCH-REDIRECT"));
}

#[tokio::test]
async fn a_large_body_is_cut_and_flagged() {
    let pki = Pki::new();
    let big = vec![b'x'; 100_000];
    let server = serve_leaf(
        pki.leaf(&[HOST]),
        response("200 OK", &[("Content-Type", "text/plain")], &big),
    )
    .await;
    let e = fetch(&pki, &server).await;
    assert!(e.body_truncated);
    assert_eq!(e.body.as_ref().unwrap().len() as u64, BODY_LIMIT + 1);
    assert_eq!(e.body_size, Some(100_000), "from Content-Length");
    assert!(judge_fetch(&e).has("FETCH-SIZE"));

    // Without Content-Length the size is unknown once the body is cut.
    let mut raw = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n".to_vec();
    raw.extend_from_slice(&big);
    let server = serve_leaf(pki.leaf(&[HOST]), Reply::Raw(raw)).await;
    let e = fetch(&pki, &server).await;
    assert!(e.body_truncated);
    assert_eq!(e.body_size, None);
    assert!(judge_fetch(&e).has("FETCH-SIZE"));
}

#[tokio::test]
async fn a_body_of_exactly_the_limit_is_whole() {
    let pki = Pki::new();
    let body = vec![b'#'; BODY_LIMIT as usize];
    let mut raw = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n".to_vec();
    raw.extend_from_slice(&body);
    let server = serve_leaf(pki.leaf(&[HOST]), Reply::Raw(raw)).await;
    let e = fetch(&pki, &server).await;
    assert!(!e.body_truncated);
    assert_eq!(e.body_size, Some(BODY_LIMIT));
    assert!(!judge_fetch(&e).has("FETCH-SIZE"));
}

#[tokio::test]
async fn a_binary_body_is_kept_as_base64() {
    let pki = Pki::new();
    let body = [0xffu8, 0xfe, b'v', 0];
    let server = serve_leaf(
        pki.leaf(&[HOST]),
        response("200 OK", &[("Content-Type", "text/plain")], &body),
    )
    .await;
    let e = fetch(&pki, &server).await;
    assert_eq!(e.body, None);
    assert_eq!(e.body_bytes().as_deref(), Some(&body[..]));
}

#[tokio::test]
async fn a_stalled_server_times_out() {
    let pki = Pki::new();
    let server = serve_leaf(pki.leaf(&[HOST]), Reply::StallAfterRequest).await;
    let lookup = FixedLookup::new(&[LOCALHOST]);
    let mut s = settings(&pki, server.port);
    s.total_timeout = Duration::from_millis(800);
    let e = fetch_policy("example.com", &lookup, &s).await.unwrap();
    let err = e.error.as_ref().unwrap();
    assert_eq!(err.kind, ErrorKind::Timeout, "{err:?}");
    assert!(
        err.message.contains("waiting for the response from 127.0.0.1"),
        "{}",
        err.message
    );
    assert_eq!(e.http, None);
    assert_eq!(e.tls_version.as_deref(), Some("TLSv1.3"), "what was learned is kept");
    assert!(e.certificate.is_some());
    assert!(e.timings_ms.as_ref().unwrap().total.unwrap() >= 800);
    assert!(judge_fetch(&e).has("FETCH-TIMEOUT"));
}

#[tokio::test]
async fn a_body_that_stalls_times_out_with_the_response_kept() {
    let pki = Pki::new();
    let server = serve_leaf(pki.leaf(&[HOST]), Reply::StallInBody).await;
    let lookup = FixedLookup::new(&[LOCALHOST]);
    let mut s = settings(&pki, server.port);
    s.total_timeout = Duration::from_millis(800);
    let e = fetch_policy("example.com", &lookup, &s).await.unwrap();
    assert_eq!(e.error.as_ref().unwrap().kind, ErrorKind::Timeout);
    assert_eq!(e.http.as_ref().unwrap().status, 200);
    assert_eq!(e.body, None, "a partial body is not a policy");
    assert_eq!(e.body_size, Some(100));
}

#[tokio::test]
async fn a_certificate_for_another_name_is_recorded_and_the_fetch_goes_on() {
    let pki = Pki::new();
    let server = serve_leaf(
        pki.leaf(&["www.example.com"]),
        response("200 OK", &[("Content-Type", "text/plain")], POLICY.as_bytes()),
    )
    .await;
    let e = fetch(&pki, &server).await;
    let cert = e.certificate.as_ref().unwrap();
    assert_eq!(cert.valid_for_host, Some(false));
    assert_eq!(cert.chains_to_trusted_root, Some(true));
    assert!(
        cert.error.as_deref().unwrap().contains("not valid for name"),
        "{cert:?}"
    );
    assert_eq!(cert.sans, vec!["www.example.com".to_string()]);
    assert_eq!(e.http.as_ref().unwrap().status, 200);
    assert_eq!(e.body.as_deref(), Some(POLICY));
    let report = judge_fetch(&e);
    assert!(report.has("FETCH-CERT-NAME-MISMATCH"));
    assert!(!report.has("FETCH-CERT-UNTRUSTED"));
    assert!(!report.valid);
}

#[tokio::test]
async fn an_expired_certificate_is_recorded_and_the_fetch_goes_on() {
    let pki = Pki::new();
    let server = serve_leaf(
        pki.leaf_dated(&[HOST], (-100, -10)),
        response("200 OK", &[("Content-Type", "text/plain")], POLICY.as_bytes()),
    )
    .await;
    let e = fetch(&pki, &server).await;
    let cert = e.certificate.as_ref().unwrap();
    assert_eq!(cert.valid_for_host, Some(true));
    assert_eq!(cert.chains_to_trusted_root, Some(true), "trusted CA, only expired");
    assert!(cert.error.as_deref().unwrap().contains("expired"), "{cert:?}");
    assert_eq!(e.http.as_ref().unwrap().status, 200);
    let report = judge_fetch(&e);
    assert!(report.has("FETCH-CERT-EXPIRED"));
    assert!(!report.has("FETCH-CERT-UNTRUSTED"));
}

#[tokio::test]
async fn an_unknown_issuer_is_untrusted() {
    let pki = Pki::new();
    let other = Pki::new();
    let server = serve_leaf(
        other.leaf(&[HOST]),
        response("200 OK", &[("Content-Type", "text/plain")], POLICY.as_bytes()),
    )
    .await;
    let e = fetch(&pki, &server).await;
    let cert = e.certificate.as_ref().unwrap();
    assert_eq!(cert.chains_to_trusted_root, Some(false));
    assert_eq!(cert.valid_for_host, Some(true));
    assert!(judge_fetch(&e).has("FETCH-CERT-UNTRUSTED"));
}

#[tokio::test]
async fn tls_1_2_is_recorded() {
    let pki = Pki::new();
    let config = server_config(pki.leaf(&[HOST]), &[&rustls::version::TLS12]);
    let reply = response("200 OK", &[("Content-Type", "text/plain")], POLICY.as_bytes());
    let server = serve(config, LOCALHOST, reply).await;
    let e = fetch(&pki, &server).await;
    assert_eq!(e.tls_version.as_deref(), Some("TLSv1.2"));
    assert_eq!(e.http.unwrap().status, 200);
}

/// A server with no certificate for any name: the handshake ends with an alert.
#[derive(Debug)]
struct NoCertificate;

impl rustls::server::ResolvesServerCert for NoCertificate {
    fn resolve(&self, _hello: rustls::server::ClientHello<'_>) -> Option<Arc<rustls::sign::CertifiedKey>> {
        None
    }
}

#[tokio::test]
async fn a_handshake_alert_is_a_tls_error_with_its_name() {
    let pki = Pki::new();
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_cert_resolver(Arc::new(NoCertificate));
    let server = serve(config, LOCALHOST, Reply::StallAfterRequest).await;
    let e = fetch(&pki, &server).await;
    let err = e.error.as_ref().unwrap();
    assert_eq!(err.kind, ErrorKind::Tls, "{err:?}");
    assert!(err.tls_alert.is_some(), "{err:?}");
    assert!(err.message.contains("TLS handshake"), "{}", err.message);
    assert_eq!(e.http, None);
    assert_eq!(e.certificate, None);
}

#[tokio::test]
async fn ipv6_loopback_works_too() {
    let pki = Pki::new();
    let reply = response("200 OK", &[("Content-Type", "text/plain")], POLICY.as_bytes());
    let server = serve(
        server_config(pki.leaf(&[HOST]), rustls::DEFAULT_VERSIONS),
        IpAddr::V6(Ipv6Addr::LOCALHOST),
        reply,
    )
    .await;
    let lookup = FixedLookup::new(&[IpAddr::V6(Ipv6Addr::LOCALHOST)]);
    let e = fetch_policy("example.com", &lookup, &settings(&pki, server.port))
        .await
        .unwrap();
    assert_eq!(e.http.unwrap().status, 200);
    let dns = e.dns.unwrap();
    assert_eq!(dns.addresses[0].address, "::1");
    assert_eq!(dns.addresses[0].family, Family::V6);
}

#[tokio::test]
async fn loopback_is_refused_unless_allowed() {
    let pki = Pki::new();
    let server = serve_leaf(
        pki.leaf(&[HOST]),
        response("200 OK", &[("Content-Type", "text/plain")], POLICY.as_bytes()),
    )
    .await;
    let lookup = FixedLookup::new(&[LOCALHOST, IpAddr::V6(Ipv6Addr::LOCALHOST)]);
    let mut s = settings(&pki, server.port);
    s.allow_loopback = false;
    let refused = fetch_policy("example.com", &lookup, &s).await.unwrap_err();
    assert_eq!(
        refused.to_string(),
        "mta-sts.example.com resolves only to addresses this checker may not contact: \
         127.0.0.1 is a loopback address (127.0.0.0/8); ::1 is a loopback address (::1/128)"
    );
    assert_eq!(server.connections.load(Ordering::SeqCst), 0, "never contacted");
}

#[tokio::test]
async fn only_allowed_addresses_are_tried() {
    let pki = Pki::new();
    let server = serve_leaf(
        pki.leaf(&[HOST]),
        response("200 OK", &[("Content-Type", "text/plain")], POLICY.as_bytes()),
    )
    .await;
    let private: IpAddr = "10.0.0.1".parse().unwrap();
    let link_local: IpAddr = "fe80::1".parse().unwrap();
    let mapped: IpAddr = "::ffff:192.168.0.1".parse().unwrap();
    let lookup = FixedLookup::new(&[private, LOCALHOST, link_local, mapped]);
    let e = fetch_policy("example.com", &lookup, &settings(&pki, server.port))
        .await
        .unwrap();
    assert_eq!(e.http.as_ref().unwrap().status, 200);
    let addresses = e.dns.unwrap().addresses;
    let errors: Vec<_> = addresses.iter().map(|a| a.error.clone().unwrap_or_default()).collect();
    assert_eq!(errors[0], "not contacted: 10.0.0.1 is a private address (10.0.0.0/8)");
    assert_eq!(errors[1], "");
    assert!(errors[2].starts_with("not contacted: fe80::1 is a link-local address"));
    assert!(
        errors[3].contains("embeds 192.168.0.1, a private address"),
        "{}",
        errors[3]
    );
    assert_eq!(server.connections.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn the_host_is_looked_up_once_so_rebinding_cannot_work() {
    let pki = Pki::new();
    let server = serve_leaf(
        pki.leaf(&[HOST]),
        response("200 OK", &[("Content-Type", "text/plain")], POLICY.as_bytes()),
    )
    .await;
    let lookup = RebindingLookup {
        calls: AtomicUsize::new(0),
    };
    let e = fetch_policy("example.com", &lookup, &settings(&pki, server.port))
        .await
        .unwrap();
    assert_eq!(lookup.calls.load(Ordering::SeqCst), 1);
    assert_eq!(e.http.unwrap().status, 200);
    assert_eq!(e.dns.unwrap().addresses[0].address, "127.0.0.1");
}

#[tokio::test]
async fn a_refused_address_is_recorded_and_the_next_one_tried() {
    let pki = Pki::new();
    let server = serve_leaf(
        pki.leaf(&[HOST]),
        response("200 OK", &[("Content-Type", "text/plain")], POLICY.as_bytes()),
    )
    .await;
    // Nothing listens on 127.0.0.2 (the server is bound to 127.0.0.1 only).
    let closed = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2));
    let lookup = FixedLookup::new(&[closed, LOCALHOST]);
    let e = fetch_policy("example.com", &lookup, &settings(&pki, server.port))
        .await
        .unwrap();
    assert_eq!(e.http.unwrap().status, 200);
    assert_eq!(e.error, None);
    let addresses = e.dns.unwrap().addresses;
    assert!(
        addresses[0].error.as_deref().unwrap().contains("refused"),
        "{addresses:?}"
    );
    assert_eq!(addresses[1].error, None);

    let only_closed = FixedLookup::new(&[closed]);
    let e = fetch_policy("example.com", &only_closed, &settings(&pki, server.port))
        .await
        .unwrap();
    assert_eq!(e.error.unwrap().kind, ErrorKind::Connect);
}

#[tokio::test]
async fn no_address_is_a_dns_error() {
    let lookup = FixedLookup {
        addrs: Vec::new(),
        error: Some("NXDOMAIN".to_string()),
        calls: AtomicUsize::new(0),
    };
    let e = fetch_policy("example.com", &lookup, &FetchSettings::default())
        .await
        .unwrap();
    assert_eq!(e.error.as_ref().unwrap().kind, ErrorKind::Dns);
    assert_eq!(e.dns.as_ref().unwrap().host_error.as_deref(), Some("NXDOMAIN"));
    assert!(judge_fetch(&e).has("FETCH-HOST-MISSING"));
}

#[tokio::test]
async fn bad_domains_and_settings_are_refused_before_any_lookup() {
    let lookup = FixedLookup::new(&[LOCALHOST]);
    let refused = fetch_policy("127.0.0.1", &lookup, &FetchSettings::default())
        .await
        .unwrap_err();
    assert!(matches!(refused, FetchRefused::Domain(DomainError::IpLiteral(_))));
    let bad_ca = FetchSettings {
        extra_roots_pem: b"not a certificate".to_vec(),
        ..FetchSettings::default()
    };
    assert!(bad_ca.check().is_err());
    let refused = fetch_policy("example.com", &lookup, &bad_ca).await.unwrap_err();
    assert!(matches!(refused, FetchRefused::Settings(_)));
    assert_eq!(lookup.calls.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn the_system_lookup_resolves_localhost_from_the_hosts_file() {
    let answer = SystemLookup.lookup("localhost").await;
    assert!(answer.addrs.iter().all(IpAddr::is_loopback), "{answer:?}");
    assert!(!answer.addrs.is_empty(), "{answer:?}");
    let v6_first = answer.addrs.windows(2).any(|w| w[0].is_ipv6() && w[1].is_ipv4());
    assert!(!v6_first, "IPv4 first: {answer:?}");
    assert_eq!(answer.error, None);
    let missing = SystemLookup.lookup("nonexistent.invalid").await;
    assert!(missing.addrs.is_empty());
    assert!(missing.error.is_some());
}
