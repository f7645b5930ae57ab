use crate::diagnostic::Sink;
use crate::mta_sts::policy::*;

crate::rules::rule!("POLICY-MX-WITH-MODE-NONE", Info, "RFC 8461 §3.2", Policy, "mx_with_mode_none.md");

pub fn check(doc: &PolicyDoc, out: &mut Sink) {
    if doc.mode() != Some(Mode::None) {
        return;
    }
    if let Some(f) = doc.first(Key::Mx) {
        out.report(&RULE, f.value, "mode `none` ignores `mx` lines; they are allowed but unused");
    }
}
