use crate::diagnostic::Sink;
use crate::text::show;
use crate::txt::proto::RecordCx;
use super::*;

crate::rules::rule!("TLSRPT-DUPLICATE-URI", Info, "RFC 8460 §3", TlsRptRecord, "duplicate_uri.md");

pub fn check(cx: &RecordCx, out: &mut Sink) {
    let mut seen: Vec<String> = Vec::new();
    for_each_uri(cx, |uri| {
        let key = String::from_utf8_lossy(&uri.text).to_ascii_lowercase();
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
