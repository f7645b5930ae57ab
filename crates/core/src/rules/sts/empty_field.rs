use crate::diagnostic::Sink;
use crate::txt::proto::RecordCx;

crate::rules::rule!("STS-TXT-EMPTY-FIELD", Error, "RFC 8461 §3.1", StsRecord, "empty_field.md");

pub fn check(cx: &RecordCx, out: &mut Sink) {
    crate::txt::checks::empty_field(cx, out, &RULE);
}
