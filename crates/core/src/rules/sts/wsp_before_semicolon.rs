use crate::diagnostic::Sink;
use crate::txt::proto::RecordCx;

crate::rules::rule!("STS-TXT-WSP-BEFORE-SEMICOLON", Warning, "RFC 8461 §3.1, errata 6285", StsRecord, "wsp_before_semicolon.md");

pub fn check(cx: &RecordCx, out: &mut Sink) {
    crate::txt::checks::wsp_before_semicolon(cx, out, &RULE);
}
