use crate::diagnostic::Sink;
use crate::mta_sts::policy::*;
use crate::text::show;

crate::rules::rule!("POLICY-MAX-AGE-LEADING-ZERO", Info, "RFC 8461 §3.2", Policy, "max_age_leading_zero.md");

pub fn check(doc: &PolicyDoc, out: &mut Sink) {
    let Some(f) = doc.first(Key::MaxAge) else { return };
    let v = doc.bytes(f.value);
    if v.len() > 1 && v[0] == b'0' && parse_max_age(v).is_some() {
        out.report(&RULE, f.value, format!("max_age `{}` has leading zeros; legal and read as decimal, but a C-style parser could take it for octal", show(v)));
    }
}
