use crate::diagnostic::Sink;
use crate::mta_sts::policy::*;
use crate::mx::pattern::PatternError;

crate::rules::rule!("POLICY-MX-EMPTY", Error, "RFC 8461 §3.2", Policy, "mx_empty.md");

pub fn check(doc: &PolicyDoc, out: &mut Sink) {
    // An empty value is the one that fails to parse as `Empty`.
    for (f, error) in doc.mx_errors() {
        if *error == PatternError::Empty {
            out.report(&RULE, f.name, "`mx:` has no value; name an MX host such as `mx1.example.com`");
        }
    }
}
