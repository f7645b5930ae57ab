use super::{FetchCx, Finding, emit, show};
use crate::diagnostic::{Severity, Sink};

crate::rules::rule!("FETCH-NOT-HTTPS", Error, "RFC 8461 §3.2, §3.3", Fetch, "not_https.md");

pub fn check(cx: &FetchCx, out: &mut Sink) {
    emit(out, &RULE, finding(cx));
}

pub(crate) fn finding(cx: &FetchCx) -> Finding {
    if let Some(url) = cx.e.url.as_deref()
        && url.trim().get(..7).is_some_and(|s| s.eq_ignore_ascii_case("http://"))
    {
        return Some((
            Severity::Error,
            format!(
                "the policy was fetched over plain HTTP (`{}`): senders only use `{}` and never read what plain HTTP serves",
                show(url.trim()),
                cx.url
            ),
        ));
    }
    // A server that speaks plain HTTP on port 443: the client's TLS parser sees an HTTP
    // response where a handshake record should be.
    if cx.tls_error_mentions(&[
        "wrong version number",
        "does not look like a tls handshake",
        "invalidcontenttype",
        "http request to an https server",
    ]) {
        return Some((
            Severity::Error,
            format!(
                "`{}` answered the TLS handshake with plain HTTP{}: port 443 serves no HTTPS",
                cx.host,
                cx.error_note()
            ),
        ));
    }
    None
}
