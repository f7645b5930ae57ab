use crate::diagnostic::{Edit, Fix, Sink, Span};
use crate::mta_sts::policy::*;
use crate::mx::pattern::{self, PatternError};
use crate::text::show;

crate::rules::rule!("POLICY-MX-INVALID", Error, "RFC 8461 §3.2, RFC 5321 §4.1.2", Policy, "mx_invalid.md");

pub fn check(doc: &PolicyDoc, out: &mut Sink) {
    let newline = doc.newline();
    for (f, error) in doc.mx_errors() {
        let v = doc.bytes(f.value);
        let &PatternError::Syntax { at, why } = error else { continue };
        // Several patterns on one line: split them, when every piece is valid.
        // (A piece's trailing root dot is dropped too: certain, as for a single pattern.)
        let pieces: Vec<&[u8]> = v
            .split(|b| matches!(b, b' ' | b'\t' | b',' | b';'))
            .filter(|p| !p.is_empty())
            .map(|p| if pattern::parse(p) == Err(PatternError::TrailingDot) { &p[..p.len() - 1] } else { p })
            .collect();
        if pieces.len() > 1 && pieces.iter().all(|p| pattern::parse(p).is_ok()) {
            let line = doc.line(f.line).span;
            let lines = || pieces.iter().map(|p| format!("mx: {}", String::from_utf8_lossy(p))).collect::<Vec<_>>();
            out.report_fix(
                &RULE,
                f.value,
                || format!("`{}` holds {} patterns; each needs its own `mx:` line", show(v), pieces.len()),
                || Fix::one("put each pattern on its own line", Edit::replace(line, lines().join(newline))),
            );
            continue;
        }
        let at = f.value.start + at;
        out.report(&RULE, Span::new(at, (at + 1).min(f.value.end)), || format!("mx `{}`: {why}", show(v)));
    }
}
