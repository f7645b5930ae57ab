use crate::diagnostic::Sink;
use crate::txt::proto::RecordCx;

crate::rules::rule!("TLSRPT-EXT-NAME-INVALID", Error, "RFC 8460 §3", TlsRptRecord, "ext_name_invalid.md");

pub fn check(cx: &RecordCx, out: &mut Sink) {
    crate::txt::checks::ext_name_invalid(cx, out, &RULE);
}
