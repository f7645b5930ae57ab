use super::{FetchCx, Finding, emit, show};
use crate::diagnostic::{Severity, Sink};

crate::rules::rule!("FETCH-CONTENT-TYPE", Error, "RFC 8461 §3.2", Fetch, "content_type.md");

pub fn check(cx: &FetchCx, out: &mut Sink) {
    emit(out, &RULE, finding(cx));
}

pub(crate) fn finding(cx: &FetchCx) -> Finding {
    let http = cx.e.http.as_ref().filter(|h| h.status == 200)?;
    let value = http.headers.content_type.as_deref()?;
    let media = cx.media?;
    if media.is_text_plain() {
        return None;
    }
    let hint = if media.is_html() {
        ": an HTML page (an error, login or bot-challenge page, or a site's catch-all route) where the policy belongs"
    } else if media.essence.eq_ignore_ascii_case("application/octet-stream") {
        ": the server does not know `.txt` files (common on static hosts and object storage)"
    } else if media.essence.is_empty() {
        ": an empty media type"
    } else {
        ""
    };
    Some((
        Severity::Error,
        format!(
            "Content-Type is `{}`, not `text/plain`{hint}; senders that check the type (go-mtasts, chasquid, postfix-mta-sts-resolver, KumoMTA) reject the policy",
            show(value.trim())
        ),
    ))
}
