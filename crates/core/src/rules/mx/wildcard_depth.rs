use crate::diagnostic::Sink;
use super::MxCx;

crate::rules::rule!("MXC-WILDCARD-DEPTH", Warning, "RFC 8461 §4.1", MxMatch, "wildcard_depth.md");

pub fn check(cx: &MxCx, out: &mut Sink) {
    let patterns = cx.patterns();
    let covered = |n: &str| patterns.iter().any(|(_, q)| crate::mx::matches(q, n));
    for (f, p) in &patterns {
        if !p.wildcard {
            continue;
        }
        let suffix = format!(".{}", p.domain.to_ascii_lowercase());
        for host in cx.hosts {
            let Some(n) = host.normalized.as_deref().filter(|n| !covered(n)) else { continue };
            if let Some(prefix) = n.strip_suffix(suffix.as_str())
                && prefix.contains('.') {
                    let one = prefix.split_once('.').map_or(prefix, |(_, rest)| rest);
                    out.report(
                        &RULE,
                        f.value,
                        format!("MX host `{}` is not matched by `{p}`: `*` covers one label only; add `*.{one}.{}` or the host itself", host.name, p.domain),
                    );
                }
        }
    }
}
