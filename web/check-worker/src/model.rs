//! What the page and the check worker say to each other, and the view model of a judged
//! check. This half of the crate has no engine in it: the page builds it (without the
//! `engine` feature) to start checks, validate the form, and render the results it is sent.
//!
//! Messages are postcard bytes: one [`Request`] per message to the worker, one [`Answer`]
//! per message back. Both ends are built from this file, so the encoding always agrees.

use mtasts_core::check::{Source, Verdict};
use serde::{Deserialize, Serialize};

pub use mtasts_core::check::{RESOLVERS, check_resolver, domain_name};

/// The steps of a check as progress lists them, by label: `mtasts_check::Step::ALL` in
/// that order (a test of the engine holds them equal). Messages name a step by its index.
pub const STEP_LABELS: [&str; 6] = [
    "MTA-STS record",
    "TLS-RPT record",
    "MX hosts",
    "Policy host",
    "Policy fetch",
    "Misplaced records",
];

/// What the reasons of a page's check say about the MX hosts it could not probe.
pub const MX_PROBE_UNAVAILABLE: &str = "a web page cannot open SMTP connections to port 25: run `mtasts check DOMAIN` to probe the MX hosts' STARTTLS and certificates";

/// A request to the worker.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Request {
    /// Check `domain` live at `resolver`, the policy through the proxy API at `api`.
    Check {
        run: u64,
        domain: String,
        resolver: String,
        api: String,
    },
    /// Judge a permalink's evidence snapshot (`CheckEvidence` JSON).
    Snapshot { run: u64, evidence_json: String },
}

/// What the worker answers, each about the request of run `run`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Answer {
    /// Step `step` (an index of [`STEP_LABELS`]) ended: `failure` says why it did not work.
    StepDone {
        run: u64,
        step: usize,
        failure: Option<String>,
        elapsed_ms: u64,
    },
    /// A finding no later evidence can change.
    Finding { run: u64, finding: FindingView },
    /// The judged check, or why there is none (the check could not run, the snapshot could
    /// not be read).
    Finished {
        run: u64,
        result: Result<Box<CheckView>, String>,
    },
}

impl Request {
    pub fn to_bytes(&self) -> Vec<u8> {
        postcard::to_allocvec(self).unwrap_or_default()
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Request, String> {
        postcard::from_bytes(bytes).map_err(|e| e.to_string())
    }
}

impl Answer {
    pub fn to_bytes(&self) -> Vec<u8> {
        postcard::to_allocvec(self).unwrap_or_default()
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Answer, String> {
        postcard::from_bytes(bytes).map_err(|e| e.to_string())
    }
}

/// A finding's severity (`mtasts_core::Severity`, which is not deserializable).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Level {
    Info,
    Warning,
    Error,
}

impl Level {
    pub fn severity(self) -> mtasts_core::Severity {
        match self {
            Level::Info => mtasts_core::Severity::Info,
            Level::Warning => mtasts_core::Severity::Warning,
            Level::Error => mtasts_core::Severity::Error,
        }
    }
}

/// One finding, as the list shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FindingView {
    /// Which evidence it is about.
    pub source: Source,
    /// The rule's code.
    pub code: String,
    pub severity: Level,
    pub message: String,
    /// 1-based line in the DNS text or the policy file.
    pub line: usize,
    /// The fix's title, when there is one.
    pub fix: Option<String>,
}

/// A step's progress.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum StepStatus {
    Pending,
    Done,
    /// Why the step did not work.
    Failed(String),
}

/// A step as the evidence shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepView {
    pub status: StepStatus,
    /// Milliseconds from the start of the check to the step's end.
    pub elapsed_ms: Option<u64>,
}

/// A line of evidence text with the findings that point at it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MarkedLine {
    pub text: String,
    /// The codes of the findings on this line, in order.
    pub codes: Vec<String>,
    /// The worst of their severities.
    pub worst: Option<Level>,
}

/// The judged check, everything the Check view shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckView {
    /// The domain in A-label form, lower case.
    pub domain: String,
    pub verdict: Verdict,
    /// Why, the reason that matters most first; never empty.
    pub reasons: Vec<String>,
    /// The valid policy's mode (`enforce`, `testing`, `none`).
    pub mode: Option<String>,
    /// The valid `_mta-sts` record's id.
    pub sts_id: Option<String>,
    /// Every DNS answer carried the AD bit.
    pub dnssec: bool,
    /// The resolver that answered.
    pub resolver: Option<String>,
    /// When the evidence was gathered (Unix seconds).
    pub checked_at: Option<u64>,
    /// One per [`STEP_LABELS`], in that order.
    pub steps: Vec<StepView>,
    /// Every finding, DNS then fetch then policy.
    pub findings: Vec<FindingView>,
    /// The DNS answers as zone text, with the DNS findings on their lines.
    pub dns_lines: Vec<MarkedLine>,
    /// The policy fetch's facts (name, value), or `Err` why there was no fetch.
    pub fetch_facts: Result<Vec<(String, String)>, String>,
    /// The policy file as fetched (text), when there was a body.
    pub policy: Option<String>,
    /// The policy file with the policy findings on their lines.
    pub policy_lines: Vec<MarkedLine>,
    /// The MX exchanges, when the MX lookup worked.
    pub mx: Option<Vec<String>>,
    /// The evidence as `CheckEvidence` JSON: what a permalink with the result carries.
    pub evidence_json: String,
}

impl CheckView {
    /// The reason that matters most.
    pub fn headline(&self) -> &str {
        self.reasons.first().map_or("", String::as_str)
    }
}
