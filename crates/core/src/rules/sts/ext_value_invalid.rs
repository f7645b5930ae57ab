use crate::diagnostic::Sink;
use crate::txt::proto::RecordCx;

crate::rules::rule!("STS-TXT-EXT-VALUE-INVALID", Error, "RFC 8461 §3.1", StsRecord, "ext_value_invalid.md");

pub fn check(cx: &RecordCx, out: &mut Sink) {
    crate::txt::checks::ext_value_invalid(cx, out, &RULE);
}
