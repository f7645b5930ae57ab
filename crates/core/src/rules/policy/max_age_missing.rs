use crate::diagnostic::{Sink, Span};
use crate::mta_sts::policy::*;

crate::rules::rule!("POLICY-MAX-AGE-MISSING", Error, "RFC 8461 §3.2", Policy, "max_age_missing.md");

pub fn check(doc: &PolicyDoc, out: &mut Sink) {
    if !doc.has_detail() || doc.first(Key::MaxAge).is_some() {
        return;
    }
    out.report(
        &RULE,
        Span::at(doc.body_start),
        "no `max_age` line: add one, e.g. `max_age: 604800` (one week); it is required in every mode",
    );
}
