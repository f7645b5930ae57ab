use crate::diagnostic::{Edit, Fix, Sink};
use crate::mta_sts::policy::*;
use crate::text::show;

crate::rules::rule!("POLICY-VERSION-INVALID", Error, "RFC 8461 §3.2", Policy, "version_invalid.md");

pub fn check(doc: &PolicyDoc, out: &mut Sink) {
    let Some(f) = doc.first(Key::Version) else { return };
    let v = doc.bytes(f.value);
    if v == b"STSv1" {
        return;
    }
    if v.is_empty() {
        out.report(&RULE, f.name, "`version:` has no value; write `version: STSv1`");
    } else if v.eq_ignore_ascii_case(b"STSv1") {
        out.report_fix(
            &RULE,
            f.value,
            format!("version `{}` is not `STSv1`: the value is case-sensitive", show(v)),
            Fix::one("write `STSv1`", Edit::replace(f.value, "STSv1")),
        );
    } else {
        out.report(&RULE, f.value, format!("version `{}` is not `STSv1`, the only version", show(v)));
    }
}
