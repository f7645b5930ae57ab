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
    let prev = cx.e.previous.as_ref()?;
    let prev_id = prev.id.as_deref()?;
    let prev_hash = prev.body_sha256.as_deref()?;
    let id = cx.e.txt_id.as_deref()?;
    let hash = cx.body_sha256.as_deref()?;
    if id == prev_id || !hash.eq_ignore_ascii_case(prev_hash.trim()) {
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
