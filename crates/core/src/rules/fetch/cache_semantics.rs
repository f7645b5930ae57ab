use super::{FetchCx, Finding, emit};
use crate::diagnostic::{Severity, Sink};
use crate::fetch::time;
use crate::mta_sts::Mode;

crate::rules::rule!(
    "CACHE-SEMANTICS",
    Info,
    "RFC 8461 §3.3, §5.1",
    Fetch,
    "cache_semantics.md"
);

pub fn check(cx: &FetchCx, out: &mut Sink) {
    emit(out, &RULE, finding(cx));
}

pub(crate) fn finding(cx: &FetchCx) -> Finding {
    let policy = cx.parsed?;
    let age = crate::generate::human_duration(policy.max_age);
    let until =
        cx.e.fetched_at
            .map(|t| {
                let end = i64::try_from(t.saturating_add(policy.max_age)).unwrap_or(i64::MAX);
                format!(", until {} for a fetch at this moment", time::readable(end))
            })
            .unwrap_or_default();
    let what = if policy.mode == Mode::None {
        "the opt-out (mode none)"
    } else {
        "this policy"
    };
    Some((
        Severity::Info,
        format!(
            "senders that fetch {what} cache it for its max_age of {age}{until}; they refresh it about daily, fetch again as soon as the `_mta-sts` id changes, wait at least 5 minutes before retrying a failed fetch for the same id, and keep applying a cached policy even if the TXT record disappears"
        ),
    ))
}
