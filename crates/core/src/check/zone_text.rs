//! DNS answers rendered as zone-file text, the form `dig` prints and admins read.

use super::CheckEvidence;
use std::fmt::Write;

pub(super) fn render(e: &CheckEvidence) -> String {
    let mut out = String::new();
    for a in &e.dns {
        let rtype = a.rtype.map_or("?", |t| t.as_str());
        let status = match (&a.error, &a.rcode) {
            (Some(err), _) => format!("no answer: {}", one_line(err)),
            (None, Some(code)) => code.clone(),
            (None, None) => "no answer".to_string(),
        };
        let mut facts = vec![status];
        if a.authenticated {
            facts.push("DNSSEC-validated (AD)".to_string());
        }
        if let Some(ms) = a.elapsed_ms {
            facts.push(format!("{ms} ms"));
        }
        if a.answered() && a.records.is_empty() && a.rcode.as_deref() == Some("NOERROR") {
            facts.push("no records".to_string());
        }
        let _ = writeln!(out, "; {} {rtype}: {}", one_line(&a.name), facts.join(", "));
        for r in &a.records {
            let _ = writeln!(
                out,
                "{}. {} IN {} {}",
                one_line(&r.name),
                r.ttl,
                one_line(&r.rtype),
                one_line(&r.data)
            );
        }
    }
    out
}

/// Resolver text never breaks a line of the rendering (data is presentation format
/// already, where a newline is `\010`).
fn one_line(s: &str) -> String {
    s.replace(['\r', '\n'], " ")
}

/// A TXT record's character-strings in presentation format, as the DNS sent them (one
/// quoted string each, so string boundaries stay visible).
pub fn txt_presentation(strings: &[&[u8]]) -> String {
    crate::txt::quote_strings(strings)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_quotes_backslashes_and_bytes() {
        assert_eq!(txt_presentation(&[b"v=STSv1; id=1"]), r#""v=STSv1; id=1""#);
        assert_eq!(
            txt_presentation(&[b"a\"b\\c", b"\xc2\xa3\n"]),
            r#""a\"b\\c" "\194\163\010""#
        );
        assert_eq!(txt_presentation(&[]), "");
    }
}
