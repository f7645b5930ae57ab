use crate::diagnostic::Sink;
use crate::txt::proto::RecordCx;

crate::rules::rule!("TLSRPT-NO-FIELDS", Error, "RFC 8460 §3", TlsRptRecord, "no_fields.md");

pub fn check(cx: &RecordCx, out: &mut Sink) {
    crate::txt::checks::no_fields(cx, out, &RULE);
}
