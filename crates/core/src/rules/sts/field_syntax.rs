use crate::diagnostic::Sink;
use crate::txt::proto::RecordCx;

crate::rules::rule!("STS-TXT-FIELD-SYNTAX", Error, "RFC 8461 §3.1", StsRecord, "field_syntax.md");

pub fn check(cx: &RecordCx, out: &mut Sink) {
    crate::txt::checks::field_syntax(cx, out, &RULE);
}
