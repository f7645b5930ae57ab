use crate::diagnostic::Sink;
use crate::txt::proto::SetCx;

crate::rules::rule!("TLSRPT-NOT-FOUND", Error, "RFC 8460 §3", TlsRptRecord, "not_found.md");

pub fn check(cx: &SetCx, out: &mut Sink) {
    crate::txt::checks::not_found(cx, out, &RULE);
}
