//! Probing an MX host, judged from recorded facts.
//!
//! A caller connects to an MX host on port 25 the way a sending MTA would (banner, `EHLO`,
//! `STARTTLS`, a TLS handshake with SNI = the MX name, `QUIT`; never `MAIL FROM`) and
//! records what happened as an [`MxProbeEvidence`]. The engine does no I/O:
//! [`judge_mx_probe`] holds the evidence against RFC 8461 §4.2 and §5 (the `MXC-STARTTLS`
//! and `MXC-CERT` rules), so page, proxy and CLI reach the same verdict.
//!
//! # The evidence JSON
//!
//! [`MxProbeEvidence`] is an interface between crates and its field names are stable.
//! Every field may be left out (it then takes its default: `null`, `false` or `[]`); a
//! fact that is `null` is *unknown* and no rule fires on it. Unknown fields are ignored.
//! A complete example:
//!
//! ```json
//! {
//!   "mx_host": "mx1.example.com",
//!   "port": 25,
//!   "dns": {
//!     "addresses": [
//!       { "address": "192.0.2.25", "family": "v4", "error": null },
//!       { "address": "2001:db8::25", "family": "v6", "error": "connection refused" }
//!     ],
//!     "host_error": null
//!   },
//!   "address": "192.0.2.25",
//!   "greeted": true,
//!   "banner": "220 mx1.example.com ESMTP Postfix",
//!   "ehlo": ["mx1.example.com", "PIPELINING", "SIZE 10240000", "STARTTLS", "8BITMIME"],
//!   "starttls_offered": true,
//!   "starttls_reply": "220 2.0.0 Ready to start TLS",
//!   "tls_version": "TLSv1.3",
//!   "certificate": {
//!     "subject": "CN=mx1.example.com",
//!     "sans": ["mx1.example.com"],
//!     "issuer": "C=US, O=Let's Encrypt, CN=R11",
//!     "not_before": "2024-04-01T00:00:00Z",
//!     "not_after": "2024-06-30T00:00:00Z",
//!     "valid_for_host": true,
//!     "chains_to_trusted_root": true,
//!     "revoked": null,
//!     "error": null
//!   },
//!   "error": null,
//!   "timings_ms": { "dns": 10, "connect": 25, "banner": 60, "ehlo": 70, "starttls": 80, "tls": 120, "total": 130 },
//!   "probed_at": 1714557600
//! }
//! ```
//!
//! `ehlo` holds the EHLO reply's lines without the `250-` / `250 ` prefix (the first is
//! the server's name). `starttls_offered` is the caller's reading of them; when it is
//! `null` and `ehlo` is known, the engine reads `ehlo` itself. `certificate` reuses the
//! policy fetch's [`Certificate`]: `valid_for_host` is the verifier's verdict for the MX
//! name, `chains_to_trusted_root` is judged apart from the dates.

use crate::diagnostic::{Diagnostic, Severity, Sink};
use crate::fetch::{Certificate, Dns};
use crate::mta_sts::Mode;
use serde::{Deserialize, Serialize};

/// The SMTP port senders connect to.
pub const SMTP_PORT: u16 = 25;

/// What a caller saw when probing one MX host. See the module docs for the JSON.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct MxProbeEvidence {
    /// The MX host name as in the MX record (a trailing dot allowed), e.g.
    /// `mx1.example.com`. This, not a CNAME target, is the name the certificate must
    /// cover (RFC 8461 §4.1, §4.2).
    pub mx_host: String,
    /// The TCP port probed (25 for senders; a test bed may use another).
    pub port: Option<u16>,
    /// Address lookup of the MX host, with why each address tried failed.
    pub dns: Option<Dns>,
    /// The address whose conversation is recorded below.
    pub address: Option<String>,
    /// A `220` greeting arrived.
    pub greeted: Option<bool>,
    /// The greeting as received (all lines of a multi-line reply, joined by `\n`).
    pub banner: Option<String>,
    /// The EHLO reply's lines, without the code and separator.
    pub ehlo: Option<Vec<String>>,
    /// Whether the EHLO reply advertised `STARTTLS`.
    pub starttls_offered: Option<bool>,
    /// The reply to `STARTTLS`, e.g. `220 2.0.0 Ready to start TLS`.
    pub starttls_reply: Option<String>,
    /// The negotiated protocol after STARTTLS: `TLSv1.3`, `TLSv1.2`, ...
    pub tls_version: Option<String>,
    /// The leaf certificate the MX presented (recorded, not trusted blindly: the verdicts
    /// are in it).
    pub certificate: Option<Certificate>,
    /// Why the probe ended early, if it did.
    pub error: Option<ProbeError>,
    pub timings_ms: Option<ProbeTimings>,
    /// When the probe happened, in Unix seconds, from the caller's clock. Needed for
    /// certificate expiry.
    pub probed_at: Option<u64>,
}

/// A probe that ended before a completed TLS handshake (or a failure after it).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProbeError {
    pub kind: ProbeErrorKind,
    /// The error as the client reported it.
    #[serde(default)]
    pub message: String,
    /// The TLS alert, if the handshake ended with one, by its RFC 8446 name.
    #[serde(default)]
    pub tls_alert: Option<String>,
}

/// Where a probe failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ProbeErrorKind {
    /// The MX host name did not resolve (or only to addresses that may not be contacted).
    Dns,
    /// No TCP connection (refused, unreachable, reset).
    Connect,
    /// The caller's time limit ran out.
    Timeout,
    /// The TLS handshake after STARTTLS failed.
    Tls,
    /// The SMTP conversation went wrong: no `220` greeting, EHLO refused, a reply
    /// that is not SMTP, or one over the size limit.
    Smtp,
    /// Anything else (also any kind this version does not know).
    #[serde(other)]
    Other,
}

/// Milliseconds from the start of the probe to the end of each phase.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ProbeTimings {
    pub dns: Option<u64>,
    pub connect: Option<u64>,
    pub banner: Option<u64>,
    pub ehlo: Option<u64>,
    pub starttls: Option<u64>,
    pub tls: Option<u64>,
    pub total: Option<u64>,
}

impl MxProbeEvidence {
    /// Evidence for `mx_host` with nothing else known.
    pub fn new(mx_host: impl Into<String>) -> MxProbeEvidence {
        MxProbeEvidence {
            mx_host: mx_host.into(),
            ..MxProbeEvidence::default()
        }
    }

    /// Whether STARTTLS was advertised: `starttls_offered`, else read from `ehlo`.
    pub fn offers_starttls(&self) -> Option<bool> {
        self.starttls_offered.or_else(|| {
            self.ehlo.as_ref().map(|lines| {
                lines
                    .iter()
                    .skip(1) // the first line is the server's name and greeting
                    .any(|l| {
                        l.split_whitespace()
                            .next()
                            .is_some_and(|k| k.eq_ignore_ascii_case("STARTTLS"))
                    })
            })
        })
    }
}

/// The verdict on one MX probe.
#[derive(Clone, Debug)]
pub struct ProbeReport {
    /// The MX host in A-label form, lower case (as given when it is not a usable name).
    pub mx_host: String,
    /// The policy mode the findings were worded for, if known.
    pub mode: Option<Mode>,
    /// True when no finding has severity error: an enforcing sender would deliver here
    /// (as far as the recorded facts go).
    pub valid: bool,
    /// Findings of the probe rules, in registry order; span 0..0, line 1, column 1.
    pub diagnostics: Vec<Diagnostic>,
    /// Findings left out by the per-rule cap.
    pub suppressed: usize,
}

impl ProbeReport {
    /// Whether `code` fired.
    pub fn has(&self, code: &str) -> bool {
        self.diagnostics.iter().any(|d| d.rule.code == code)
    }

    /// Findings of `severity`.
    pub fn count(&self, severity: Severity) -> usize {
        self.diagnostics.iter().filter(|d| d.severity == severity).count()
    }

    /// What a sending server would conclude, in one sentence.
    pub fn summary(&self) -> String {
        match self.diagnostics.iter().find(|d| d.severity == Severity::Error) {
            Some(d) => format!("`{}`: {}", self.mx_host, d.message),
            None => match self.diagnostics.first() {
                Some(d) => format!("`{}`: {}", self.mx_host, d.message),
                None => format!("`{}` offers STARTTLS with a certificate senders accept", self.mx_host),
            },
        }
    }
}

/// Judge recorded probe facts: the `MXC-STARTTLS` and `MXC-CERT` rules (and
/// `MXC-PROBE-FAILED`). `mode` is the domain's policy mode, when known: the findings say
/// what senders do under it (the severity stays the rule's).
pub fn judge_mx_probe(e: &MxProbeEvidence, mode: Option<Mode>) -> ProbeReport {
    let host = crate::mx::normalize_host(&e.mx_host).unwrap_or_else(|| {
        let h = e.mx_host.trim();
        h.strip_suffix('.').unwrap_or(h).to_ascii_lowercase()
    });
    let cx = crate::rules::probe::ProbeCx { e, host: &host, mode };
    let mut sink = Sink::new();
    crate::rules::probe::check_all(&cx, &mut sink);
    let suppressed = sink.suppressed;
    let mut diagnostics = sink.into_vec();
    for d in &mut diagnostics {
        (d.line, d.column, d.end_line, d.end_column) = (1, 1, 1, 1);
    }
    let valid = !diagnostics.iter().any(|d| d.severity == Severity::Error);
    ProbeReport {
        mx_host: host,
        mode,
        valid,
        diagnostics,
        suppressed,
    }
}

#[cfg(test)]
mod tests;
