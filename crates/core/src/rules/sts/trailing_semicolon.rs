use crate::diagnostic::{Sink, Span};
use crate::txt::proto::RecordCx;

crate::rules::rule!("STS-TXT-TRAILING-SEMICOLON", Info, "RFC 8461 §3.1", StsRecord, "trailing_semicolon.md");

pub fn check(cx: &RecordCx, out: &mut Sink) {
    if let Some(at) = cx.t.trailing_semicolon {
        out.report(&RULE, Span::new(at, at + 1), "a trailing `;` is allowed");
    }
}
