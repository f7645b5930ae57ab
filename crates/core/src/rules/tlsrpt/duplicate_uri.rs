use crate::diagnostic::Sink;
use crate::text::show;
use crate::txt::proto::RecordCx;
use super::*;

crate::rules::rule!("TLSRPT-DUPLICATE-URI", Info, "RFC 8460 §3", TlsRptRecord, "duplicate_uri.md");

pub fn check(cx: &RecordCx, out: &mut Sink) {
    let mut seen: Vec<String> = Vec::new();
    for_each_uri(cx, |uri| {
        // Schemes are case-insensitive; the rest may not be.
        let text = String::from_utf8_lossy(&uri.text);
        let key = match text.split_once(':') {
            Some((scheme, rest)) => format!("{}:{rest}", scheme.to_ascii_lowercase()),
            None => text.into_owned(),
        };
        if key.is_empty() {
            return;
        }
        if seen.contains(&key) {
            out.report(&RULE, uri.span, format!("`{}` is listed twice", show(&uri.text)));
        } else {
            seen.push(key);
        }
    });
}
