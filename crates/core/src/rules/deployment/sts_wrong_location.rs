use super::{DeploymentCx, STS, intended_domain};
use crate::diagnostic::Sink;

crate::rules::rule!("STS-TXT-WRONG-LOCATION", Warning, "RFC 8461 §3.1", Deployment, "sts_wrong_location.md");

pub fn check(cx: &DeploymentCx, out: &mut Sink) {
    for z in cx.txt_like(STS) {
        if z.name.starts_with("_mta-sts.") {
            continue;
        }
        let domain = intended_domain(&z.name);
        out.report(
            &RULE,
            z.rr.span,
            format!("a `v=STSv1` record at `{}`: senders look only at `_mta-sts.{domain}`", z.name),
        );
    }
}
