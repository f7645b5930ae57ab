use super::{FetchCx, Finding, emit};
use crate::diagnostic::{Severity, Sink};

crate::rules::rule!("FETCH-NOT-FOUND", Error, "RFC 8461 §3.3", Fetch, "not_found.md");

pub fn check(cx: &FetchCx, out: &mut Sink) {
    emit(out, &RULE, finding(cx));
}

pub(crate) fn finding(cx: &FetchCx) -> Finding {
    let status = cx.status().filter(|s| matches!(s, 404 | 410))?;
    if cx.txt_absent() {
        return Some((
            Severity::Info,
            format!(
                "`{}` answered {status}, and there is no `_mta-sts` record: the domain does not use MTA-STS",
                cx.url
            ),
        ));
    }
    Some((
        Severity::Error,
        format!(
            "`{}` answered {status} (not found): the `_mta-sts` record announces a policy that is not there, so senders with none cached deliver as if the domain had no MTA-STS",
            cx.url
        ),
    ))
}
