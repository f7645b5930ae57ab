use crate::diagnostic::Sink;
use crate::text::show;
use crate::txt::proto::RecordCx;
use super::*;

crate::rules::rule!("TLSRPT-MAILTO-INVALID", Error, "RFC 8460 §3, RFC 6068", TlsRptRecord, "mailto_invalid.md");

pub fn check(cx: &RecordCx, out: &mut Sink) {
    for_each_uri(cx, |uri| {
        if let Some(Problem::Mailto(why)) = &uri.problem {
            out.report(&RULE, uri.span, format!("`{}`: {why}", show(&uri.text)));
        }
    });
}
