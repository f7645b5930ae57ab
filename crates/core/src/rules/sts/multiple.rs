use crate::diagnostic::Sink;
use crate::txt::proto::SetCx;

crate::rules::rule!("STS-TXT-MULTIPLE", Error, "RFC 8461 §3.1", StsRecord, "multiple.md");

pub fn check(cx: &SetCx, out: &mut Sink) {
    crate::txt::checks::multiple(cx, out, &RULE);
}
