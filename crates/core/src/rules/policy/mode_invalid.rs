use crate::diagnostic::{Edit, Fix, Sink};
use crate::mta_sts::policy::*;
use crate::text::show;

crate::rules::rule!("POLICY-MODE-INVALID", Error, "RFC 8461 §3.2", Policy, "mode_invalid.md");

pub fn check(doc: &PolicyDoc, out: &mut Sink) {
    let Some(f) = doc.first(Key::Mode) else { return };
    let v = doc.bytes(f.value);
    if Mode::parse(v).is_some() || v == b"report" {
        return;
    }
    if v.is_empty() {
        out.report(&RULE, f.name, "`mode:` has no value; write `enforce`, `testing` or `none`");
        return;
    }
    let lower = v.to_ascii_lowercase();
    let message = format!("mode `{}` is not one of `enforce`, `testing`, `none`", show(v));
    match Mode::parse(&lower) {
        Some(m) => out.report_fix(
            &RULE,
            f.value,
            format!("{message}: the value is case-sensitive"),
            Fix::one(format!("write `{}`", m.as_str()), Edit::replace(f.value, m.as_str())),
        ),
        None => {
            let hint = match lower.as_slice() {
                b"enforced" | b"enforcing" | b"strict" => "; did you mean `enforce`?",
                b"test" | b"testing-mode" | b"monitor" => "; did you mean `testing`?",
                b"off" | b"disabled" => "; did you mean `none`?",
                _ => "",
            };
            out.report(&RULE, f.value, format!("{message}{hint}"));
        }
    }
}
