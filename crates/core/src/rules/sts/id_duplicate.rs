use crate::diagnostic::Sink;
use crate::text::show;
use crate::txt::proto::RecordCx;

crate::rules::rule!("STS-TXT-ID-DUPLICATE", Warning, "RFC 8461 §3.2", StsRecord, "id_duplicate.md");

pub fn check(cx: &RecordCx, out: &mut Sink) {
    let mut ids = cx.named("id");
    let Some(first) = ids.next() else { return };
    for later in ids {
        out.report(
            &RULE,
            later.span,
            format!("a second `id`; senders use the first (`{}`) and ignore `{}`", show(cx.text(first.value)), show(cx.text(later.value))),
        );
    }
}
