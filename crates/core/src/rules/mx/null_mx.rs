use crate::diagnostic::Sink;
use crate::mta_sts::policy::Mode;
use super::MxCx;

crate::rules::rule!("MXC-NULL-MX", Warning, "RFC 7505", MxMatch, "null_mx.md");

pub fn check(cx: &MxCx, out: &mut Sink) {
    if cx.hosts.iter().any(|h| h.is_null()) && cx.doc.mode() == Some(Mode::Enforce) {
        out.report(&RULE, cx.insert_point().0, "the domain has a null MX (it accepts no mail) but publishes an enforce policy");
    }
}
