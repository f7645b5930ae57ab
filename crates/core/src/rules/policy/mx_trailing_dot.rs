use crate::diagnostic::{Edit, Fix, Sink, Span};
use crate::mta_sts::policy::*;
use crate::mx::pattern::PatternError;
use crate::text::show;

crate::rules::rule!("POLICY-MX-TRAILING-DOT", Error, "RFC 5321 §4.1.2", Policy, "mx_trailing_dot.md");

pub fn check(doc: &PolicyDoc, out: &mut Sink) {
    for (f, error) in doc.mx_errors() {
        let v = doc.bytes(f.value);
        if *error == PatternError::TrailingDot {
            let dot = Span::new(f.value.end - 1, f.value.end);
            out.report_fix(
                &RULE,
                dot,
                || format!("mx `{}` ends with `.`; patterns are written without the root dot", show(v)),
                || Fix::one("remove the trailing dot", Edit::delete(dot)),
            );
        }
    }
}
