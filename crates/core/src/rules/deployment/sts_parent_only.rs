use super::DeploymentCx;
use crate::diagnostic::Sink;

crate::rules::rule!("STS-TXT-PARENT-ONLY", Info, "RFC 8461 §3.4", Deployment, "sts_parent_only.md");

pub fn check(cx: &DeploymentCx, out: &mut Sink) {
    for child in cx.domains.iter().filter(|d| !d.sts_present && !d.mx.is_empty()) {
        // The nearest ancestor with a policy.
        let parent = cx
            .domains
            .iter()
            .filter(|p| p.sts_present && child.domain.ends_with(&format!(".{}", p.domain)))
            .max_by_key(|p| p.domain.len());
        let Some(parent) = parent else { continue };
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
