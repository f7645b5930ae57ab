//! Rules over a recorded fetch of the policy (RFC 8461 §3.2, §3.3, §7) and over what
//! senders cache (§3.1, §3.3, §5.1, §8). The facts come from a [`FetchEvidence`]; no rule
//! fires on a fact that is unknown (`null`).

use crate::Report;
use crate::diagnostic::{Severity, Sink, Span};
use crate::fetch::media_type::MediaType;
use crate::fetch::{ErrorKind, FetchEvidence};
use crate::mta_sts::Policy;
use crate::rule::Rule;

crate::rules::rule_group!(RULES, check_all, FetchCx<'_>;
    url, host_missing, not_https, tls_version, sni, cert_untrusted, cert_expired,
    cert_name_mismatch, cert_revoked, status, not_found, redirect, content_type_missing,
    content_type, charset, timeout, size, cache_headers, cache_id_not_changed,
    cache_update_order, cache_removal_without_none, cache_semantics,
);

/// The evidence and what the engine derived from it.
pub struct FetchCx<'a> {
    pub e: &'a FetchEvidence,
    /// The Policy Domain, normalized to A-labels; `None` when not a usable name.
    pub domain: Option<&'a str>,
    /// `mta-sts.<domain>`.
    pub host: &'a str,
    /// The URL senders fetch.
    pub url: &'a str,
    /// The parsed `Content-Type`, when the header was sent.
    pub media: Option<&'a MediaType>,
    /// The body of a 200 response.
    pub body: Option<&'a [u8]>,
    /// SHA-256 (hex) of `body`.
    pub body_sha256: Option<String>,
    /// The body linted as a policy file.
    pub policy: Option<&'a Report>,
    /// The policy a sender would use, when the body is valid.
    pub parsed: Option<&'a Policy>,
}

/// A rule's verdict: severity (usually the rule's own) and message.
pub(crate) type Finding = Option<(Severity, String)>;

impl FetchCx<'_> {
    pub fn status(&self) -> Option<u16> {
        self.e.http.as_ref().map(|h| h.status)
    }

    /// The server answered 200.
    pub fn ok(&self) -> bool {
        self.status() == Some(200)
    }

    /// A valid `_mta-sts` record is known not to exist.
    pub fn txt_absent(&self) -> bool {
        self.e.txt_present() == Some(false)
    }

    /// The error of a failed TLS handshake or certificate check, lower case: the fetch
    /// error (kind `tls`), its alert and the certificate's verifier error.
    pub fn tls_error_text(&self) -> String {
        let mut text = String::new();
        if let Some(err) = self.e.error.as_ref().filter(|e| e.kind == ErrorKind::Tls) {
            text.push_str(&err.message);
            text.push(' ');
            text.push_str(err.tls_alert.as_deref().unwrap_or_default());
        }
        if let Some(cert_err) = self.e.certificate.as_ref().and_then(|c| c.error.as_deref()) {
            text.push(' ');
            text.push_str(cert_err);
        }
        text.to_lowercase()
    }

    /// Whether the TLS error text contains any of `needles` (lower case).
    pub fn tls_error_mentions(&self, needles: &[&str]) -> bool {
        let text = self.tls_error_text();
        needles.iter().any(|n| text.contains(n))
    }

    /// The TLS alert, lower case with `_` for spaces (`unrecognized_name`).
    pub fn tls_alert(&self) -> Option<String> {
        let alert = self.e.error.as_ref()?.tls_alert.as_deref()?;
        Some(alert.trim().to_lowercase().replace([' ', '-'], "_"))
    }

    /// The error message of a failed fetch, for messages: `` (`...`)`` or nothing.
    pub fn error_note(&self) -> String {
        match self.e.error.as_ref().map(|e| e.message.trim()) {
            Some(m) if !m.is_empty() => format!(" (`{}`)", crate::text::show(m.as_bytes())),
            _ => String::new(),
        }
    }

    /// Whether the fetch failed before any HTTP response.
    pub fn no_response(&self) -> bool {
        self.e.http.is_none() && self.e.error.is_some()
    }
}

/// Report a finding of `rule`, if any, with no place in a text.
/// What the cache rules compare: the previous snapshot, its `_mta-sts` id, the current
/// id, and whether the body is the same as then. `None` when a fact is unknown.
pub(crate) fn ids_and_body_unchanged<'a>(
    cx: &'a FetchCx,
) -> Option<(&'a crate::fetch::Snapshot, &'a str, &'a str, bool)> {
    let prev = cx.e.previous.as_ref()?;
    let prev_id = prev.id.as_deref()?;
    let prev_hash = prev.body_sha256.as_deref()?;
    let id = cx.e.txt_id.as_deref()?;
    let hash = cx.body_sha256.as_deref()?;
    Some((prev, prev_id, id, hash.eq_ignore_ascii_case(prev_hash.trim())))
}

pub(crate) fn emit(out: &mut Sink, rule: &'static Rule, finding: Finding) {
    if let Some((severity, message)) = finding {
        out.report_as(rule, severity, Span::at(0), message);
    }
}

/// `text` quoted for a message: escaped and cut when long.
pub(crate) fn show(text: &str) -> String {
    crate::text::show(text.as_bytes())
}

/// The registrable part of a host name: the labels up to and including the first one
/// below a public suffix (`mta-sts.example.co.uk` → `example.co.uk`).
pub(crate) fn registrable(host: &str) -> String {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    let labels: Vec<&str> = host.split('.').collect();
    for n in 1..=labels.len() {
        let candidate = labels[labels.len() - n..].join(".");
        if !crate::mx::public_suffix::is_public_suffix(&candidate) {
            return candidate;
        }
    }
    host
}
