use crate::diagnostic::Sink;
use crate::txt::proto::RecordCx;

crate::rules::rule!("TLSRPT-EMPTY-FIELD", Error, "RFC 8460 §3", TlsRptRecord, "empty_field.md");

pub fn check(cx: &RecordCx, out: &mut Sink) {
    crate::txt::checks::empty_field(cx, out, &RULE);
}
