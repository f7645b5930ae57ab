use crate::diagnostic::Sink;
use crate::mta_sts::policy::*;

crate::rules::rule!("POLICY-MX-BROAD-WILDCARD", Warning, "RFC 8461 §10.4", Policy, "mx_broad_wildcard.md");

pub fn check(doc: &PolicyDoc, out: &mut Sink) {
    for (f, p) in doc.mx_wildcards() {
        if crate::mx::public_suffix::is_public_suffix(p.domain) {
            out.report(
                &RULE,
                f.value,
                || format!("mx `{p}` covers every host under the public suffix `{}`: anyone with a certificate there is a valid MX", p.domain),
            );
        }
    }
}
