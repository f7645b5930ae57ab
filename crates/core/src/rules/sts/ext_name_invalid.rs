use crate::diagnostic::Sink;
use crate::txt::proto::RecordCx;

crate::rules::rule!("STS-TXT-EXT-NAME-INVALID", Error, "RFC 8461 §3.1", StsRecord, "ext_name_invalid.md");

pub fn check(cx: &RecordCx, out: &mut Sink) {
    crate::txt::checks::ext_name_invalid(cx, out, &RULE);
}
