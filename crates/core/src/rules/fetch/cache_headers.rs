use super::{FetchCx, Finding, emit, show};
use crate::diagnostic::{Severity, Sink};

crate::rules::rule!(
    "FETCH-CACHE-HEADERS",
    Info,
    "RFC 8461 §3.3, §8.2",
    Fetch,
    "cache_headers.md"
);

/// The `max-age` RFC 8461 §8.2 suggests for proxies, in seconds.
pub const SUGGESTED: u64 = 60;

pub fn check(cx: &FetchCx, out: &mut Sink) {
    emit(out, &RULE, finding(cx));
}

/// What a shared cache may do with the response: `None` when it must not reuse it
/// without asking (`no-store`, `no-cache`, `private`), else the freshness lifetime it is
/// given (`s-maxage` over `max-age`; `None` inside when neither is given).
fn lifetime(value: &str) -> Option<Option<u64>> {
    let mut max_age = None;
    let mut s_maxage = None;
    for directive in value.split(',') {
        let (name, arg) = match directive.split_once('=') {
            Some((n, a)) => (n.trim(), Some(a.trim().trim_matches('"'))),
            None => (directive.trim(), None),
        };
        let name = name.to_ascii_lowercase();
        match name.as_str() {
            "no-store" | "no-cache" | "private" => return None,
            "max-age" => max_age = arg.and_then(|a| a.parse::<u64>().ok()),
            "s-maxage" => s_maxage = arg.and_then(|a| a.parse::<u64>().ok()),
            _ => {}
        }
    }
    Some(s_maxage.or(max_age))
}

pub(crate) fn finding(cx: &FetchCx) -> Finding {
    let http = cx.e.http.as_ref().filter(|h| h.status == 200)?;
    let advice = "senders never use HTTP caching, but a CDN or reverse proxy in front of the policy host does, and may keep serving the old policy after you change it (and change the id); RFC 8461 §8.2 suggests `Cache-Control: max-age=60`";
    let message = match http.headers.cache_control.as_deref() {
        None => format!("no Cache-Control header: {advice}"),
        Some(value) => match lifetime(value)? {
            Some(secs) if secs <= SUGGESTED => return None,
            Some(secs) => format!(
                "`Cache-Control: {}` lets caches keep the policy for {}: {advice}",
                show(value.trim()),
                crate::generate::human_duration(secs)
            ),
            None => format!(
                "`Cache-Control: {}` sets no max-age, so caches pick a lifetime themselves: {advice}",
                show(value.trim())
            ),
        },
    };
    Some((Severity::Info, message))
}
