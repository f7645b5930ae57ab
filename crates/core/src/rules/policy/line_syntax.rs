use crate::diagnostic::{Edit, Fix, Sink, Span};
use crate::mta_sts::policy::*;
use crate::text::show;

crate::rules::rule!("POLICY-LINE-SYNTAX", Error, "RFC 8461 §3.2", Policy, "line_syntax.md");

pub fn check(doc: &PolicyDoc, out: &mut Sink) {
    if !doc.has_detail() {
        return;
    }
    for (i, line) in doc.odd_lines() {
        let bytes = doc.bytes(line.span);
        match line.shape {
            Shape::NoColon | Shape::Comment => {
                let trimmed = bytes.trim_ascii();
                let start = line.span.start + crate::text::leading_wsp(bytes);
                if trimmed.first() == Some(&b'#') {
                    let whole = Span::new(line.span.start, line.term_span.end);
                    out.report_fix(
                        &RULE,
                        line.span,
                        || format!("line {} is a comment; policy files have no comments", i + 1),
                        || Fix::one("remove the comment line", Edit::delete(whole)),
                    );
                    continue;
                }
                // `mode enforce` or `mode=enforce`: a registered name, then the value.
                let split = trimmed.iter().position(|&b| b == b'=' || crate::text::is_wsp(b));
                let fix = split.and_then(|k| {
                    let name = &trimmed[..k];
                    let rest = trimmed[k..].trim_ascii_start();
                    let rest = rest.strip_prefix(b"=").unwrap_or(rest).trim_ascii_start();
                    let key = Key::from_name(name)?;
                    (!rest.is_empty()).then(|| {
                        let end = start + trimmed.len();
                        Fix::one(
                            format!("write `{}: …`", key.name()),
                            Edit::replace(Span::new(start, end), format!("{}: {}", key.name(), String::from_utf8_lossy(rest))),
                        )
                    })
                });
                let message = || format!("line {} `{}` has no `:`; fields are written `name: value`", i + 1, show(bytes));
                match fix {
                    Some(fix) => out.report_fix(&RULE, line.span, message, fix),
                    None => {
                        out.report(&RULE, line.span, message);
                    }
                }
            }
            Shape::Field { name, colon, .. } => {
                if name.is_empty() && name.end == colon {
                    out.report(&RULE, Span::new(colon, colon + 1), || format!("line {} has no field name before `:`", i + 1));
                } else if name.end < colon {
                    let wsp = Span::new(name.end, colon);
                    out.report_fix(
                        &RULE,
                        wsp,
                        || format!("line {}: whitespace before `:` makes the name `{}` plus a space", i + 1, show(doc.bytes(name))),
                        || Fix::one("remove the whitespace before `:`", Edit::delete(wsp)),
                    );
                }
            }
            Shape::Blank => {}
        }
    }
}
