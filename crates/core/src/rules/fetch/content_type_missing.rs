use super::{FetchCx, Finding, emit};
use crate::diagnostic::{Severity, Sink};

crate::rules::rule!(
    "FETCH-CONTENT-TYPE-MISSING",
    Error,
    "RFC 8461 §3.2",
    Fetch,
    "content_type_missing.md"
);

pub fn check(cx: &FetchCx, out: &mut Sink) {
    emit(out, &RULE, finding(cx));
}

pub(crate) fn finding(cx: &FetchCx) -> Finding {
    let http = cx.e.http.as_ref().filter(|h| h.status == 200)?;
    if http.headers.content_type.is_some() {
        return None;
    }
    Some((
        Severity::Error,
        format!(
            "`{}` is served without a Content-Type header: the policy must be `text/plain`, and senders that check the type reject it (KumoMTA does)",
            cx.url
        ),
    ))
}
