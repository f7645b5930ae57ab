use super::{FetchCx, Finding, emit, show};
use crate::diagnostic::{Severity, Sink};

crate::rules::rule!("FETCH-CERT-REVOKED", Warning, "RFC 8461 §3.3", Fetch, "cert_revoked.md");

pub fn check(cx: &FetchCx, out: &mut Sink) {
    emit(out, &RULE, finding(cx));
}

pub(crate) fn finding(cx: &FetchCx) -> Finding {
    let cert = cx.e.certificate.as_ref();
    let revoked = match cert.and_then(|c| c.revoked) {
        Some(r) => r,
        None => cx.tls_alert().as_deref() == Some("certificate_revoked") || cx.tls_error_mentions(&["revoked"]),
    };
    if !revoked {
        return None;
    }
    let issuer = cert
        .and_then(|c| c.issuer.as_deref())
        .map(|i| format!(" issued by `{}`", show(i)))
        .unwrap_or_default();
    Some((
        Severity::Warning,
        format!(
            "the certificate of `{}`{issuer} has been revoked by its CA: senders that check revocation refuse it",
            cx.host
        ),
    ))
}
