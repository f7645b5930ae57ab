use super::{Finding, ProbeCx, emit};
use crate::diagnostic::{Severity, Sink};
use crate::probe::ProbeErrorKind;

crate::rules::rule!("MXC-PROBE-FAILED", Warning, "RFC 8461 §4.2", MxMatch, "probe_failed.md");

pub fn check(cx: &ProbeCx, out: &mut Sink) {
    emit(out, &RULE, finding(cx));
}

pub(crate) fn finding(cx: &ProbeCx) -> Finding {
    let err = cx.e.error.as_ref()?;
    // A TLS failure, a missing or refused STARTTLS: MXC-STARTTLS says it.
    if err.kind == ProbeErrorKind::Tls || super::starttls::finding(cx).is_some() {
        return None;
    }
    // After the handshake every fact the rules need is known: a later failure (say, to
    // `QUIT`) does not matter to senders' TLS decision.
    if cx.e.tls_version.is_some() || cx.e.certificate.is_some() {
        return None;
    }
    let host = cx.host;
    let what = match err.kind {
        ProbeErrorKind::Dns => format!("`{host}` has no address to probe"),
        ProbeErrorKind::Connect => format!("no SMTP connection to `{host}` could be made"),
        ProbeErrorKind::Timeout => format!("the probe of `{host}` ran out of time"),
        ProbeErrorKind::Smtp => format!("the SMTP conversation with `{host}` failed"),
        _ => format!("the probe of `{host}` failed"),
    };
    let stage = ", before TLS, so whether it offers STARTTLS with a valid certificate is unknown";
    Some((
        Severity::Warning,
        format!(
            "{what}{}{stage}. Senders that cannot reach it either try the next MX or queue the mail; if port 25 is blocked where this check ran, probe again from a mail server",
            cx.error_note()
        ),
    ))
}
