use crate::diagnostic::Sink;
use crate::txt::proto::RecordCx;

crate::rules::rule!("STS-TXT-NO-FIELDS", Error, "RFC 8461 §3.1", StsRecord, "no_fields.md");

pub fn check(cx: &RecordCx, out: &mut Sink) {
    crate::txt::checks::no_fields(cx, out, &RULE);
}
