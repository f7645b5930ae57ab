use super::{FetchCx, Finding, emit};
use crate::diagnostic::{Severity, Sink};
use crate::fetch::BODY_LIMIT;

crate::rules::rule!("FETCH-SIZE", Warning, "RFC 8461 §3.3", Fetch, "size.md");

pub fn check(cx: &FetchCx, out: &mut Sink) {
    emit(out, &RULE, finding(cx));
}

pub(crate) fn finding(cx: &FetchCx) -> Finding {
    let e = cx.e;
    let recorded = e.body_bytes().map(|b| b.len() as u64);
    let size = e.body_size.into_iter().chain(recorded).max();
    let over = size.is_some_and(|s| s > BODY_LIMIT);
    if !over && !e.body_truncated {
        return None;
    }
    let how = match size {
        Some(s) if e.body_truncated => format!("more than {s} bytes"),
        Some(s) => format!("{s} bytes"),
        None => "more than was recorded".to_string(),
    };
    Some((
        Severity::Warning,
        format!(
            "the body is {how}, over the 64 KiB (65536 bytes) senders may read: some cut it (chasquid reads 10 KiB), others reject it (mox), so what they see is not what you published"
        ),
    ))
}
