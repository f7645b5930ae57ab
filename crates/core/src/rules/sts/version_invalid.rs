use crate::diagnostic::Sink;
use crate::txt::proto::RecordCx;

crate::rules::rule!("STS-TXT-VERSION-INVALID", Error, "RFC 8461 §3.1", StsRecord, "version_invalid.md");

pub fn check(cx: &RecordCx, out: &mut Sink) {
    crate::txt::checks::version_invalid(cx, out, &RULE);
}
