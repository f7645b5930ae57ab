use crate::diagnostic::{Sink, Span};
use crate::mta_sts::policy::*;

crate::rules::rule!("POLICY-LEGACY-JSON", Error, "RFC 8461 §3.2 (drafts)", Policy, "legacy_json.md");

pub fn check(doc: &PolicyDoc, out: &mut Sink) {
    if doc.legacy_json {
        let at = doc.body_start + doc.src[doc.body_start..].iter().position(|&b| b == b'{').unwrap_or(0);
        out.report(
            &RULE,
            Span::new(at, at + 1),
            "this is the JSON policy format of early drafts; RFC 8461 policies are `name: value` lines",
        );
    }
}
