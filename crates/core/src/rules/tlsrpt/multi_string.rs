use crate::diagnostic::Sink;
use crate::txt::proto::SetCx;

crate::rules::rule!("TLSRPT-MULTI-STRING", Info, "RFC 8460 §3", TlsRptRecord, "multi_string.md");

pub fn check(cx: &SetCx, out: &mut Sink) {
    crate::txt::checks::multi_string(cx, out, &RULE);
}
