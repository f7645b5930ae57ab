//! Throughput of the linters on typical and large inputs: `cargo xtask bench`
//! (or `cargo bench -p mtasts-core --bench lint`).

mod common;

use common::{MX_HOSTS, POLICY, STS, TLSRPT, policy_of_lines, policy_of_size};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use mtasts_core::{Kind, MxHost, lint, lint_policy};
use std::hint::black_box;

fn bench_lint(c: &mut Criterion) {
    let big = policy_of_size(64 * 1024);
    let hosts: Vec<MxHost> = MX_HOSTS.iter().map(|h| MxHost::new(h)).collect();

    let mut g = c.benchmark_group("lint");
    g.throughput(Throughput::Bytes(POLICY.len() as u64));
    g.bench_function("policy_5_lines_crlf", |b| {
        b.iter(|| lint(Kind::Policy, black_box(POLICY)))
    });

    // Fewer samples for the large input, so one run stays short even when it is slow.
    g.sample_size(20);
    g.throughput(Throughput::Bytes(big.len() as u64));
    g.bench_function("policy_64KiB", |b| b.iter(|| lint(Kind::Policy, black_box(&big))));
    // Other large shapes: every rule that walks the lines or the patterns, and findings
    // past a rule's cap (which are counted, not formatted).
    for (name, line) in [
        (
            "policy_64KiB_wildcards",
            (|i| format!("mx: *.mx{i}.example.com")) as fn(usize) -> String,
        ),
        ("policy_64KiB_invalid_mx", |i| format!("mx: mx_{i}.example.com")),
        ("policy_64KiB_unknown_fields", |i| format!("x-field{i}: value")),
    ] {
        let src = policy_of_lines(64 * 1024, line);
        g.throughput(Throughput::Bytes(src.len() as u64));
        g.bench_function(name, |b| b.iter(|| lint(Kind::Policy, black_box(&src))));
    }

    g.sample_size(100);
    g.throughput(Throughput::Bytes(STS.len() as u64));
    g.bench_function("sts_record", |b| b.iter(|| lint(Kind::Sts, black_box(STS))));

    g.throughput(Throughput::Bytes(TLSRPT.len() as u64));
    g.bench_function("tlsrpt_2_uris", |b| b.iter(|| lint(Kind::Tlsrpt, black_box(TLSRPT))));

    g.throughput(Throughput::Bytes(POLICY.len() as u64));
    g.bench_function("policy_with_3_mx_hosts", |b| {
        b.iter(|| lint_policy(black_box(POLICY), Some(black_box(&hosts))))
    });
    g.finish();
}

criterion_group!(benches, bench_lint);
criterion_main!(benches);
