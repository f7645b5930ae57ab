use crate::diagnostic::Sink;
use crate::txt::proto::SetCx;

crate::rules::rule!("STS-TXT-MULTI-STRING", Info, "RFC 8461 §3.1", StsRecord, "multi_string.md");

pub fn check(cx: &SetCx, out: &mut Sink) {
    crate::txt::checks::multi_string(cx, out, &RULE);
}
