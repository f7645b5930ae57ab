use crate::diagnostic::Sink;
use crate::text::show;
use crate::txt::proto::RecordCx;
use super::*;

crate::rules::rule!("TLSRPT-HTTPS-HOST", Warning, "RFC 8460 §3", TlsRptRecord, "https_host.md");

pub fn check(cx: &RecordCx, out: &mut Sink) {
    for_each_uri(cx, |uri| {
        if let Some(Problem::HttpsHost(why)) = &uri.problem {
            out.report(&RULE, uri.span, format!("`{}`: {why}; reports will probably not arrive", show(&uri.text)));
        }
    });
}
