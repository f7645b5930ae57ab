use crate::diagnostic::Sink;
use crate::txt::proto::RecordCx;

crate::rules::rule!("TLSRPT-VERSION-NOT-FIRST", Error, "RFC 8460 §3", TlsRptRecord, "version_not_first.md");

pub fn check(cx: &RecordCx, out: &mut Sink) {
    crate::txt::checks::version_not_first(cx, out, &RULE);
}
