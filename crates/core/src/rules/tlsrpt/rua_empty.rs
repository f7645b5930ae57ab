use crate::diagnostic::Sink;
use crate::txt::proto::RecordCx;

crate::rules::rule!("TLSRPT-RUA-EMPTY", Error, "RFC 8460 §3", TlsRptRecord, "rua_empty.md");

pub fn check(cx: &RecordCx, out: &mut Sink) {
    for f in cx.named("rua") {
        if cx.text(f.value).is_empty() {
            out.report(&RULE, f.span, "`rua=` lists no destination; add a `mailto:` or `https:` URI");
        }
    }
}
