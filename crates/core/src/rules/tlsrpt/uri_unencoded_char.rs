use crate::diagnostic::{Sink, Span};
use crate::text::show;
use crate::txt::proto::RecordCx;
use super::*;

crate::rules::rule!("TLSRPT-URI-UNENCODED-CHAR", Error, "RFC 8460 §3", TlsRptRecord, "uri_unencoded_char.md");

pub fn check(cx: &RecordCx, out: &mut Sink) {
    for_each_uri(cx, |uri| {
        if let Some(Problem::Unencoded { at, byte }) = uri.problem {
            let at = uri.span.start + at;
            let hint = if byte == b'!' { " (a DMARC-style `!10m` size limit is not part of TLS-RPT)" } else { "" };
            out.report(
                &RULE,
                Span::new(at, at + 1),
                format!("`{}` in `{}` must be written `%{:02X}`{hint}", byte as char, show(&uri.text), byte),
            );
        }
    });
}
