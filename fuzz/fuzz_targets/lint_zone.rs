//! The zone-file linter never panics and keeps the API's promises.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mtasts_core::Kind;

fuzz_target!(|data: &[u8]| {
    mtasts_fuzz::lint_and_check(Kind::Zone, data);
});
