use crate::diagnostic::Sink;
use super::MxCx;

crate::rules::rule!("MXC-PATTERN-UNUSED", Info, "RFC 8461 §4.1", MxMatch, "pattern_unused.md");

pub fn check(cx: &MxCx, out: &mut Sink) {
    if cx.hosts.iter().all(|h| h.normalized.is_none()) {
        return;
    }
    for (f, p) in cx.patterns() {
        if !cx.hosts.iter().filter_map(|h| h.normalized.as_deref()).any(|h| crate::mx::matches(p, h)) {
            out.report(&RULE, f.value, format!("mx `{p}` matches none of the MX hosts; remove it if that host is gone"));
        }
    }
}
