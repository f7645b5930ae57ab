use crate::diagnostic::{Edit, Fix, Sink};
use crate::mta_sts::policy::*;

crate::rules::rule!("POLICY-MODE-LEGACY-REPORT", Error, "RFC 8461 §5 (drafts)", Policy, "mode_legacy_report.md");

pub fn check(doc: &PolicyDoc, out: &mut Sink) {
    let Some(f) = doc.first(Key::Mode) else { return };
    if doc.bytes(f.value) == b"report" {
        out.report_fix(
            &RULE,
            f.value,
            "mode `report` comes from drafts of the RFC; it is now `testing`",
            Fix::one("write `testing`", Edit::replace(f.value, "testing")),
        );
    }
}
