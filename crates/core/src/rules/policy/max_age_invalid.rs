use crate::diagnostic::Sink;
use crate::mta_sts::policy::*;
use crate::text::show;

crate::rules::rule!("POLICY-MAX-AGE-INVALID", Error, "RFC 8461 §3.2", Policy, "max_age_invalid.md");

pub fn check(doc: &PolicyDoc, out: &mut Sink) {
    let Some(f) = doc.first(Key::MaxAge) else { return };
    let v = doc.bytes(f.value);
    if parse_max_age(v).is_some() {
        return;
    }
    let why = if v.is_empty() {
        "is empty".to_string()
    } else if v.iter().all(u8::is_ascii_digit) {
        format!("has {} digits (at most 10)", v.len())
    } else if v[0] == b'+' || v[0] == b'-' {
        "has a sign".to_string()
    } else if v.contains(&b'.') || v.contains(&b',') {
        "is not a whole number".to_string()
    } else if v.contains(&b'_') {
        "has `_` in it".to_string()
    } else if v.iter().any(|b| crate::text::is_wsp(*b)) {
        "has spaces in it".to_string()
    } else if v.iter().any(|b| b.is_ascii_alphabetic()) && v[0].is_ascii_digit() {
        "has letters in it (no units or exponents)".to_string()
    } else {
        "is not a number".to_string()
    };
    out.report(&RULE, f.value, format!("max_age `{}` {why}: it must be plain seconds, e.g. `604800`", show(v)));
}
