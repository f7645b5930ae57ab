use super::{DeploymentCx, TLSRPT, intended_domain};
use crate::diagnostic::Sink;

crate::rules::rule!("TLSRPT-WRONG-LOCATION", Warning, "RFC 8460 §3", Deployment, "tlsrpt_wrong_location.md");

pub fn check(cx: &DeploymentCx, out: &mut Sink) {
    for z in cx.txt_like(TLSRPT) {
        if z.name.starts_with("_smtp._tls.") || z.name.starts_with("_smtp-tlsrpt.") {
            continue;
        }
        let domain = intended_domain(&z.name);
        out.report(
            &RULE,
            z.rr.span,
            format!("a `v=TLSRPTv1` record at `{}`: reporters look only at `_smtp._tls.{domain}`", z.name),
        );
    }
}
