use super::{FetchCx, Finding, emit, show};
use crate::diagnostic::{Severity, Sink};
use crate::fetch::ErrorKind;

crate::rules::rule!("FETCH-HOST-MISSING", Error, "RFC 8461 §3.3", Fetch, "host_missing.md");

pub fn check(cx: &FetchCx, out: &mut Sink) {
    emit(out, &RULE, finding(cx));
}

pub(crate) fn finding(cx: &FetchCx) -> Finding {
    let e = cx.e;
    let reason = match &e.dns {
        // Only an answer that the name has no address: a resolver failure (SERVFAIL, a
        // timeout) says nothing about the host, and FETCH-STATUS reports the failed fetch.
        Some(dns) if dns.host_error.is_some() => dns.host_error.clone().filter(|h| says_absent(h)),
        Some(dns) if dns.addresses.is_empty() => Some(String::new()),
        Some(_) => None,
        None => e
            .error
            .as_ref()
            .filter(|err| err.kind == ErrorKind::Dns)
            .map(|err| err.message.clone()),
    }?;
    let reason = reason.trim();
    let why = if reason.is_empty() {
        String::new()
    } else {
        format!(" ({})", show(reason))
    };
    if cx.txt_absent() {
        return Some((
            Severity::Info,
            format!(
                "`{}` has no A or AAAA record{why}, and there is no `_mta-sts` record either: the domain does not use MTA-STS",
                cx.host
            ),
        ));
    }
    Some((
        Severity::Error,
        format!(
            "`{}` has no A or AAAA record{why}: senders cannot fetch the policy, and those with none cached deliver as if the domain had no MTA-STS",
            cx.host
        ),
    ))
}

/// Whether a lookup error means the host has no address (`NXDOMAIN`, `NODATA`).
fn says_absent(host_error: &str) -> bool {
    let e = host_error.trim().to_ascii_uppercase();
    e.is_empty() || e.starts_with("NXDOMAIN") || e.starts_with("NODATA")
}
