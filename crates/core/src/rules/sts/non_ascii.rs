use crate::diagnostic::{Sink, Span};
use crate::text::show;
use crate::txt::proto::RecordCx;

crate::rules::rule!("STS-TXT-NON-ASCII", Error, "RFC 8461 §3.1", StsRecord, "non_ascii.md");

pub fn check(cx: &RecordCx, out: &mut Sink) {
    let mut i = 0;
    while i < cx.data.len() {
        if cx.data[i].is_ascii() {
            i += 1;
            continue;
        }
        let start = i;
        while i < cx.data.len() && !cx.data[i].is_ascii() {
            i += 1;
        }
        out.report(
            &RULE,
            Span::new(start, i),
            format!("`{}` is not US-ASCII; the record must be plain ASCII", show(&cx.data[start..i])),
        );
    }
}
