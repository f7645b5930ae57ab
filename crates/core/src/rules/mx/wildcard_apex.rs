use crate::diagnostic::Sink;
use super::MxCx;

crate::rules::rule!("MXC-WILDCARD-APEX", Warning, "RFC 8461 §4.1", MxMatch, "wildcard_apex.md");

pub fn check(cx: &MxCx, out: &mut Sink) {
    let patterns = cx.patterns();
    let covered = |n: &str| patterns.iter().any(|(_, q)| crate::mx::matches(q, n));
    for (f, p) in &patterns {
        if !p.wildcard {
            continue;
        }
        for host in cx.hosts.iter().filter(|h| h.normalized.as_deref().is_some_and(|n| n.eq_ignore_ascii_case(p.domain) && !covered(n))) {
            out.report(&RULE, f.value, format!("MX host `{}` is not matched by `{p}`: `*.` needs exactly one label in front", host.name));
        }
    }
}
