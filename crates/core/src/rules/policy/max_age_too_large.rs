use crate::diagnostic::Sink;
use crate::mta_sts::policy::*;

crate::rules::rule!("POLICY-MAX-AGE-TOO-LARGE", Error, "RFC 8461 §3.2, errata 7282", Policy, "max_age_too_large.md");

pub fn check(doc: &PolicyDoc, out: &mut Sink) {
    let Some(f) = doc.first(Key::MaxAge) else { return };
    if let Some(n) = parse_max_age(doc.bytes(f.value))
        && n > MAX_AGE_LIMIT {
            out.report(&RULE, f.value, format!("max_age {n} is over the maximum of 31557600 (one year)"));
        }
}
