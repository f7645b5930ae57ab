use crate::diagnostic::{Edit, Fix, Sink, Span};
use crate::mta_sts::policy::*;

crate::rules::rule!("POLICY-MX-DUPLICATE", Info, "RFC 8461 §3.2", Policy, "mx_duplicate.md");

pub fn check(doc: &PolicyDoc, out: &mut Sink) {
    let patterns: Vec<_> = doc.mx_patterns().collect();
    for (i, (f, p)) in patterns.iter().enumerate() {
        if let Some((first, _)) = patterns[..i].iter().find(|(_, q)| q.key() == p.key()) {
            let whole = Span::new(doc.lines[f.line].span.start, doc.lines[f.line].term_span.end);
            out.report_fix(
                &RULE,
                f.value,
                format!("mx `{p}` is already listed on line {}", first.line + 1),
                Fix::one("remove the repeated line", Edit::delete(whole)),
            );
        }
    }
}
