//! Lint the benchmark's 64 KiB policy N times (default 100), for a profiler:
//! `valgrind --tool=callgrind target/release/examples/lint_profile 100`.

#[path = "../benches/common/mod.rs"]
mod common;

fn main() {
    let n: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(100);
    let big = common::policy_of_size(64 * 1024);
    let mut valid = 0;
    for _ in 0..n {
        valid += usize::from(
            std::hint::black_box(mtasts_core::lint(mtasts_core::Kind::Policy, std::hint::black_box(&big))).valid,
        );
    }
    println!("{valid} of {n} valid");
}
