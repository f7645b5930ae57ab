use crate::diagnostic::Sink;
use crate::mta_sts::policy::*;

crate::rules::rule!("MODE-TESTING", Info, "RFC 8461 §5", Policy, "mode_testing.md");

pub fn check(doc: &PolicyDoc, out: &mut Sink) {
    if doc.mode() == Some(Mode::Testing)
        && let Some(f) = doc.first(Key::Mode) {
            out.report(&RULE, f.value, "mode `testing`: senders deliver even when TLS fails, and report failures to your TLS-RPT address");
        }
}
