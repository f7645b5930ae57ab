use super::DeploymentCx;
use crate::diagnostic::{Sink, Span};

crate::rules::rule!("TLSRPT-MISSING-WITH-STS", Warning, "RFC 8461 §6, RFC 8460", Deployment, "tlsrpt_missing_with_sts.md");

pub fn check(cx: &DeploymentCx, out: &mut Sink) {
    for d in cx.domains.iter().filter(|d| d.sts_present && !d.tlsrpt_valid) {
        let at = cx
            .rrs
            .iter()
            .find(|z| z.name == format!("_mta-sts.{}", d.domain))
            .map_or(Span::at(0), |z| z.rr.span);
        out.report(
            &RULE,
            at,
            format!(
                "`{}` publishes MTA-STS but no valid `_smtp._tls.{}` record, so nobody tells you when delivery over TLS fails",
                d.domain, d.domain
            ),
        );
    }
}
