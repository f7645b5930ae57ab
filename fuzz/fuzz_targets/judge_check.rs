//! Judging a live check's evidence never panics, whatever the DNS answers and the fetched
//! body hold: records are cut from the input as presentation-format text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mtasts_core::check::{CheckEvidence, DnsAnswer, DnsRecord, judge, questions};
use mtasts_core::fetch::{FetchEvidence, Headers, Http};

fuzz_target!(|data: &[u8]| {
    // Pieces separated by 0xFF: each becomes a record's data (lossy UTF-8) for the next
    // question in turn; the last piece is the policy body.
    let mut pieces: Vec<&[u8]> = data.split(|&b| b == 0xFF).collect();
    let body = pieces.pop().unwrap_or_default();
    let mut evidence = CheckEvidence::new("example.com");
    let qs = questions("example.com");
    for q in &qs {
        evidence.dns.push(DnsAnswer {
            name: q.name.clone(),
            rtype: Some(q.rtype),
            rcode: Some("NOERROR".into()),
            ..DnsAnswer::default()
        });
    }
    for (i, piece) in pieces.iter().enumerate() {
        let slot = i % qs.len();
        let rtype = qs[slot].rtype.as_str().to_string();
        let name = if piece.first() == Some(&b'@') { "mail.example.com".into() } else { qs[slot].name.clone() };
        evidence.dns[slot].records.push(DnsRecord {
            name,
            rtype,
            ttl: 300,
            data: String::from_utf8_lossy(piece).into_owned(),
        });
    }
    let mut fetch = FetchEvidence::new("example.com");
    fetch.http = Some(Http {
        status: 200,
        headers: Headers {
            content_type: Some("text/plain".into()),
            ..Headers::default()
        },
    });
    fetch.set_body(body);
    evidence.fetch = Some(fetch);
    let report = judge(&evidence);
    assert!(!report.reasons.is_empty());
    let _ = report.findings();
});
