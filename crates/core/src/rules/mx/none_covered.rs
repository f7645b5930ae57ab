use crate::diagnostic::Sink;
use super::MxCx;

crate::rules::rule!("MXC-NONE-COVERED", Error, "RFC 8461 §5", MxMatch, "none_covered.md");

pub fn check(cx: &MxCx, out: &mut Sink) {
    let Some(severity) = cx.severity() else { return };
    let patterns = cx.patterns();
    let hosts: Vec<&str> = cx.hosts.iter().filter_map(|h| h.normalized.as_deref()).collect();
    if hosts.is_empty() || hosts.iter().any(|h| patterns.iter().any(|(_, p)| crate::mx::matches(p, h))) {
        return;
    }
    out.report_as(
        &RULE,
        severity,
        cx.insert_point().0,
        format!("none of the {} MX hosts matches a pattern: in enforce mode, mail to this domain would queue and bounce", hosts.len()),
    );
}
