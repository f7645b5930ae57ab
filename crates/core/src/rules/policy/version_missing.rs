use crate::diagnostic::{Edit, Fix, Sink, Span};
use crate::mta_sts::policy::*;

crate::rules::rule!("POLICY-VERSION-MISSING", Error, "RFC 8461 §3.2", Policy, "version_missing.md");

pub fn check(doc: &PolicyDoc, out: &mut Sink) {
    if !doc.has_detail() || doc.first(Key::Version).is_some() {
        return;
    }
    let at = doc.body_start;
    let variant = doc.lines().any(|l| matches!(l.shape, Shape::Field { name, .. } if Key::case_variant(doc.bytes(name)) == Some(Key::Version)));
    if variant {
        out.report(&RULE, Span::at(at), "no `version` line: the `Version` line does not count, names are case-sensitive");
    } else {
        out.report_fix(
            &RULE,
            Span::at(at),
            "no `version: STSv1` line",
            Fix::one("add `version: STSv1` as the first line", Edit::insert(at, format!("version: STSv1{}", doc.newline()))),
        );
    }
}
