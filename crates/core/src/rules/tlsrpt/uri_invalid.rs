use crate::diagnostic::Sink;
use crate::text::show;
use crate::txt::proto::RecordCx;
use super::*;

crate::rules::rule!("TLSRPT-URI-INVALID", Error, "RFC 8460 §3, RFC 3986", TlsRptRecord, "uri_invalid.md");

pub fn check(cx: &RecordCx, out: &mut Sink) {
    for_each_uri(cx, |uri| {
        if let Some(Problem::Invalid(why)) = &uri.problem {
            out.report(&RULE, uri.span, format!("`{}` is not a valid URI: {why}", show(&uri.text)));
        }
    });
}
