use crate::diagnostic::{Sink, Span};
use crate::mta_sts::policy::*;

crate::rules::rule!("POLICY-EMPTY", Error, "RFC 8461 §3.2", Policy, "empty.md");

pub fn check(doc: &PolicyDoc, out: &mut Sink) {
    if doc.is_empty() {
        out.report(
            &RULE,
            Span::new(0, doc.src.len()),
            "the policy file is empty; it needs `version`, `mode`, `max_age` and `mx` lines",
        );
    }
}
