use crate::diagnostic::{Edit, Fix, Sink, Span};
use crate::mta_sts::policy::*;

crate::rules::rule!("POLICY-BLANK-LINE", Error, "RFC 8461 §3.2", Policy, "blank_line.md");

pub fn check(doc: &PolicyDoc, out: &mut Sink) {
    if !doc.has_detail() {
        return;
    }
    for (i, line) in doc.odd_lines() {
        if line.span.is_empty() {
            let whole = Span::new(line.span.start, line.term_span.end);
            out.report_fix(
                &RULE,
                whole,
                || format!("line {} is empty; a policy has no blank lines, not even at the end", i + 1),
                || Fix::one("remove the empty line", Edit::delete(whole)),
            );
        }
    }
}
