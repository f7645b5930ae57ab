use crate::diagnostic::Sink;
use crate::mta_sts::policy::*;
use crate::mx::pattern::{self};

crate::rules::rule!("POLICY-MX-NUMERIC", Warning, "RFC 8461 §4.1", Policy, "mx_numeric.md");

pub fn check(doc: &PolicyDoc, out: &mut Sink) {
    for (f, p) in doc.mx_digit_final() {
        if pattern::looks_numeric(p) {
            out.report(&RULE, f.value, || format!("mx `{p}` looks like an IP address; patterns match MX host names, never addresses"));
        }
    }
}
