use crate::diagnostic::{Sink, Span};
use crate::mta_sts::policy::*;
use crate::mx::pattern::PatternError;
use crate::text::show;

crate::rules::rule!("POLICY-MX-WILDCARD-INVALID", Error, "RFC 8461 §3.2, §4.1", Policy, "mx_wildcard_invalid.md");

pub fn check(doc: &PolicyDoc, out: &mut Sink) {
    for (f, error) in doc.mx_errors() {
        let v = doc.bytes(f.value);
        if let &PatternError::Wildcard { at } = error {
            let at = f.value.start + at;
            out.report(
                &RULE,
                Span::new(at, at + 1),
                || format!("mx `{}`: `*` may only be the whole first label, as in `*.example.com`", show(v)),
            );
        }
    }
}
