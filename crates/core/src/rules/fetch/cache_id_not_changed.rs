use super::{FetchCx, Finding, emit, show};
use crate::diagnostic::{Severity, Sink};
use crate::fetch::{Snapshot, same_policy, time};
use crate::mta_sts::Policy;

crate::rules::rule!(
    "CACHE-ID-NOT-CHANGED",
    Error,
    "RFC 8461 §3.1, §8.1",
    Fetch,
    "cache_id_not_changed.md"
);

pub fn check(cx: &FetchCx, out: &mut Sink) {
    emit(out, &RULE, finding(cx));
}

/// What changed between a snapshot's policy and the current one, when both are known.
pub(crate) fn changes(prev: &Snapshot, now: &Policy) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(mode) = prev.mode.as_deref()
        && mode != now.mode.as_str()
    {
        out.push(format!("mode {} → {}", show(mode), now.mode.as_str()));
    }
    if let Some(max_age) = prev.max_age
        && max_age != now.max_age
    {
        out.push(format!("max_age {max_age} → {}", now.max_age));
    }
    if let Some(mx) = prev.mx.as_ref() {
        let added: Vec<&str> = now.mx.iter().filter(|m| !mx.iter().any(|p| p == m)).collect();
        let removed: Vec<&String> = mx.iter().filter(|m| !now.mx.contains(m)).collect();
        for m in added {
            out.push(format!("mx `{}` added", show(m)));
        }
        for m in removed {
            out.push(format!("mx `{}` removed", show(m)));
        }
    }
    out
}

pub(crate) fn finding(cx: &FetchCx) -> Finding {
    let (prev, prev_id, id, same_body) = super::ids_and_body_unchanged(cx)?;
    if id != prev_id || same_body {
        return None;
    }
    let mut what = String::new();
    if let Some(now) = cx.parsed {
        if same_policy(prev, now) == Some(true) {
            return None; // bytes differ (line endings, comments), values do not
        }
        let changed = changes(prev, now);
        if !changed.is_empty() {
            what = format!(" ({})", changed.join(", "));
        }
    }
    let since = prev
        .fetched_at
        .and_then(|t| i64::try_from(t).ok())
        .map(|t| format!(" since {}", time::readable(t)))
        .unwrap_or_default();
    let keep = match prev.max_age {
        Some(secs) => format!(
            "for up to {} (the old max_age) after they last fetched it",
            crate::generate::human_duration(secs)
        ),
        None => "until its max_age runs out".to_string(),
    };
    Some((
        Severity::Error,
        format!(
            "the policy changed{since}{what} but the `_mta-sts` id is still `{}`: senders that cached the earlier policy see no new id, so they keep using the old one {keep}",
            show(id)
        ),
    ))
}
