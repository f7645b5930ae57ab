use crate::diagnostic::Sink;
use crate::txt::proto::RecordCx;
use super::*;

crate::rules::rule!("TLSRPT-URI-SCHEME", Error, "RFC 8460 §3", TlsRptRecord, "uri_scheme.md");

pub fn check(cx: &RecordCx, out: &mut Sink) {
    for_each_uri(cx, |uri| {
        if let Some(Problem::Scheme(scheme)) = &uri.problem {
            let hint = if scheme.eq_ignore_ascii_case("http") { "; use `https:`" } else { "" };
            out.report(&RULE, uri.span, format!("scheme `{scheme}:` is not supported: reports go only to `mailto:` or `https:`{hint}"));
        }
    });
}
