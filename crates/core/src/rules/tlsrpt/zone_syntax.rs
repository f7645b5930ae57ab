use crate::diagnostic::Sink;
use crate::txt::proto::SetCx;

crate::rules::rule!("TLSRPT-ZONE-SYNTAX", Error, "RFC 1035 §5.1", TlsRptRecord, "zone_syntax.md");

pub fn check(cx: &SetCx, out: &mut Sink) {
    crate::txt::checks::zone_syntax(cx, out, &RULE);
}
