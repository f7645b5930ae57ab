use super::cert_name_mismatch::{dns_names, list};
use super::{FetchCx, Finding, emit, registrable};
use crate::diagnostic::{Severity, Sink};

crate::rules::rule!("FETCH-SNI", Error, "RFC 8461 §7.1", Fetch, "sni.md");

pub fn check(cx: &FetchCx, out: &mut Sink) {
    emit(out, &RULE, finding(cx));
}

pub(crate) fn finding(cx: &FetchCx) -> Finding {
    let host = cx.host;
    if cx.tls_alert().as_deref() == Some("unrecognized_name")
        || cx.tls_error_mentions(&[
            "unrecognized name",
            "unrecognised name",
            "unrecognized_name",
            "unrecognizedname",
            "unrecognisedname",
        ])
    {
        return Some((
            Severity::Error,
            format!(
                "`{host}` ended the TLS handshake with `unrecognized_name`: the server has no site for the name senders send in SNI{}",
                cx.error_note()
            ),
        ));
    }
    // A certificate for names of another owner entirely: the server's default site
    // answered, because it has no site configured for the policy host.
    if super::cert_name_mismatch::finding(cx).is_some() {
        let names = dns_names(cx);
        let own = registrable(host);
        let related = names.iter().any(|n| {
            let n = n.strip_prefix("*.").unwrap_or(n);
            registrable(n) == own
        });
        if !names.is_empty() && !related {
            return Some((
                Severity::Error,
                format!(
                    "with SNI `{host}` the server answered with a certificate for {}, which names nothing under `{own}`: it has no TLS site for `{host}` and fell back to its default certificate",
                    list(&names)
                ),
            ));
        }
    }
    None
}
