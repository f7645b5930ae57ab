use super::{FetchCx, Finding, emit};
use crate::diagnostic::{Severity, Sink};
use crate::fetch::{ErrorKind, TIMEOUT_MS};

crate::rules::rule!("FETCH-TIMEOUT", Warning, "RFC 8461 §3.3", Fetch, "timeout.md");

pub fn check(cx: &FetchCx, out: &mut Sink) {
    emit(out, &RULE, finding(cx));
}

/// The longest phase time recorded (the total, when known).
fn slowest(cx: &FetchCx) -> Option<u64> {
    let t = cx.e.timings_ms.as_ref()?;
    [t.dns, t.connect, t.tls, t.first_byte, t.total]
        .into_iter()
        .flatten()
        .max()
}

fn seconds(ms: u64) -> String {
    format!("{}.{} s", ms / 1000, ms % 1000 / 100)
}

pub(crate) fn finding(cx: &FetchCx) -> Finding {
    let timed_out = cx.e.error.as_ref().is_some_and(|e| e.kind == ErrorKind::Timeout);
    let took = slowest(cx);
    if timed_out && cx.e.http.is_none() {
        let after = took.map(|ms| format!(" after {}", seconds(ms))).unwrap_or_default();
        return Some((
            Severity::Error,
            format!(
                "`{}` gave no response{after}{}: senders give up after about a minute and get no policy",
                cx.host,
                cx.error_note()
            ),
        ));
    }
    let ms = took.filter(|&ms| ms > TIMEOUT_MS)?;
    Some((
        Severity::Warning,
        format!(
            "the fetch took {}: RFC 8461 suggests senders give up after 1 minute, so some get no policy",
            seconds(ms)
        ),
    ))
}
