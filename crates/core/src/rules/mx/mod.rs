//! Rules over an MX host list against the policy's `mx` patterns (RFC 8461 §4.1).

use crate::diagnostic::{Severity, Span};
use crate::mta_sts::policy::{FieldRef, Key, Mode, PolicyDoc};
use crate::mx::PatternRef;

crate::rules::rule_group!(RULES, check_all, MxCx<'_>;
    mx_not_covered, none_covered, pattern_unused, wildcard_apex, wildcard_depth, null_mx, no_mx,
);

/// One MX host as DNS gives it.
#[derive(Clone, Debug)]
pub struct MxHost {
    /// As given (`mx1.example.com.`).
    pub name: String,
    /// Normalized for matching; `None` for a null MX or a name that is not a host name.
    pub normalized: Option<String>,
}

impl MxHost {
    pub fn new(name: &str) -> MxHost {
        MxHost {
            name: name.trim().to_string(),
            normalized: crate::mx::normalize_host(name),
        }
    }
    /// A null MX (RFC 7505): the exchange is `.`.
    pub fn is_null(&self) -> bool {
        self.name == "." || self.name.is_empty()
    }
}

/// The policy and the MX hosts to hold against it.
pub struct MxCx<'a> {
    pub doc: &'a PolicyDoc<'a>,
    pub hosts: &'a [MxHost],
}

impl<'a> MxCx<'a> {
    /// Error in enforce, warning in testing, nothing in none or when the mode is unknown.
    pub fn severity(&self) -> Option<Severity> {
        match self.doc.mode()? {
            Mode::Enforce => Some(Severity::Error),
            Mode::Testing => Some(Severity::Warning),
            Mode::None => None,
        }
    }

    pub fn patterns(&self) -> Vec<(FieldRef, PatternRef<'a>)> {
        self.doc.mx_patterns().collect()
    }

    /// Where a finding about the MX list points (the last `mx` line, else the mode
    /// line), and where a new `mx` line would go (the end of that line).
    pub fn insert_point(&self) -> (Span, usize) {
        let line = self
            .doc
            .all(Key::Mx)
            .last()
            .or_else(|| self.doc.first(Key::Mode))
            .map(|f| self.doc.line(f.line));
        match line {
            Some(l) => (l.span, l.span.end),
            None => (Span::at(self.doc.src.len()), self.doc.src.len()),
        }
    }
}
