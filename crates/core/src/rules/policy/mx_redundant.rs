use crate::diagnostic::Sink;
use crate::mta_sts::policy::*;
use crate::mx::{PatternKey, PatternMap};

crate::rules::rule!("POLICY-MX-REDUNDANT", Info, "RFC 8461 §4.1", Policy, "mx_redundant.md");

pub fn check(doc: &PolicyDoc, out: &mut Sink) {
    // `*.S` covers `L.S`: index the wildcards by S, then look each literal's parent up.
    let wildcards: PatternMap<crate::mx::PatternRef> = doc
        .mx_wildcards()
        .map(|(_, p)| (PatternKey { wildcard: false, domain: p.domain }, p))
        .collect();
    if wildcards.is_empty() {
        return;
    }
    for (f, p) in doc.mx_patterns().filter(|(_, p)| !p.wildcard) {
        let Some((label, parent)) = p.domain.split_once('.') else { continue };
        if label.is_empty() {
            continue;
        }
        if let Some(w) = wildcards.get(&PatternKey { wildcard: false, domain: parent }) {
            out.report(&RULE, f.value, format!("mx `{p}` is already covered by `{w}`"));
        }
    }
}
