use crate::diagnostic::{Sink, Span};
use crate::mta_sts::policy::*;

crate::rules::rule!("POLICY-NOT-UTF8", Error, "RFC 8461 §3.2", Policy, "not_utf8.md");

pub fn check(doc: &PolicyDoc, out: &mut Sink) {
    // The parser validated the file once; most files are valid.
    if doc.utf8_error.is_none() {
        return;
    }
    let mut pos = 0;
    while let Some((at, len)) = crate::text::utf8_error(&doc.src[pos..]) {
        let start = pos + at;
        let len = len.max(1);
        out.report(
            &RULE,
            Span::new(start, start + len),
            format!("byte 0x{:02X} at offset {start} is not valid UTF-8", doc.src[start]),
        );
        pos = start + len;
        if pos >= doc.src.len() {
            break;
        }
    }
}
