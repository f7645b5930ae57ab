use crate::diagnostic::Sink;
use crate::txt::proto::RecordCx;

crate::rules::rule!("STS-TXT-UNKNOWN-FIELD", Info, "RFC 8461 §3.1", StsRecord, "unknown_field.md");

pub fn check(cx: &RecordCx, out: &mut Sink) {
    crate::txt::checks::unknown_field(cx, out, &RULE);
}
