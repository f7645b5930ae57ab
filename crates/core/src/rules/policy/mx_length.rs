use crate::diagnostic::{Sink, Span};
use crate::mta_sts::policy::*;
use crate::mx::pattern::PatternError;
use crate::text::show;

crate::rules::rule!("POLICY-MX-LENGTH", Error, "RFC 1035 §2.3.4", Policy, "mx_length.md");

pub fn check(doc: &PolicyDoc, out: &mut Sink) {
    for (f, error) in doc.mx_errors() {
        let v = doc.bytes(f.value);
        if let &PatternError::Length { label, total } = error {
            match label {
                Some((at, len)) => {
                    let at = f.value.start + at;
                    out.report(&RULE, Span::new(at, at + len), || format!("a label of mx `{}` is {len} octets; at most 63", show(v)));
                }
                None => {
                    out.report(&RULE, f.value, || format!("mx `{}` is {total} octets; names are at most 253", show(v)));
                }
            }
        }
    }
}
