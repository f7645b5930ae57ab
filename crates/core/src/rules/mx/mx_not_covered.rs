use crate::diagnostic::{Edit, Fix, Severity, Sink};
use super::MxCx;

crate::rules::rule!("MXC-MX-NOT-COVERED", Error, "RFC 8461 §4.1, §5", MxMatch, "mx_not_covered.md");

pub fn check(cx: &MxCx, out: &mut Sink) {
    let Some(severity) = cx.severity() else { return };
    let patterns = cx.patterns();
    for host in cx.hosts {
        let Some(name) = &host.normalized else { continue };
        if patterns.iter().any(|(_, p)| crate::mx::matches(p, name)) {
            continue;
        }
        let (anchor, at) = cx.insert_point();
        let consequence = if severity == Severity::Error {
            "enforcing senders will not deliver to it"
        } else {
            "senders will report failures for it"
        };
        if let Some(d) = out.report_as(
            &RULE,
            severity,
            anchor,
            format!("MX host `{}` matches no `mx` pattern; {consequence}", host.name),
        ) {
            d.fix = Some(Fix::one(
                format!("add `mx: {name}`"),
                Edit::insert(at, format!("{}mx: {name}", cx.doc.newline())),
            ));
        }
    }
}
