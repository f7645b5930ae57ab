use crate::diagnostic::{Edit, Fix, Sink, Span};
use crate::mta_sts::policy::*;

crate::rules::rule!("POLICY-LEADING-WSP", Error, "RFC 8461 §3.2", Policy, "leading_wsp.md");

pub fn check(doc: &PolicyDoc, out: &mut Sink) {
    if !doc.has_detail() {
        return;
    }
    for (i, line) in doc.odd_lines() {
        let bytes = doc.bytes(line.span);
        let lead = crate::text::leading_wsp(bytes);
        if lead == 0 {
            continue;
        }
        if lead == bytes.len() {
            let whole = Span::new(line.span.start, line.term_span.end);
            out.report_fix(
                &RULE,
                whole,
                || format!("line {} holds only whitespace; a policy has no blank lines", i + 1),
                || Fix::one("remove the line", Edit::delete(whole)),
            );
        } else {
            let span = Span::new(line.span.start, line.span.start + lead);
            out.report_fix(
                &RULE,
                span,
                || format!("line {} starts with whitespace; it must start with the field name", i + 1),
                || Fix::one("remove the leading whitespace", Edit::delete(span)),
            );
        }
    }
}
