use super::{DeploymentCx, TLSRPT};
use crate::diagnostic::Sink;

crate::rules::rule!("TLSRPT-LEGACY-LOCATION", Warning, "RFC 8460 §3 (drafts)", Deployment, "tlsrpt_legacy_location.md");

pub fn check(cx: &DeploymentCx, out: &mut Sink) {
    for z in cx.txt_like(TLSRPT) {
        if let Some(domain) = z.name.strip_prefix("_smtp-tlsrpt.") {
            out.report(
                &RULE,
                z.rr.span,
                format!("`_smtp-tlsrpt.{domain}` is the name from drafts; reporters look at `_smtp._tls.{domain}`"),
            );
        }
    }
}
