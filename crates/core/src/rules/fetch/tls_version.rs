use super::{FetchCx, Finding, emit, show};
use crate::diagnostic::{Severity, Sink};

crate::rules::rule!("FETCH-TLS-VERSION", Error, "RFC 8461 §7.2", Fetch, "tls_version.md");

pub fn check(cx: &FetchCx, out: &mut Sink) {
    emit(out, &RULE, finding(cx));
}

/// Protocol versions in order: SSLv2 = 0, SSLv3 = 1, TLS 1.0 = 2, 1.1 = 3, 1.2 = 4, 1.3 = 5.
pub(crate) fn rank(version: &str) -> Option<u8> {
    let v = version.trim().to_ascii_lowercase().replace([' ', '_'], "");
    if let Some(ssl) = v.strip_prefix("sslv").or_else(|| v.strip_prefix("ssl")) {
        return match ssl {
            "2" | "2.0" => Some(0),
            "3" | "3.0" => Some(1),
            _ => None,
        };
    }
    let tls = v.strip_prefix("tlsv").or_else(|| v.strip_prefix("tls")).unwrap_or(&v);
    match tls {
        "1" | "1.0" => Some(2),
        "1.1" => Some(3),
        "1.2" => Some(4),
        "1.3" => Some(5),
        _ => None,
    }
}

pub(crate) fn finding(cx: &FetchCx) -> Finding {
    if let Some(version) = cx.e.tls_version.as_deref()
        && rank(version).is_some_and(|r| r < 4)
    {
        return Some((
            Severity::Error,
            format!(
                "`{}` negotiated {}: RFC 8461 requires TLS 1.2 or later, and senders that insist on it cannot fetch the policy",
                cx.host,
                show(version.trim())
            ),
        ));
    }
    if cx.tls_alert().as_deref() == Some("protocol_version")
        || cx.tls_error_mentions(&[
            "protocol version",
            "protocol_version",
            "protocolversion",
            "unsupported protocol",
            "tls12notoffered",
        ])
    {
        return Some((
            Severity::Error,
            format!(
                "`{}` offers no TLS version this check accepts (TLS 1.2 or later){}",
                cx.host,
                cx.error_note()
            ),
        ));
    }
    None
}
