use crate::diagnostic::{Edit, Fix, Sink, Span};
use crate::mta_sts::policy::*;
use crate::mx::{PatternKey, PatternMap};

crate::rules::rule!("POLICY-MX-DUPLICATE", Info, "RFC 8461 §3.2", Policy, "mx_duplicate.md");

pub fn check(doc: &PolicyDoc, out: &mut Sink) {
    // Patterns compare without regard to case; remember the first line of each.
    let mut first_line: PatternMap<usize> = PatternMap::with_capacity_and_hasher(doc.mx.len(), Default::default());
    for (f, p) in doc.mx_patterns() {
        match first_line.entry(PatternKey::from(p)) {
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(f.line);
            }
            std::collections::hash_map::Entry::Occupied(e) => {
                let whole = Span::new(doc.lines[f.line].span.start, doc.lines[f.line].term_span.end);
                out.report_fix(
                    &RULE,
                    f.value,
                    format!("mx `{p}` is already listed on line {}", e.get() + 1),
                    Fix::one("remove the repeated line", Edit::delete(whole)),
                );
            }
        }
    }
}
