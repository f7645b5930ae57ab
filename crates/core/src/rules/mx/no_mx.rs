use crate::diagnostic::Sink;
use crate::mta_sts::policy::Mode;
use super::MxCx;

crate::rules::rule!("MXC-NO-MX", Warning, "RFC 5321 §5.1", MxMatch, "no_mx.md");

pub fn check(cx: &MxCx, out: &mut Sink) {
    if cx.hosts.is_empty() && matches!(cx.doc.mode(), Some(Mode::Enforce) | Some(Mode::Testing)) {
        out.report(
            &RULE,
            cx.insert_point().0,
            "no MX records: senders deliver to the domain itself (the implicit MX), which must then match a pattern; RFC 8461 does not cover this case",
        );
    }
}
