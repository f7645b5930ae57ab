use crate::diagnostic::{Sink, Span};
use crate::mta_sts::policy::*;

crate::rules::rule!("POLICY-NO-FINAL-NEWLINE", Info, "RFC 8461 §3.2", Policy, "no_final_newline.md");

pub fn check(doc: &PolicyDoc, out: &mut Sink) {
    if !doc.has_detail() {
        return;
    }
    if let Some(last) = doc.lines().next_back()
        && last.term == Term::Eof && !last.span.is_empty() {
            out.report(&RULE, Span::at(last.span.end), "the last line has no line break; that is allowed");
        }
}
