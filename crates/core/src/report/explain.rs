//! What a failure means and what to do about it.
//!
//! - [`explain`]: each result type to a meaning, a concrete fix and the related rule code;
//!   [`explain_reason`] narrows the rule code by the sender's `failure-reason-code`.
//! - [`suggest_mx_pattern`]: for an MX host the policy's `mx` patterns do not cover, the
//!   pattern to add.
//! - [`enforce_readiness`]: whether a policy in `testing` mode can move to `enforce`.

use super::ResultType;
use super::parse::day_string;
use crate::mx::{self, MxPattern};
use serde::Serialize;

/// How many consecutive clean days of sessions make `enforce` look safe.
pub const CLEAN_DAYS_FOR_ENFORCE: usize = 14;

/// What a result type means and how to fix it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Explanation {
    pub meaning: &'static str,
    pub fix: &'static str,
    /// The rule of this tool that checks for the cause, where there is one.
    pub rule: Option<&'static str>,
}

/// The meaning, fix and related rule code of a result type.
pub fn explain(result_type: &ResultType) -> Explanation {
    let (meaning, fix, rule) = match result_type {
        ResultType::StarttlsNotSupported => (
            "The receiving MX did not offer STARTTLS (or the TLS handshake could not start), so the \
             sender could not encrypt the connection.",
            "Enable STARTTLS on port 25 of every MX host and make sure nothing in front of it (a \
             firewall or load balancer inspecting SMTP) strips the STARTTLS capability.",
            Some("MXC-STARTTLS"),
        ),
        ResultType::CertificateHostMismatch => (
            "The MX served a certificate that does not name the MX host the sender connected to.",
            "Reissue the MX certificate with a subjectAltName for each MX host name exactly as the MX \
             records give it (the MX target, not the mail domain), or a wildcard for its parent.",
            Some("MXC-CERT"),
        ),
        ResultType::CertificateExpired => (
            "The MX served an expired certificate.",
            "Renew the MX certificate, automate renewal, and reload the mail server after each \
             renewal so it serves the new certificate.",
            Some("MXC-CERT"),
        ),
        ResultType::CertificateNotTrusted => (
            "The MX certificate does not chain to a root the sender trusts (self-signed, a private CA, \
             or a missing intermediate).",
            "Use a certificate from a public CA and serve the full chain (leaf and intermediates) on \
             every MX.",
            Some("MXC-CERT"),
        ),
        ResultType::ValidationFailure => (
            "A validation failure of another kind; the failure reason code says which (for MTA-STS \
             often an MX host that matches no `mx` pattern, or a certificate chain problem).",
            "Read the failure reason codes; check that every MX host matches an `mx` pattern of the \
             policy and that every MX serves a valid, trusted certificate for its name.",
            None,
        ),
        ResultType::TlsaInvalid => (
            "The MX's TLSA (DANE) records do not match the certificate it served, or are malformed.",
            "Publish TLSA records matching the served certificate (`3 1 1` on the public key survives \
             renewals that keep the key); publish a new key's TLSA record before rotating, and remove \
             stale ones.",
            None,
        ),
        ResultType::DnssecInvalid => (
            "DNSSEC validation of the MX or TLSA records failed (bogus or expired signatures, or a DS \
             at the parent that no longer matches).",
            "Fix the zone's DNSSEC: re-sign it, check RRSIG expiry, and make the parent's DS match the \
             current key-signing key.",
            None,
        ),
        ResultType::DaneRequired => (
            "The sender requires DANE for this destination but found no usable DNSSEC-signed TLSA \
             records.",
            "Publish DNSSEC-signed TLSA records for each MX host, or stop requiring DANE for the \
             destination.",
            None,
        ),
        ResultType::StsPolicyFetchError => (
            "The sender found the _mta-sts TXT record but could not fetch \
             https://mta-sts.<domain>/.well-known/mta-sts.txt (DNS, connection, HTTP status or \
             timeout).",
            "Make the policy URL answer 200 with Content-Type text/plain over HTTPS, without \
             redirects, on IPv4 and IPv6; check that mta-sts.<domain> resolves. If MTA-STS is no \
             longer wanted, follow RFC 8461 §8.3 instead of just removing the host.",
            None,
        ),
        ResultType::StsPolicyInvalid => (
            "The policy file was fetched but could not be parsed or is not a valid policy.",
            "Lint the policy file with this tool and fix every error: `version: STSv1`, `mode`, \
             `max_age` and at least one `mx` line, one `key: value` per line, no BOM, no blank lines.",
            None,
        ),
        ResultType::StsWebpkiInvalid => (
            "The certificate of the policy host mta-sts.<domain> failed validation, so the policy \
             could not be fetched securely.",
            "Serve a publicly trusted, unexpired certificate whose subjectAltName covers \
             mta-sts.<domain> (a wildcard for the domain also works), with the full chain.",
            Some("FETCH-CERT-UNTRUSTED"),
        ),
        ResultType::Other(_) => (
            "A result type RFC 8460 does not define: the sender's own name for a failure.",
            "Read the failure reason code and the sender's additional information, then check \
             STARTTLS, the certificate and the `mx` pattern coverage of the MX hosts named.",
            None,
        ),
    };
    // Only codes the registry has, so a page never links to a rule it cannot show.
    Explanation {
        meaning,
        fix,
        rule: rule.filter(|c| crate::rules::by_code(c).is_some()),
    }
}

/// The rule code a `failure-reason-code` points to, more precise than the result type's.
pub fn explain_reason(result_type: &ResultType, reason: &str) -> Option<&'static str> {
    reason_rule(result_type, reason).filter(|c| crate::rules::by_code(c).is_some())
}

fn reason_rule(result_type: &ResultType, reason: &str) -> Option<&'static str> {
    let r = reason.to_ascii_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| r.contains(w));
    let fetch = matches!(
        result_type,
        ResultType::StsPolicyFetchError | ResultType::StsPolicyInvalid | ResultType::StsWebpkiInvalid
    );
    if has(&[
        "mx-mismatch",
        "mx mismatch",
        "mx_mismatch",
        "mx-not-covered",
        "not in policy",
        "mx not",
    ]) {
        return Some("MXC-MX-NOT-COVERED");
    }
    if fetch {
        if has(&["expired"]) {
            return Some("FETCH-CERT-EXPIRED");
        }
        if has(&[
            "hostname",
            "host name",
            "name mismatch",
            "not valid for",
            "doesn't match",
            "does not match",
        ]) {
            return Some("FETCH-CERT-NAME-MISMATCH");
        }
        if has(&[
            "x509",
            "certificate",
            "unknown authority",
            "self-signed",
            "self signed",
            "untrusted",
        ]) {
            return Some("FETCH-CERT-UNTRUSTED");
        }
        if has(&["404", "not found"]) {
            return Some("FETCH-NOT-FOUND");
        }
        if has(&["redirect", " 301", " 302", " 307", " 308"]) {
            return Some("FETCH-REDIRECT");
        }
        if has(&["content-type", "content type", "media type"]) {
            return Some("FETCH-CONTENT-TYPE");
        }
        if has(&["timeout", "timed out", "deadline"]) {
            return Some("FETCH-TIMEOUT");
        }
        if has(&["no such host", "nxdomain", "resolve", "no address", "lookup"]) {
            return Some("FETCH-HOST-MISSING");
        }
        if has(&["response code", "status", "http"]) {
            return Some("FETCH-STATUS");
        }
        if has(&["mode"]) {
            return Some("POLICY-MODE-INVALID");
        }
        if has(&["max_age", "max-age"]) {
            return Some("POLICY-MAX-AGE-INVALID");
        }
        if has(&["version"]) {
            return Some("POLICY-VERSION-INVALID");
        }
        return None;
    }
    if has(&["starttls"]) {
        return Some("MXC-STARTTLS");
    }
    if has(&[
        "x509",
        "certificate",
        "cert",
        "expired",
        "self-signed",
        "self signed",
        "hostname",
        "chain",
    ]) {
        return Some("MXC-CERT");
    }
    None
}

/// The `mx` pattern to add so an MX host is covered.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MxSuggestion {
    /// The MX host, normalized.
    pub host: String,
    /// The pattern to add, as `mx: <pattern>`.
    pub pattern: String,
    pub rule: &'static str,
    /// Why the current patterns miss the host.
    pub why: String,
}

/// When `host` matches none of `patterns`, the pattern to add (`None` when covered, or
/// when `host` is not a host name a pattern could match).
pub fn suggest_mx_pattern(patterns: &[MxPattern], host: &str) -> Option<MxSuggestion> {
    let raw = host.trim();
    let raw = raw
        .strip_prefix("mx:")
        .or_else(|| raw.strip_prefix("MX:"))
        .unwrap_or(raw)
        .trim();
    if raw.starts_with("*.") {
        return None;
    }
    let host = mx::normalize_host(raw)?;
    if patterns.iter().any(|p| mx::matches(p, &host)) {
        return None;
    }
    let suggest = |pattern: String, rule: &'static str, why: String| {
        mx::pattern::parse(pattern.as_bytes()).ok()?;
        Some(MxSuggestion {
            host: host.clone(),
            pattern,
            rule,
            why,
        })
    };
    for p in patterns.iter().filter(|p| p.wildcard) {
        let suffix = p.domain.to_ascii_lowercase();
        if host == suffix {
            return suggest(
                host.clone(),
                "MXC-WILDCARD-APEX",
                format!("`mx: {p}` matches hosts one label below `{suffix}`, not `{suffix}` itself"),
            );
        }
        if let Some(below) = host.strip_suffix(&format!(".{suffix}")) {
            let extra = below.split('.').count();
            let parent = host.split_once('.').map(|(_, rest)| rest).unwrap_or_default();
            return suggest(
                format!("*.{parent}"),
                "MXC-WILDCARD-DEPTH",
                format!("`mx: {p}` matches exactly one label, but `{host}` is {extra} labels below `{suffix}`"),
            );
        }
    }
    let why = if patterns.is_empty() {
        "the policy has no `mx` pattern".to_string()
    } else {
        let list: Vec<String> = patterns.iter().map(|p| format!("`{p}`")).collect();
        format!("no pattern matches it ({})", list.join(", "))
    };
    suggest(host.clone(), "MXC-MX-NOT-COVERED", why)
}

/// Advice from the reports as a whole.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Advice {
    pub policy_domain: Option<String>,
    pub kind: AdviceKind,
    pub rule: Option<&'static str>,
    pub message: String,
    /// For [`AdviceKind::AddMxPattern`]: the pattern, as the value of an `mx:` line.
    pub suggested_pattern: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum AdviceKind {
    /// An MX host the sender used is not covered by the policy's `mx` patterns.
    AddMxPattern,
    /// A `testing` policy with enough clean days: `enforce` looks safe.
    EnforceLooksSafe,
    /// A `testing` policy that is not ready for `enforce` yet, and why.
    EnforceNotYet,
}

/// What the reports say about one day of one policy.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DayStatus {
    /// Days since 1970-01-01 (UTC).
    pub day: i64,
    pub sessions: u64,
    pub failed: u64,
}

/// For a policy in `testing` mode, whether `enforce` looks safe: at least
/// [`CLEAN_DAYS_FOR_ENFORCE`] consecutive days, ending with the latest day reported, with
/// sessions and no failures. `days` in any order; `None` unless `mode` is `testing`.
pub fn enforce_readiness(policy_domain: Option<&str>, mode: Option<&str>, days: &[DayStatus]) -> Option<Advice> {
    if mode != Some("testing") {
        return None;
    }
    let mut days: Vec<DayStatus> = days.to_vec();
    days.sort_by_key(|d| d.day);
    let name = policy_domain.unwrap_or("(no policy domain)");
    let advice = |kind, message: String| Advice {
        policy_domain: policy_domain.map(str::to_string),
        kind,
        rule: Some("MODE-TESTING"),
        message,
        suggested_pattern: None,
    };
    let need = CLEAN_DAYS_FOR_ENFORCE;
    let Some(last) = days.last().copied() else {
        return Some(advice(
            AdviceKind::EnforceNotYet,
            format!("{name}: no dated reports; need {need} consecutive days of sessions with no failures"),
        ));
    };
    // The clean streak ending at the latest day.
    let mut streak = 0usize;
    let mut expected = last.day;
    let mut broke_by = None;
    for d in days.iter().rev() {
        if d.day != expected {
            broke_by = Some(format!("no report with sessions for {}", day_string(expected)));
            break;
        }
        if d.failed > 0 {
            broke_by = Some(format!("{} failed session(s) on {}", d.failed, day_string(d.day)));
            break;
        }
        if d.sessions == 0 {
            broke_by = Some(format!("no sessions on {}", day_string(d.day)));
            break;
        }
        streak += 1;
        expected -= 1;
    }
    if streak >= need {
        let from = day_string(last.day - (streak as i64 - 1));
        return Some(advice(
            AdviceKind::EnforceLooksSafe,
            format!(
                "{name}: {streak} consecutive days ({from} to {}) of sessions with no failures in testing \
                 mode: switching to `mode: enforce` looks safe (change the policy file, then the id of the \
                 _mta-sts TXT record)",
                day_string(last.day)
            ),
        ));
    }
    let why = match broke_by {
        Some(b) if streak == 0 => format!("{b}, the latest day reported"),
        Some(b) => format!(
            "only {streak} clean consecutive day(s) up to {} ({b})",
            day_string(last.day)
        ),
        None => format!(
            "only {streak} clean consecutive day(s) reported ({} to {})",
            day_string(last.day - (streak as i64 - 1)),
            day_string(last.day)
        ),
    };
    Some(advice(
        AdviceKind::EnforceNotYet,
        format!(
            "{name}: stay in testing mode for now: {why}; enforce looks safe after {need} consecutive days \
             of sessions with no failures"
        ),
    ))
}
