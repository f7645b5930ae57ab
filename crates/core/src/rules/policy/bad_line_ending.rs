use crate::diagnostic::{Edit, Fix, Severity, Sink, Span};
use crate::mta_sts::policy::*;

crate::rules::rule!("POLICY-BAD-LINE-ENDING", Error, "RFC 8461 §3.2", Policy, "bad_line_ending.md");

pub fn check(doc: &PolicyDoc, out: &mut Sink) {
    if doc.is_empty() {
        return;
    }
    let src = doc.src;
    let newline = doc.newline();
    for (i, line) in doc.lines.iter().enumerate() {
        let bytes = &src[line.span.start..line.span.end];
        let mut j = 0;
        while j < bytes.len() {
            let at = line.span.start + j;
            let (len, name) = match bytes[j] {
                b'\r' => (1, "a bare CR"),
                0x0B => (1, "a vertical tab"),
                0x0C => (1, "a form feed"),
                0xC2 if bytes.get(j + 1) == Some(&0x85) => (2, "U+0085 (NEL)"),
                0xE2 if bytes.get(j + 1) == Some(&0x80) && matches!(bytes.get(j + 2), Some(0xA8) | Some(0xA9)) => {
                    (3, "a Unicode line or paragraph separator")
                }
                _ => {
                    j += 1;
                    continue;
                }
            };
            let span = Span::new(at, at + len);
            if len == 1 {
                let message = format!("{name} on line {}: only LF and CRLF end lines", i + 1);
                if bytes[j] == b'\r' {
                    let fix = if src.get(at + 1) == Some(&b'\r') || j + 1 == bytes.len() {
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
                let registered = matches!(line.shape, Shape::Field { name, .. } if Key::from_name(doc.bytes(name)).is_some());
                let severity = if registered { Severity::Error } else { Severity::Warning };
                out.report_as(
                    &RULE,
                    severity,
                    span,
                    format!("{name} on line {}: it is not a line break here, though some parsers treat it as one", i + 1),
                );
            }
            j += len;
        }
    }
}
