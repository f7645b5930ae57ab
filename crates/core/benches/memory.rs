//! Memory use of the policy linter against input size, measured with a counting global
//! allocator: `cargo xtask bench` (or `cargo bench -p mtasts-core --bench memory`).
//!
//! For each size it prints the bytes allocated in total while linting (every allocation
//! plus every growth by `realloc`), the peak of live heap bytes above what was live
//! before, and both per input byte. Flat per-byte numbers across sizes mean memory grows
//! linearly with the input.

mod common;

use common::policy_of_size;
use mtasts_core::lint_policy;
use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::time::Instant;

struct Counting;

static TOTAL: AtomicUsize = AtomicUsize::new(0);
static COUNT: AtomicUsize = AtomicUsize::new(0);
static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(by: usize) {
    TOTAL.fetch_add(by, Relaxed);
    let live = LIVE.fetch_add(by, Relaxed) + by;
    PEAK.fetch_max(live, Relaxed);
}

// SAFETY: every method forwards to `System` with the same arguments; the counters have
// no effect on the memory handed out.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            COUNT.fetch_add(1, Relaxed);
            grew(layout.size());
        }
        p
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            COUNT.fetch_add(1, Relaxed);
            grew(layout.size());
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Relaxed);
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            COUNT.fetch_add(1, Relaxed);
            if new_size >= layout.size() {
                grew(new_size - layout.size());
            } else {
                LIVE.fetch_sub(layout.size() - new_size, Relaxed);
            }
        }
        p
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

struct Measured {
    total: usize,
    peak: usize,
    count: usize,
    diagnostics: usize,
    seconds: f64,
}

/// Lint once and count what the call allocated (the report included, until dropped).
fn measure(src: &[u8]) -> Measured {
    let live_before = LIVE.load(Relaxed);
    TOTAL.store(0, Relaxed);
    COUNT.store(0, Relaxed);
    PEAK.store(live_before, Relaxed);
    let started = Instant::now();
    let report = black_box(lint_policy(black_box(src), None));
    let seconds = started.elapsed().as_secs_f64();
    let total = TOTAL.load(Relaxed);
    let count = COUNT.load(Relaxed);
    let peak = PEAK.load(Relaxed) - live_before;
    let diagnostics = report.diagnostics.len();
    drop(report);
    Measured {
        total,
        peak,
        count,
        diagnostics,
        seconds,
    }
}

fn main() {
    // `cargo bench` passes `--bench` (and any filter); there is nothing to choose here.
    let sizes = [1usize << 10, 16 << 10, 64 << 10, 256 << 10, 1 << 20];
    println!("memory: lint_policy on CRLF policies of many `mx:` lines (counting allocator)");
    println!(
        "{:>9} {:>9} {:>12} {:>9} {:>11} {:>7} {:>11} {:>5} {:>10}",
        "size", "input B", "allocated B", "alloc/B", "peak live B", "peak/B", "allocs", "diags", "time"
    );
    measure(&policy_of_size(1 << 10)); // warm up: one-time allocations are not the input's
    let mut per_byte = Vec::new();
    let mut alloc_per_byte = Vec::new();
    for size in sizes {
        let src = policy_of_size(size);
        let m = measure(&src);
        let alloc_pb = m.total as f64 / src.len() as f64;
        let peak_pb = m.peak as f64 / src.len() as f64;
        per_byte.push(peak_pb);
        alloc_per_byte.push(alloc_pb);
        println!(
            "{:>9} {:>9} {:>12} {:>9.2} {:>11} {:>7.2} {:>11} {:>5} {:>9.4}s",
            label(size),
            src.len(),
            m.total,
            alloc_pb,
            m.peak,
            peak_pb,
            m.count,
            m.diagnostics,
            m.seconds
        );
    }
    let alloc_growth = alloc_per_byte.last().unwrap_or(&0.0) / alloc_per_byte.first().unwrap_or(&1.0);
    println!(
        "memory: total bytes allocated per input byte grows {alloc_growth:.0}x from 1 KiB to 1 MiB \
         (about 1x means linear; ~1000x means allocation work grows with the square of the input)"
    );
    let (lo, hi) = per_byte[1..]
        .iter()
        .fold((f64::MAX, 0f64), |(lo, hi), &x| (lo.min(x), hi.max(x)));
    println!(
        "memory: peak live bytes per input byte from 16 KiB to 1 MiB: {lo:.2} .. {hi:.2} \
         (spread {:.2}x; about 1x means linear)",
        hi / lo
    );
}

fn label(size: usize) -> String {
    if size >= 1 << 20 {
        format!("{} MiB", size >> 20)
    } else {
        format!("{} KiB", size >> 10)
    }
}
