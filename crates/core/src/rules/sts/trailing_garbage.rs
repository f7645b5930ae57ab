use crate::diagnostic::Sink;
use crate::txt::proto::RecordCx;

crate::rules::rule!("STS-TXT-TRAILING-GARBAGE", Error, "RFC 8461 §3.1", StsRecord, "trailing_garbage.md");

pub fn check(cx: &RecordCx, out: &mut Sink) {
    crate::txt::checks::trailing_garbage(cx, out, &RULE);
}
