use crate::diagnostic::{Sink, Span};
use crate::mta_sts::policy::*;

crate::rules::rule!("POLICY-TOO-LARGE", Warning, "RFC 8461 §3.3", Policy, "too_large.md");

pub fn check(doc: &PolicyDoc, out: &mut Sink) {
    const LIMIT: usize = 64 * 1024;
    if doc.src.len() > LIMIT {
        out.report(
            &RULE,
            Span::new(LIMIT, doc.src.len()),
            format!("the policy is {} bytes; senders may refuse bodies over 65536 bytes (keep it under 10 KiB)", doc.src.len()),
        );
    }
}
