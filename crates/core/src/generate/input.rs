//! What the generator is asked for, the errors it gives, and the checks that turn raw
//! answers into values that lint clean.

use crate::mta_sts::Mode;
use crate::mta_sts::policy::MAX_AGE_LIMIT;
use crate::mx::pattern::{self, MxPattern, PatternError};
use crate::mx::public_suffix;
use crate::tlsrpt::rua::{self, Problem};
use serde::Serialize;
use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};

/// The `max_age` the CLI offers by default: one week.
pub const DEFAULT_MAX_AGE: u64 = 604_800;
/// The TTL the CLI offers by default: one hour.
pub const DEFAULT_TTL: u32 = 3_600;
/// The smallest `max_age` generated for `testing` (below it the linter warns: POLICY-MAX-AGE-SHORT).
pub const MIN_MAX_AGE_TESTING: u64 = 86_400;
/// The smallest `max_age` generated for `enforce` (below it the linter warns: POLICY-MAX-AGE-SHORT).
pub const MIN_MAX_AGE_ENFORCE: u64 = 604_800;
/// The largest TTL DNS allows (RFC 2181 §8).
pub const MAX_TTL: u32 = 2_147_483_647;
/// The largest policy the linter accepts without a warning (POLICY-TOO-LARGE).
pub const MAX_POLICY_BYTES: usize = 64 * 1024;

/// The line terminator of the policy file. RFC 8461 §3.2 says "CRLF-separated" in prose and
/// allows LF in the grammar (errata 6253); CRLF satisfies both readings.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LineEnding {
    #[default]
    Crlf,
    Lf,
}

impl LineEnding {
    /// The terminator bytes.
    pub fn as_str(self) -> &'static str {
        match self {
            LineEnding::Crlf => "\r\n",
            LineEnding::Lf => "\n",
        }
    }

    /// "CRLF" or "LF", for messages.
    pub fn name(self) -> &'static str {
        match self {
            LineEnding::Crlf => "CRLF",
            LineEnding::Lf => "LF",
        }
    }
}

/// The answers the generator needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GenerateInput {
    /// The policy domain (the part after `@`), e.g. `example.com`. U-labels are converted
    /// to A-labels; a trailing dot and upper case are fine.
    pub domain: String,
    pub mode: Mode,
    /// MX host names or patterns: `mx1.example.com`, `mx1.example.com.`, `*.mail.example.net`.
    /// Lower-cased, de-duplicated, U-labels converted to A-labels.
    pub mx: Vec<String>,
    /// Seconds senders may cache the policy.
    pub max_age: u64,
    /// TLS-RPT destinations: `mailto:x@y`, `https://…`, or a bare address `x@y`.
    pub rua: Vec<String>,
    pub line_ending: LineEnding,
    /// Unix seconds supplied by the caller (the core has no clock); used for the id.
    pub issued_at: u64,
    /// Where `mta-sts.<domain>` should point: an IPv4 or IPv6 address (A/AAAA record) or a
    /// host name (CNAME). `None` gives an instruction instead of a record.
    pub policy_host: Option<String>,
    /// TTL of the generated DNS records.
    pub ttl: u32,
}

impl GenerateInput {
    /// An input with the defaults: one-week `max_age`, CRLF, one-hour TTL, no TLS-RPT, no
    /// policy host, `issued_at` 0.
    pub fn new(domain: impl Into<String>, mode: Mode, mx: Vec<String>) -> GenerateInput {
        GenerateInput {
            domain: domain.into(),
            mode,
            mx,
            max_age: DEFAULT_MAX_AGE,
            rua: Vec::new(),
            line_ending: LineEnding::default(),
            issued_at: 0,
            policy_host: None,
            ttl: DEFAULT_TTL,
        }
    }
}

/// Which input a [`GenerateError`] is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Domain,
    Mode,
    Mx,
    MaxAge,
    Rua,
    PolicyHost,
    Ttl,
}

impl Field {
    pub fn as_str(self) -> &'static str {
        match self {
            Field::Domain => "domain",
            Field::Mode => "mode",
            Field::Mx => "mx",
            Field::MaxAge => "max_age",
            Field::Rua => "rua",
            Field::PolicyHost => "policy_host",
            Field::Ttl => "ttl",
        }
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An input the generator refuses: which field, the value as given, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GenerateError {
    pub field: Field,
    /// The offending value as given (empty when the problem is a missing value).
    pub value: String,
    /// What is wrong and how to fix it.
    pub reason: String,
}

impl GenerateError {
    pub fn new(field: Field, value: impl Into<String>, reason: impl Into<String>) -> GenerateError {
        GenerateError {
            field,
            value: value.into(),
            reason: reason.into(),
        }
    }
}

impl fmt::Display for GenerateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.value.is_empty() {
            write!(f, "{}: {}", self.field, self.reason)
        } else {
            write!(
                f,
                "invalid {} `{}`: {}",
                self.field,
                self.value.escape_debug(),
                self.reason
            )
        }
    }
}

impl std::error::Error for GenerateError {}

/// Where `mta-sts.<domain>` points.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum HostTarget {
    V4(Ipv4Addr),
    V6(Ipv6Addr),
    Name(String),
}

/// The input after every check: the values that go into the output.
#[derive(Clone, Debug)]
pub(crate) struct Checked {
    pub domain: String,
    pub mode: Mode,
    pub mx: Vec<MxPattern>,
    pub max_age: u64,
    pub rua: Vec<String>,
    pub line_ending: LineEnding,
    pub issued_at: u64,
    pub host: Option<HostTarget>,
    pub ttl: u32,
    /// Advice found while checking (dropped duplicates and the like).
    pub notes: Vec<String>,
}

/// Check every field, in the order a form shows them.
pub(crate) fn check(input: &GenerateInput) -> Result<Checked, GenerateError> {
    let mut notes = Vec::new();
    let domain = check_domain(&input.domain)?;
    let mx = check_mx(&input.mx, input.mode, &mut notes)?;
    check_max_age(input.max_age, input.mode)?;
    let rua = check_rua(&input.rua, &mut notes)?;
    let host = match &input.policy_host {
        Some(raw) => Some(check_policy_host(raw, &domain)?),
        None => None,
    };
    if input.ttl > MAX_TTL {
        return Err(GenerateError::new(
            Field::Ttl,
            input.ttl.to_string(),
            format!("a DNS TTL is at most {MAX_TTL} seconds (RFC 2181 §8); 3600 (one hour) is a good choice"),
        ));
    }
    Ok(Checked {
        domain,
        mode: input.mode,
        mx,
        max_age: input.max_age,
        rua,
        line_ending: input.line_ending,
        issued_at: input.issued_at,
        host,
        ttl: input.ttl,
        notes,
    })
}

/// Trim, drop one trailing dot, convert U-labels to A-labels and lower-case. The result
/// still has to pass [`pattern::parse`].
fn to_a_labels(raw: &str) -> Result<String, String> {
    let name = raw.trim();
    let name = name.strip_suffix('.').unwrap_or(name);
    let lower = name.to_ascii_lowercase();
    let has_xn = lower.split('.').any(|l| l.starts_with("xn--"));
    if lower.is_ascii() && !has_xn {
        return Ok(lower);
    }
    match crate::mx::to_a_labels(name).ok_or(()) {
        Ok(ascii) => Ok(ascii),
        Err(_) if lower.is_ascii() => Err("an `xn--` label is not valid Punycode".to_string()),
        Err(_) => Err("it is not a valid internationalized domain name (IDNA)".to_string()),
    }
}

/// Why a name or pattern fails [`pattern::parse`], in words.
fn pattern_reason(e: &PatternError) -> String {
    match e {
        PatternError::Empty => "it is empty".into(),
        PatternError::TrailingDot => "it ends with more than one `.`".into(),
        PatternError::Wildcard { .. } => {
            "`*` may only be the whole first label, as in `*.example.com` (RFC 8461 §4.1)".into()
        }
        PatternError::ULabel { a_label: Some(a) } => format!("use the A-label form `{a}`"),
        PatternError::ULabel { a_label: None } => "it has characters that have no A-label (Punycode) form".into(),
        PatternError::Length {
            label: Some((_, len)), ..
        } => format!("a label is {len} octets long (at most 63)"),
        PatternError::Length { total, .. } => {
            format!("the name is {total} octets long (at most 253)")
        }
        PatternError::Syntax { why, .. } => (*why).to_string(),
    }
}

fn check_domain(raw: &str) -> Result<String, GenerateError> {
    let err = |reason: String| GenerateError::new(Field::Domain, raw, reason);
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return Err(GenerateError::new(
            Field::Domain,
            "",
            "no domain given: give the mail domain, the part after `@` (e.g. `example.com`)",
        ));
    }
    if trimmed.contains("://") || trimmed.contains('/') {
        return Err(err("give the bare mail domain (e.g. `example.com`), not a URL".into()));
    }
    if trimmed.contains('@') {
        return Err(err("give only the part after `@` (e.g. `example.com`)".into()));
    }
    let lower = trimmed.to_ascii_lowercase();
    for prefix in ["_mta-sts.", "_smtp._tls.", "mta-sts."] {
        let Some(rest) = lower.strip_prefix(prefix) else {
            continue;
        };
        // `mta-sts.com` is a domain of its own; `mta-sts.example.com` is the policy host.
        if prefix.starts_with('_') || rest.trim_end_matches('.').contains('.') {
            return Err(err(format!(
                "`{prefix}` is added by the generator; give the mail domain itself (`{}`)",
                rest.trim_end_matches('.')
            )));
        }
    }
    if lower.starts_with("*.") {
        return Err(err(
            "the policy domain cannot be a wildcard: every mail domain needs its own policy".into(),
        ));
    }
    let domain = to_a_labels(trimmed).map_err(err)?;
    let parsed = pattern::parse(domain.as_bytes()).map_err(|e| err(pattern_reason(&e)))?;
    if pattern::looks_numeric(&parsed) {
        return Err(err(
            "this is an IP address; MTA-STS protects a mail domain (e.g. `example.com`)".into(),
        ));
    }
    if !domain.contains('.') {
        return Err(err(
            "a policy domain needs at least two labels (e.g. `example.com`)".into()
        ));
    }
    // The longest owner name built from it is `_smtp._tls.<domain>`.
    if domain.len() + "_smtp._tls.".len() > 253 {
        return Err(err(format!(
            "the name is {} octets long, so `_smtp._tls.<domain>` would be over 253",
            domain.len()
        )));
    }
    Ok(domain)
}

fn check_mx(raw: &[String], mode: Mode, notes: &mut Vec<String>) -> Result<Vec<MxPattern>, GenerateError> {
    let mut out: Vec<MxPattern> = Vec::new();
    for entry in raw {
        let err = |reason: String| GenerateError::new(Field::Mx, entry.as_str(), reason);
        let trimmed = entry.trim();
        let (wildcard, rest) = match trimmed.strip_prefix("*.") {
            Some(rest) => (true, rest),
            None => (false, trimmed),
        };
        if rest.is_empty() {
            let why = if wildcard {
                "nothing follows `*.`"
            } else {
                "it is empty"
            };
            return Err(err(why.into()));
        }
        let ascii = to_a_labels(rest).map_err(err)?;
        let text = if wildcard { format!("*.{ascii}") } else { ascii };
        let p = pattern::parse(text.as_bytes()).map_err(|e| err(pattern_reason(&e)))?;
        if pattern::looks_numeric(&p) {
            return Err(err(
                "this is an IP address; `mx` patterns match MX host names, never addresses (give the name the MX record points to)"
                    .into(),
            ));
        }
        if p.wildcard && public_suffix::is_public_suffix(&p.domain) {
            return Err(err(format!(
                "`{p}` covers every host under the public suffix `{}`, so anyone with a certificate there would be a valid MX (RFC 8461 §10.4); list your MX hosts instead",
                p.domain
            )));
        }
        if out.iter().any(|q| q.key() == p.key()) {
            notes.push(format!("`mx: {p}` was given twice; it is listed once."));
            continue;
        }
        out.push(p);
    }
    if out.is_empty() && mode != Mode::None {
        return Err(GenerateError::new(
            Field::Mx,
            "",
            format!(
                "mode `{}` needs at least one mx pattern (RFC 8461 §3.2): list every host the domain's MX records point to",
                mode.as_str()
            ),
        ));
    }
    Ok(out)
}

fn check_max_age(max_age: u64, mode: Mode) -> Result<(), GenerateError> {
    let err = |reason: String| GenerateError::new(Field::MaxAge, max_age.to_string(), reason);
    let human = super::human_duration;
    if max_age == 0 {
        return Err(err(
            "0 makes the policy expire as soon as it is fetched, and some senders reject it; use at least 86400 (one day), weeks for testing or enforce"
                .into(),
        ));
    }
    if max_age > MAX_AGE_LIMIT {
        return Err(err(format!("the maximum is {MAX_AGE_LIMIT} (one year, RFC 8461 §3.2)")));
    }
    let min = match mode {
        Mode::Enforce => MIN_MAX_AGE_ENFORCE,
        Mode::Testing => MIN_MAX_AGE_TESTING,
        Mode::None => 1,
    };
    if max_age < min {
        return Err(err(format!(
            "{} is too short for mode `{}`: use at least {min} ({}); the RFC expects weeks (§3.2, §10.2) and some senders raise shorter values",
            human(max_age),
            mode.as_str(),
            human(min)
        )));
    }
    Ok(())
}

fn check_rua(raw: &[String], notes: &mut Vec<String>) -> Result<Vec<String>, GenerateError> {
    let mut out: Vec<String> = Vec::new();
    for entry in raw {
        let err = |reason: String| GenerateError::new(Field::Rua, entry.as_str(), reason);
        let uri = normalize_rua(entry.trim()).map_err(err)?;
        if let Some(problem) = rua::check(uri.as_bytes()) {
            return Err(err(problem_reason(&problem)));
        }
        if out.iter().any(|u| u.eq_ignore_ascii_case(&uri)) {
            notes.push(format!(
                "The TLS-RPT destination `{uri}` was given twice; it is listed once."
            ));
            continue;
        }
        out.push(uri);
    }
    Ok(out)
}

/// A bare address becomes `mailto:`; the scheme is lower-cased; a U-label mail domain
/// becomes an A-label.
fn normalize_rua(raw: &str) -> Result<String, String> {
    if raw.is_empty() {
        return Err("it is empty".into());
    }
    let (scheme, rest) = match raw.split_once(':') {
        Some((s, r)) if !s.contains('@') => (s.to_ascii_lowercase(), r),
        _ if raw.contains('@') => ("mailto".to_string(), raw),
        _ => {
            return Err("give `mailto:reports@example.net`, a bare address, or an `https://` URL".into());
        }
    };
    if scheme != "mailto" || rest.is_ascii() {
        return Ok(format!("{scheme}:{rest}"));
    }
    // mailto:local@domain[?query] with a non-ASCII domain.
    let (addr, query) = match rest.split_once('?') {
        Some((a, q)) => (a, Some(q)),
        None => (rest, None),
    };
    let Some((local, domain)) = addr.rsplit_once('@') else {
        return Ok(format!("{scheme}:{rest}"));
    };
    if !local.is_ascii() {
        return Err("the local part has non-ASCII characters; percent-encode them or use another address".into());
    }
    let domain =
        crate::mx::to_a_labels(domain).ok_or_else(|| "the mail domain is not a valid IDNA name".to_string())?;
    Ok(match query {
        Some(q) => format!("mailto:{local}@{domain}?{q}"),
        None => format!("mailto:{local}@{domain}"),
    })
}

fn problem_reason(p: &Problem) -> String {
    match p {
        Problem::Invalid(why) => format!("not a valid URI: {why}"),
        Problem::Unencoded { byte, .. } => format!(
            "`{}` must be percent-encoded as `%{byte:02X}` inside a TLS-RPT URI (RFC 8460 §3); give several destinations as separate values",
            char::from(*byte)
        ),
        Problem::Scheme(s) if s.eq_ignore_ascii_case("http") => {
            "reports are only sent to `https:` or `mailto:` (RFC 8460 §3); use `https://`".into()
        }
        Problem::Scheme(s) => {
            format!("`{s}:` is not supported; use `mailto:` or `https://` (RFC 8460 §3)")
        }
        Problem::Mailto(why) => format!("not a valid mailto address: {why}"),
        Problem::HttpsHost(why) => {
            format!("{why}; reporters will probably fail to deliver there, use a public host name")
        }
    }
}

fn check_policy_host(raw: &str, domain: &str) -> Result<HostTarget, GenerateError> {
    let err = |reason: String| GenerateError::new(Field::PolicyHost, raw, reason);
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return Err(err(
            "it is empty; give an IPv4 or IPv6 address, or a host name for a CNAME".into(),
        ));
    }
    let unbracketed = trimmed
        .strip_prefix('[')
        .and_then(|s| s.strip_suffix(']'))
        .unwrap_or(trimmed);
    if let Ok(v4) = unbracketed.parse::<Ipv4Addr>() {
        return Ok(HostTarget::V4(v4));
    }
    if let Ok(v6) = unbracketed.parse::<Ipv6Addr>() {
        return Ok(HostTarget::V6(v6));
    }
    if trimmed.contains("://") || trimmed.contains('/') {
        return Err(err("give a host name or an address, not a URL".into()));
    }
    if trimmed.contains(':') {
        return Err(err("this is neither a valid IPv6 address nor a host name".into()));
    }
    let name = to_a_labels(trimmed).map_err(err)?;
    let p = pattern::parse(name.as_bytes()).map_err(|e| err(pattern_reason(&e)))?;
    if p.wildcard {
        return Err(err("a CNAME target cannot be a wildcard".into()));
    }
    if pattern::looks_numeric(&p) || name.split('.').all(|l| l.bytes().all(|b| b.is_ascii_digit())) {
        return Err(err("this is not a valid IPv4 address".into()));
    }
    if !name.contains('.') {
        return Err(err(
            "a CNAME target needs a fully qualified name (e.g. `user.github.io`)".into(),
        ));
    }
    if name == format!("mta-sts.{domain}") {
        return Err(err(
            "`mta-sts.<domain>` cannot be a CNAME to itself; give the target host or its address".into(),
        ));
    }
    Ok(HostTarget::Name(name))
}
