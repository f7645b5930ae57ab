//! The policy-fetch API, in-process: requests go to [`mtasts_proxy::app`] with tower's
//! `oneshot` (the client address set as axum's `ConnectInfo`), upstream policy hosts are
//! HTTPS servers on loopback with certificates from a test CA made by rcgen.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, Response, StatusCode, header};
use http_body_util::BodyExt;
use mtasts_check::fetch::FetchSettings;
use mtasts_check::lookup::{BoxFuture, Lookup, LookupAnswer};
use mtasts_core::fetch::FetchEvidence;
use mtasts_proxy::Config;
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose};
use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;
use tower::ServiceExt;

const HOST: &str = "mta-sts.example.com";
const POLICY: &str = "version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmax_age: 604800\r\n";
const LOCALHOST: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

/// An HTTPS policy host on 127.0.0.1 with a certificate for `mta-sts.example.com` from
/// its own test CA.
struct Upstream {
    ca_pem: String,
    port: u16,
    connections: Arc<AtomicUsize>,
}

/// `None`: read the request and never answer.
async fn upstream(reply: Option<Vec<u8>>) -> Upstream {
    let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.distinguished_name.push(DnType::CommonName, "mtasts proxy test CA");
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.key_usages = vec![KeyUsagePurpose::KeyCertSign];
    let ca_key = KeyPair::generate().unwrap();
    let ca_pem = ca.self_signed(&ca_key).unwrap().pem();
    let issuer = Issuer::new(ca, ca_key);
    let leaf_key = KeyPair::generate().unwrap();
    let leaf = CertificateParams::new(vec![HOST.to_string()])
        .unwrap()
        .signed_by(&leaf_key, &issuer)
        .unwrap();
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![leaf.der().clone()],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der())),
        )
        .unwrap();
    let acceptor = TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind((LOCALHOST, 0)).await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let connections = Arc::new(AtomicUsize::new(0));
    let count = connections.clone();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            count.fetch_add(1, Ordering::SeqCst);
            let (acceptor, reply) = (acceptor.clone(), reply.clone());
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let mut head = Vec::new();
                let mut buf = [0u8; 4096];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match tls.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                match reply {
                    Some(bytes) => {
                        let _ = tls.write_all(&bytes).await;
                        let _ = tls.shutdown().await;
                    }
                    None => tokio::time::sleep(Duration::from_secs(3600)).await,
                }
            });
        }
    });
    Upstream {
        ca_pem,
        port,
        connections,
    }
}

fn http_response(status: &str, headers: &[(&str, &str)], body: &[u8]) -> Option<Vec<u8>> {
    let mut head = format!(
        "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    let mut bytes = head.into_bytes();
    bytes.extend_from_slice(body);
    Some(bytes)
}

fn policy_reply() -> Option<Vec<u8>> {
    http_response("200 OK", &[("Content-Type", "text/plain")], POLICY.as_bytes())
}

/// Fixed answers; counts the lookups.
struct FixedLookup {
    addrs: Vec<IpAddr>,
    calls: AtomicUsize,
}

impl Lookup for FixedLookup {
    fn lookup<'a>(&'a self, _host: &'a str) -> BoxFuture<'a, LookupAnswer> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        let addrs = self.addrs.clone();
        Box::pin(async move { LookupAnswer { addrs, error: None } })
    }
}

fn fixed(addrs: &[&str]) -> Arc<FixedLookup> {
    Arc::new(FixedLookup {
        addrs: addrs.iter().map(|a| a.parse().unwrap()).collect(),
        calls: AtomicUsize::new(0),
    })
}

/// Loopback first, a private address on every later lookup.
struct RebindingLookup {
    calls: AtomicUsize,
}

impl Lookup for RebindingLookup {
    fn lookup<'a>(&'a self, _host: &'a str) -> BoxFuture<'a, LookupAnswer> {
        let first = self.calls.fetch_add(1, Ordering::SeqCst) == 0;
        let ip: IpAddr = if first { LOCALHOST } else { "10.0.0.1".parse().unwrap() };
        Box::pin(async move {
            LookupAnswer {
                addrs: vec![ip],
                error: None,
            }
        })
    }
}

/// The test bed's settings: the upstream's CA and port, loopback allowed.
fn config(up: Option<&Upstream>, lookup: Arc<dyn Lookup>) -> Config {
    let mut config = Config::new("/nonexistent/mtasts-proxy-test-dist");
    config.lookup = lookup;
    config.log_requests = false;
    config.fetch = FetchSettings {
        allow_loopback: true,
        https_port: up.map_or(443, |u| u.port),
        extra_roots_pem: up.map(|u| u.ca_pem.clone().into_bytes()).unwrap_or_default(),
        connect_timeout: Duration::from_secs(5),
        total_timeout: Duration::from_secs(10),
    };
    config
}

const CLIENT: &str = "203.0.113.7:50000";

fn get(uri: &str) -> Request<Body> {
    request("GET", uri, CLIENT, &[])
}

fn request(method: &str, uri: &str, client: &str, headers: &[(&str, &str)]) -> Request<Body> {
    let mut builder = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::HOST, "proxy.test");
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    let mut request = builder.body(Body::empty()).unwrap();
    let peer: SocketAddr = client.parse().unwrap();
    request.extensions_mut().insert(ConnectInfo(peer));
    request
}

fn policy_uri(domain: &str) -> String {
    let query: String = form_urlencoded::Serializer::new(String::new())
        .append_pair("domain", domain)
        .finish();
    format!("/api/v1/policy?{query}")
}

async fn send(app: &Router, request: Request<Body>) -> (Response<Body>, Value) {
    let response = app.clone().oneshot(request).await.unwrap();
    let (parts, body) = response.into_parts();
    let bytes = body.collect().await.unwrap().to_bytes();
    let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    (Response::from_parts(parts, Body::from(bytes)), json)
}

fn header_of<'a>(response: &'a Response<Body>, name: &str) -> Option<&'a str> {
    response.headers().get(name).and_then(|v| v.to_str().ok())
}

/// The API's fixed response headers.
fn assert_api_headers(response: &Response<Body>) {
    assert_eq!(header_of(response, "content-type"), Some("application/json"));
    assert_eq!(header_of(response, "cache-control"), Some("no-store"));
    assert_eq!(header_of(response, "x-content-type-options"), Some("nosniff"));
    assert!(response.headers().contains_key("content-security-policy"));
    assert!(!response.headers().contains_key("set-cookie"));
}

#[tokio::test]
async fn a_fetch_answers_the_evidence_json() {
    let up = upstream(policy_reply()).await;
    let app = mtasts_proxy::app(config(Some(&up), fixed(&["127.0.0.1"])));
    let request = request("GET", &policy_uri("example.com"), CLIENT, &[("cookie", "session=abc")]);
    let (response, json) = send(&app, request).await;
    assert_eq!(response.status(), StatusCode::OK, "{json}");
    assert_api_headers(&response);
    let evidence: FetchEvidence = serde_json::from_value(json).unwrap();
    assert_eq!(evidence.domain, "example.com");
    assert_eq!(evidence.http.as_ref().unwrap().status, 200);
    assert_eq!(evidence.body.as_deref(), Some(POLICY));
    assert_eq!(
        evidence.certificate.as_ref().unwrap().chains_to_trusted_root,
        Some(true)
    );
}

#[tokio::test]
async fn bad_domains_are_400_saying_what_is_wrong() {
    let app = mtasts_proxy::app(config(None, fixed(&["127.0.0.1"])));
    let long_label = format!("{}.com", "a".repeat(64));
    let too_long = format!(
        "{}.{}.{}.{}.com",
        "a".repeat(63),
        "b".repeat(63),
        "c".repeat(63),
        "d".repeat(50)
    );
    let cases: &[(&str, &str)] = &[
        ("10.0.0.1", "IP literals are not domains"),
        ("[::1]", "IP literals are not domains"),
        ("::ffff:127.0.0.1", "IP literals are not domains"),
        ("127.1", "IP literals are not domains"),
        ("example.com:8443", "has a port"),
        ("user@example.com", "has a user name"),
        ("https://example.com/", "is a URL"),
        ("example.com/path", "has a path"),
        ("localhost", "has a single label"),
        ("a..b", "`a..b` has an empty label"),
        (&long_label, "label of 64 characters"),
        (&too_long, "is too long"),
        ("exa mple.com", "whitespace"),
        ("ex_ample.com", "only letters, digits and `-`"),
        ("", "no domain was given"),
    ];
    for (domain, expected) in cases {
        let (response, json) = send(&app, get(&policy_uri(domain))).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{domain}: {json}");
        assert_api_headers(&response);
        let error = json["error"].as_str().unwrap();
        assert!(error.contains(expected), "{domain}: {error}");
    }
}

#[tokio::test]
async fn bad_queries_are_400() {
    let app = mtasts_proxy::app(config(None, fixed(&["127.0.0.1"])));
    let cases = [
        ("/api/v1/policy", "missing query parameter `domain`"),
        ("/api/v1/policy?x=1", "unexpected query parameter `x`"),
        (
            "/api/v1/policy?domain=example.com&url=http://10.0.0.1/",
            "unexpected query parameter `url`",
        ),
        ("/api/v1/policy?domain=a.com&domain=b.com", "more than once"),
    ];
    for (uri, expected) in cases {
        let (response, json) = send(&app, get(uri)).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{uri}");
        assert!(json["error"].as_str().unwrap().contains(expected), "{uri}: {json}");
    }
}

#[tokio::test]
async fn private_and_loopback_answers_are_refused_naming_each_address() {
    let lookup = fixed(&["10.1.2.3", "::1", "fd00::5", "::ffff:169.254.169.254"]);
    let mut config = config(None, lookup);
    config.fetch.allow_loopback = false;
    let app = mtasts_proxy::app(config);
    let (response, json) = send(&app, get(&policy_uri("example.com"))).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{json}");
    assert_api_headers(&response);
    assert_eq!(json["host"], "mta-sts.example.com");
    let reasons: Vec<&str> = json["addresses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["reason"].as_str().unwrap())
        .collect();
    assert_eq!(
        reasons,
        [
            "10.1.2.3 is a private address (10.0.0.0/8)",
            "::1 is a loopback address (::1/128)",
            "fd00::5 is a unique local (private) address (fc00::/7)",
            "::ffff:169.254.169.254 is IPv4-mapped (::ffff:0:0/96) and embeds 169.254.169.254, a link-local address (169.254.0.0/16)",
        ]
    );
    assert!(json["error"].as_str().unwrap().contains("may not contact"));
}

#[tokio::test]
async fn loopback_is_refused_without_allow_loopback() {
    let up = upstream(policy_reply()).await;
    let mut config = config(Some(&up), fixed(&["127.0.0.1"]));
    config.fetch.allow_loopback = false;
    let app = mtasts_proxy::app(config);
    let (response, json) = send(&app, get(&policy_uri("example.com"))).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(json["addresses"][0]["address"], "127.0.0.1");
    assert_eq!(up.connections.load(Ordering::SeqCst), 0, "never contacted");
}

#[tokio::test]
async fn rebinding_gets_nowhere_the_host_is_looked_up_once() {
    let up = upstream(policy_reply()).await;
    let lookup = Arc::new(RebindingLookup {
        calls: AtomicUsize::new(0),
    });
    let app = mtasts_proxy::app(config(Some(&up), lookup.clone()));
    let (response, json) = send(&app, get(&policy_uri("example.com"))).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(lookup.calls.load(Ordering::SeqCst), 1);
    assert_eq!(json["dns"]["addresses"][0]["address"], "127.0.0.1");
}

#[tokio::test]
async fn a_redirect_is_reported_not_followed() {
    let up = upstream(http_response(
        "302 Found",
        &[("Location", "http://169.254.169.254/latest/meta-data/")],
        b"",
    ))
    .await;
    let app = mtasts_proxy::app(config(Some(&up), fixed(&["127.0.0.1"])));
    let (response, json) = send(&app, get(&policy_uri("example.com"))).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(json["http"]["status"], 302);
    assert_eq!(
        json["http"]["headers"]["location"],
        "http://169.254.169.254/latest/meta-data/"
    );
    assert_eq!(up.connections.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn the_body_is_capped() {
    let big = vec![b'a'; 200_000];
    let up = upstream(http_response("200 OK", &[("Content-Type", "text/plain")], &big)).await;
    let app = mtasts_proxy::app(config(Some(&up), fixed(&["127.0.0.1"])));
    let (response, json) = send(&app, get(&policy_uri("example.com"))).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(json["body_truncated"], true);
    assert_eq!(json["body"].as_str().unwrap().len(), 65_537);
    assert_eq!(json["body_size"], 200_000);
}

#[tokio::test]
async fn each_client_is_rate_limited() {
    let mut config = config(None, fixed(&["127.0.0.1"]));
    config.rate_per_minute = 2;
    let app = mtasts_proxy::app(config);
    // Bad requests count too: the limit comes before any other work.
    for _ in 0..2 {
        let (response, _) = send(&app, request("GET", &policy_uri("x"), "198.51.100.1:1000", &[])).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    }
    let (response, json) = send(&app, request("GET", &policy_uri("x"), "198.51.100.1:2000", &[])).await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_api_headers(&response);
    let retry: u64 = header_of(&response, "retry-after").unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    assert!(json["error"].as_str().unwrap().contains("too many requests"));
    // Another client is not affected; one IPv6 /64 is one client.
    let (response, _) = send(&app, request("GET", &policy_uri("x"), "198.51.100.2:1000", &[])).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    for port in [1, 2] {
        let (response, _) = send(
            &app,
            request("GET", &policy_uri("x"), &format!("[2001:db8:1:2::{port}]:1"), &[]),
        )
        .await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    }
    let (response, _) = send(&app, request("GET", &policy_uri("x"), "[2001:db8:1:2::ffff]:1", &[])).await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn too_many_fetches_at_once_are_503_not_queued() {
    let up = upstream(None).await;
    let mut config = config(Some(&up), fixed(&["127.0.0.1"]));
    config.max_concurrent = 1;
    let app = mtasts_proxy::app(config);
    let first = tokio::spawn({
        let app = app.clone();
        async move { send(&app, get(&policy_uri("example.com"))).await }
    });
    for _ in 0..500 {
        if up.connections.load(Ordering::SeqCst) > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(up.connections.load(Ordering::SeqCst), 1, "the first fetch is running");
    let (response, json) = send(&app, get(&policy_uri("example.com"))).await;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_api_headers(&response);
    assert_eq!(header_of(&response, "retry-after"), Some("5"));
    assert!(json["error"].as_str().unwrap().contains("busy"));
    first.abort();
}

#[tokio::test]
async fn cors_only_for_listed_origins() {
    let mut config = config(None, fixed(&["127.0.0.1"]));
    config.allow_origins = vec!["https://page.example".to_string()];
    let app = mtasts_proxy::app(config);
    let preflight = |origin: &str| {
        request(
            "OPTIONS",
            "/api/v1/policy?domain=example.com",
            CLIENT,
            &[("origin", origin), ("access-control-request-method", "GET")],
        )
    };
    let (response, _) = send(&app, preflight("https://page.example")).await;
    assert!(response.status().is_success());
    assert_eq!(
        header_of(&response, "access-control-allow-origin"),
        Some("https://page.example")
    );
    assert!(
        header_of(&response, "access-control-allow-methods")
            .unwrap()
            .contains("GET")
    );
    assert!(!response.headers().contains_key("access-control-allow-credentials"));
    let (response, _) = send(&app, preflight("https://evil.example")).await;
    assert!(!response.headers().contains_key("access-control-allow-origin"));

    let with_origin = |origin: &str| request("GET", &policy_uri("x"), CLIENT, &[("origin", origin)]);
    let (response, _) = send(&app, with_origin("https://page.example")).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST, "allowed, then judged");
    assert_eq!(
        header_of(&response, "access-control-allow-origin"),
        Some("https://page.example")
    );
    assert!(!response.headers().contains_key("access-control-allow-credentials"));
    let (response, json) = send(&app, with_origin("https://evil.example")).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(!response.headers().contains_key("access-control-allow-origin"));
    assert!(
        json["error"]
            .as_str()
            .unwrap()
            .contains("`https://evil.example` are not allowed")
    );
    let (response, _) = send(&app, with_origin("null")).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    // The page's own origin needs no entry.
    let (response, _) = send(&app, with_origin("http://proxy.test")).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn without_an_allow_list_there_is_no_cors() {
    let app = mtasts_proxy::app(config(None, fixed(&["127.0.0.1"])));
    let (response, json) = send(
        &app,
        request(
            "OPTIONS",
            "/api/v1/policy",
            CLIENT,
            &[
                ("origin", "https://page.example"),
                ("access-control-request-method", "GET"),
            ],
        ),
    )
    .await;
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED, "{json}");
    assert!(!response.headers().contains_key("access-control-allow-origin"));
    let (response, _) = send(
        &app,
        request("GET", &policy_uri("x"), CLIENT, &[("origin", "https://page.example")]),
    )
    .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn other_methods_are_405() {
    let app = mtasts_proxy::app(config(None, fixed(&["127.0.0.1"])));
    for method in ["POST", "PUT", "DELETE", "HEAD", "PATCH"] {
        let (response, json) = send(&app, request(method, &policy_uri("example.com"), CLIENT, &[])).await;
        assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED, "{method}");
        assert_eq!(header_of(&response, "allow"), Some("GET"));
        if method != "HEAD" {
            assert_api_headers(&response);
            assert!(json["error"].as_str().unwrap().contains("use GET"), "{json}");
        }
    }
}

#[tokio::test]
async fn other_api_paths_are_404_json() {
    let app = mtasts_proxy::app(config(None, fixed(&["127.0.0.1"])));
    for uri in [
        "/api",
        "/api/",
        "/api/v1",
        "/api/v1/policy/",
        "/api/v1/policy/extra",
        "/api/v2/policy?domain=example.com",
        "/api/v1/fetch?url=http://10.0.0.1/",
    ] {
        let (response, json) = send(&app, get(uri)).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{uri}");
        assert_api_headers(&response);
        assert!(
            json["error"].as_str().unwrap().contains("/api/v1/policy?domain="),
            "{uri}: {json}"
        );
    }
}

#[tokio::test]
async fn the_page_is_still_served() {
    let dir = std::env::temp_dir().join(format!("mtasts-proxy-api-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("index.html"),
        r#"<html><head><meta http-equiv="Content-Security-Policy" content="default-src 'self'"></head></html>"#,
    )
    .unwrap();
    let mut config = config(None, fixed(&["127.0.0.1"]));
    config.dir = dir.clone();
    let app = mtasts_proxy::app(config);
    let (response, _) = send(&app, get("/")).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        header_of(&response, "content-security-policy"),
        Some("default-src 'self'")
    );
    assert!(header_of(&response, "content-type").unwrap().starts_with("text/html"));
    let (response, _) = send(&app, get("/missing.js")).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn serve_app_answers_over_tcp_with_the_peer_as_client() {
    let up = upstream(policy_reply()).await;
    let mut config = config(Some(&up), fixed(&["127.0.0.1"]));
    config.rate_per_minute = 1;
    let listener = TcpListener::bind((LOCALHOST, 0)).await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(mtasts_proxy::serve_app(listener, config, async {
        let _ = stopped.await;
    }));
    let status_line = |path: String| async move {
        let mut tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
        let req = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
        tcp.write_all(req.as_bytes()).await.unwrap();
        let mut out = String::new();
        tcp.read_to_string(&mut out).await.unwrap();
        out.lines().next().unwrap_or_default().to_string()
    };
    assert_eq!(status_line(policy_uri("example.com")).await, "HTTP/1.1 200 OK");
    assert_eq!(
        status_line(policy_uri("example.com")).await,
        "HTTP/1.1 429 Too Many Requests"
    );
    let _ = stop.send(());
    server.await.unwrap().unwrap();
}
