//! Reading a DoH response never panics, whatever bytes the resolver sends: the answer
//! records an error instead, and what it does read renders as zone text the engine judges.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mtasts_core::check::{CheckEvidence, Purpose, Question, RType, judge};

const TYPES: [RType; 5] = [RType::TXT, RType::MX, RType::CNAME, RType::A, RType::AAAA];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, message)) = data.split_first() else { return };
    let rtype = TYPES[usize::from(pick) % TYPES.len()];
    let q = Question {
        name: "_mta-sts.example.com".into(),
        rtype,
        purpose: Purpose::StsRecord,
    };
    let answer = mtasts_check::dns::wire::answer(&q, message);
    assert!(answer.error.is_some() || answer.rcode.is_some());
    let mut evidence = CheckEvidence::new("example.com");
    evidence.dns.push(answer);
    let report = judge(&evidence);
    assert!(!report.reasons.is_empty());
});
