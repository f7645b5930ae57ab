use crate::diagnostic::Sink;
use crate::mta_sts::policy::*;

crate::rules::rule!("POLICY-MAX-AGE-ZERO", Warning, "RFC 8461 §3.2, §10.2", Policy, "max_age_zero.md");

pub fn check(doc: &PolicyDoc, out: &mut Sink) {
    let Some(f) = doc.first(Key::MaxAge) else { return };
    if parse_max_age(doc.bytes(f.value)) == Some(0) {
        out.report(&RULE, f.value, "max_age 0 is legal, but the policy expires as soon as it is fetched and some senders reject it");
    }
}
