//! Sample evidence for tests of the engine and of the page that shows its answers.

use crate::model;
use mtasts_core::check::{self, CheckEvidence, DnsAnswer, DnsRecord, RType};

/// What a check of example.com saw with no proxy: the `_mta-sts` record only (checked at
/// 2026-01-01T00:00:00Z, through the first preset resolver).
pub fn evidence_without_proxy() -> CheckEvidence {
    let mut evidence = CheckEvidence::new("example.com");
    evidence.resolver = Some(model::RESOLVERS[0].1.to_string());
    evidence.checked_at = Some(1_767_225_600);
    for q in check::questions("example.com") {
        let txt = q.name == "_mta-sts.example.com" && q.rtype == RType::TXT;
        evidence.dns.push(DnsAnswer {
            name: q.name.clone(),
            rtype: Some(q.rtype),
            rcode: Some(if txt { "NOERROR" } else { "NXDOMAIN" }.to_string()),
            records: if txt {
                vec![DnsRecord {
                    name: q.name.clone(),
                    rtype: "TXT".into(),
                    ttl: 300,
                    data: "\"v=STSv1; id=20260101\"".into(),
                }]
            } else {
                Vec::new()
            },
            elapsed_ms: Some(12),
            ..DnsAnswer::default()
        });
    }
    evidence.fetch_unavailable = Some("no proxy answered at /api/v1/policy: HTTP 404".into());
    evidence
}
