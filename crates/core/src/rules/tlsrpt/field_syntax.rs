use crate::diagnostic::Sink;
use crate::txt::proto::RecordCx;

crate::rules::rule!("TLSRPT-FIELD-SYNTAX", Error, "RFC 8460 §3", TlsRptRecord, "field_syntax.md");

pub fn check(cx: &RecordCx, out: &mut Sink) {
    crate::txt::checks::field_syntax(cx, out, &RULE);
}
