use super::DeploymentCx;
use crate::diagnostic::Sink;

crate::rules::rule!("STS-TXT-PARENT-ONLY", Info, "RFC 8461 §3.4", Deployment, "sts_parent_only.md");

pub fn check(cx: &DeploymentCx, out: &mut Sink) {
    for parent in cx.domains.iter().filter(|d| d.sts_present) {
        let suffix = format!(".{}", parent.domain);
        for child in cx.domains.iter().filter(|d| d.domain.ends_with(&suffix) && !d.sts_present && !d.mx.is_empty()) {
            let Some(mx) = cx.rrs.iter().find(|z| z.rr.rtype == "MX" && z.name == child.domain) else { continue };
            out.report(
                &RULE,
                mx.rr.span,
                format!(
                    "`{}` receives mail but has no `_mta-sts.{}` record; the policy of `{}` does not apply to it",
                    child.domain, child.domain, parent.domain
                ),
            );
        }
    }
}
