use crate::diagnostic::Sink;
use crate::txt::proto::RecordCx;

crate::rules::rule!("STS-TXT-VERSION-NOT-FIRST", Error, "RFC 8461 §3.1", StsRecord, "version_not_first.md");

pub fn check(cx: &RecordCx, out: &mut Sink) {
    crate::txt::checks::version_not_first(cx, out, &RULE);
}
