use crate::diagnostic::Sink;
use crate::txt::proto::RecordCx;

crate::rules::rule!("TLSRPT-MULTIPLE-RUA-FIELDS", Warning, "RFC 8460 §3", TlsRptRecord, "multiple_rua_fields.md");

pub fn check(cx: &RecordCx, out: &mut Sink) {
    let mut all = cx.named("rua");
    let Some(_) = all.next() else { return };
    for later in all {
        out.report(&RULE, later.span, "a second `rua=` field: some reporters read only the first; list every destination in one `rua=`, separated by commas");
    }
}
