use crate::diagnostic::Sink;
use crate::txt::proto::RecordCx;

crate::rules::rule!("TLSRPT-LEADING-WSP", Error, "RFC 8460 §3", TlsRptRecord, "leading_wsp.md");

pub fn check(cx: &RecordCx, out: &mut Sink) {
    crate::txt::checks::leading_wsp(cx, out, &RULE);
}
