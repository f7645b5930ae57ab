use crate::diagnostic::Sink;
use crate::mta_sts::policy::*;

crate::rules::rule!("POLICY-MIXED-LINE-ENDINGS", Info, "RFC 8461 §3.2", Policy, "mixed_line_endings.md");

pub fn check(doc: &PolicyDoc, out: &mut Sink) {
    if !doc.has_detail() {
        return;
    }
    let lf = doc.lf_lines;
    let crlf = doc.crlf_lines;
    if lf > 0 && crlf > 0 {
        let minority = if lf < crlf { Term::Lf } else { Term::CrLf };
        if let Some((i, l)) = doc.lines().enumerate().find(|(_, l)| l.term == minority) {
            out.report(
                &RULE,
                l.term_span,
                format!("{crlf} lines end with CRLF and {lf} with LF (line {} is one of the fewer); legal, but unusual", i + 1),
            );
        }
    }
}
