use super::DeploymentCx;
use crate::diagnostic::Sink;
use crate::mta_sts::Mode;

crate::rules::rule!("MODE-NO-TLSRPT", Warning, "RFC 8461 §6, RFC 8460", Deployment, "mode_no_tlsrpt.md");

pub fn check(cx: &DeploymentCx, out: &mut Sink) {
    let Some(mode @ (Mode::Testing | Mode::Enforce)) = cx.mode else { return };
    for d in cx.domains.iter().filter(|d| d.sts_present && !d.tlsrpt_valid) {
        let why = if mode == Mode::Testing {
            "testing mode only reports failures, and without TLS-RPT there is nobody to report to"
        } else {
            "failures will bounce mail without anyone being told why"
        };
        out.report(&RULE, super::sts_anchor(cx, &d.domain), format!("`{}` is in mode `{}` with no valid TLS-RPT record: {why}", d.domain, mode.as_str()));
    }
}
