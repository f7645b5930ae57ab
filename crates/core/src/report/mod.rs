//! SMTP TLS reports (RFC 8460 §4): read them, add them up, and say what to fix.
//!
//! - [`input`]: bytes with a file name to reports: JSON, gzip, base64 of a gzip, an e-mail
//!   message or an mbox ([`load`], [`load_file`]).
//! - [`parse`]: one JSON document to a [`TlsReport`], tolerant of what real senders send.
//! - [`aggregate`]: any number of reports to one [`Aggregate`] (per policy, per day, per
//!   result type, MX, sending IP and organization; duplicate report ids counted once).
//! - [`explain`]: what each result type means, how to fix it, the related rule code, the
//!   `mx` pattern to add when an MX host is not covered, and whether `enforce` looks safe.
//!
//! Everything here is a pure function over bytes: no I/O and no clock.

pub mod aggregate;
pub mod explain;
pub mod input;
pub mod parse;

pub use aggregate::{Aggregate, Aggregator, aggregate};
pub use explain::{Advice, AdviceKind, Explanation, explain, explain_reason};
pub use input::{LoadError, LoadErrorKind, Loaded, MAX_DECOMPRESSED, load, load_file};
pub use parse::{Timestamp, parse_datetime, parse_json};

use serde::{Serialize, Serializer};
use std::fmt;

/// One TLS report (RFC 8460 §4.4).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TlsReport {
    /// Where the report came from: the file name, plus the message or attachment inside it.
    pub source: String,
    /// `organization-name`; empty when the sender left it out (a warning says so).
    pub organization_name: String,
    pub date_range: DateRange,
    /// `contact-info`; `None` when missing or `null`.
    pub contact_info: Option<String>,
    /// `report-id`; empty when missing (such reports are never treated as duplicates).
    pub report_id: String,
    pub policies: Vec<PolicyResult>,
    /// What the reader had to tolerate: missing required fields that were defaulted,
    /// unknown policy types, values of the wrong type.
    pub warnings: Vec<String>,
}

impl TlsReport {
    pub fn total_successful_sessions(&self) -> u64 {
        self.policies
            .iter()
            .fold(0u64, |n, p| n.saturating_add(p.summary.total_successful_session_count))
    }
    pub fn total_failed_sessions(&self) -> u64 {
        self.policies
            .iter()
            .fold(0u64, |n, p| n.saturating_add(p.summary.total_failure_session_count))
    }
}

/// `date-range`, as written and as read.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct DateRange {
    /// `start-datetime` as the sender wrote it.
    pub start_datetime: String,
    /// `end-datetime` as the sender wrote it.
    pub end_datetime: String,
    /// The start, when it reads as an RFC 3339 date-time (a missing zone is taken as UTC).
    pub start: Option<Timestamp>,
    pub end: Option<Timestamp>,
}

impl DateRange {
    /// The UTC day of the start, `YYYY-MM-DD`.
    pub fn day(&self) -> Option<String> {
        self.start.map(|t| t.date())
    }
}

/// One entry of `policies`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PolicyResult {
    pub policy: PolicyDesc,
    pub summary: Summary,
    /// `failure-details`; empty when absent.
    pub failure_details: Vec<FailureDetail>,
}

impl PolicyResult {
    /// Failed sessions the summary counts but no failure detail accounts for.
    pub fn failed_without_detail(&self) -> u64 {
        let detailed = self
            .failure_details
            .iter()
            .fold(0u64, |n, d| n.saturating_add(d.failed_session_count));
        self.summary.total_failure_session_count.saturating_sub(detailed)
    }
}

/// `policy`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PolicyDesc {
    pub policy_type: PolicyType,
    /// `policy-string`: the policy as the sender saw it, one element per line, with any
    /// trailing CR removed.
    pub policy_string: Vec<String>,
    /// `policy-domain`, lower case, without a trailing dot.
    pub policy_domain: Option<String>,
    /// `mx-host`: a string or a list in the wild; empty entries dropped.
    pub mx_host: Vec<String>,
}

impl PolicyDesc {
    /// The value of the first `key:` line of the policy string (case-insensitive key).
    pub fn field(&self, key: &str) -> Option<&str> {
        self.fields().find(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(_, v)| v)
    }

    /// Every `key: value` line of the policy string.
    pub fn fields(&self) -> impl Iterator<Item = (&str, &str)> {
        self.policy_string.iter().filter_map(|line| {
            let (k, v) = line.split_once(':')?;
            Some((k.trim(), v.trim()))
        })
    }

    /// The `mode` of an `sts` policy as the sender saw it (`enforce`, `testing`, `none`).
    pub fn mode(&self) -> Option<&str> {
        if self.policy_type != PolicyType::Sts {
            return None;
        }
        self.field("mode")
    }

    /// The `mx` patterns of the policy string that parse.
    pub fn mx_patterns(&self) -> Vec<crate::mx::MxPattern> {
        self.fields()
            .filter(|(k, _)| k.eq_ignore_ascii_case("mx"))
            .filter_map(|(_, v)| crate::mx::pattern::parse(v.as_bytes()).ok())
            .collect()
    }
}

/// `summary`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub total_successful_session_count: u64,
    pub total_failure_session_count: u64,
}

/// One entry of `failure-details`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FailureDetail {
    pub result_type: ResultType,
    pub sending_mta_ip: Option<String>,
    pub receiving_mx_hostname: Option<String>,
    pub receiving_mx_helo: Option<String>,
    pub receiving_ip: Option<String>,
    pub failed_session_count: u64,
    /// `additional-information` (draft: `additional-info-uri`).
    pub additional_information: Option<String>,
    /// `failure-reason-code` (draft: `failure-error-code`); free text in the wild.
    pub failure_reason_code: Option<String>,
}

/// `policy-type`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PolicyType {
    Sts,
    Tlsa,
    NoPolicyFound,
    /// Anything else, as written.
    Other(String),
}

impl PolicyType {
    pub fn parse(s: &str) -> PolicyType {
        match normalize_token(s).as_str() {
            "sts" => PolicyType::Sts,
            "tlsa" => PolicyType::Tlsa,
            "no-policy-found" => PolicyType::NoPolicyFound,
            _ => PolicyType::Other(s.trim().to_string()),
        }
    }
    pub fn as_str(&self) -> &str {
        match self {
            PolicyType::Sts => "sts",
            PolicyType::Tlsa => "tlsa",
            PolicyType::NoPolicyFound => "no-policy-found",
            PolicyType::Other(s) => s,
        }
    }
}

/// `result-type` (RFC 8460 §4.3).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ResultType {
    StarttlsNotSupported,
    CertificateHostMismatch,
    CertificateExpired,
    CertificateNotTrusted,
    ValidationFailure,
    TlsaInvalid,
    DnssecInvalid,
    DaneRequired,
    StsPolicyFetchError,
    StsPolicyInvalid,
    StsWebpkiInvalid,
    /// Anything else, as written.
    Other(String),
}

impl ResultType {
    /// Every result type RFC 8460 defines.
    pub const KNOWN: [ResultType; 11] = [
        ResultType::StarttlsNotSupported,
        ResultType::CertificateHostMismatch,
        ResultType::CertificateExpired,
        ResultType::CertificateNotTrusted,
        ResultType::ValidationFailure,
        ResultType::TlsaInvalid,
        ResultType::DnssecInvalid,
        ResultType::DaneRequired,
        ResultType::StsPolicyFetchError,
        ResultType::StsPolicyInvalid,
        ResultType::StsWebpkiInvalid,
    ];

    /// Case, `_` for `-` and surrounding space do not matter.
    pub fn parse(s: &str) -> ResultType {
        let n = normalize_token(s);
        ResultType::KNOWN
            .iter()
            .find(|k| k.as_str() == n)
            .cloned()
            .unwrap_or_else(|| ResultType::Other(s.trim().to_string()))
    }

    pub fn as_str(&self) -> &str {
        match self {
            ResultType::StarttlsNotSupported => "starttls-not-supported",
            ResultType::CertificateHostMismatch => "certificate-host-mismatch",
            ResultType::CertificateExpired => "certificate-expired",
            ResultType::CertificateNotTrusted => "certificate-not-trusted",
            ResultType::ValidationFailure => "validation-failure",
            ResultType::TlsaInvalid => "tlsa-invalid",
            ResultType::DnssecInvalid => "dnssec-invalid",
            ResultType::DaneRequired => "dane-required",
            ResultType::StsPolicyFetchError => "sts-policy-fetch-error",
            ResultType::StsPolicyInvalid => "sts-policy-invalid",
            ResultType::StsWebpkiInvalid => "sts-webpki-invalid",
            ResultType::Other(s) => s,
        }
    }
}

fn normalize_token(s: &str) -> String {
    s.trim().to_ascii_lowercase().replace('_', "-")
}

macro_rules! string_like {
    ($($t:ty),*) => {$(
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl Serialize for $t {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
    )*};
}
string_like!(PolicyType, ResultType);
