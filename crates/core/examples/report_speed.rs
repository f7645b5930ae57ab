//! Time loading and aggregating 1,000 generated TLS reports (a third of them gzipped).
//!
//! `cargo run --release -p mtasts-core --example report_speed`

use mtasts_core::report::{aggregate, load_file};
use std::io::Write;
use std::time::Instant;

const REPORTS: usize = 1_000;
const ROUNDS: usize = 5;

fn report(i: usize) -> Vec<u8> {
    let domain = format!("domain{}.example", i % 37);
    let day = 1 + i % 28;
    let month = 1 + (i / 28) % 12;
    let failed = if i.is_multiple_of(5) { 3 + i % 7 } else { 0 };
    let details = if failed > 0 {
        let kinds = [
            "starttls-not-supported",
            "certificate-expired",
            "validation-failure",
            "sts-policy-fetch-error",
        ];
        let kind = kinds[i % kinds.len()];
        format!(
            r#","failure-details":[{{"result-type":"{kind}","sending-mta-ip":"198.51.100.{}",
            "receiving-mx-hostname":"mx{}.{domain}","receiving-ip":"203.0.113.{}","failed-session-count":{failed},
            "failure-reason-code":"reason {}"}}]"#,
            i % 250,
            i % 3,
            i % 250,
            i % 11
        )
    } else {
        String::new()
    };
    format!(
        r#"{{"organization-name":"Sender {}","date-range":{{"start-datetime":"2025-{month:02}-{day:02}T00:00:00Z",
        "end-datetime":"2025-{month:02}-{day:02}T23:59:59Z"}},"contact-info":"tlsrpt@sender.example",
        "report-id":"report-{i}","policies":[{{"policy":{{"policy-type":"sts","policy-string":["version: STSv1",
        "mode: testing","mx: mx0.{domain}","mx: mx1.{domain}","max_age: 604800"],"policy-domain":"{domain}",
        "mx-host":["mx0.{domain}","mx1.{domain}"]}},"summary":{{"total-successful-session-count":{},
        "total-failure-session-count":{failed}}}{details}}},{{"policy":{{"policy-type":"tlsa",
        "policy-string":["3 1 1 ABCDEF"],"policy-domain":"{domain}"}},"summary":{{"total-successful-session-count":5,
        "total-failure-session-count":0}}}}]}}"#,
        i % 9,
        100 + i % 1000
    )
    .into_bytes()
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(bytes).expect("gzip to memory");
    enc.finish().expect("gzip to memory")
}

fn main() {
    let files: Vec<(String, Vec<u8>)> = (0..REPORTS)
        .map(|i| {
            let json = report(i);
            if i.is_multiple_of(3) {
                (format!("r{i}.json.gz"), gzip(&json))
            } else {
                (format!("r{i}.json"), json)
            }
        })
        .collect();
    let bytes: usize = files.iter().map(|(_, b)| b.len()).sum();
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..ROUNDS {
        let start = Instant::now();
        let loaded: Vec<_> = files.iter().map(|(n, b)| load_file(n, b)).collect();
        let agg = aggregate(&loaded);
        times.push(start.elapsed());
        last = Some(agg);
    }
    times.sort();
    let best = times[0];
    let median = times[ROUNDS / 2];
    if let Some(agg) = last {
        assert_eq!(agg.reports, REPORTS);
        assert!(agg.errors.is_empty());
        println!(
            "{} reports ({} KiB, a third gzipped): {} policies, {} successful / {} failed sessions",
            agg.reports,
            bytes / 1024,
            agg.policies.len(),
            agg.total_successful_sessions,
            agg.total_failed_sessions
        );
    }
    println!(
        "load + aggregate: best {:.2} ms, median {:.2} ms over {ROUNDS} rounds ({:.0} reports/s)",
        best.as_secs_f64() * 1e3,
        median.as_secs_f64() * 1e3,
        REPORTS as f64 / median.as_secs_f64()
    );
}
