//! Two measurements of the live check against the test bed (real BIND + dnsdist DoH +
//! nginx on loopback):
//!
//! 1. With latency injected on the DoH and HTTPS servers, one check's total time against
//!    its slowest single request and the sum of all its requests: the questions and the
//!    fetch go out at once, so the total should be close to the slowest, not the sum.
//! 2. 1,000 valid test-bed domains at concurrency 64, the way `mtasts check -f` runs them
//!    (run + judge, results in order): domains per second, and this process's resident
//!    memory every 100 domains (it should stay flat).
//!
//! `cargo run --release -p mtasts-check --features native --example live_bench`

use futures_util::StreamExt;
use mtasts_check::fetch::FetchSettings;
use mtasts_check::native::{DirectFetch, DohLookup, ReqwestHttp};
use mtasts_check::run::PolicySource;
use mtasts_core::check::{Verdict, judge};
use mtasts_testbed::{Options, TestBed};
use std::time::{Duration, Instant};

fn setup(bed: &TestBed) -> Result<(ReqwestHttp, DirectFetch<DohLookup>), String> {
    let http = ReqwestHttp::new(Duration::from_secs(30), &[])?;
    let settings = FetchSettings {
        allow_loopback: true,
        https_port: bed.https_port(),
        extra_roots_pem: bed.ca_pem().as_bytes().to_vec(),
        ..FetchSettings::default()
    };
    let fetch = DirectFetch {
        lookup: DohLookup {
            http: http.clone(),
            resolver: bed.doh_url(),
        },
        settings,
    };
    Ok((http, fetch))
}

/// Resident set size in KiB (Linux), 0 if unknown.
fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|n| n.parse().ok()))
        })
        .unwrap_or(0)
}

async fn latency(latency_ms: u64) -> Result<(), String> {
    let bed = TestBed::start_with(Options { latency_ms, bulk: 0 })?;
    let domain = bed.domain("enforce");
    let mut best: Option<(u128, u64, u64)> = None;
    for _ in 0..3 {
        // A new client each time: no connection is reused, every request pays the latency.
        let (http, fetch) = setup(&bed)?;
        let t = Instant::now();
        let policy: &dyn PolicySource = &fetch;
        let evidence = mtasts_check::run(&domain, &http, &bed.doh_url(), Ok(policy), None, &mut |_| {}).await?;
        let total = t.elapsed().as_millis();
        let mut requests: Vec<u64> = evidence.dns.iter().filter_map(|a| a.elapsed_ms).collect();
        if let Some(ms) = evidence
            .fetch
            .as_ref()
            .and_then(|f| f.timings_ms.as_ref())
            .and_then(|t| t.total)
        {
            requests.push(ms);
        }
        let slowest = requests.iter().copied().max().unwrap_or(0);
        let sum: u64 = requests.iter().sum();
        if judge(&evidence).verdict != Verdict::EnforceWorking {
            return Err(format!("{domain}: unexpected verdict"));
        }
        if best.is_none_or(|(b, _, _)| total < b) {
            best = Some((total, slowest, sum));
        }
    }
    if let Some((total, slowest, sum)) = best {
        println!(
            "latency {latency_ms:>3} ms per connection: check total {total:>4} ms, slowest request {slowest:>4} ms, sum of 10 requests {sum:>5} ms (best of 3)"
        );
    }
    Ok(())
}

async fn bulk(n: usize, concurrency: usize) -> Result<(), String> {
    let bed = TestBed::start_with(Options { latency_ms: 0, bulk: n })?;
    let (http, fetch) = setup(&bed)?;
    let resolver = bed.doh_url();
    let domains = bed.bulk_domains();
    let start_rss = rss_kib();
    let t = Instant::now();
    let (http, fetch, resolver) = (&http, &fetch, resolver.as_str());
    let mut results = futures_util::stream::iter(domains)
        .map(|d| async move {
            let policy: &dyn PolicySource = fetch;
            let evidence = mtasts_check::run(&d, http, resolver, Ok(policy), None, &mut |_| {}).await;
            evidence.map(|e| {
                let r = judge(&e);
                (r.verdict, r.headline().to_string())
            })
        })
        .buffered(concurrency);
    let (mut done, mut working) = (0usize, 0usize);
    let mut samples = Vec::new();
    let mut other: Vec<String> = Vec::new();
    while let Some(result) = results.next().await {
        done += 1;
        let (verdict, headline) = result?;
        if verdict == Verdict::EnforceWorking {
            working += 1;
        } else if other.len() < 3 {
            other.push(headline);
        }
        if done % 100 == 0 {
            samples.push(format!("{}", rss_kib() / 1024));
        }
    }
    let secs = t.elapsed().as_secs_f64();
    println!(
        "{done} domains at concurrency {concurrency}: {secs:.2} s, {:.0} domains/s, {working} enforce and working",
        done as f64 / secs
    );
    for headline in &other {
        println!("  not working: {headline}");
    }
    println!(
        "resident memory (MiB) at start {} and every 100 domains: {}",
        start_rss / 1024,
        samples.join(" ")
    );
    Ok(())
}

fn main() -> Result<(), String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    runtime.block_on(async {
        for ms in [0, 50, 200] {
            latency(ms).await?;
        }
        bulk(1000, 64).await
    })
}
