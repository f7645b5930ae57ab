use crate::diagnostic::{Sink, Span};
use crate::mta_sts::policy::*;

crate::rules::rule!("POLICY-MX-MISSING", Error, "RFC 8461 §3.2", Policy, "mx_missing.md");

pub fn check(doc: &PolicyDoc, out: &mut Sink) {
    let Some(mode) = doc.mode() else { return };
    if mode == Mode::None || doc.first(Key::Mx).is_some() {
        return;
    }
    let f = doc.first(Key::Mode).map_or(Span::at(doc.body_start), |f| f.value);
    out.report(&RULE, f, format!("mode `{}` needs at least one `mx:` line naming the MX hosts", mode.as_str()));
}
