use super::{FetchCx, Finding, emit, show};
use crate::diagnostic::{Severity, Sink};

crate::rules::rule!(
    "FETCH-CERT-UNTRUSTED",
    Error,
    "RFC 8461 §3.3",
    Fetch,
    "cert_untrusted.md"
);

pub fn check(cx: &FetchCx, out: &mut Sink) {
    emit(out, &RULE, finding(cx));
}

pub(crate) fn finding(cx: &FetchCx) -> Finding {
    let cert = cx.e.certificate.as_ref();
    let untrusted = match cert.and_then(|c| c.chains_to_trusted_root) {
        Some(trusted) => !trusted,
        None => {
            cx.tls_alert().as_deref() == Some("unknown_ca")
                || cx.tls_error_mentions(&[
                    "unknownissuer",
                    "unknown issuer",
                    "unknown ca",
                    "unknown_ca",
                    "unknownca",
                    "self signed",
                    "self-signed",
                    "selfsigned",
                    "unable to get local issuer",
                    "authority_invalid",
                    "untrusted",
                    "not trusted",
                ])
        }
    };
    if !untrusted {
        return None;
    }
    let issuer = cert.and_then(|c| c.issuer.as_deref()).map(str::trim);
    let subject = cert.and_then(|c| c.subject.as_deref()).map(str::trim);
    let reason = cert
        .and_then(|c| c.error.as_deref())
        .map(|e| format!(" (`{}`)", show(e)))
        .unwrap_or_else(|| cx.error_note());
    let message = match (issuer, subject) {
        (Some(i), Some(s)) if !i.is_empty() && i == s => format!(
            "the certificate of `{}` is self-signed (`{}`){reason}: senders refuse it",
            cx.host,
            show(i)
        ),
        (Some(i), _) if !i.is_empty() => format!(
            "the certificate of `{}`, issued by `{}`, does not chain to a trusted root CA{reason}: senders refuse it (a private CA, or a server that leaves out the intermediate certificate)",
            cx.host,
            show(i)
        ),
        _ => format!(
            "the certificate of `{}` does not chain to a trusted root CA{reason}: senders refuse it (a self-signed or private-CA certificate, or a server that leaves out the intermediate certificate)",
            cx.host
        ),
    };
    Some((Severity::Error, message))
}
