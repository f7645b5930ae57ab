use super::{Finding, ProbeCx, emit, show};
use crate::diagnostic::{Severity, Sink};
use crate::fetch::time;
use crate::rules::fetch::cert_name_mismatch::{list, san_matches, san_name};

crate::rules::rule!("MXC-CERT", Error, "RFC 8461 §4.2, §5", MxMatch, "cert.md");

pub fn check(cx: &ProbeCx, out: &mut Sink) {
    emit(out, &RULE, finding(cx));
}

/// What is wrong with the certificate, each as a clause for a message.
pub(crate) fn problems(cx: &ProbeCx) -> Vec<String> {
    let host = cx.host;
    let Some(cert) = cx.e.certificate.as_ref() else {
        return Vec::new();
    };
    let mut out = Vec::new();

    // The name: DNS-ID only (RFC 8461 §4.2, RFC 6125), a wildcard only as the whole
    // left-most label. The subject CN does not count.
    let names: Vec<String> = cert.sans.iter().filter_map(|s| san_name(s)).collect();
    if names.is_empty() {
        let subject = cert.subject.as_deref().unwrap_or_default();
        if subject.to_ascii_lowercase().contains("cn=") && cert.valid_for_host != Some(true) {
            out.push(format!(
                "it has no subjectAltName DNS names, only the subject `{}`: senders match DNS-ID names only (RFC 8461 §4.2), so it is valid for no host, `{host}` included",
                show(subject)
            ));
        } else if cert.valid_for_host == Some(false) {
            out.push(format!("it is not valid for `{host}`"));
        }
    } else if !names.iter().any(|n| san_matches(n, host)) {
        let near_miss = names
            .iter()
            .find(|n| (n.contains('*') && !n.starts_with("*.")) || n.starts_with("*.*"));
        let hint = match near_miss {
            Some(n) => format!(
                " (`{}` is not a wildcard senders accept: `*` must be the whole left-most label)",
                show(n)
            ),
            None if names.iter().any(|n| n.starts_with("*.")) => {
                " (a wildcard covers exactly one label: `*.example.com` covers `mx.example.com`, not `example.com` or `a.mx.example.com`)".to_string()
            }
            None => String::new(),
        };
        out.push(format!(
            "its subjectAltName names are {}, not the MX name `{host}`{hint}",
            list(&names)
        ));
    } else if cert.valid_for_host == Some(false) {
        out.push(format!(
            "the verifier rejected it for `{host}` although its names ({}) cover it{}",
            list(&names),
            cert.error
                .as_deref()
                .map(|e| format!(" (`{}`)", show(e)))
                .unwrap_or_default()
        ));
    }

    if cert.chains_to_trusted_root == Some(false) {
        let issuer = cert
            .issuer
            .as_deref()
            .map(|i| format!(" (issuer `{}`)", show(i)))
            .unwrap_or_default();
        out.push(format!(
            "it does not chain to a trusted root{issuer}: self-signed, from a private CA, or sent without its intermediate certificates"
        ));
    }

    let now = cx.e.probed_at.and_then(|t| i64::try_from(t).ok());
    let parse = |s: Option<&String>| s.and_then(|s| time::parse_rfc3339(s));
    let not_after = parse(cert.not_after.as_ref());
    let not_before = parse(cert.not_before.as_ref());
    match (now, not_after, not_before) {
        (Some(now), Some(end), _) if now > end => {
            out.push(format!("it expired on {}", time::readable(end)));
        }
        (Some(now), _, Some(start)) if now < start => {
            out.push(format!("it is not valid before {}", time::readable(start)));
        }
        (None, _, _) | (_, None, _) => {
            let error = cert.error.as_deref().unwrap_or_default().to_ascii_lowercase();
            if ["expired", "notvalidyet", "not yet valid"]
                .iter()
                .any(|n| error.contains(n))
            {
                out.push("it is outside its validity period".to_string());
            }
        }
        _ => {}
    }
    out
}

pub(crate) fn finding(cx: &ProbeCx) -> Finding {
    let problems = problems(cx);
    if problems.is_empty() {
        return None;
    }
    Some((
        Severity::Error,
        format!(
            "the certificate `{}` presents after STARTTLS fails validation: {}; {}",
            cx.host,
            problems.join("; "),
            cx.consequence()
        ),
    ))
}
