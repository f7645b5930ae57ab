use crate::diagnostic::Sink;
use crate::mta_sts::policy::*;
use super::*;

crate::rules::rule!("POLICY-MAX-AGE-SHORT", Warning, "RFC 8461 §3.2, §10.2", Policy, "max_age_short.md");

pub fn check(doc: &PolicyDoc, out: &mut Sink) {
    let Some(f) = doc.first(Key::MaxAge) else { return };
    let Some(n) = parse_max_age(doc.bytes(f.value)) else { return };
    let mode = doc.mode();
    if n == 0 || mode == Some(Mode::None) {
        return;
    }
    if n < 86_400 {
        out.report(&RULE, f.value, format!("max_age {n} is under one day ({}); the RFC expects weeks", human(n)));
    } else if mode == Some(Mode::Enforce) && n < 604_800 {
        out.report(
            &RULE,
            f.value,
            format!("max_age {n} ({}) is under one week for an enforce policy; some senders raise it to 604800, and short values weaken protection", human(n)),
        );
    }
}
