//! Lint the benchmark's 64 KiB policy N times (default 100), for a profiler:
//! `valgrind --tool=callgrind target/release/examples/lint_profile 100 [parse]`.
//! With `parse`, only the line model is built; with `rules`, the rules run on it too.

#[path = "../benches/common/mod.rs"]
mod common;

use std::hint::black_box;

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(100);
    let stage = args.next().unwrap_or_default();
    let big = common::policy_of_size(64 * 1024);
    let mut valid = 0;
    for _ in 0..n {
        if stage == "parse" {
            let doc = mtasts_core::mta_sts::PolicyDoc::parse(black_box(&big));
            valid += usize::from(black_box(&doc).mx_count() > 0);
        } else if stage == "rules" {
            let doc = mtasts_core::mta_sts::PolicyDoc::parse(black_box(&big));
            let mut sink = mtasts_core::diagnostic::Sink::new();
            mtasts_core::rules::policy::check_all(&doc, &mut sink);
            black_box(&sink);
            valid += 1;
        } else {
            valid += usize::from(black_box(mtasts_core::lint(mtasts_core::Kind::Policy, black_box(&big))).valid);
        }
    }
    println!("{valid} of {n} valid");
}
