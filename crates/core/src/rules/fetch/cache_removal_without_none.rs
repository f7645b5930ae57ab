use super::{FetchCx, Finding, emit, show};
use crate::diagnostic::{Severity, Sink};
use crate::fetch::time;

crate::rules::rule!(
    "CACHE-REMOVAL-WITHOUT-NONE",
    Warning,
    "RFC 8461 §8.3",
    Fetch,
    "cache_removal_without_none.md"
);

pub fn check(cx: &FetchCx, out: &mut Sink) {
    emit(out, &RULE, finding(cx));
}

pub(crate) fn finding(cx: &FetchCx) -> Finding {
    let prev = cx.e.previous.as_ref()?;
    let mode = prev.mode.as_deref().filter(|m| matches!(*m, "enforce" | "testing"))?;
    let gone = if cx.txt_absent() {
        "the `_mta-sts` record is gone"
    } else if cx.no_response() || cx.status().is_some_and(|s| s != 200) {
        "the policy can no longer be fetched"
    } else {
        return None;
    };
    let seen = prev
        .fetched_at
        .and_then(|t| i64::try_from(t).ok())
        .map(|t| format!(" on {}", time::readable(t)))
        .unwrap_or_default();
    let until = match (prev.max_age, cx.e.fetched_at) {
        (Some(secs), Some(now)) => format!(
            " for up to {} after their last fetch, that is until as late as {}",
            crate::generate::human_duration(secs),
            time::readable(i64::try_from(now.saturating_add(secs)).unwrap_or(i64::MAX))
        ),
        (Some(secs), None) => format!(
            " for up to {} after their last fetch",
            crate::generate::human_duration(secs)
        ),
        _ => " until its max_age runs out".to_string(),
    };
    Some((
        Severity::Warning,
        format!(
            "the last policy seen{seen} had mode `{}`, and now {gone}: senders that cached it keep applying it{until}, and nothing can switch it off early; publish `mode: none` with a new id first (RFC 8461 §8.3)",
            show(mode)
        ),
    ))
}
