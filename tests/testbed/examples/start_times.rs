//! How long the bed takes to start, with and without 1,000 bulk domains, and what the
//! latency injector does to 1,000 concurrent policy fetches.
//!
//! `cargo run --release -p mtasts-testbed --example start_times`

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use mtasts_testbed::{Options, TestBed};

fn start(opts: Options) -> Result<(TestBed, Duration), String> {
    let t = Instant::now();
    let bed = TestBed::start_with(opts)?;
    Ok((bed, t.elapsed()))
}

fn main() -> Result<(), String> {
    for _ in 0..3 {
        let (_bed, took) = start(Options::default())?;
        println!("TestBed::start(): {took:?}");
    }
    let latency = Duration::from_millis(200);
    let (bed, took) = start(Options {
        latency_ms: latency.as_millis() as u64,
        bulk: 1000,
    })?;
    println!("TestBed::start_with(bulk: 1000, latency_ms: 200): {took:?}");

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    runtime.block_on(async {
        let ca = reqwest::Certificate::from_pem(bed.ca_pem().as_bytes()).map_err(|e| e.to_string())?;
        let mut client = reqwest::Client::builder()
            .tls_built_in_root_certs(false)
            .add_root_certificate(ca)
            .redirect(reqwest::redirect::Policy::none());
        let addr = SocketAddr::from(([127, 0, 0, 1], bed.https_port()));
        for domain in bed.bulk_domains() {
            client = client.resolve(&format!("mta-sts.{domain}"), addr);
        }
        let client = client.build().map_err(|e| e.to_string())?;
        let t = Instant::now();
        let fetches = bed.bulk_domains().into_iter().map(|domain| {
            let client = client.clone();
            let url = format!("https://mta-sts.{domain}:{}/.well-known/mta-sts.txt", bed.https_port());
            tokio::spawn(async move {
                let t = Instant::now();
                let status = client.get(url).send().await.map(|r| r.status().as_u16());
                (status, t.elapsed())
            })
        });
        let mut slowest = Duration::ZERO;
        let mut ok = 0;
        let mut sum = Duration::ZERO;
        for fetch in fetches.collect::<Vec<_>>() {
            let (status, took) = fetch.await.map_err(|e| e.to_string())?;
            if status.as_ref().is_ok_and(|s| *s == 200) {
                ok += 1;
            } else {
                println!("failed: {status:?}");
            }
            slowest = slowest.max(took);
            sum += took;
        }
        println!(
            "1000 concurrent policy fetches at {latency:?} latency: {ok} ok, total {:?}, slowest {slowest:?}, sum of all {sum:?}",
            t.elapsed()
        );
        Ok::<(), String>(())
    })?;
    let t = Instant::now();
    drop(bed);
    println!("teardown: {:?}", t.elapsed());
    Ok(())
}
