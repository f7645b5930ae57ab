use crate::diagnostic::{Sink, Span};
use crate::mta_sts::policy::*;
use crate::text::show;

crate::rules::rule!("POLICY-DUPLICATE-FIELD", Warning, "RFC 8461 §3.2", Policy, "duplicate_field.md");

pub fn check(doc: &PolicyDoc, out: &mut Sink) {
    if !doc.has_detail() {
        return;
    }
    for key in [Key::Version, Key::Mode, Key::MaxAge] {
        let mut all = doc.all(key);
        let Some(first) = all.next() else { continue };
        for later in all {
            let message = || {
                let tail = if doc.bytes(later.value) == doc.bytes(first.value) {
                    "with the same value".to_string()
                } else {
                    format!("senders use the first (`{}`) and ignore this one (`{}`)", show(doc.bytes(first.value)), show(doc.bytes(later.value)))
                };
                format!("`{}` appears again (first on line {}); {tail}", key.name(), first.line + 1)
            };
            out.report(&RULE, Span::new(doc.line(later.line).span.start, later.value.end), message);
        }
    }
}
