use crate::diagnostic::Sink;
use crate::mta_sts::policy::*;

crate::rules::rule!("POLICY-MX-REDUNDANT", Info, "RFC 8461 §4.1", Policy, "mx_redundant.md");

pub fn check(doc: &PolicyDoc, out: &mut Sink) {
    let patterns: Vec<_> = doc.mx_patterns().collect();
    for (f, p) in &patterns {
        if let Some((_, w)) = patterns.iter().find(|(_, w)| w.covers(p)) {
            out.report(&RULE, f.value, format!("mx `{p}` is already covered by `{w}`"));
        }
    }
}
