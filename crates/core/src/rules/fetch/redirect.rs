use super::{FetchCx, Finding, emit, show};
use crate::diagnostic::{Severity, Sink};

crate::rules::rule!("FETCH-REDIRECT", Error, "RFC 8461 §3.3", Fetch, "redirect.md");

pub fn check(cx: &FetchCx, out: &mut Sink) {
    emit(out, &RULE, finding(cx));
}

pub(crate) fn finding(cx: &FetchCx) -> Finding {
    let status = cx.status().filter(|s| (300..400).contains(s) && *s != 304)?;
    let location =
        cx.e.http
            .as_ref()
            .and_then(|h| h.headers.location.as_deref())
            .map(str::trim)
            .filter(|l| !l.is_empty());
    let target = match location {
        Some(l) => format!(" to `{}`", show(l)),
        None => " (without a Location header)".to_string(),
    };
    Some((
        Severity::Error,
        format!(
            "`{}` answers {status}, a redirect{target}: senders MUST NOT follow redirects, so they get no policy (browsers, curl -L, checkdmarc and DNSHealth follow it and show one)",
            cx.url
        ),
    ))
}
