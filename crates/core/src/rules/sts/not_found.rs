use crate::diagnostic::Sink;
use crate::txt::proto::SetCx;

crate::rules::rule!("STS-TXT-NOT-FOUND", Error, "RFC 8461 §3.1", StsRecord, "not_found.md");

pub fn check(cx: &SetCx, out: &mut Sink) {
    crate::txt::checks::not_found(cx, out, &RULE);
}
