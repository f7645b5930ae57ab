use crate::diagnostic::{Edit, Fix, Sink};
use crate::mta_sts::policy::*;
use crate::text::show;

crate::rules::rule!("POLICY-CASE-VARIANT-FIELD", Warning, "RFC 8461 §3.2", Policy, "case_variant_field.md");

pub fn check(doc: &PolicyDoc, out: &mut Sink) {
    if !doc.has_detail() {
        return;
    }
    for (_, line) in doc.odd_lines() {
        let Shape::Field { name, .. } = line.shape else { continue };
        let Some(key) = Key::case_variant(doc.bytes(name)) else { continue };
        let message = || format!(
            "`{}` is not `{}`: field names are case-sensitive, so senders ignore this line as an unknown field",
            show(doc.bytes(name)),
            key.name()
        );
        if doc.first(key).is_none() && doc.odd_lines().filter(|(_, l)| matches!(l.shape, Shape::Field { name, .. } if Key::case_variant(doc.bytes(name)) == Some(key))).count() == 1 || (key == Key::Mx && doc.first(key).is_none()) {
            out.report_fix(&RULE, name, message, || Fix::one(format!("write `{}`", key.name()), Edit::replace(name, key.name())));
        } else {
            out.report(&RULE, name, message);
        }
    }
}
