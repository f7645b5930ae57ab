//! Judging recorded fetch evidence never panics, whatever JSON the shell sends.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(evidence) = serde_json::from_slice::<mtasts_core::fetch::FetchEvidence>(data) {
        let report = mtasts_core::fetch::judge_fetch(&evidence);
        let _ = report.summary();
    }
});
