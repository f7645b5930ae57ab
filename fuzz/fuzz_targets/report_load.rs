//! The TLS-RPT report reader never panics on any file (JSON, gzip, e-mail, junk), and
//! aggregating what it loaded never panics either.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let name = match data.first().map(|b| b % 4) {
        Some(0) => "report.json",
        Some(1) => "report.json.gz",
        Some(2) => "report.eml",
        _ => "report",
    };
    let loaded = mtasts_core::report::input::load_file(name, data);
    let aggregate = mtasts_core::report::aggregate::aggregate(&[loaded]);
    assert!(aggregate.total_successful_sessions < u64::MAX);
});
