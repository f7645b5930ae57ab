use crate::diagnostic::Sink;
use crate::mta_sts::policy::*;

crate::rules::rule!("MODE-NONE", Info, "RFC 8461 §5, §8.3", Policy, "mode_none.md");

pub fn check(doc: &PolicyDoc, out: &mut Sink) {
    if doc.mode() == Some(Mode::None)
        && let Some(f) = doc.first(Key::Mode) {
            out.report(&RULE, f.value, "mode `none`: senders treat the domain as having no policy; if you are removing MTA-STS, follow RFC 8461 §8.3");
        }
}
