use crate::diagnostic::Sink;
use crate::txt::proto::RecordCx;

crate::rules::rule!("TLSRPT-WSP-BEFORE-SEMICOLON", Warning, "RFC 8460 §3", TlsRptRecord, "wsp_before_semicolon.md");

pub fn check(cx: &RecordCx, out: &mut Sink) {
    crate::txt::checks::wsp_before_semicolon(cx, out, &RULE);
}
