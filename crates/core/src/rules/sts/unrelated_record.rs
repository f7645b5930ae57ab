use crate::diagnostic::Sink;
use crate::txt::proto::SetCx;

crate::rules::rule!("STS-TXT-UNRELATED-RECORD", Info, "RFC 8461 §3.1", StsRecord, "unrelated_record.md");

pub fn check(cx: &SetCx, out: &mut Sink) {
    crate::txt::checks::unrelated_record(cx, out, &RULE);
}
