use crate::diagnostic::Sink;
use crate::txt::proto::RecordCx;

crate::rules::rule!("STS-TXT-LEADING-WSP", Error, "RFC 8461 §3.1", StsRecord, "leading_wsp.md");

pub fn check(cx: &RecordCx, out: &mut Sink) {
    crate::txt::checks::leading_wsp(cx, out, &RULE);
}
