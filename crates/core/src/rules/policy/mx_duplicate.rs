use crate::diagnostic::{Edit, Fix, Sink, Span};
use crate::mta_sts::policy::*;
use crate::mx::{PatternIndex, PatternKey};

crate::rules::rule!("POLICY-MX-DUPLICATE", Info, "RFC 8461 §3.2", Policy, "mx_duplicate.md");

pub fn check(doc: &PolicyDoc, out: &mut Sink) {
    // Patterns compare without regard to case; remember the first of each.
    let mut seen = PatternIndex::with_capacity(doc.mx_count());
    for i in 0..doc.mx_count() {
        let Some((p, hash)) = doc.mx_pattern_at(i) else { continue };
        let key = PatternKey::from(p);
        let same = |j| doc.mx_pattern_at(j).is_some_and(|(q, _)| PatternKey::from(q) == key);
        if let Some(first) = seen.first_or_insert(hash, i, same) {
            let (f, first) = (doc.mx_field_at(i), doc.mx_field_at(first));
            let line = doc.line(f.line);
            let whole = Span::new(line.span.start, line.term_span.end);
            out.report_fix(
                &RULE,
                f.value,
                || format!("mx `{p}` is already listed on line {}", first.line + 1),
                || Fix::one("remove the repeated line", Edit::delete(whole)),
            );
        }
    }
}
