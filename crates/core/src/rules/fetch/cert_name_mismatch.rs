use super::{FetchCx, Finding, emit, show};
use crate::diagnostic::{Severity, Sink};

crate::rules::rule!(
    "FETCH-CERT-NAME-MISMATCH",
    Error,
    "RFC 8461 §3.3",
    Fetch,
    "cert_name_mismatch.md"
);

pub fn check(cx: &FetchCx, out: &mut Sink) {
    emit(out, &RULE, finding(cx));
}

/// A subjectAltName DNS entry as a name: trimmed, an OpenSSL-style `DNS:` prefix and a
/// trailing dot removed, lower case. `None` for other name types (`IP Address:...`).
pub fn san_name(san: &str) -> Option<String> {
    let s = san.trim();
    let s = match s.split_once(':') {
        Some((kind, rest)) if kind.trim().eq_ignore_ascii_case("dns") => rest.trim(),
        Some(_) => return None,
        None => s,
    };
    let s = s.strip_suffix('.').unwrap_or(s);
    (!s.is_empty()).then(|| s.to_ascii_lowercase())
}

/// Whether a DNS-ID from a certificate matches `host` (RFC 6125 §6.4 as RFC 8461 §3.3
/// narrows it): equal ignoring ASCII case, or `*.` + the rest of `host` after exactly one
/// non-empty left-most label. A `*` anywhere else (`m*.example.com`, `*.*.example.com`)
/// matches nothing, nor does a wildcard directly under a public suffix (`*.com`).
pub fn san_matches(san: &str, host: &str) -> bool {
    let Some(san) = san_name(san) else {
        return false;
    };
    let host = host.trim();
    let host = host.strip_suffix('.').unwrap_or(host).to_ascii_lowercase();
    match san.strip_prefix("*.") {
        Some(rest) => {
            !rest.contains('*')
                && !crate::mx::public_suffix::is_public_suffix(rest)
                && host
                    .split_once('.')
                    .is_some_and(|(label, tail)| !label.is_empty() && tail == rest)
        }
        None => !san.contains('*') && san == host,
    }
}

/// The DNS names of the certificate, as names.
pub(crate) fn dns_names(cx: &FetchCx) -> Vec<String> {
    cx.e.certificate
        .iter()
        .flat_map(|c| c.sans.iter())
        .filter_map(|s| san_name(s))
        .collect()
}

/// The SAN list for a message: up to five names.
pub(crate) fn list(names: &[String]) -> String {
    let mut shown: Vec<String> = names.iter().take(5).map(|n| format!("`{}`", show(n))).collect();
    if names.len() > 5 {
        shown.push(format!("and {} more", names.len() - 5));
    }
    shown.join(", ")
}

pub(crate) fn finding(cx: &FetchCx) -> Finding {
    let host = cx.host;
    let err = |message: String| Some((Severity::Error, message));
    let Some(cert) = cx.e.certificate.as_ref() else {
        if cx.tls_error_mentions(&[
            "notvalidforname",
            "not valid for name",
            "hostname mismatch",
            "host name mismatch",
            "doesn't match",
            "does not match",
            "not valid for",
            "err_cert_common_name_invalid",
        ]) {
            return err(format!("the certificate is not valid for `{host}`{}", cx.error_note()));
        }
        return None;
    };
    let names = dns_names(cx);
    if names.is_empty() {
        if cert.valid_for_host == Some(true) {
            return None; // the verifier saw names that were not recorded
        }
        let cn_only = cert
            .subject
            .as_deref()
            .is_some_and(|s| s.to_ascii_lowercase().contains("cn="));
        if cert.valid_for_host == Some(false) || cn_only {
            let subject = cert.subject.as_deref().unwrap_or_default();
            return err(if cn_only {
                format!(
                    "the certificate has no subjectAltName DNS names, only the subject `{}`: senders match DNS-ID names only, so it is valid for no host, `{host}` included",
                    show(subject)
                )
            } else {
                format!("the certificate is not valid for `{host}`{}", cx.error_note())
            });
        }
        return None;
    }
    let matched = names.iter().any(|n| san_matches(n, host));
    if matched && cert.valid_for_host != Some(false) {
        return None;
    }
    if matched {
        // The verifier refused a certificate whose names do cover the host.
        return err(format!(
            "the verifier rejected the certificate for `{host}` although its names ({}) cover it{}",
            list(&names),
            cert.error
                .as_deref()
                .map(|e| format!(" (`{}`)", show(e)))
                .unwrap_or_default()
        ));
    }
    let near_miss = names
        .iter()
        .find(|n| (n.contains('*') && !n.starts_with("*.")) || n.starts_with("*.*"));
    let hint = match near_miss {
        Some(n) => format!(
            "; `{}` is not a wildcard senders accept: `*` must be the whole left-most label",
            show(n)
        ),
        None => String::new(),
    };
    err(format!("the certificate is for {}, not `{host}`{hint}", list(&names)))
}
