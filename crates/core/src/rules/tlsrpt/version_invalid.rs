use crate::diagnostic::Sink;
use crate::txt::proto::RecordCx;

crate::rules::rule!("TLSRPT-VERSION-INVALID", Error, "RFC 8460 §3", TlsRptRecord, "version_invalid.md");

pub fn check(cx: &RecordCx, out: &mut Sink) {
    crate::txt::checks::version_invalid(cx, out, &RULE);
}
