//! The native policy fetch: `https://mta-sts.<domain>/.well-known/mta-sts.txt`, fetched
//! the way a sending server would and recorded as a [`FetchEvidence`] for
//! [`mtasts_core::fetch::judge_fetch`].
//!
//! # Safety against request forgery
//!
//! The proxy fetches on behalf of anyone, so [`fetch_policy`] only ever contacts
//! `mta-sts.<domain>` for a syntactically valid public domain ([`validate_domain`]), on
//! the HTTPS port, at the one path. The host is looked up **once** through the caller's
//! [`Lookup`]; every address is vetted ([`vet_address`]: public unicast only, embedded
//! IPv4 addresses included) and the TCP connection goes to the vetted address itself, so
//! a second lookup can never return something else (DNS rebinding). Redirects are never
//! followed, no proxy is taken from the environment, no cookies or credentials are sent,
//! `Accept-Encoding: identity` is asked for, and at most [`BODY_LIMIT`] + 1 bytes of
//! body are read within [`FetchSettings::total_timeout`].
//!
//! # Why hyper over tokio-rustls, not reqwest
//!
//! The evidence needs facts reqwest does not expose: the negotiated TLS version, the TLS
//! alert a handshake ended with (reqwest wraps it in opaque errors), and the durations
//! of the phases (connect, TLS, first byte). With one TCP connect, one
//! [`tokio_rustls`] handshake and one [`hyper`] HTTP/1.1 exchange per address, each
//! fact is read where it happens.
//!
//! # Certificates
//!
//! The handshake uses a verifier that checks the chain against webpki-roots plus
//! [`FetchSettings::extra_roots_pem`] and the name against `mta-sts.<domain>` (like a
//! sender), **records** the verdict and accepts, so one fetch yields both the
//! certificate facts and the HTTP response (a sender would stop at the certificate; the
//! engine's `FETCH-CERT-*` rules say so). The chain is judged apart from the dates:
//! an expired certificate from a trusted CA has `chains_to_trusted_root: true`, and
//! `FETCH-CERT-EXPIRED` reads `not_after`.
//!
//! # Timings
//!
//! `timings_ms` holds, for each phase, the milliseconds from the start of the fetch to
//! the end of that phase (`dns` ≤ `connect` ≤ `tls` ≤ `first_byte` ≤ `total`), for the
//! address whose result is recorded.

mod address;
mod domain;
pub(crate) mod tls;

#[cfg(test)]
mod tests;

use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper::header::{self, HeaderMap, HeaderName};
use hyper_util::rt::TokioIo;
use mtasts_core::fetch::{
    Address, BODY_LIMIT, Dns, ErrorKind, Family, FetchError, FetchEvidence, Headers, Http, Timings,
};
use mtasts_core::generate::POLICY_PATH;
use rustls::pki_types::ServerName;
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

pub use address::{AddressRejection, RangeKind, vet_address};
pub use domain::{DomainError, validate_domain};

use crate::lookup::{BoxFuture, Lookup, LookupAnswer};

/// How the fetch runs. The defaults are what a sender does; the test bed overrides the
/// port, the trust store and the loopback ban.
#[derive(Clone, Debug)]
pub struct FetchSettings {
    /// Test bed only: also accept loopback addresses (127.0.0.0/8, ::1).
    pub allow_loopback: bool,
    /// The HTTPS port: 443 (the test bed's server listens elsewhere).
    pub https_port: u16,
    /// Extra trusted CA certificates (PEM), e.g. the test bed's CA. webpki-roots are
    /// always trusted.
    pub extra_roots_pem: Vec<u8>,
    /// The limit for one TCP connect.
    pub connect_timeout: Duration,
    /// The limit for the whole fetch, lookup included (RFC 8461 §3.3 suggests 60 s).
    pub total_timeout: Duration,
}

impl Default for FetchSettings {
    fn default() -> FetchSettings {
        FetchSettings {
            allow_loopback: false,
            https_port: 443,
            extra_roots_pem: Vec::new(),
            connect_timeout: Duration::from_secs(10),
            total_timeout: Duration::from_millis(mtasts_core::fetch::TIMEOUT_MS),
        }
    }
}

impl FetchSettings {
    /// Whether [`FetchSettings::extra_roots_pem`] holds usable CA certificates (empty is
    /// fine), so a server can refuse a bad `--ca-file` at start rather than per request.
    pub fn check(&self) -> Result<(), String> {
        tls::root_store(&self.extra_roots_pem).map(|_| ())
    }
}

/// Why [`fetch_policy`] did not fetch at all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FetchRefused {
    /// The input is not a public domain name.
    Domain(DomainError),
    /// `host` resolved only to addresses the fetch may not contact.
    Address {
        host: String,
        /// Every address found, each with why it was refused.
        rejections: Vec<AddressRejection>,
    },
    /// The settings are unusable (the extra CA certificates do not parse).
    Settings(String),
}

impl fmt::Display for FetchRefused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FetchRefused::Domain(e) => e.fmt(f),
            FetchRefused::Address { host, rejections } => {
                write!(f, "{host} resolves only to addresses this checker may not contact: ")?;
                for (i, r) in rejections.iter().enumerate() {
                    if i > 0 {
                        f.write_str("; ")?;
                    }
                    write!(f, "{r}")?;
                }
                Ok(())
            }
            FetchRefused::Settings(e) => f.write_str(e),
        }
    }
}

impl std::error::Error for FetchRefused {}

/// The system resolver (`getaddrinfo` through tokio), for the CLI and as the proxy's
/// fallback. It cannot tell NXDOMAIN from other failures: the error is its message.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemLookup;

impl Lookup for SystemLookup {
    fn lookup<'a>(&'a self, host: &'a str) -> BoxFuture<'a, LookupAnswer> {
        Box::pin(async move {
            match tokio::net::lookup_host((host, 0)).await {
                Ok(found) => {
                    let mut addrs: Vec<IpAddr> = Vec::new();
                    for addr in found {
                        if !addrs.contains(&addr.ip()) {
                            addrs.push(addr.ip());
                        }
                    }
                    // IPv4 first, then IPv6, each in answer order (the trait's contract).
                    addrs.sort_by_key(|ip| ip.is_ipv6());
                    let error = addrs.is_empty().then(|| "NODATA".to_string());
                    LookupAnswer { addrs, error }
                }
                Err(e) => {
                    // getaddrinfo's EAI_NONAME / EAI_NODATA say the name has no address;
                    // anything else (EAI_AGAIN, ...) is the resolver failing.
                    let text = e.to_string();
                    let error = if text.contains("Name or service not known") {
                        "NXDOMAIN".to_string()
                    } else if text.contains("No address associated with hostname") {
                        "NODATA".to_string()
                    } else {
                        format!("system resolver: {text}")
                    };
                    LookupAnswer {
                        addrs: Vec::new(),
                        error: Some(error),
                    }
                }
            }
        })
    }
}

/// Milliseconds, saturating.
fn ms(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// One lookup of a host, each address vetted: what both the policy fetch and the MX probe
/// do before they connect (to the vetted addresses only, so DNS rebinding can't slip in).
pub(crate) enum Looked {
    /// The lookup did not finish before the deadline.
    TimedOut,
    /// No address: `NXDOMAIN`, `NODATA` or the resolver's error.
    NoAddress(String),
    Found(Found),
}

pub(crate) struct Found {
    /// Every distinct address, in answer order.
    pub found: Vec<IpAddr>,
    /// The same, as evidence; refused ones carry why they were not contacted.
    pub addresses: Vec<Address>,
    /// Indexes (into `found` and `addresses`) of the addresses that may be contacted.
    pub vetted: Vec<usize>,
    /// Why each refused address was refused.
    pub rejections: Vec<AddressRejection>,
}

pub(crate) async fn lookup_and_vet(
    host: &str,
    lookup: &dyn Lookup,
    allow_loopback: bool,
    deadline: tokio::time::Instant,
) -> Looked {
    let Ok(answer) = tokio::time::timeout_at(deadline, lookup.lookup(host)).await else {
        return Looked::TimedOut;
    };
    let mut found: Vec<IpAddr> = Vec::new();
    for ip in answer.addrs {
        if !found.contains(&ip) {
            found.push(ip);
        }
    }
    if found.is_empty() {
        return Looked::NoAddress(answer.error.unwrap_or_else(|| "NODATA".to_string()));
    }
    let mut addresses = Vec::with_capacity(found.len());
    let mut vetted = Vec::new();
    let mut rejections = Vec::new();
    for &ip in &found {
        let error = match vet_address(ip, allow_loopback) {
            Ok(()) => {
                vetted.push(addresses.len());
                None
            }
            Err(rejection) => {
                let why = format!("not contacted: {rejection}");
                rejections.push(rejection);
                Some(why)
            }
        };
        addresses.push(Address {
            address: ip.to_string(),
            family: family(ip),
            error,
        });
    }
    Looked::Found(Found {
        found,
        addresses,
        vetted,
        rejections,
    })
}

fn family(ip: IpAddr) -> Family {
    match ip {
        IpAddr::V4(_) => Family::V4,
        IpAddr::V6(_) => Family::V6,
    }
}

fn failure(kind: ErrorKind, message: String, tls_alert: Option<String>) -> FetchError {
    FetchError {
        kind,
        message,
        tls_alert,
    }
}

/// How far one connection attempt got.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
enum Stage {
    #[default]
    Started,
    Connected,
    Secured,
    Answered,
}

/// What one connection attempt (one address) recorded.
#[derive(Debug, Default)]
struct Attempt {
    stage: Stage,
    connect_ms: Option<u64>,
    tls_ms: Option<u64>,
    first_byte_ms: Option<u64>,
    tls_version: Option<String>,
    http: Option<Http>,
    content_length: Option<u64>,
    body: Vec<u8>,
    body_truncated: bool,
    body_complete: bool,
    failure: Option<FetchError>,
}

/// Fetch the policy of `domain` and record what happened. `Err` only when nothing was
/// fetched because the request is not allowed (see [`FetchRefused`]); every failure of
/// the fetch itself (DNS, TCP, TLS, HTTP, time) is a fact in the evidence.
pub async fn fetch_policy(
    domain: &str,
    lookup: &dyn Lookup,
    settings: &FetchSettings,
) -> Result<FetchEvidence, FetchRefused> {
    let ascii = validate_domain(domain).map_err(FetchRefused::Domain)?;
    let roots = Arc::new(tls::root_store(&settings.extra_roots_pem).map_err(FetchRefused::Settings)?);
    let host = format!("mta-sts.{ascii}");
    let authority = match settings.https_port {
        443 => host.clone(),
        port => format!("{host}:{port}"),
    };
    let mut e = FetchEvidence::new(domain.trim());
    e.url = Some(format!("https://{authority}{POLICY_PATH}"));
    e.fetched_at = SystemTime::now().duration_since(UNIX_EPOCH).ok().map(|d| d.as_secs());
    let started = Instant::now();
    let deadline = tokio::time::Instant::from_std(started + settings.total_timeout);
    let mut timings = Timings::default();
    let limit = settings.total_timeout;
    let timed_out = |what: &str| {
        failure(
            ErrorKind::Timeout,
            format!("{what} did not finish within the {} s limit", limit.as_secs_f64()),
            None,
        )
    };

    let Found {
        found,
        mut addresses,
        vetted,
        rejections,
    } = match lookup_and_vet(&host, lookup, settings.allow_loopback, deadline).await {
        Looked::TimedOut => {
            e.error = Some(timed_out(&format!("the address lookup of {host}")));
            timings.total = Some(ms(started.elapsed()));
            e.timings_ms = Some(timings);
            return Ok(e);
        }
        Looked::NoAddress(why) => {
            timings.dns = Some(ms(started.elapsed()));
            e.error = Some(failure(ErrorKind::Dns, format!("{host} has no address: {why}"), None));
            e.dns = Some(Dns {
                addresses: Vec::new(),
                host_error: Some(why),
            });
            timings.total = Some(ms(started.elapsed()));
            e.timings_ms = Some(timings);
            return Ok(e);
        }
        Looked::Found(found) => found,
    };
    timings.dns = Some(ms(started.elapsed()));
    if vetted.is_empty() {
        return Err(FetchRefused::Address { host, rejections });
    }

    let mut chosen: Option<(Attempt, tls::Verdict)> = None;
    for index in vetted {
        let ip = found[index];
        let (config, verdict_slot) = tls::client_config(roots.clone()).map_err(FetchRefused::Settings)?;
        let mut attempt = Attempt::default();
        let run = attempt_one(ip, &host, &authority, settings, config, started, &mut attempt);
        if tokio::time::timeout_at(deadline, run).await.is_err() {
            let what = match attempt.stage {
                Stage::Started => format!("connecting to {ip}"),
                Stage::Connected => format!("the TLS handshake with {ip}"),
                Stage::Secured => format!("waiting for the response from {ip}"),
                Stage::Answered => format!("reading the body from {ip}"),
            };
            attempt.failure = Some(timed_out(&what));
        }
        if let Some(f) = &attempt.failure {
            addresses[index].error = Some(f.message.clone());
        }
        let verdict = verdict_slot.lock().map(|v| v.clone()).unwrap_or_default();
        let answered = attempt.http.is_some();
        let better = chosen.as_ref().is_none_or(|(best, _)| attempt.stage > best.stage);
        if better {
            chosen = Some((attempt, verdict));
        }
        if answered || Instant::now() >= started + settings.total_timeout {
            break;
        }
    }

    e.dns = Some(Dns {
        addresses,
        host_error: None,
    });
    if let Some((attempt, verdict)) = chosen {
        timings.connect = attempt.connect_ms;
        timings.tls = attempt.tls_ms;
        timings.first_byte = attempt.first_byte_ms;
        e.tls_version = attempt.tls_version;
        e.certificate = tls::certificate(&verdict);
        if attempt.http.is_some() && (attempt.body_complete || attempt.body_truncated) {
            e.set_body(&attempt.body);
            e.body_truncated = attempt.body_truncated;
            e.body_size = attempt
                .content_length
                .or((!attempt.body_truncated).then_some(attempt.body.len() as u64));
        } else {
            e.body_size = attempt.content_length;
        }
        e.http = attempt.http;
        e.error = attempt.failure;
    }
    timings.total = Some(ms(started.elapsed()));
    e.timings_ms = Some(timings);
    Ok(e)
}

/// Aborts the spawned HTTP connection task when the attempt ends, however it ends.
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Connect to `ip` itself, shake hands as `host`, GET the policy path, read the body up
/// to the cap. Records into `a` as it goes, so a caller's time limit keeps what was
/// learned.
async fn attempt_one(
    ip: IpAddr,
    host: &str,
    authority: &str,
    settings: &FetchSettings,
    config: rustls::ClientConfig,
    started: Instant,
    a: &mut Attempt,
) {
    let addr = SocketAddr::new(ip, settings.https_port);
    let tcp = match tokio::time::timeout(settings.connect_timeout, TcpStream::connect(addr)).await {
        Err(_) => {
            a.failure = Some(failure(
                ErrorKind::Timeout,
                format!(
                    "connecting to {addr} did not finish within {} s",
                    settings.connect_timeout.as_secs_f64()
                ),
                None,
            ));
            return;
        }
        Ok(Err(err)) => {
            a.failure = Some(failure(
                ErrorKind::Connect,
                format!("connecting to {addr}: {err}"),
                None,
            ));
            return;
        }
        Ok(Ok(tcp)) => tcp,
    };
    a.stage = Stage::Connected;
    a.connect_ms = Some(ms(started.elapsed()));
    // Small request, one round trip: do not wait for Nagle.
    let _ = tcp.set_nodelay(true);

    let server_name = match ServerName::try_from(host.to_string()) {
        Ok(name) => name,
        Err(err) => {
            a.failure = Some(failure(
                ErrorKind::Other,
                format!("`{host}` as a TLS server name: {err}"),
                None,
            ));
            return;
        }
    };
    let stream = match TlsConnector::from(Arc::new(config)).connect(server_name, tcp).await {
        Ok(stream) => stream,
        Err(err) => {
            let (kind, message, alert) = classify(&err, &format!("the TLS handshake with {addr}"), ErrorKind::Tls);
            a.failure = Some(failure(kind, message, alert));
            return;
        }
    };
    a.stage = Stage::Secured;
    a.tls_ms = Some(ms(started.elapsed()));
    a.tls_version = stream.get_ref().1.protocol_version().map(tls::version_name);

    let (mut sender, connection) = match hyper::client::conn::http1::handshake(TokioIo::new(stream)).await {
        Ok(pair) => pair,
        Err(err) => {
            let (kind, message, alert) = classify(&err, &format!("HTTP with {addr}"), ErrorKind::Other);
            a.failure = Some(failure(kind, message, alert));
            return;
        }
    };
    let _connection = AbortOnDrop(tokio::spawn(async move {
        // Its errors surface through `send_request` and the body.
        let _ = connection.await;
    }));
    let request = hyper::Request::get(POLICY_PATH)
        .header(header::HOST, authority)
        .header(header::USER_AGENT, concat!("mtasts-check/", env!("CARGO_PKG_VERSION")))
        .header(header::ACCEPT_ENCODING, "identity")
        .header(header::CONNECTION, "close")
        .body(Empty::<Bytes>::new());
    let request = match request {
        Ok(r) => r,
        Err(err) => {
            a.failure = Some(failure(ErrorKind::Other, format!("building the request: {err}"), None));
            return;
        }
    };
    let response = match sender.send_request(request).await {
        Ok(r) => r,
        Err(err) => {
            let (kind, message, alert) = classify(&err, &format!("the request to {addr}"), ErrorKind::Other);
            a.failure = Some(failure(kind, message, alert));
            return;
        }
    };
    a.stage = Stage::Answered;
    a.first_byte_ms = Some(ms(started.elapsed()));
    let headers = response.headers();
    a.content_length = header_text(headers, &header::CONTENT_LENGTH).and_then(|v| v.trim().parse().ok());
    a.http = Some(Http {
        status: response.status().as_u16(),
        headers: Headers {
            content_type: header_text(headers, &header::CONTENT_TYPE),
            location: header_text(headers, &header::LOCATION),
            cache_control: header_text(headers, &header::CACHE_CONTROL),
        },
    });

    // One byte past the limit shows that the body is over it.
    let cap = usize::try_from(BODY_LIMIT + 1).unwrap_or(usize::MAX);
    let mut body = response.into_body();
    loop {
        match body.frame().await {
            None => {
                a.body_complete = true;
                break;
            }
            Some(Err(err)) => {
                let (kind, message, alert) = classify(&err, &format!("reading the body from {addr}"), ErrorKind::Other);
                a.failure = Some(failure(kind, message, alert));
                break;
            }
            Some(Ok(frame)) => {
                let Ok(data) = frame.into_data() else { continue };
                let room = cap - a.body.len();
                if data.len() > room {
                    a.body.extend_from_slice(&data[..room]);
                    a.body_truncated = true;
                    break;
                }
                a.body.extend_from_slice(&data);
            }
        }
    }
}

/// A header's values, joined with `, ` when repeated; `None` when absent.
fn header_text(headers: &HeaderMap, name: &HeaderName) -> Option<String> {
    let values: Vec<String> = headers
        .get_all(name)
        .iter()
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        .collect();
    (!values.is_empty()).then(|| values.join(", "))
}

/// The kind, message and TLS alert of an error from TLS or HTTP: a rustls error anywhere
/// in the chain makes it `tls`, a timed-out socket `timeout`, anything else `default`.
fn classify(
    err: &(dyn std::error::Error + 'static),
    doing: &str,
    default: ErrorKind,
) -> (ErrorKind, String, Option<String>) {
    let mut message = format!("{doing}: {err}");
    let mut kind = default;
    let mut alert = None;
    let mut next: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(current) = next {
        let rustls_error = current.downcast_ref::<rustls::Error>().or_else(|| {
            current
                .downcast_ref::<std::io::Error>()
                .and_then(|io| io.get_ref())
                .and_then(|inner| inner.downcast_ref::<rustls::Error>())
        });
        if let Some(tls_error) = rustls_error {
            kind = ErrorKind::Tls;
            alert = tls::alert_of(tls_error);
            if !message.contains(&tls_error.to_string()) {
                message = format!("{message}: {tls_error}");
            }
            break;
        }
        if let Some(io) = current.downcast_ref::<std::io::Error>() {
            if io.kind() == std::io::ErrorKind::TimedOut {
                kind = ErrorKind::Timeout;
            }
            if !message.contains(&io.to_string()) {
                message = format!("{message}: {io}");
            }
        }
        next = current.source();
    }
    (kind, message, alert)
}
