use crate::diagnostic::Sink;
use crate::txt::proto::SetCx;

crate::rules::rule!("TLSRPT-MULTIPLE", Error, "RFC 8460 §3", TlsRptRecord, "multiple.md");

pub fn check(cx: &SetCx, out: &mut Sink) {
    crate::txt::checks::multiple(cx, out, &RULE);
}
