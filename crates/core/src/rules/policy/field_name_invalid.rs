use crate::diagnostic::Sink;
use crate::mta_sts::policy::*;
use crate::text::{is_ext_name, show};

crate::rules::rule!("POLICY-FIELD-NAME-INVALID", Error, "RFC 8461 §3.2", Policy, "field_name_invalid.md");

pub fn check(doc: &PolicyDoc, out: &mut Sink) {
    if !doc.has_detail() {
        return;
    }
    for (_, line) in doc.odd_lines() {
        if let Shape::Field { name, colon, .. } = line.shape {
            let text = doc.bytes(name);
            if name.is_empty() || name.end < colon || is_ext_name(text) {
                continue; // line_syntax reports these
            }
            let why = if text.len() > 32 {
                format!("is {} characters long (at most 32)", text.len())
            } else if !text[0].is_ascii_alphanumeric() {
                "must start with a letter or digit".to_string()
            } else {
                "may only hold letters, digits, `_`, `-` and `.`".to_string()
            };
            out.report(&RULE, name, || format!("field name `{}` {why}", show(text)));
        }
    }
}
