use crate::diagnostic::{Sink, Span};
use crate::mta_sts::policy::*;

crate::rules::rule!("POLICY-MODE-MISSING", Error, "RFC 8461 §3.2", Policy, "mode_missing.md");

pub fn check(doc: &PolicyDoc, out: &mut Sink) {
    if !doc.has_detail() || doc.first(Key::Mode).is_some() {
        return;
    }
    out.report(&RULE, Span::at(doc.body_start), "no `mode` line: add `mode: testing`, `mode: enforce` or `mode: none`");
}
