use crate::diagnostic::{Edit, Fix, Severity, Sink, Span};
use crate::mta_sts::policy::*;

crate::rules::rule!("POLICY-BAD-LINE-ENDING", Error, "RFC 8461 §3.2", Policy, "bad_line_ending.md");

pub fn check(doc: &PolicyDoc, out: &mut Sink) {
    if doc.is_empty() {
        return;
    }
    let src = doc.src;
    let newline = doc.newline();
    for &at in &doc.breaks {
        let Some(i) = doc.line_index_at(at) else { continue };
        let line = doc.line(i);
        let (len, name) = match src[at] {
            b'\r' => (1, "a bare CR"),
            0x0B => (1, "a vertical tab"),
            0x0C => (1, "a form feed"),
            0xC2 => (2, "U+0085 (NEL)"),
            _ => (3, "a Unicode line or paragraph separator"),
        };
        let span = Span::new(at, at + len);
        if len == 1 {
            let message = || format!("{name} on line {}: only LF and CRLF end lines", i + 1);
            if src[at] == b'\r' {
                let fix = if src.get(at + 1) == Some(&b'\r') || at + 1 == line.span.end {
                    Fix::one("remove the extra CR", Edit::delete(span))
                } else {
                    Fix::one("end the line with a real line break", Edit::replace(span, newline))
                };
                out.report_fix(&RULE, span, message, fix);
            } else {
                out.report(&RULE, span, message);
            }
        } else {
            // Legal inside an extension value; fatal in a registered field.
            let registered =
                matches!(line.shape, Shape::Field { name, .. } if Key::from_name(doc.bytes(name)).is_some());
            let severity = if registered { Severity::Error } else { Severity::Warning };
            out.report_as(
                &RULE,
                severity,
                span,
                || format!("{name} on line {}: it is not a line break here, though some parsers treat it as one", i + 1),
            );
        }
    }
}
