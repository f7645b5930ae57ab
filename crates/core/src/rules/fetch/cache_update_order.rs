use super::{FetchCx, Finding, emit, show};
use crate::diagnostic::{Severity, Sink};
use crate::fetch::time;

crate::rules::rule!(
    "CACHE-UPDATE-ORDER",
    Warning,
    "RFC 8461 §8.1",
    Fetch,
    "cache_update_order.md"
);

pub fn check(cx: &FetchCx, out: &mut Sink) {
    emit(out, &RULE, finding(cx));
}

pub(crate) fn finding(cx: &FetchCx) -> Finding {
    let (prev, prev_id, id, same_body) = super::ids_and_body_unchanged(cx)?;
    if id == prev_id || !same_body {
        return None;
    }
    let when = prev
        .fetched_at
        .and_then(|t| i64::try_from(t).ok())
        .map(|t| format!(" on {}", time::readable(t)))
        .unwrap_or_default();
    Some((
        Severity::Warning,
        format!(
            "the `_mta-sts` id changed from `{}` to `{}`, but the policy is byte for byte the one served under `{}`{when}: if a policy change is on its way, senders fetching now cache the old policy under the new id and do not fetch again until the id changes once more or max_age runs out; serve the new policy first, then change the id",
            show(prev_id),
            show(id),
            show(prev_id)
        ),
    ))
}
