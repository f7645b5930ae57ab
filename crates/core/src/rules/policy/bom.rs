use crate::diagnostic::{Edit, Fix, Sink, Span};
use crate::mta_sts::policy::*;

crate::rules::rule!("POLICY-BOM", Error, "RFC 8461 §3.2", Policy, "bom.md");

pub fn check(doc: &PolicyDoc, out: &mut Sink) {
    if doc.body_start == 3 {
        out.report_fix(
            &RULE,
            Span::new(0, 3),
            "the file starts with an invisible UTF-8 byte order mark (EF BB BF), so the first field name is not `version`",
            Fix::one("remove the byte order mark", Edit::delete(Span::new(0, 3))),
        );
    }
}
