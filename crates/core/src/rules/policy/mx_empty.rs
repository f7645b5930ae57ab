use crate::diagnostic::Sink;
use crate::mta_sts::policy::*;

crate::rules::rule!("POLICY-MX-EMPTY", Error, "RFC 8461 §3.2", Policy, "mx_empty.md");

pub fn check(doc: &PolicyDoc, out: &mut Sink) {
    for f in doc.all(Key::Mx) {
        if doc.bytes(f.value).is_empty() {
            out.report(&RULE, f.name, "`mx:` has no value; name an MX host such as `mx1.example.com`");
        }
    }
}
