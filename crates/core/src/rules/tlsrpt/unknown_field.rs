use crate::diagnostic::Sink;
use crate::txt::proto::RecordCx;

crate::rules::rule!("TLSRPT-UNKNOWN-FIELD", Info, "RFC 8460 §3", TlsRptRecord, "unknown_field.md");

pub fn check(cx: &RecordCx, out: &mut Sink) {
    crate::txt::checks::unknown_field(cx, out, &RULE);
}
