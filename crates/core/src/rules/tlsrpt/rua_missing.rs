use crate::diagnostic::{Edit, Fix, Sink, Span};
use crate::text::show;
use crate::txt::proto::RecordCx;

crate::rules::rule!("TLSRPT-RUA-MISSING", Error, "RFC 8460 §3", TlsRptRecord, "rua_missing.md");

pub fn check(cx: &RecordCx, out: &mut Sink) {
    // Only when the record starts with a version: otherwise that is the finding.
    let starts_with_version = cx.t.fields.first().is_some_and(|f| cx.text(f.name).eq_ignore_ascii_case(b"v"));
    // `rua = x` is reported as field syntax, not as a missing field.
    let spaced = cx.t.rest().iter().any(|f| f.wsp_around_eq && cx.text(f.name) == b"rua");
    if !starts_with_version || spaced || cx.t.fields.len() < 2 || cx.named("rua").next().is_some() {
        return;
    }
    let variant = cx.t.rest().iter().find(|f| f.eq.is_some() && cx.text(f.name).eq_ignore_ascii_case(b"rua"));
    match variant {
        Some(f) if !f.wsp_around_eq => out.report_fix(
            &RULE,
            f.name,
            format!("no `rua` field: `{}` is not `rua`, names are case-sensitive", show(cx.text(f.name))),
            Fix::one("write `rua`", Edit::replace(f.name, "rua")),
        ),
        _ => {
            out.report(&RULE, Span::new(0, cx.data.len()), "no `rua=` field: say where reports go, e.g. `rua=mailto:tls-reports@example.com`");
        }
    }
}
