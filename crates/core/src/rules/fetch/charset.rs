use super::{FetchCx, Finding, emit, show};
use crate::diagnostic::{Severity, Sink};

crate::rules::rule!("FETCH-CHARSET", Warning, "RFC 8461 §3.2", Fetch, "charset.md");

pub fn check(cx: &FetchCx, out: &mut Sink) {
    emit(out, &RULE, finding(cx));
}

pub(crate) fn finding(cx: &FetchCx) -> Finding {
    if !cx.ok() {
        return None;
    }
    let media = cx.media?;
    let charset = media
        .charsets()
        .map(str::trim)
        .find(|c| !c.eq_ignore_ascii_case("utf-8") && !c.eq_ignore_ascii_case("us-ascii"))?;
    let ascii = cx.body.is_some_and(|b| b.is_ascii());
    let note = if ascii {
        " (the body is plain ASCII, so nothing is misread today)"
    } else {
        ""
    };
    Some((
        Severity::Warning,
        format!(
            "Content-Type declares charset `{}`: RFC 8461 names only `utf-8` and `us-ascii`, and a sender that honours another charset may decode the policy wrongly{note}",
            show(charset)
        ),
    ))
}
