use crate::diagnostic::Sink;
use crate::txt::proto::RecordCx;

crate::rules::rule!("TLSRPT-TRAILING-GARBAGE", Error, "RFC 8460 §3", TlsRptRecord, "trailing_garbage.md");

pub fn check(cx: &RecordCx, out: &mut Sink) {
    crate::txt::checks::trailing_garbage(cx, out, &RULE);
}
