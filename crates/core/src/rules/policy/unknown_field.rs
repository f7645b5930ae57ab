use crate::diagnostic::{Edit, Fix, Sink};
use crate::mta_sts::policy::*;
use crate::text::{is_ext_name, show};
use super::*;

crate::rules::rule!("POLICY-UNKNOWN-FIELD", Info, "RFC 8461 §3.2", Policy, "unknown_field.md");

pub fn check(doc: &PolicyDoc, out: &mut Sink) {
    if !doc.has_detail() {
        return;
    }
    // How many lines look like each registered name, counted once (not once per line).
    let mut counts: [Option<usize>; 4] = [None; 4];
    for (_, line) in doc.odd_lines() {
        let Shape::Field { name, colon, .. } = line.shape else { continue };
        let text = doc.bytes(name);
        if !is_ext_name(text) || name.end < colon || Key::from_name(text).is_some() || Key::case_variant(text).is_some() {
            continue;
        }
        // Rename only when that is certain: the field is missing and (but for `mx`, which
        // repeats) this is the one line that could be it.
        let mut lookalikes = |key: Key| {
            *counts[key as usize].get_or_insert_with(|| {
                doc.odd_lines()
                    .filter(|(_, l)| matches!(l.shape, Shape::Field { name, .. } if likely_meant(doc.bytes(name)) == Some(key) && Key::case_variant(doc.bytes(name)).is_none()))
                    .count()
            })
        };
        match likely_meant(text) {
            Some(key) if doc.first(key).is_none() && (key == Key::Mx || lookalikes(key) == 1) => out.report_fix(
                &RULE,
                name,
                || format!("unknown field `{}` is ignored; did you mean `{}`?", show(text), key.name()),
                || Fix::one(format!("rename to `{}`", key.name()), Edit::replace(name, key.name())),
            ),
            Some(key) => {
                out.report(&RULE, name, || format!("unknown field `{}` is ignored; did you mean `{}`?", show(text), key.name()));
            }
            None => {
                out.report(&RULE, name, || format!("unknown field `{}` is ignored", show(text)));
            }
        }
    }
}
