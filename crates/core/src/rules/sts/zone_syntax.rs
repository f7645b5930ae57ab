use crate::diagnostic::Sink;
use crate::txt::proto::SetCx;

crate::rules::rule!("STS-TXT-ZONE-SYNTAX", Error, "RFC 1035 §5.1", StsRecord, "zone_syntax.md");

pub fn check(cx: &SetCx, out: &mut Sink) {
    crate::txt::checks::zone_syntax(cx, out, &RULE);
}
