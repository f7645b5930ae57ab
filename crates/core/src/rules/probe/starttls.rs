use super::{Finding, ProbeCx, emit, show};
use crate::diagnostic::{Severity, Sink};
use crate::probe::ProbeErrorKind;

crate::rules::rule!("MXC-STARTTLS", Error, "RFC 8461 §4.2, §5", MxMatch, "starttls.md");

pub fn check(cx: &ProbeCx, out: &mut Sink) {
    emit(out, &RULE, finding(cx));
}

pub(crate) fn finding(cx: &ProbeCx) -> Finding {
    let host = cx.host;
    let e = cx.e;
    if e.offers_starttls() == Some(false) {
        return Some((
            Severity::Error,
            format!(
                "`{host}` does not offer STARTTLS: its EHLO reply does not list it, so no TLS connection is possible and {}",
                cx.consequence()
            ),
        ));
    }
    if let Some(reply) = e.starttls_reply.as_deref().map(str::trim)
        && !reply.starts_with('2')
    {
        return Some((
            Severity::Error,
            format!(
                "`{host}` advertises STARTTLS but refuses it: `STARTTLS` was answered `{}`; {}",
                show(reply),
                cx.consequence()
            ),
        ));
    }
    // A handshake that failed before the server's certificate was seen: no protocol
    // version or cipher in common, or the server closed the connection. A failure over
    // the certificate itself is MXC-CERT's (the recorded certificate is there then).
    if let Some(err) = e.error.as_ref().filter(|err| err.kind == ProbeErrorKind::Tls)
        && e.certificate.is_none()
    {
        let alert = err
            .tls_alert
            .as_deref()
            .map(|a| format!(", alert `{}`", show(a)))
            .unwrap_or_default();
        return Some((
            Severity::Error,
            format!(
                "the TLS handshake with `{host}` after STARTTLS failed{}{alert}; {}",
                cx.error_note(),
                cx.consequence()
            ),
        ));
    }
    None
}
