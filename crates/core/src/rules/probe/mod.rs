//! Rules over a recorded probe of one MX host (RFC 8461 §4.2, §5): does it offer
//! STARTTLS, and does its certificate satisfy a sender? The facts come from an
//! [`MxProbeEvidence`]; no rule fires on a fact that is unknown (`null`).

use crate::diagnostic::{Severity, Sink, Span};
use crate::mta_sts::Mode;
use crate::probe::MxProbeEvidence;
use crate::rule::Rule;

crate::rules::rule_group!(RULES, check_all, ProbeCx<'_>;
    starttls, cert, probe_failed,
);

/// The evidence and what the engine derived from it.
pub struct ProbeCx<'a> {
    pub e: &'a MxProbeEvidence,
    /// The MX host in A-label form, lower case, no trailing dot.
    pub host: &'a str,
    /// The domain's policy mode, when the caller knows it.
    pub mode: Option<Mode>,
}

/// A rule's verdict: severity and message.
pub(crate) type Finding = Option<(Severity, String)>;

impl ProbeCx<'_> {
    /// What senders do about a failure at this MX under the policy's mode, for the end
    /// of a message.
    pub fn consequence(&self) -> &'static str {
        match self.mode {
            Some(Mode::Enforce) | None => "senders that enforce MTA-STS will not deliver to it",
            Some(Mode::Testing) => {
                "in `testing` mode senders still deliver and report the failure over TLS-RPT, but under `enforce` they would not deliver to it"
            }
            Some(Mode::None) => {
                "the policy's mode is `none`, so senders ignore this for now, but under `enforce` they would not deliver to it"
            }
        }
    }

    /// The probe's error message, for messages: `` (`...`)`` or nothing.
    pub fn error_note(&self) -> String {
        match self.e.error.as_ref().map(|e| e.message.trim()) {
            Some(m) if !m.is_empty() => format!(" (`{}`)", show(m)),
            _ => String::new(),
        }
    }
}

/// Report a finding of `rule`, if any, with no place in a text.
pub(crate) fn emit(out: &mut Sink, rule: &'static Rule, finding: Finding) {
    if let Some((severity, message)) = finding {
        out.report_as(rule, severity, Span::at(0), message);
    }
}

/// `text` quoted for a message: escaped and cut when long.
pub(crate) fn show(text: &str) -> String {
    crate::text::show(text.as_bytes())
}
