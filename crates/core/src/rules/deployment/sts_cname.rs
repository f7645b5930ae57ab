use super::DeploymentCx;
use crate::diagnostic::Sink;

crate::rules::rule!("STS-TXT-CNAME", Info, "RFC 8461 §3.1, §8.2", Deployment, "sts_cname.md");

pub fn check(cx: &DeploymentCx, out: &mut Sink) {
    for z in cx.rrs.iter().filter(|z| z.rr.rtype == "CNAME" && z.name.starts_with("_mta-sts.")) {
        let domain = &z.name["_mta-sts.".len()..];
        let target = crate::zone::cname_target(cx.src, &z.rr).unwrap_or_default();
        out.report(
            &RULE,
            z.rr.span,
            format!(
                "`_mta-sts.{domain}` is delegated to `{target}`; senders follow the CNAME, and `mta-sts.{domain}` must still serve a certificate for `mta-sts.{domain}`"
            ),
        );
    }
}
