use crate::diagnostic::{Edit, Fix, Sink, Span};
use crate::mta_sts::policy::*;
use crate::mx::{PatternKey, PatternTable};

crate::rules::rule!("POLICY-MX-DUPLICATE", Info, "RFC 8461 §3.2", Policy, "mx_duplicate.md");

pub fn check(doc: &PolicyDoc, out: &mut Sink) {
    // Patterns compare without regard to case; remember the first line of each.
    let mut first_line = PatternTable::with_capacity(doc.mx.len());
    for (f, p) in doc.mx_patterns() {
        if let Some(&first) = first_line.first_or_insert(PatternKey::from(p), f.line) {
            let whole = Span::new(doc.lines[f.line].span.start, doc.lines[f.line].term_span.end);
            out.report_fix(
                &RULE,
                f.value,
                format!("mx `{p}` is already listed on line {}", first + 1),
                Fix::one("remove the repeated line", Edit::delete(whole)),
            );
        }
    }
}
