//! The live check of a domain, judged from recorded facts.
//!
//! A shell (the page, the CLI) asks the [`questions`] over DNS and fetches the policy,
//! records the answers as a [`CheckEvidence`], and [`judge`] turns them into a
//! [`CheckReport`]: every finding from the rule registry, and one [`Verdict`] with the
//! reason that matters most first. The DNS answers are rendered as zone-file text
//! ([`CheckEvidence::dns_text`]); DNS findings point into it, so each finding shows the
//! raw answer it is about.
//!
//! [`CheckEvidence`] is an interface between crates (and part of permalinks): its JSON
//! field names are stable, every field may be left out, unknown fields are ignored.

mod input;
mod judge;
mod zone_text;

pub use input::{RESOLVERS, check_resolver, domain_name};

pub use judge::{CheckReport, Source, Verdict, judge, settled};
pub use zone_text::txt_presentation;

use crate::fetch::FetchEvidence;
use crate::probe::MxProbeEvidence;
use serde::{Deserialize, Serialize};

/// The record types a check asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum RType {
    A,
    #[allow(clippy::upper_case_acronyms)]
    AAAA,
    #[allow(clippy::upper_case_acronyms)]
    CNAME,
    MX,
    #[allow(clippy::upper_case_acronyms)]
    TXT,
}

impl RType {
    /// The type's number on the wire (RFC 1035, RFC 3596).
    pub fn code(self) -> u16 {
        match self {
            RType::A => 1,
            RType::CNAME => 5,
            RType::MX => 15,
            RType::TXT => 16,
            RType::AAAA => 28,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            RType::A => "A",
            RType::AAAA => "AAAA",
            RType::CNAME => "CNAME",
            RType::MX => "MX",
            RType::TXT => "TXT",
        }
    }
}

/// What a question is for: the step of the check it belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    /// TXT `_mta-sts.<domain>`.
    StsRecord,
    /// TXT `_smtp._tls.<domain>`.
    TlsRptRecord,
    /// MX `<domain>`.
    Mx,
    /// A / AAAA / CNAME of `mta-sts.<domain>`.
    PolicyHost,
    /// Places records are put by mistake: TXT at the apex, at `mta-sts.<domain>` and at
    /// the draft name `_smtp-tlsrpt.<domain>`.
    WrongPlaces,
}

impl Purpose {
    /// The step's name as a user reads it.
    pub fn label(self) -> &'static str {
        match self {
            Purpose::StsRecord => "MTA-STS record",
            Purpose::TlsRptRecord => "TLS-RPT record",
            Purpose::Mx => "MX hosts",
            Purpose::PolicyHost => "Policy host",
            Purpose::WrongPlaces => "Misplaced records",
        }
    }
}

/// One DNS question.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Question {
    /// Lower case, A-labels, no trailing dot.
    pub name: String,
    pub rtype: RType,
    pub purpose: Purpose,
}

/// Every question a check asks about `domain` (an A-label name, see
/// [`crate::mx::normalize_host`]); they are independent, so ask them all at once.
pub fn questions(domain: &str) -> Vec<Question> {
    let q = |name: String, rtype, purpose| Question { name, rtype, purpose };
    vec![
        q(format!("_mta-sts.{domain}"), RType::TXT, Purpose::StsRecord),
        q(format!("_smtp._tls.{domain}"), RType::TXT, Purpose::TlsRptRecord),
        q(domain.to_string(), RType::MX, Purpose::Mx),
        q(format!("mta-sts.{domain}"), RType::A, Purpose::PolicyHost),
        q(format!("mta-sts.{domain}"), RType::AAAA, Purpose::PolicyHost),
        q(format!("mta-sts.{domain}"), RType::CNAME, Purpose::PolicyHost),
        q(domain.to_string(), RType::TXT, Purpose::WrongPlaces),
        q(format!("mta-sts.{domain}"), RType::TXT, Purpose::WrongPlaces),
        q(format!("_smtp-tlsrpt.{domain}"), RType::TXT, Purpose::WrongPlaces),
    ]
}

/// At most this many MX hosts are looked up further.
pub const MX_FOLLOW_UPS: usize = 10;

/// Questions that an answer raises: for the MX answer, whether each MX host is an alias
/// (CNAME; see MXC-CNAME-MX). Ask them as soon as the answer arrives.
pub fn follow_ups(q: &Question, a: &DnsAnswer) -> Vec<Question> {
    if q.rtype != RType::MX || !a.conclusive() {
        return Vec::new();
    }
    let mut hosts: Vec<String> = Vec::new();
    for r in a.records.iter().filter(|r| r.rtype.eq_ignore_ascii_case("MX")) {
        let Some(host) = r.data.split_whitespace().nth(1).and_then(crate::mx::normalize_host) else {
            continue; // a null MX (`0 .`) or no name
        };
        if !hosts.contains(&host) && hosts.len() < MX_FOLLOW_UPS {
            hosts.push(host);
        }
    }
    hosts
        .into_iter()
        .map(|name| Question {
            name,
            rtype: RType::CNAME,
            purpose: Purpose::Mx,
        })
        .collect()
}

/// The answer to one question, as the resolver gave it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DnsAnswer {
    /// The question's name (lower case, no trailing dot).
    pub name: String,
    /// The question's type; `None` only in damaged evidence.
    pub rtype: Option<RType>,
    /// The response code: `NOERROR`, `NXDOMAIN`, `SERVFAIL`, `REFUSED`, ... `None` when
    /// no response arrived (see `error`).
    pub rcode: Option<String>,
    /// Why there is no usable response (network, HTTP status, malformed message).
    pub error: Option<String>,
    /// The AD bit: the resolver validated the answer with DNSSEC.
    pub authenticated: bool,
    /// The answer section, in order (a CNAME chain first, then the records at its end).
    pub records: Vec<DnsRecord>,
    /// How long the query took, in milliseconds.
    pub elapsed_ms: Option<u64>,
}

impl DnsAnswer {
    /// The answer has a response code (possibly an error code such as SERVFAIL).
    pub fn answered(&self) -> bool {
        self.rcode.is_some() && self.error.is_none()
    }
    /// The lookup worked: NOERROR or NXDOMAIN (a name that does not exist is an answer).
    pub fn conclusive(&self) -> bool {
        self.answered() && matches!(self.rcode.as_deref(), Some("NOERROR" | "NXDOMAIN"))
    }
    /// Why the lookup gave no conclusive answer, if it did not.
    pub fn failure(&self) -> Option<String> {
        if let Some(e) = &self.error {
            return Some(e.clone());
        }
        match self.rcode.as_deref() {
            None => Some("no response".to_string()),
            Some("NOERROR" | "NXDOMAIN") => None,
            Some(code) => Some(format!("the resolver answered {code}")),
        }
    }
}

/// One resource record of an answer.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DnsRecord {
    /// Owner name, lower case, no trailing dot.
    pub name: String,
    /// Type mnemonic (`TXT`, `CNAME`, ..., or `TYPE65` for others).
    pub rtype: String,
    pub ttl: u32,
    /// The data in zone-file presentation format: TXT as quoted character-strings
    /// (`"v=STSv1; id=1"`, with `\"`, `\\` and `\DDD` escapes), MX as
    /// `10 mail.example.com.`, CNAME as `target.example.`, A / AAAA as the address.
    pub data: String,
}

/// Everything a live check saw.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CheckEvidence {
    /// The domain as the user gave it.
    pub domain: String,
    /// The DNS-over-HTTPS resolver's URL.
    pub resolver: Option<String>,
    /// When the check ran, Unix seconds.
    pub checked_at: Option<u64>,
    /// One answer per question asked (see [`questions`]).
    pub dns: Vec<DnsAnswer>,
    /// The policy fetch, when one ran.
    pub fetch: Option<FetchEvidence>,
    /// Why the policy was not fetched (no proxy reachable, the proxy refused, ...).
    pub fetch_unavailable: Option<String>,
    /// SMTP probes of the MX hosts (STARTTLS and certificate), when they ran.
    pub mx_probes: Vec<MxProbeEvidence>,
    /// Why the MX hosts were not probed (the page cannot open SMTP connections, the user
    /// turned probing off, ...).
    pub mx_probe_unavailable: Option<String>,
}

impl CheckEvidence {
    pub fn new(domain: impl Into<String>) -> CheckEvidence {
        CheckEvidence {
            domain: domain.into(),
            ..CheckEvidence::default()
        }
    }

    /// The answer to `name` / `rtype`, if it was recorded.
    pub fn answer(&self, name: &str, rtype: RType) -> Option<&DnsAnswer> {
        self.dns
            .iter()
            .find(|a| a.rtype == Some(rtype) && a.name.eq_ignore_ascii_case(name))
    }

    /// The DNS answers as zone-file text: a comment per question (its response code,
    /// the AD bit, the time it took), then its records. DNS findings point into this.
    pub fn dns_text(&self) -> String {
        zone_text::render(self)
    }
}
