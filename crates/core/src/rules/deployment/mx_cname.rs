use super::DeploymentCx;
use crate::diagnostic::Sink;

crate::rules::rule!(
    "MXC-CNAME-MX",
    Warning,
    "RFC 5321 §5.1, RFC 8461 §4.1",
    Deployment,
    "mx_cname.md"
);

pub fn check(cx: &DeploymentCx, out: &mut Sink) {
    for d in cx.domains {
        for exchange in &d.mx {
            let name = exchange.trim_end_matches('.').to_ascii_lowercase();
            let Some(alias) = cx.rrs.iter().find(|z| z.rr.rtype == "CNAME" && z.name == name) else {
                continue;
            };
            let target = crate::zone::cname_target(cx.src, &alias.rr).unwrap_or_default();
            out.report(
                &RULE,
                alias.rr.span,
                format!(
                    "the MX host `{name}` of `{}` is an alias (CNAME to `{target}`): RFC 5321 says an MX must name a host, not an alias; MTA-STS senders match `{name}` against the policy and expect a certificate for `{name}`, not for `{target}`",
                    d.domain
                ),
            );
        }
    }
}
