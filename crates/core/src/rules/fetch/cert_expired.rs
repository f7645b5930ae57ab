use super::{FetchCx, Finding, emit, show};
use crate::diagnostic::{Severity, Sink};
use crate::fetch::time;

crate::rules::rule!("FETCH-CERT-EXPIRED", Error, "RFC 8461 §3.3", Fetch, "cert_expired.md");

/// Warn when the certificate runs out within this many days of the fetch.
pub const SOON_DAYS: i64 = 14;

pub fn check(cx: &FetchCx, out: &mut Sink) {
    emit(out, &RULE, finding(cx));
}

pub(crate) fn finding(cx: &FetchCx) -> Finding {
    let cert = cx.e.certificate.as_ref();
    let now = cx.e.fetched_at.and_then(|t| i64::try_from(t).ok());
    let parse = |s: Option<&String>| s.and_then(|s| time::parse_rfc3339(s));
    let not_after = parse(cert.and_then(|c| c.not_after.as_ref()));
    let not_before = parse(cert.and_then(|c| c.not_before.as_ref()));
    if let Some(now) = now {
        if let Some(end) = not_after
            && now > end
        {
            let days = now.saturating_sub(end) / 86_400;
            return Some((
                Severity::Error,
                format!(
                    "the certificate of `{}` expired on {} ({}), so senders refuse it",
                    cx.host,
                    time::readable(end),
                    match days {
                        0 => "less than a day before this fetch".to_string(),
                        1 => "1 day before this fetch".to_string(),
                        n => format!("{n} days before this fetch"),
                    }
                ),
            ));
        }
        if let Some(start) = not_before
            && now < start
        {
            return Some((
                Severity::Error,
                format!(
                    "the certificate of `{}` is not valid before {}: senders refuse it until then (or the server's clock, or the CA's, is wrong)",
                    cx.host,
                    time::readable(start)
                ),
            ));
        }
        if let Some(end) = not_after {
            let days = end.saturating_sub(now) / 86_400;
            if days < SOON_DAYS {
                return Some((
                    Severity::Warning,
                    format!(
                        "the certificate of `{}` expires on {}, in {}: check that renewal works, or senders will refuse the policy host",
                        cx.host,
                        time::readable(end),
                        if days == 1 {
                            "1 day".to_string()
                        } else {
                            format!("{days} days")
                        }
                    ),
                ));
            }
        }
        if not_after.is_some() {
            return None;
        }
    }
    if cx.tls_alert().as_deref() == Some("certificate_expired")
        || cx.tls_error_mentions(&["expired", "notvalidyet", "not yet valid", "date_invalid"])
    {
        let when = cert
            .and_then(|c| c.not_after.as_deref())
            .map(|d| format!(" (not after {})", show(d)))
            .unwrap_or_default();
        return Some((
            Severity::Error,
            format!(
                "the certificate of `{}` is outside its validity period{when}{}",
                cx.host,
                cx.error_note()
            ),
        ));
    }
    None
}
