use crate::diagnostic::{Sink, Span};
use crate::mta_sts::policy::*;

crate::rules::rule!("POLICY-LF-LINE-ENDINGS", Info, "RFC 8461 §3.2, errata 6253", Policy, "lf_line_endings.md");

pub fn check(doc: &PolicyDoc, out: &mut Sink) {
    if !doc.has_detail() {
        return;
    }
    let lf = doc.lf_lines;
    let crlf = doc.crlf_lines;
    if lf > 0 && crlf == 0 {
        let first = doc.lines().find(|l| l.term == Term::Lf).map_or(Span::at(0), |l| l.term_span);
        out.report(
            &RULE,
            first,
            "lines end with LF only: the grammar allows it, though the RFC prose says CRLF and a few strict parsers want CRLF",
        );
    }
}
