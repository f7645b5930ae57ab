use crate::diagnostic::Sink;
use crate::txt::proto::SetCx;

crate::rules::rule!("TLSRPT-UNRELATED-RECORD", Info, "RFC 8460 §3", TlsRptRecord, "unrelated_record.md");

pub fn check(cx: &SetCx, out: &mut Sink) {
    crate::txt::checks::unrelated_record(cx, out, &RULE);
}
