use crate::diagnostic::{Sink, Span};
use crate::mta_sts::policy::*;
use crate::text::{is_ext_name, show};

crate::rules::rule!("POLICY-EXT-VALUE-INVALID", Error, "RFC 8461 §3.2", Policy, "ext_value_invalid.md");

pub fn check(doc: &PolicyDoc, out: &mut Sink) {
    if !doc.has_detail() {
        return;
    }
    for (_, line) in doc.odd_lines() {
        let Shape::Field { name, colon, value } = line.shape else { continue };
        let text = doc.bytes(name);
        if !is_ext_name(text) || Key::from_name(text).is_some() || name.end < colon {
            continue;
        }
        let v = doc.bytes(value);
        if v.is_empty() {
            out.report(&RULE, Span::new(colon, colon + 1), || format!("`{}:` has no value; extension values cannot be empty", show(text)));
        } else if let Some(bad) = v.iter().position(|&b| b < 0x20 || b == 0x7f) {
            let at = value.start + bad;
            // Bare CR, VT and FF are reported as line endings.
            if !matches!(v[bad], b'\r' | 0x0B | 0x0C) {
                out.report(
                    &RULE,
                    Span::new(at, at + 1),
                    || format!("control character {} in the value of `{}`", show(&v[bad..bad + 1]), show(text)),
                );
            }
        }
    }
}
