use crate::diagnostic::{Edit, Fix, Sink, Span};
use crate::text::show;
use crate::txt::proto::RecordCx;

crate::rules::rule!("STS-TXT-ID-MISSING", Error, "RFC 8461 §3.1", StsRecord, "id_missing.md");

pub fn check(cx: &RecordCx, out: &mut Sink) {
    // Only when the record starts with a version: otherwise that is the finding.
    let starts_with_version = cx.t.fields.first().is_some_and(|f| cx.text(f.name).eq_ignore_ascii_case(b"v"));
    // `id = x` is reported as field syntax, not as a missing field.
    let spaced = cx.t.rest().iter().any(|f| f.wsp_around_eq && cx.text(f.name) == b"id");
    if !starts_with_version || spaced || cx.t.fields.len() < 2 || cx.named("id").next().is_some() {
        return;
    }
    let variant = cx.t.rest().iter().find(|f| f.eq.is_some() && cx.text(f.name).eq_ignore_ascii_case(b"id"));
    match variant {
        Some(f) if !f.wsp_around_eq => out.report_fix(
            &RULE,
            f.name,
            format!("no `id` field: `{}` is not `id`, names are case-sensitive", show(cx.text(f.name))),
            Fix::one("write `id`", Edit::replace(f.name, "id")),
        ),
        _ => {
            out.report(&RULE, Span::new(0, cx.data.len()), "no `id=` field; add one, e.g. `id=20240101T000000` without punctuation: `id=20240101000000`");
        }
    }
}
