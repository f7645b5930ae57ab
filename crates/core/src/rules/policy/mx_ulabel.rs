use crate::diagnostic::{Edit, Fix, Sink};
use crate::mta_sts::policy::*;
use crate::mx::pattern::PatternError;
use crate::text::show;

crate::rules::rule!("POLICY-MX-ULABEL", Error, "RFC 8461 §3.2", Policy, "mx_ulabel.md");

pub fn check(doc: &PolicyDoc, out: &mut Sink) {
    for (f, error) in doc.mx_errors() {
        let v = doc.bytes(f.value);
        if let PatternError::ULabel { a_label } = error {
            let message = if a_label.is_some() {
                format!("mx `{}` has non-ASCII characters; patterns must use the Punycode A-label form", show(v))
            } else {
                format!("mx `{}` has non-ASCII characters that cannot be part of a host name", show(v))
            };
            match a_label {
                Some(a) => out.report_fix(&RULE, f.value, || format!("{message} (`{a}`)"), || Fix::one(format!("write `{a}`"), Edit::replace(f.value, a))),
                None => {
                    out.report(&RULE, f.value, message);
                }
            }
        }
    }
}
