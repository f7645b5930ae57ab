use crate::diagnostic::Sink;
use crate::txt::proto::RecordCx;

crate::rules::rule!("TLSRPT-EXT-VALUE-INVALID", Error, "RFC 8460 §3", TlsRptRecord, "ext_value_invalid.md");

pub fn check(cx: &RecordCx, out: &mut Sink) {
    crate::txt::checks::ext_value_invalid(cx, out, &RULE);
}
