//! Fetching the policy, judged from recorded facts.
//!
//! A caller (the CORS proxy for the page, the CLI natively) fetches
//! `https://mta-sts.<domain>/.well-known/mta-sts.txt` and records what happened as a
//! [`FetchEvidence`]. The engine never does I/O: [`judge_fetch`] holds the evidence
//! against RFC 8461 §3.2, §3.3, §7 and §8 (the `FETCH-*` and `CACHE-*` rules) and lints the
//! body it received with [`crate::lint_policy`], so page and CLI reach the same verdict.
//!
//! # The evidence JSON
//!
//! [`FetchEvidence`] is an interface between crates and its field names are stable. Every
//! field may be left out (it then takes its default: `null`, `false` or `[]`), and a fact
//! that is `null` is *unknown*: no rule fires on an unknown fact. Unknown fields are
//! ignored. A complete example:
//!
//! ```json
//! {
//!   "domain": "example.com",
//!   "url": "https://mta-sts.example.com/.well-known/mta-sts.txt",
//!   "dns": {
//!     "addresses": [
//!       { "address": "192.0.2.10", "family": "v4", "error": null },
//!       { "address": "2001:db8::10", "family": "v6", "error": "connection refused" }
//!     ],
//!     "host_error": null
//!   },
//!   "error": null,
//!   "tls_version": "TLSv1.3",
//!   "certificate": {
//!     "subject": "CN=mta-sts.example.com",
//!     "sans": ["mta-sts.example.com"],
//!     "issuer": "C=US, O=Let's Encrypt, CN=R11",
//!     "not_before": "2024-04-01T00:00:00Z",
//!     "not_after": "2024-06-30T00:00:00Z",
//!     "valid_for_host": true,
//!     "chains_to_trusted_root": true,
//!     "revoked": null,
//!     "error": null
//!   },
//!   "http": {
//!     "status": 200,
//!     "headers": {
//!       "content_type": "text/plain; charset=utf-8",
//!       "location": null,
//!       "cache_control": "max-age=60"
//!     }
//!   },
//!   "body": "version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmax_age: 604800\r\n",
//!   "body_base64": null,
//!   "body_truncated": false,
//!   "body_size": 70,
//!   "timings_ms": { "dns": 12, "connect": 30, "tls": 45, "first_byte": 80, "total": 81 },
//!   "fetched_at": 1714557600,
//!   "txt_found": true,
//!   "txt_id": "20240501T120000",
//!   "previous": {
//!     "id": "20240401T120000",
//!     "body_sha256": "…64 hex digits…",
//!     "fetched_at": 1711972800,
//!     "mode": "testing",
//!     "max_age": 86400,
//!     "mx": ["mail.example.com"]
//!   }
//! }
//! ```
//!
//! The body: `body` holds the bytes as received when they are valid UTF-8 (a JSON string
//! carries them exactly, a byte order mark and CRs included); otherwise `body` is `null`
//! and `body_base64` holds them in standard padded base64. If both are set,
//! `body_base64` wins. [`FetchEvidence::set_body`] picks the right one and
//! [`FetchEvidence::body_bytes`] reads it back. Record at most the first 64 KiB (plus one
//! byte, so that an oversized body is visible) and set `body_truncated` when more came.

pub mod media_type;
pub mod sha256;
pub mod time;

use crate::diagnostic::{Diagnostic, Severity, Sink};
use crate::generate::POLICY_PATH;
use crate::mta_sts::Policy;
use crate::{Parsed, Report};
use media_type::MediaType;
use serde::{Deserialize, Serialize};

/// The largest body a sender is expected to read (RFC 8461 §3.3 suggests 64 KiB).
pub const BODY_LIMIT: u64 = 65_536;
/// The fetch timeout RFC 8461 §3.3 suggests, in milliseconds.
pub const TIMEOUT_MS: u64 = 60_000;

/// What a caller saw when fetching the policy. See the module docs for the JSON.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct FetchEvidence {
    /// The Policy Domain as given (U-labels and a trailing dot allowed), e.g.
    /// `example.com`. The policy host is `mta-sts.` + its A-label form.
    pub domain: String,
    /// The URL actually requested; `null` means the standard
    /// `https://mta-sts.<domain>/.well-known/mta-sts.txt`.
    pub url: Option<String>,
    /// Address lookup of the policy host.
    pub dns: Option<Dns>,
    /// Why the fetch produced no HTTP response, if it did not.
    pub error: Option<FetchError>,
    /// The negotiated protocol: `TLSv1.3`, `TLSv1.2`, `TLSv1.1`, `TLSv1` / `TLSv1.0`,
    /// `SSLv3` (also accepted: `TLS 1.3`, `1.3`).
    pub tls_version: Option<String>,
    /// The leaf certificate the server presented (fetch without verifying it and record
    /// the verdicts here, so that one fetch yields every fact).
    pub certificate: Option<Certificate>,
    /// The HTTP response, if one arrived. Redirects must not be followed: this is the
    /// first response.
    pub http: Option<Http>,
    /// The body as UTF-8 text, when it is valid UTF-8; see the module docs.
    pub body: Option<String>,
    /// The body as standard base64, when it is not valid UTF-8. Wins over `body`.
    pub body_base64: Option<String>,
    /// More bytes arrived than were recorded.
    pub body_truncated: bool,
    /// The full body length in bytes, when known (counted, or `Content-Length`).
    pub body_size: Option<u64>,
    pub timings_ms: Option<Timings>,
    /// When the fetch happened, in Unix seconds, from the caller's clock (the engine has
    /// none). Needed for certificate expiry and cache dates.
    pub fetched_at: Option<u64>,
    /// Whether exactly one valid `_mta-sts` record was found at fetch time (`null`: not
    /// looked up; implied `true` when `txt_id` is set).
    pub txt_found: Option<bool>,
    /// The `id` of the current `_mta-sts` record.
    pub txt_id: Option<String>,
    /// What an earlier fetch saw, for the `CACHE-*` rules; see
    /// [`FetchEvidence::snapshot`].
    pub previous: Option<Snapshot>,
}

/// Address lookup (A and AAAA) of `mta-sts.<domain>`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Dns {
    /// Every address found, in the order tried.
    pub addresses: Vec<Address>,
    /// Why no address was found: `NXDOMAIN`, `NODATA` (no A or AAAA), `SERVFAIL`, ...
    pub host_error: Option<String>,
}

/// One address of the policy host.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Address {
    /// The IP address in text form.
    pub address: String,
    pub family: Family,
    /// Why connecting to this address failed, if it was tried and failed.
    #[serde(default)]
    pub error: Option<String>,
}

/// IP version of an address.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Family {
    V4,
    V6,
}

/// A fetch that ended without an HTTP response.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FetchError {
    pub kind: ErrorKind,
    /// The error as the client library reported it.
    #[serde(default)]
    pub message: String,
    /// The TLS alert, if the handshake ended with one, by its RFC 8446 name:
    /// `unrecognized_name`, `protocol_version`, `handshake_failure`, `bad_certificate`,
    /// `certificate_expired`, `unknown_ca`, ...
    #[serde(default)]
    pub tls_alert: Option<String>,
}

/// Where a fetch failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ErrorKind {
    /// The policy host name did not resolve.
    Dns,
    /// No TCP connection (refused, unreachable, reset).
    Connect,
    /// The TLS handshake or certificate verification failed.
    Tls,
    /// The caller's time limit ran out.
    Timeout,
    /// Anything else (also any kind this version does not know).
    #[serde(other)]
    Other,
}

/// The policy host's leaf certificate.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Certificate {
    /// The subject DN, e.g. `CN=mta-sts.example.com`.
    pub subject: Option<String>,
    /// The subjectAltName DNS names (an OpenSSL-style `DNS:` prefix is tolerated; other
    /// name types are ignored).
    pub sans: Vec<String>,
    pub issuer: Option<String>,
    /// Validity start and end, RFC 3339 (`2024-06-30T00:00:00Z`).
    pub not_before: Option<String>,
    pub not_after: Option<String>,
    /// The caller's verifier accepted the certificate for `mta-sts.<domain>`.
    pub valid_for_host: Option<bool>,
    /// The chain the server sent leads to a trusted root.
    pub chains_to_trusted_root: Option<bool>,
    /// Revocation status, when the caller checked it (OCSP or CRL).
    pub revoked: Option<bool>,
    /// The verifier's error, if it rejected the certificate.
    pub error: Option<String>,
}

/// The first HTTP response.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Http {
    pub status: u16,
    pub headers: Headers,
}

/// The response headers the rules read; `null` means the header was absent.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Headers {
    pub content_type: Option<String>,
    pub location: Option<String>,
    pub cache_control: Option<String>,
}

/// Durations of the fetch phases, in milliseconds.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Timings {
    pub dns: Option<u64>,
    pub connect: Option<u64>,
    pub tls: Option<u64>,
    pub first_byte: Option<u64>,
    pub total: Option<u64>,
}

/// What an earlier fetch saw: enough to tell whether the policy changed without a new
/// id (and the reverse), and what senders may still have cached.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Snapshot {
    /// The `_mta-sts` id at the time.
    pub id: Option<String>,
    /// SHA-256 of the body bytes as recorded, 64 hex digits ([`sha256::sha256_hex`]).
    pub body_sha256: Option<String>,
    /// Unix seconds.
    pub fetched_at: Option<u64>,
    /// The policy's mode then: `enforce`, `testing` or `none`.
    pub mode: Option<String>,
    pub max_age: Option<u64>,
    pub mx: Option<Vec<String>>,
}

impl FetchEvidence {
    /// Evidence for `domain` with nothing else known.
    pub fn new(domain: impl Into<String>) -> FetchEvidence {
        FetchEvidence {
            domain: domain.into(),
            ..FetchEvidence::default()
        }
    }

    /// Record `bytes` as the body: as text when they are UTF-8, else as base64.
    pub fn set_body(&mut self, bytes: &[u8]) {
        match std::str::from_utf8(bytes) {
            Ok(text) => {
                self.body = Some(text.to_string());
                self.body_base64 = None;
            }
            Err(_) => {
                self.body = None;
                self.body_base64 = Some(crate::base64::encode(bytes));
            }
        }
    }

    /// The recorded body bytes (`body_base64` wins; `None` if it is not valid base64).
    pub fn body_bytes(&self) -> Option<Vec<u8>> {
        match (&self.body_base64, &self.body) {
            (Some(b64), _) => crate::base64::decode(b64),
            (None, Some(text)) => Some(text.as_bytes().to_vec()),
            (None, None) => None,
        }
    }

    /// Whether a valid `_mta-sts` record exists (`None`: unknown).
    pub fn txt_present(&self) -> Option<bool> {
        self.txt_found.or(self.txt_id.as_ref().map(|_| true))
    }

    /// The snapshot to keep for the next check: the current id, the body hash (when the
    /// server answered 200 with a body), the fetch time and the policy values (when
    /// the body is a valid policy).
    pub fn snapshot(&self) -> Snapshot {
        let ok = self.http.as_ref().is_some_and(|h| h.status == 200);
        let body = self.body_bytes().filter(|_| ok);
        let policy = body.as_deref().and_then(|b| match crate::lint_policy(b, None).parsed {
            Some(Parsed::Policy(p)) => Some(p),
            _ => None,
        });
        Snapshot {
            id: self.txt_id.clone(),
            body_sha256: body.as_deref().map(sha256::sha256_hex),
            fetched_at: self.fetched_at,
            mode: policy.as_ref().map(|p| p.mode.as_str().to_string()),
            max_age: policy.as_ref().map(|p| p.max_age),
            mx: policy.map(|p| p.mx.to_vec()),
        }
    }
}

/// The policy host of `domain`: `mta-sts.` + its A-label form, lower case, no trailing
/// dot. `None` when `domain` is not a usable domain name.
pub fn policy_host(domain: &str) -> Option<String> {
    crate::mx::normalize_host(domain).map(|d| format!("mta-sts.{d}"))
}

/// The one URL senders fetch for `domain` (RFC 8461 §3.2).
pub fn policy_url(domain: &str) -> Option<String> {
    policy_host(domain).map(|h| format!("https://{h}{POLICY_PATH}"))
}

/// The verdict on one fetch.
#[derive(Clone, Debug)]
pub struct FetchReport {
    /// `mta-sts.<domain>` in A-label form (the domain as given, lower-cased, when it is
    /// not a usable name).
    pub host: String,
    /// `https://<host>/.well-known/mta-sts.txt`.
    pub url: String,
    /// True when a sender would obtain a policy it accepts: no fetch finding has
    /// severity error, and the body was linted and is valid.
    pub valid: bool,
    /// Findings of the `FETCH-*` and `CACHE-*` rules, in registry order. They have no
    /// place in a text: span 0..0, line 1, column 1; the message names the fact.
    pub diagnostics: Vec<Diagnostic>,
    /// Findings left out by the per-rule cap.
    pub suppressed: usize,
    /// The body linted as a policy file: present when the server answered 200 with a
    /// body that is not an HTML page.
    pub policy: Option<Report>,
}

impl FetchReport {
    /// Whether `code` fired, among the fetch findings or the policy's.
    pub fn has(&self, code: &str) -> bool {
        self.diagnostics.iter().any(|d| d.rule.code == code) || self.policy.as_ref().is_some_and(|p| p.has(code))
    }

    /// Fetch findings of `severity` (the policy's are counted by its own report).
    pub fn count(&self, severity: Severity) -> usize {
        self.diagnostics.iter().filter(|d| d.severity == severity).count()
    }

    /// Every finding: the fetch's, then the policy's.
    pub fn all_diagnostics(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics
            .iter()
            .chain(self.policy.iter().flat_map(|p| p.diagnostics.iter()))
    }

    /// What a sending server would conclude, in one sentence.
    pub fn summary(&self) -> String {
        let first_error = |prefix: &str| {
            self.diagnostics
                .iter()
                .find(|d| d.severity == Severity::Error && d.rule.code.starts_with(prefix))
        };
        if let Some(d) = first_error("FETCH-") {
            return format!("Senders get no usable policy: {}", d.message);
        }
        let policy = match &self.policy {
            Some(p) if p.valid => format!("Senders can fetch the policy. {}", p.summary()),
            Some(p) => format!("Senders fetch the policy but reject it. {}", p.summary()),
            None => format!("No policy body was recorded for {}", self.url),
        };
        match first_error("CACHE-") {
            Some(d) => format!("{policy}. But {}", d.message),
            None => policy,
        }
    }
}

/// Judge recorded fetch facts: the `FETCH-*` and `CACHE-*` rules, and the policy lint of
/// a 200 body.
pub fn judge_fetch(e: &FetchEvidence) -> FetchReport {
    let domain = crate::mx::normalize_host(&e.domain);
    let host = format!(
        "mta-sts.{}",
        domain.clone().unwrap_or_else(|| {
            let d = e.domain.trim();
            d.strip_suffix('.').unwrap_or(d).to_lowercase()
        })
    );
    let url = format!("https://{host}{POLICY_PATH}");
    let http = e.http.as_ref();
    let media = http
        .and_then(|h| h.headers.content_type.as_deref())
        .map(MediaType::parse);
    let ok = http.is_some_and(|h| h.status == 200);
    let body = if ok { e.body_bytes() } else { None };
    let policy = body
        .as_deref()
        .filter(|_| !media.as_ref().is_some_and(MediaType::is_html))
        .map(|b| crate::lint_policy(b, None));
    let parsed = match policy.as_ref().and_then(|r| r.parsed.as_ref()) {
        Some(Parsed::Policy(p)) => Some(p),
        _ => None,
    };
    let cx = crate::rules::fetch::FetchCx {
        e,
        domain: domain.as_deref(),
        host: &host,
        url: &url,
        media: media.as_ref(),
        body: body.as_deref(),
        body_sha256: body.as_deref().map(sha256::sha256_hex),
        policy: policy.as_ref(),
        parsed,
    };
    let mut sink = Sink::new();
    crate::rules::fetch::check_all(&cx, &mut sink);
    let suppressed = sink.suppressed;
    let mut diagnostics = sink.into_vec();
    for d in &mut diagnostics {
        (d.line, d.column, d.end_line, d.end_column) = (1, 1, 1, 1);
    }
    let valid = !diagnostics.iter().any(|d| d.severity == Severity::Error) && policy.as_ref().is_some_and(|p| p.valid);
    FetchReport {
        host,
        url,
        valid,
        diagnostics,
        suppressed,
        policy,
    }
}

/// The policy values a snapshot recorded, if it recorded all of them.
pub(crate) fn snapshot_policy(s: &Snapshot) -> Option<(String, u64, Vec<String>)> {
    Some((s.mode.clone()?, s.max_age?, s.mx.clone()?))
}

/// Whether a parsed policy has the values a snapshot recorded.
pub(crate) fn same_policy(s: &Snapshot, p: &Policy) -> Option<bool> {
    let (mode, max_age, mx) = snapshot_policy(s)?;
    Some(mode == p.mode.as_str() && max_age == p.max_age && mx == p.mx)
}
