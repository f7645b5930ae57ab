use super::{FetchCx, Finding, emit};
use crate::diagnostic::{Severity, Sink};
use crate::fetch::ErrorKind;

crate::rules::rule!("FETCH-STATUS", Error, "RFC 8461 §3.3", Fetch, "status.md");

pub fn check(cx: &FetchCx, out: &mut Sink) {
    emit(out, &RULE, finding(cx));
}

/// Whether a more specific rule already explains a fetch that got no response.
fn explained(cx: &FetchCx) -> bool {
    use super::*;
    host_missing::finding(cx).is_some()
        || not_https::finding(cx).is_some()
        || tls_version::finding(cx).is_some()
        || sni::finding(cx).is_some()
        || cert_untrusted::finding(cx).is_some()
        || cert_expired::finding(cx).is_some_and(|(s, _)| s == Severity::Error)
        || cert_name_mismatch::finding(cx).is_some()
        || cert_revoked::finding(cx).is_some()
        || timeout::finding(cx).is_some()
}

pub(crate) fn finding(cx: &FetchCx) -> Finding {
    let host = cx.host;
    let Some(status) = cx.status() else {
        let err = cx.e.error.as_ref()?;
        if explained(cx) {
            return None;
        }
        let what = match err.kind {
            ErrorKind::Dns => format!("the name `{host}` did not resolve"),
            ErrorKind::Connect => format!("no connection to `{host}` on port 443"),
            ErrorKind::Tls => format!("the TLS handshake with `{host}` failed"),
            ErrorKind::Timeout => format!("`{host}` did not answer in time"),
            ErrorKind::Other => format!("the request to `{host}` failed"),
        };
        return Some((
            Severity::Error,
            format!("no HTTP response: {what}{}, so senders get no policy", cx.error_note()),
        ));
    };
    if status == 200 || matches!(status, 404 | 410) || ((300..400).contains(&status) && status != 304) {
        return None;
    }
    let hint = match status {
        100..=199 => " (an interim response where a final one belongs)",
        201..=299 => ": only 200 counts, even when a valid policy comes with it",
        304 => ": a conditional response, but senders send no conditional requests (HTTP caching must not be used)",
        401 | 407 => ": the policy must be public, without authentication",
        403 => {
            ": often bot protection or a WAF that blocks clients that are not browsers (Cloudflare Bot Fight Mode, Browser Integrity Check), or file permissions"
        }
        421 => ": the server has no site for this host name",
        429 => ": rate limiting; senders fetch from many addresses and will be refused too",
        500..=599 => ": a server error",
        _ => "",
    };
    Some((
        Severity::Error,
        format!(
            "`{}` answered status {status}{hint}; senders accept the policy only with status 200",
            cx.url
        ),
    ))
}
